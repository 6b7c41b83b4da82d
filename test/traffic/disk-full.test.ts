/**
 * A disk that fills up while `baton shift` writes: the write fails with ENOSPC (simulated at the
 * write call, since a real full file system cannot be made here), the stack file is left as it
 * was, no temporary file is left beside it, and the command exits 3 naming the file, not 2 (the
 * usage code, which would send a user looking for a typo).
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { main } from "../../src/cli/main.js";
import { edit, migrationFleet } from "../support/fleets.js";
import { captureIo } from "../support/io.js";

const disk = vi.hoisted(() => ({ full: false }));

vi.mock("node:fs", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs")>();
  const writeSync = ((...args: Parameters<typeof fs.writeSync>) => {
    if (disk.full) throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC", errno: -28, syscall: "write" });
    return (fs.writeSync as (...a: unknown[]) => number)(...args);
  }) as typeof fs.writeSync;
  return { ...fs, default: { ...fs, writeSync }, writeSync };
});

describe("baton shift on a full disk", () => {
  it("leaves the file as it was and exits 3, naming the file and the cause", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "baton-full-"));
    const file = path.join(dir, "Pulumi.prod.yaml");
    writeFileSync(file, stringify({ config: { "aws:region": "us-east-1", "baton:fleet": edit(migrationFleet(), (f) => { f.services.web.weights = { blue: 90, green: 10 }; }) } }));
    const before = readFileSync(file, "utf8");
    const io = captureIo();
    disk.full = true;
    let code;
    try {
      code = await main(["node", "baton", "shift", file, "web", "green=50%"], io);
    } finally {
      disk.full = false;
    }
    expect(code).toBe(3);
    expect(io.stderr()).toContain(`baton: cannot write ${file}: no space left on the device (ENOSPC); the file is unchanged`);
    expect(readFileSync(file, "utf8")).toBe(before);
    expect(readdirSync(dir).sort()).toEqual(["Pulumi.prod.yaml"]);
  });
});
