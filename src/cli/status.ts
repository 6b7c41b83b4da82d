import type { Command } from "commander";
import { colors, EXIT, UsageError, type Io } from "./io.js";
import { loadValidFleet } from "./load-fleet.js";
import type { SetExit } from "./main.js";

interface StatusFlags {
  json?: boolean;
  watch?: boolean;
  interval?: string;
  insights: boolean;
  to?: string;
  refreshInsights?: boolean;
}

export function registerStatus(program: Command, io: Io, setExit: SetExit): void {
  program
    .command("status")
    .description("read-only live view through the AWS SDK: cluster and node group versions and updates, EKS upgrade insights for the next version, live weights against the config (drift), target health; exit 1 on drift, a failed read or an ERROR upgrade insight")
    .argument("<stack-config>", "the Pulumi stack config, e.g. stacks/Pulumi.migration.yaml")
    .option("--json", "print the status as JSON (with --watch: one JSON document a line, a line per read)")
    .option("--watch", "read again every --interval and redraw the view in place until Ctrl-C (exit 0); AWS throttling slows the reads down instead of ending them")
    .option("--interval <duration>", "time between reads with --watch: 5s to 60m, e.g. 30s or 2m (default 15s)")
    .option("--to <version>", "read EKS's upgrade insights for every minor from each cluster's version up to this one, e.g. 1.35 (default: each cluster's next minor)")
    .option("--refresh-insights", "ask EKS to run its upgrade insight checks again (eks:StartInsightsRefresh) and wait up to 30 s for them before reading")
    .option("--no-insights", "read no upgrade insights (eks:ListInsights, eks:DescribeInsight)")
    .action(async (file: string, options: StatusFlags) => {
      const watch = await import("../traffic/watch.js");
      if (options.interval !== undefined && !options.watch) throw new UsageError("--interval applies to --watch only; add --watch or drop --interval");
      let intervalSeconds = watch.DEFAULT_WATCH_INTERVAL_SECONDS;
      try {
        if (options.interval !== undefined) intervalSeconds = watch.parseWatchInterval(options.interval);
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
      if (!options.insights && (options.to !== undefined || options.refreshInsights)) throw new UsageError("--to and --refresh-insights choose which upgrade insights to read; drop them or --no-insights");
      const { VERSION_PATTERN } = await import("../fleet/versions.js");
      if (options.to !== undefined && !VERSION_PATTERN.test(options.to)) throw new UsageError(`--to ${JSON.stringify(options.to)} is not a Kubernetes minor version: write it as 1.NN, e.g. --to 1.35`);
      const { fleet, region } = await loadValidFleet(file);
      const { gatherStatus, statusFindings } = await import("../traffic/status.js");
      const { formatStatus } = await import("../traffic/format-status.js");
      const { createAwsClients } = await import("../traffic/aws/clients.js");
      const clients = createAwsClients(region);
      // Insights are read once per cluster and kept (EKS refreshes them daily); a watch asks for a refresh on its first read only.
      const cache = new Map();
      let reads = 0;
      const insights = (): import("../traffic/status.js").StatusOptions["insights"] => !options.insights ? false : {
        cache, ...(options.to !== undefined ? { to: options.to } : {}), ...(options.refreshInsights && reads === 0 ? { refresh: true } : {}),
      };
      const read = async () => {
        const status = await gatherStatus(clients, fleet, { ...(region === undefined ? {} : { region }), insights: insights() });
        reads++;
        return status;
      };
      if (!options.watch) {
        const status = await read();
        io.out(options.json ? JSON.stringify(status, null, 2) : formatStatus(status, colors(io)));
        setExit(statusFindings(status).length > 0 ? EXIT.failed : EXIT.ok);
        return;
      }

      const paint = colors(io);
      const terminal = options.json ? undefined : io.stdoutTerminal;
      const live = terminal ? await (await import("./live.js")).liveText(terminal) : undefined;
      const stop = new AbortController();
      const unsubscribe = io.onInterrupt?.(() => stop.abort()) ?? (() => {});
      try {
        await watch.watchStatus({
          intervalSeconds,
          signal: stop.signal,
          read,
          draw: (frame) => {
            if (options.json) {
              io.out(JSON.stringify(frame.status ? { ...frame.status, ...(frame.error ? { error: frame.error } : {}) } : { error: frame.error }));
              return;
            }
            const footer = [
              frame.error ? paint.red(`read ${frame.reads} failed: ${frame.error}${frame.status ? `; showing the read of ${frame.status.readAt}` : ""}`) : "",
              frame.throttled > 0 ? paint.yellow(`AWS throttled ${frame.throttled} read(s) past the SDK's retries: backing off`) : "",
              paint.dim(`read ${frame.reads}, every ${intervalSeconds}s; next read in ${frame.nextReadSeconds}s; Ctrl-C stops`),
            ].filter((l) => l !== "");
            const text = [...(frame.status ? [formatStatus(frame.status, paint), ""] : []), ...footer].join("\n");
            if (live) live.update(text);
            else io.out(`${text}\n`);
          },
        });
      } finally {
        unsubscribe();
        live?.done();
      }
      setExit(EXIT.ok);
    });
}
