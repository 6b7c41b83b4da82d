/**
 * The fault suite for weight edits: concurrent shifts, symbolic links, read-only files, planted
 * temporary-file links, anchors and line endings. Each of these lost or corrupted an edit before.
 */
import { execFile } from "node:child_process";
import { chmodSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { lock } from "proper-lockfile";
import { stringify } from "yaml";
import { main } from "../../src/cli/main.js";
import { editFile, FileEditError } from "../../src/traffic/files.js";
import { readServiceWeights } from "../../src/traffic/stack-file.js";
import { stackFileWeights } from "../../src/traffic/weights-file.js";
import { runBaton as baton } from "../support/cli.js";
import { edit, migrationFleet, TODAY } from "../support/fleets.js";
import { captureIo } from "../support/io.js";

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "../..");
const SERVICES = 6;

/** The migration fleet with `count` ALB services web0..webN-1, each at blue 100 / green 0. */
function manyServices(count: number): string {
  const fleet = edit(migrationFleet(), (f) => {
    const web = f.services.web;
    f.services = {};
    for (let i = 0; i < count; i++) f.services[`web${i}`] = { ...structuredClone(web), alb: { ...structuredClone(web.alb), priority: 10 + i }, weights: { blue: 100, green: 0 } };
  });
  return stringify({ config: { "aws:region": "us-east-1", "baton:fleet": fleet } });
}

async function shift(...args: string[]) {
  const io = captureIo();
  const code = await main(["node", "baton", "shift", ...args], io);
  return { code, out: io.stdout(), err: io.stderr() };
}

const weightsIn = (file: string, service: string) => readServiceWeights(readFileSync(file, "utf8"), file, service).weights;
const freshDir = () => mkdtempSync(path.join(tmpdir(), "baton-edits-"));

describe("concurrent shifts of one file", () => {
  it(`${SERVICES} baton processes at once, each on its own service: every edit is applied or refused, none lost`, async () => {
    const dir = freshDir();
    const file = path.join(dir, "Pulumi.prod.yaml");
    writeFileSync(file, manyServices(SERVICES));
    const results = await Promise.all(Array.from({ length: SERVICES }, (_, i) =>
      run(process.execPath, ["--import", "tsx", path.join(ROOT, "test/support/baton-cli.ts"), "shift", file, `web${i}`, `green=${i + 1}%`], { cwd: ROOT })
        .then((r) => ({ i, code: 0, out: r.stdout, err: r.stderr }), (e: { code: number; stdout: string; stderr: string }) => ({ i, code: e.code, out: e.stdout, err: e.stderr }))));
    for (const r of results) {
      const now = weightsIn(file, `web${r.i}`);
      if (r.code === 0) {
        // Printed "set": the edit is in the file.
        expect(r.out).toContain(`set web${r.i}:`);
        expect(now).toEqual({ blue: 100 - (r.i + 1), green: r.i + 1 });
      } else {
        // Refused: said so, and the service is untouched.
        expect(r.err).toContain("refused");
        expect(now).toEqual({ blue: 100, green: 0 });
      }
    }
    // With the lock, each waits its turn: all of them go through.
    expect(results.filter((r) => r.code === 0)).toHaveLength(SERVICES);
    expect(readdirSync(dir).sort()).toEqual(["Pulumi.prod.yaml"]);
  }, 120_000);

  it("refuses, writing nothing, when the file changes between reading and renaming (a writer that takes no lock)", async () => {
    const dir = freshDir();
    const file = path.join(dir, "Pulumi.prod.yaml");
    writeFileSync(file, "a: 1\n");
    const attempt = editFile(file, (text) => {
      writeFileSync(file, "a: 2\n"); // an editor saves meanwhile
      return text.replace("1", "3");
    });
    await expect(attempt).rejects.toThrow(/changed since baton read it/);
    expect(readFileSync(file, "utf8")).toBe("a: 2\n");
    expect(readdirSync(dir)).toEqual(["Pulumi.prod.yaml"]);
  });

  it("waits for another edit's lock, then edits what that edit left; refuses when the lock is not released in time", async () => {
    const dir = freshDir();
    const file = path.join(dir, "Pulumi.prod.yaml");
    writeFileSync(file, manyServices(2));
    const release = await lock(file);
    const waiting = shift(file, "web0", "green=5%");
    await new Promise((r) => setTimeout(r, 300));
    writeFileSync(file, readFileSync(file, "utf8").replace(/weights:\n(\s+)blue: 100\n\s+green: 0\n(\s+)(?=\S)/, "$&")); // unchanged bytes
    await release();
    expect((await waiting).code).toBe(0);
    expect(weightsIn(file, "web0")).toEqual({ blue: 95, green: 5 });

    const held = await lock(file);
    try {
      await expect(editFile(file, () => "x: 1\n", { lockWaitMs: 500 })).rejects.toMatchObject({ reason: "locked" });
    } finally {
      await held();
    }
  }, 60_000);

  it("a rollout's write refuses to overwrite someone else's change to the same service's weights", async () => {
    const dir = freshDir();
    const file = path.join(dir, "Pulumi.prod.yaml");
    writeFileSync(file, manyServices(1));
    const store = stackFileWeights(file, "web0");
    expect(store.read()).toEqual({ blue: 100, green: 0 });
    expect((await shift(file, "web0", "green=50%")).code).toBe(0); // a person moves the traffic
    await expect(store.write({ blue: 90, green: 10 })).rejects.toBeInstanceOf(FileEditError);
    expect(weightsIn(file, "web0")).toEqual({ blue: 50, green: 50 });
  });
});

