import { readFileSync } from "node:fs";
import type { Weights } from "../spec/traffic.js";
import { writeFileAtomic } from "./files.js";
import type { WeightsStore } from "./rollout.js";
import { readServiceWeights, writeServiceWeights } from "./stack-file.js";

/** One service's weights in a stack config file on disk, edited in place (comments and layout kept). */
export function stackFileWeights(file: string, service: string): WeightsStore {
  return {
    read: () => readServiceWeights(readFileSync(file, "utf8"), file, service).weights,
    write: (weights: Weights) => writeFileAtomic(file, writeServiceWeights(readFileSync(file, "utf8"), file, service, weights)),
  };
}
