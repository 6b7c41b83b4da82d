/**
 * The offline preview through the library, in one process, as `baton preview --from` runs it by
 * default: capture the fleet as deployed and with one weight changed (each under Pulumi's mock
 * runtime), diff the two graphs, build the review and render the pull-request comment. Checks the
 * result is the one expected change (untimed). `npx tsx bench/cases/offline-preview.ts <clusters>`
 */
import { performance } from "node:perf_hooks";
import { captureProgram } from "../../src/preview/capture.js";
import { countOps } from "../../src/preview/model.js";
import { offlinePreview } from "../../src/preview/offline-preview.js";
import { renderMarkdown } from "../../src/preview/render-markdown.js";
import { runFleetProgram } from "../../stacks/program.js";
import { TODAY } from "../../test/support/fleets.js";
import { report } from "../lib/child.js";
import { benchFleet, withOneWeightChanged } from "../lib/fleet-files.js";

async function main(): Promise<void> {
  const clusters = Number(process.argv[2]);
  if (!Number.isInteger(clusters) || clusters < 1) throw new Error("usage: offline-preview.ts <clusters>");
  const base = benchFleet(clusters);
  const head = withOneWeightChanged(base);
  let resources = 0;
  let captureMs = 0;
  const capture = async (fleet: unknown) => {
    const started = performance.now();
    const captured = await captureProgram(() => runFleetProgram(fleet, { today: TODAY }));
    captureMs += performance.now() - started;
    resources += captured.resources.length;
    return captured;
  };

  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const { review } = await offlinePreview({ base, head, subject: `${clusters} clusters`, capture, today: TODAY });
  const comment = renderMarkdown(review);
  const end = performance.now();
  const cpu = process.cpuUsage(cpuStart);

  const counts = countOps(review.changes);
  const changed = review.changes.filter((c) => c.op !== "same");
  if (changed.length !== 1 || counts.update !== 1 || changed[0]?.type !== "aws:route53/record:Record" || review.verdict?.allowed !== true) {
    throw new Error(`expected one allowed Route53 record update, got ${JSON.stringify(counts)}: ${changed.map((c) => `${c.op} ${c.name}`).join(", ")}`);
  }
  report({
    clusters, resources, captureMs, diffAndCommentMs: end - start - captureMs, ms: end - start,
    cpuMs: (cpu.user + cpu.system) / 1000, commentChars: comment.length,
  });
}

main().catch((error: unknown) => { console.error(error); process.exit(1); });