describe("files as they are on disk", () => {
  it("edits a symbolic link's target; the link stays a link", async () => {
    const dir = freshDir();
    const target = path.join(dir, "real.yaml");
    const link = path.join(dir, "Pulumi.prod.yaml");
    writeFileSync(target, manyServices(1));
    symlinkSync("real.yaml", link);
    expect((await shift(link, "web0", "green=10%")).code).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe("real.yaml");
    expect(weightsIn(target, "web0")).toEqual({ blue: 90, green: 10 });
  });

  it("keeps the file's mode; refuses a read-only file, leaving it as it was", async () => {
    const dir = freshDir();
    const file = path.join(dir, "Pulumi.prod.yaml");
    writeFileSync(file, manyServices(1));
    chmodSync(file, 0o600);
    expect((await shift(file, "web0", "green=10%")).code).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    chmodSync(file, 0o444);
    const before = readFileSync(file, "utf8");
    const refused = await shift(file, "web0", "green=20%");
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("is read-only (mode 0444)");
    expect(readFileSync(file, "utf8")).toBe(before);
    expect(statSync(file).mode & 0o777).toBe(0o444);
  });

  it("never writes through a link planted where the temporary file used to go", async () => {
    const dir = freshDir();
    const file = path.join(dir, "Pulumi.prod.yaml");
    const victim = path.join(dir, "victim.txt");
    writeFileSync(file, manyServices(1));
    writeFileSync(victim, "precious\n");
    // The old predictable name, for this process and its neighbours.
    for (let pid = process.pid - 5; pid <= process.pid + 5; pid++) symlinkSync(victim, `${file}.baton-${pid}.tmp`);
    expect((await shift(file, "web0", "green=10%")).code).toBe(0);
    expect(readFileSync(victim, "utf8")).toBe("precious\n");
    expect(weightsIn(file, "web0")).toEqual({ blue: 90, green: 10 });
    // The temporary file had a name of its own, and is gone.
    expect(readdirSync(dir).filter((n) => n.includes("baton-tmp"))).toEqual([]);
  });

  it("refuses to edit an anchored or aliased weight, which would change another field too", async () => {
    const dir = freshDir();
    const file = path.join(dir, "Pulumi.prod.yaml");
    // The weight is anchored, and the gate below reuses it through an alias.
    const anchored = manyServices(1).replace(/( +)weights:\n( +)blue: 100\n( +)green: 0\n/, "$1weights:\n$2blue: 100\n$3green: &p 0\n$1gates: { minHealthyTargets: *p }\n");
    expect(anchored).toContain("*p");
    writeFileSync(file, anchored);
    const before = readFileSync(file, "utf8");
    const result = await shift(file, "web0", "green=10%");
    expect(result.code).toBe(2);
    expect(result.err).toContain("baton:fleet.services.web0.weights.green is a YAML anchor or alias");
    expect(readFileSync(file, "utf8")).toBe(before);
  });

  it("keeps CRLF line endings on the lines it adds", async () => {
    const dir = freshDir();
    const file = path.join(dir, "Pulumi.prod.yaml");
    const crlf = manyServices(1).replace(/( +)green: 0\n/, "").replace(/\n/g, "\r\n");
    writeFileSync(file, crlf);
    expect((await shift(file, "web0", "green=10%")).code).toBe(0);
    const after = readFileSync(file, "utf8");
    expect(after.replace(/\r\n/g, "")).not.toContain("\n");
    expect(weightsIn(file, "web0")).toEqual({ blue: 90, green: 10 });
  });

  it("reads a file with CR-only line endings (classic Mac OS, which YAML and Pulumi take as line breaks) and keeps them on the lines it adds", async () => {
    const dir = freshDir();
    const file = path.join(dir, "Pulumi.prod.yaml");
    const cr = manyServices(1).replace(/( +)green: 0\n/, "").replace(/\n/g, "\r");
    writeFileSync(file, cr);
    expect((await baton("validate", file, "--today", TODAY)).code).toBe(0);
    expect((await shift(file, "web0", "green=10%")).code).toBe(0);
    const after = readFileSync(file, "utf8");
    expect(after).not.toContain("\n");
    expect(after.split("\r").length).toBe(cr.split("\r").length + 1);
    expect(weightsIn(file, "web0")).toEqual({ blue: 90, green: 10 });
  });
});
