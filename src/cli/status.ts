import type { Command } from "commander";
import { colors, EXIT, type Io } from "./io.js";
import { loadValidFleet } from "./load-fleet.js";
import type { SetExit } from "./main.js";

export function registerStatus(program: Command, io: Io, setExit: SetExit): void {
  program
    .command("status")
    .description("read-only live view through the AWS SDK: cluster and node group versions and updates, live weights against the config (drift), target health; exit 1 on drift or a failed read")
    .argument("<stack-config>", "the Pulumi stack config, e.g. stacks/Pulumi.migration.yaml")
    .option("--json", "print the status as JSON")
    .action(async (file: string, options: { json?: boolean }) => {
      const { fleet, region } = await loadValidFleet(file);
      const { gatherStatus, statusFindings } = await import("../traffic/status.js");
      const { formatStatus } = await import("../traffic/format-status.js");
      const { createAwsClients } = await import("../traffic/aws/clients.js");
      const status = await gatherStatus(createAwsClients(region), fleet, region === undefined ? {} : { region });
      io.out(options.json ? JSON.stringify(status, null, 2) : formatStatus(status, colors(io)));
      setExit(statusFindings(status).length > 0 ? EXIT.failed : EXIT.ok);
    });
}
