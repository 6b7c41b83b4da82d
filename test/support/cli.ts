import { writeFileSync } from "node:fs";
import path from "node:path";
import { stringify } from "yaml";
import { main } from "../../src/cli/main.js";
import { captureIo } from "./io.js";

/** Runs the `baton` command in-process; resolves to its exit code and what it printed. */
export async function runBaton(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo();
  const code = await main(["node", "baton", ...args], io);
  return { code, out: io.stdout(), err: io.stderr() };
}

/** Writes `fleet` as a stack config (`baton:fleet` under `config:`) in `dir`; returns its path. */
export function writeStackFile(dir: string, name: string, fleet: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, stringify({ config: { "aws:region": "us-east-1", "baton:fleet": fleet } }));
  return file;
}
