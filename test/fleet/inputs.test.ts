/**
 * Inputs with bounds: every file is read within a size cap, only regular files are read, the
 * encoding is checked, YAML is parsed in linear time with duplicate keys still reported and
 * aliases limited, and names JavaScript objects already use are refused.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { main } from "../../src/cli/main.js";
import { parseManifests } from "../../src/checks/manifest.js";
import { decodeText, InputFileError, parseByteSize, readInputFile } from "../../src/fleet/input-file.js";
import { formatProblem } from "../../src/fleet/problems.js";
import { parseStackConfig } from "../../src/fleet/stack-config.js";
import { validateFleet } from "../../src/fleet/validate.js";
import { edit, migrationFleet, TODAY } from "../support/fleets.js";
import { captureIo } from "../support/io.js";
import { runBaton as baton } from "../support/cli.js";

const dir = mkdtempSync(path.join(tmpdir(), "baton-inputs-"));
const stack = (fleet: unknown) => stringify({ config: { "baton:fleet": fleet } });


describe("reading files with bounds", () => {
  it("refuses a FIFO and a device without reading from them", async () => {
    const fifo = path.join(dir, "Pulumi.fifo.yaml");
    execFileSync("mkfifo", [fifo]);
    // A blocking read of a FIFO with no writer never returns; this one must return at once.
    expect(() => readInputFile(fifo)).toThrow(/is a FIFO \(named pipe\), not a regular file/);
    const r = await baton("validate", "/dev/zero");
    expect(r.code).toBe(2);
    expect(r.err).toContain("cannot read /dev/zero: it is a character device, not a regular file");
  });

  it("refuses a file over the size cap, naming the flag that raises it; the flag raises it", async () => {
    const file = path.join(dir, "Pulumi.big.yaml");
    writeFileSync(file, `${stack(migrationFleet())}# ${"x".repeat(200_000)}\n`);
    const refused = await baton("--max-input-size", "100KiB", "validate", file);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain(`${file} is larger than 100 KiB, the most baton reads from one file`);
    expect(refused.err).toContain("--max-input-size");
    expect((await baton("--max-input-size", "1MiB", "validate", file)).code).not.toBe(2);
    expect((await baton("--max-input-size", "lots", "validate", file)).err).toContain('--max-input-size: "lots" is not a size');
    expect(parseByteSize("8MiB")).toBe(8 * 2 ** 20);
    expect(parseByteSize("0")).toBeUndefined();
  });

  it("a file larger than Node.js can hold as text is refused by name and bound, whatever --max-input-size allows", async () => {
    // A sparse 5 GiB file: nothing is written to disk, and nothing may be read from it.
    const file = path.join(dir, "Pulumi.huge.yaml");
    writeFileSync(file, "");
    truncateSync(file, 5 * 2 ** 30);
    const r = await baton("--max-input-size", "8G", "validate", file);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(new RegExp(`^baton: ${file} is 5 GiB; baton reads at most \\d+(\\.\\d)? MiB from one file \\(the largest text Node\\.js can hold\\), whatever --max-input-size says`));
    rmSync(file);
  });

  it("names UTF-16 and UTF-32 instead of reading them as an empty config", async () => {
    const text = stack(migrationFleet());
    const utf16le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
    const file = path.join(dir, "Pulumi.utf16.yaml");
    writeFileSync(file, utf16le);
    const r = await baton("validate", file);
    expect(r.code).toBe(2);
    expect(r.err).toContain("is encoded as UTF-16 (little-endian); baton reads UTF-8 only");
    expect(r.err).toContain("iconv -f UTF-16LE -t UTF-8");
    // Without a byte-order mark too, and big-endian, and UTF-32.
    expect(() => decodeText(Buffer.from(text, "utf16le"), "f")).toThrow(/UTF-16 \(little-endian\)/);
    expect(() => decodeText(Buffer.from(Buffer.from(text, "utf16le")).swap16(), "f")).toThrow(/UTF-16 \(big-endian\)/);
    expect(() => decodeText(Buffer.from([0, 0, 0xfe, 0xff, 0, 0, 0, 0x61]), "f")).toThrow(/UTF-32 \(big-endian\)/);
    expect(() => decodeText(Buffer.from([0xc3, 0x28]), "f")).toThrow(InputFileError);
    // A UTF-8 byte-order mark is kept, and the file still reads.
    expect(decodeText(Buffer.from(`\ufeff${text}`, "utf8"), "f").charCodeAt(0)).toBe(0xfeff);
    expect(parseStackConfig(`\ufeff${text}`, "f").fleet).toBeDefined();
  });
});

describe("YAML in linear time, bounded", () => {
  it("still reports duplicate keys, with both lines", () => {
    const config = parseStackConfig("config:\n  baton:fleet:\n    name: a\n    name: b\n", "Pulumi.dup.yaml");
    expect(config.problems).toHaveLength(1);
    expect(config.problems[0]).toMatchObject({ rule: "yaml-syntax", path: "Pulumi.dup.yaml" });
    expect(config.problems[0]!.message).toBe('Map keys must be unique: "name" repeated at line 4, column 5 (first at line 3)');
    // 1 and "1" are different keys, as the library itself judges them.
    expect(parseStackConfig('config:\n  x:\n    1: a\n    "1": b\n', "f").problems).toEqual([]);
  });

  it("a large map parses; its duplicate is found wherever it is", () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `      k${i}: v`).join("\n");
    expect(parseStackConfig(`config:\n  baton:fleet:\n    labels:\n${keys}\n`, "f").problems).toEqual([]);
    expect(parseStackConfig(`config:\n  baton:fleet:\n    labels:\n${keys}\n      k17: again\n`, "f").problems[0]?.message).toMatch(/"k17" repeated at line 20004/);
  });

  it("an alias bomb and too many aliases are errors, not a hang or a crash", () => {
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x]", ...["b", "c", "d", "e", "f", "g", "h", "i"].map((k, i) => `${k}: &${k} [${Array(9).fill(`*${"abcdefghi"[i]}`).join(", ")}]`)].join("\n");
    const config = parseStackConfig(`config:\n  baton:fleet:\n    x: 1\n${bomb.replace(/^/gm, "    ")}\n`, "Pulumi.bomb.yaml");
    expect(config.problems[0]?.message).toMatch(/More than 100 aliases|alias bomb/);
    const many = parseStackConfig(`v: &v 1\nlist: [${Array(101).fill("*v").join(", ")}]\n`, "f");
    expect(many.problems[0]?.message).toMatch(/^More than 100 aliases in one document/);
    const manifests = parseManifests(`apiVersion: v1\nkind: ConfigMap\n${bomb}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: ok }\n`, "m.yaml");
    expect(manifests.errors[0]).toMatchObject({ file: "m.yaml", document: 1 });
    expect(manifests.objects.map((o) => o.name)).toEqual(["ok"]);
  });

  it("nesting too deep for the parser is an error naming the file and the nesting, not the stack or aliases", async () => {
    const config = parseStackConfig(`${"[".repeat(100_000)}${"]".repeat(100_000)}`, "Pulumi.deep.yaml");
    expect(config.problems[0]).toMatchObject({ rule: "yaml-syntax", path: "Pulumi.deep.yaml" });
    expect(config.problems[0]?.message).toMatch(/nested too deeply/);
    // 10,000 levels: the parser overflows inside and reports it as its own error; still named as nesting.
    const file = path.join(dir, "Pulumi.deep10k.yaml");
    writeFileSync(file, `config:\n  aws:region: us-east-1\n  baton:fleet:\n    name: ${"[".repeat(10_000)}${"]".repeat(10_000)}\n`);
    const r = await baton("validate", file);
    expect(r.code).toBe(2);
    expect(r.out + r.err).toContain("the YAML is nested too deeply to read (thousands of levels)");
    expect(r.out + r.err).not.toMatch(/Maximum call stack|aliases/);
    const manifests = parseManifests(`a: ${"[".repeat(10_000)}${"]".repeat(10_000)}\n`, "m.yaml");
    expect(manifests.errors[0]?.message).toMatch(/nested too deeply/);
  });
});

describe("names JavaScript objects already use", () => {
  it("refuses __proto__ under clusters, services and weights instead of dropping it", () => {
    const text = stack(migrationFleet()).replace(/^( +)green:\n( +)version: "1.35"/m, '$1__proto__:\n$2version: "1.35"\n$1green:\n$2version: "1.35"');
    const fleet = parseStackConfig(text, "f").fleet;
    const result = validateFleet(fleet, { today: TODAY });
    expect(result.ok).toBe(false);
    expect(result.problems).toContainEqual(expect.objectContaining({ rule: "reserved-name", path: "baton:fleet.clusters.__proto__", value: "__proto__" }));
    const weights = parseStackConfig(stack(migrationFleet()).replace("blue: 90", "blue: 90\n          __proto__: 5"), "f").fleet;
    expect(validateFleet(weights, { today: TODAY }).problems).toContainEqual(expect.objectContaining({ rule: "reserved-name", path: "baton:fleet.services.web.weights.__proto__" }));
  });

  it("refuses constructor as a cluster, service or weight name", () => {
    const fleet = edit(migrationFleet(), (f) => { f.services.web.weights = { blue: 90, green: 10, constructor: 0 }; });
    const result = validateFleet(fleet, { today: TODAY });
    expect(result.ok).toBe(false);
    expect(result.problems).toContainEqual(expect.objectContaining({ rule: "reserved-name", path: "baton:fleet.services.web.weights.constructor" }));
    // A Kubernetes label may be called that: only names are refused.
    const labelled = edit(migrationFleet(), (f) => { f.clusters.blue.nodeGroups.general.labels = { constructor: "x" }; });
    expect(validateFleet(labelled, { today: TODAY }).problems.filter((p) => p.rule === "reserved-name")).toEqual([]);
  });
});

describe("baton check, one bad file among many", () => {
  it("names each file it could not read and checks the rest", async () => {
    const folder = path.join(dir, "manifests");
    mkdirSync(folder);
    writeFileSync(path.join(folder, "a-good.yaml"), "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata: { name: pdb }\nspec: { minAvailable: 1 }\n");
    symlinkSync("loop.yaml", path.join(folder, "loop.yaml"));
    writeFileSync(path.join(folder, "utf16.yaml"), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("apiVersion: v1\n", "utf16le")]));
    const r = await baton("check", folder, "--target", "1.32");
    expect(r.code).toBe(2);
    expect(r.out).toContain("loop.yaml");
    expect(r.out).toContain("not checked: a symbolic link loop");
    expect(r.out).toContain("utf16.yaml");
    expect(r.out).toContain("UTF-16 (little-endian)");
    // The good file was still checked: its removed API is reported.
    expect(r.out).toContain("policy/v1beta1");
    expect(r.out).toContain("2 files that could not be read");
  });
});

describe("odd values get the right words", () => {
  it("a NaN or infinite weight is named as YAML wrote it, not as null", () => {
    const problems = validateFleet(edit(migrationFleet(), (f) => { f.services.web.weights = { blue: Number.NaN, green: Number.POSITIVE_INFINITY }; }), { today: TODAY }).problems;
    const nan = problems.find((p) => p.path === "baton:fleet.services.web.weights.blue")!;
    expect(formatProblem(nan)).toContain("baton:fleet.services.web.weights.blue = .nan");
    expect(nan.message).toContain("got .nan, YAML's not-a-number");
    expect(problems.find((p) => p.path === "baton:fleet.services.web.weights.green")!.message).toContain("got .inf, YAML's infinity");
    expect(problems.map(formatProblem).join("\n")).not.toContain("null");
  });

  it("an unquoted version that cannot have lost a trailing zero gets the form, not a made-up minor", () => {
    const problem = (version: unknown) => validateFleet(edit(migrationFleet(), (f) => { (f.clusters.blue as { version: unknown }).version = version; }), { today: TODAY }).problems
      .find((p) => p.path === "baton:fleet.clusters.blue.version")!;
    expect(problem(2).message).toBe('YAML read this version as the number 2, not a string; a Kubernetes version is written "1.NN".');
    expect(problem(2).fix).toBe('Write the minor version in quotes, e.g. version: "1.33".');
    expect(problem(2).fix).not.toContain('"1."');
    // 1.3 most likely lost its zero: the suggestion stays.
    expect(problem(1.3).fix).toBe('Quote it: version: "1.30" (or the minor you meant).');
  });

  it("a huge name is printed once, cut, and the names built from it are not listed again", async () => {
    const huge = "x".repeat(1_000_000);
    const file = path.join(dir, "Pulumi.huge-name.yaml");
    writeFileSync(file, stack(edit(migrationFleet(), (f) => { f.name = huge; })));
    const r = await baton("--max-input-size", "8MiB", "validate", file, "--today", TODAY);
    expect(r.code).toBe(1);
    const printed = r.out + r.err;
    expect(printed.length).toBeLessThan(5000);
    expect(printed).toContain("the fleet name has 1000000 characters; a name is a DNS label of at most 63");
    expect(printed).toContain(`"${"x".repeat(64)}"…(1000000 characters)`);
    // A cluster key as long: refused once, and the AWS names built from it are not checked on top.
    const key = path.join(dir, "Pulumi.huge-key.yaml");
    writeFileSync(key, stack(edit(migrationFleet(), (f) => {
      f.clusters = { [huge]: f.clusters.blue, green: f.clusters.green } as typeof f.clusters;
      f.services.web.weights = { [huge]: 90, green: 10 };
    })));
    const k = await baton("--max-input-size", "8MiB", "validate", key, "--today", TODAY);
    expect(k.out + k.err).toContain("is not allowed: a cluster name has 1000000 characters");
    expect(k.out + k.err).not.toContain("name-length");
    expect((k.out + k.err).length).toBeLessThan(8000);
  });
});
