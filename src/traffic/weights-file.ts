import { formatWeights, type Weights } from "../fleet/traffic.js";
import { DEFAULT_INPUT_LIMITS, type InputLimits } from "../fleet/input-file.js";
import { editFile, editTarget, FileEditError } from "./files.js";
import { readInputFile } from "../fleet/input-file.js";
import type { WeightsStore } from "./rollout.js";
import { readServiceWeights, writeServiceWeights } from "./stack-file.js";
import { sameWeights } from "./weights.js";

/**
 * One service's weights in a stack config file on disk, edited in place (comments and layout kept).
 * Each write is a locked, compare-before-rename edit (see files.ts), and refuses when the service's
 * weights in the file are no longer the ones this store last read or wrote: someone else moved
 * this service's traffic, and a rollout must not overwrite a person's decision.
 */
export function stackFileWeights(file: string, service: string, limits: InputLimits = DEFAULT_INPUT_LIMITS): WeightsStore {
  let known: Weights | undefined;
  const readNow = () => readServiceWeights(readInputFile(editTarget(file), limits), file, service).weights;
  return {
    read: () => {
      const now = readNow();
      // What this store first saw is its baseline; later reads must not adopt someone else's edit.
      known ??= now;
      return now;
    },
    write: async (weights: Weights) => {
      await editFile(file, (text) => {
        const current = readServiceWeights(text, file, service).weights;
        if (known !== undefined && !sameWeights(current, known)) {
          throw new FileEditError(`${file}: ${service}'s weights were changed to ${formatWeights(current)} by someone else (baton last saw ${formatWeights(known)}); baton leaves them as they are`, "changed");
        }
        return writeServiceWeights(text, file, service, weights);
      }, { limits });
      known = { ...weights };
    },
  };
}
