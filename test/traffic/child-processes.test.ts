/**
 * A `pulumi` that hangs and ignores SIGINT, with a plugin-like grandchild in its process group
 * that ignores SIGINT and SIGTERM: baton's bound on child processes still ends the whole group,
 * on a timeout or on repeated stop requests, and leaves no process of it behind.
 */
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { validateFleet } from "../../src/fleet/validate.js";
import { ChildProcesses } from "../../src/traffic/child-processes.js";
import { pulumiCliApplier } from "../../src/traffic/pulumi-stack.js";
import { migrationFleet, TODAY } from "../support/fleets.js";

const dir = mkdtempSync(path.join(tmpdir(), "baton-children-"));
const pgidFile = path.join(dir, "pgid");
const stuck = path.join(dir, "pulumi");
// Ignores SIGINT (and SIGTERM when IGNORE_TERM is set); its grandchild ignores both.
writeFileSync(stuck, `#!/bin/sh
trap '' INT
if [ -n "$IGNORE_TERM" ]; then trap '' TERM; fi
sh -c "trap '' INT TERM; while :; do sleep 1; done" &
echo $$ > "${pgidFile}"
while :; do sleep 0.1; done
`);
chmodSync(stuck, 0o755);

/** Processes of group `pgid` that are alive (not zombies waiting for a parent to reap them). */
function liveMembers(pgid: number): number[] {
  return readdirSync("/proc").filter((p) => /^\d+$/.test(p)).flatMap((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      return Number(fields[2]) === pgid && fields[0] !== "Z" ? [Number(pid)] : [];
    } catch {
      return [];
    }
  });
}

/** Every group a test started: killed at the end whatever the test's outcome, so a failing test leaves nothing behind either. */
const groups: number[] = [];
afterAll(() => {
  for (const pgid of groups) {
    try {
      process.kill(-pgid, "SIGKILL");
    } catch {
      // Gone, as it should be.
    }
  }
});

async function started(): Promise<number> {
  while (!existsSync(pgidFile) || readFileSync(pgidFile, "utf8").trim() === "") await new Promise((r) => setTimeout(r, 20));
  const pgid = Number(readFileSync(pgidFile, "utf8"));
  groups.push(pgid);
  // The grandchild is up too.
  while (liveMembers(pgid).length < 3) await new Promise((r) => setTimeout(r, 20));
  return pgid;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeEach(() => rmSync(pgidFile, { force: true }));

describe.runIf(existsSync("/proc/self/stat"))("a child process that hangs and ignores SIGINT", () => {
  it("is stopped at its timeout: SIGINT, then SIGTERM a grace period later, and its whole group is gone", async () => {
    const children = new ChildProcesses({ timeoutMs: 500, graceMs: 300 });
    const begun = Date.now();
    const running = children.run(stuck, [], { cwd: dir, role: "read", maxOutputBytes: 1024 });
    const pgid = await started();
    const result = await running;
    expect(result.stopped).toEqual({ why: "timeout", signals: ["SIGINT", "SIGTERM"] });
    expect(result.signal).toBe("SIGTERM");
    expect(Date.now() - begun).toBeLessThan(10_000);
    // The grandchild ignored SIGTERM too: it went with its group when the command exited.
    expect(liveMembers(pgid)).toEqual([]);
  });

  it("an update is left running on the first stop request; each later one climbs the ladder at once, to SIGKILL", async () => {
    const children = new ChildProcesses({ timeoutMs: 600_000, graceMs: 600_000 });
    const begun = Date.now();
    const running = children.run(stuck, [], { cwd: dir, role: "update", maxOutputBytes: 1024, env: { ...process.env, IGNORE_TERM: "1" } });
    const pgid = await started();
    expect(children.stop()).toBeUndefined();
    await sleep(200);
    expect(liveMembers(pgid)).toContain(pgid);
    expect(children.stop()).toBe("SIGINT");
    await sleep(200);
    expect(children.stop()).toBe("SIGTERM");
    await sleep(200);
    expect(liveMembers(pgid)).toContain(pgid);
    expect(children.stop()).toBe("SIGKILL");
    const result = await running;
    expect(result.stopped).toEqual({ why: "stop", signals: ["SIGINT", "SIGTERM", "SIGKILL"] });
    expect(Date.now() - begun).toBeLessThan(10_000);
    expect(liveMembers(pgid)).toEqual([]);
  });

  it("a read is interrupted on the first stop request and climbs on by itself", async () => {
    const children = new ChildProcesses({ timeoutMs: 600_000, graceMs: 300 });
    const running = children.run(stuck, [], { cwd: dir, role: "read", maxOutputBytes: 1024, env: { ...process.env, IGNORE_TERM: "1" } });
    const pgid = await started();
    expect(children.stop()).toBe("SIGINT");
    expect((await running).stopped).toEqual({ why: "stop", signals: ["SIGINT", "SIGTERM", "SIGKILL"] });
    expect(liveMembers(pgid)).toEqual([]);
  });

  it("the rollout's pulumi commands run within the bound: a stack export that hangs is stopped at the timeout, with the signals named", async () => {
    const validation = validateFleet(migrationFleet(), { today: TODAY });
    if (!validation.ok) throw new Error("fixture fleet is invalid");
    const applier = pulumiCliApplier({ workDir: dir, stackName: "prod" }, validation.fleet, "web", { command: stuck, processes: new ChildProcesses({ timeoutMs: 1000, graceMs: 200 }) });
    await expect(applier.otherChanges()).rejects.toThrow("pulumi stack export did not finish within 1s; baton sent SIGINT, then SIGTERM to its process group");
    const pgid = Number(readFileSync(pgidFile, "utf8"));
    groups.push(pgid);
    expect(liveMembers(pgid)).toEqual([]);
  });
});
