/**
 * `baton amis`: each node group's pinned AMI release against the one AWS recommends in SSM's public
 * parameters (mocked with aws-sdk-client-mock, as the SDK answers), the cache `--refresh` writes,
 * and `--write` pinning the recommended releases with the file's comments kept.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { GetParametersCommand, SSMClient } from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import { writeAmiCache } from "../../src/cli/ami-cache.js";
import { loadCacheKey } from "../../src/preview/cache-key.js";
import { runBaton as run } from "../support/cli.js";

const AL2023_133 = "/aws/service/eks/optimized-ami/1.33/amazon-linux-2023/x86_64/standard/recommended/release_version";
const ROCKET_135 = "/aws/service/bottlerocket/aws-k8s-1.35/arm64/latest/image_version";

/** The migration example's shape with an AL2023 group on blue (pinned, behind) and a Bottlerocket group on green (unpinned). */
const STACK = `# The fleet. Comments and layout must survive an edit.
config:
  aws:region: us-east-1
  baton:fleet:
    name: shop
    network:
      vpcId: vpc-0a1b2c3d4e5f67890
      subnetIds: [subnet-0a1b2c3d4e5f67890, subnet-0b1c2d3e4f5a67890]
      apiAccess: { securityGroupIds: [sg-0c1d2e3f4a5b67890] }
    clusters:
      blue:
        version: "1.33"
        nodeGroups:
          general:
            instanceTypes: [m7i.large]   # x86
            scaling: { min: 3, desired: 6, max: 12 }
            releaseVersion: "1.33.5-20261105"  # pinned on purpose
      green:
        version: "1.35"
        nodeGroups:
          arm: { instanceTypes: [m7g.large], amiType: BOTTLEROCKET_ARM_64, scaling: { min: 2, desired: 4, max: 8 }, updateConfig: { maxUnavailable: 2 } }
`;

const ssm = mockClient(SSMClient);
let dir: string;
let stack: string;
let cache: string;
const env = { cache: process.env["BATON_AMIS_CACHE"], profile: process.env["AWS_PROFILE"], key: process.env["BATON_CACHE_KEY"] };
/** The key that signs the cache in these tests (the preview cache's key, given as BATON_CACHE_KEY). */
const KEY = "0123456789abcdef".repeat(4);

/** SSM as it answers GetParameters: the names it knows with their values, the others in InvalidParameters. */
function publish(values: Record<string, string>): void {
  ssm.on(GetParametersCommand).callsFake((input: { Names: string[] }) => ({
    Parameters: input.Names.filter((n) => n in values).map((n) => ({ Name: n, Type: "String", Value: values[n], Version: 42 })),
    InvalidParameters: input.Names.filter((n) => !(n in values)),
  }));
}

beforeEach(() => {
  ssm.reset();
  dir = mkdtempSync(path.join(tmpdir(), "baton-amis-"));
  stack = path.join(dir, "Pulumi.shop.yaml");
  writeFileSync(stack, STACK);
  cache = path.join(dir, "cache", "ami-releases.json");
  process.env["BATON_AMIS_CACHE"] = cache;
  process.env["BATON_CACHE_KEY"] = KEY;
  delete process.env["AWS_PROFILE"];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));
afterAll(() => {
  ssm.restore();
  if (env.cache === undefined) delete process.env["BATON_AMIS_CACHE"];
  else process.env["BATON_AMIS_CACHE"] = env.cache;
  if (env.profile !== undefined) process.env["AWS_PROFILE"] = env.profile;
  if (env.key === undefined) delete process.env["BATON_CACHE_KEY"];
  else process.env["BATON_CACHE_KEY"] = env.key;
});

describe("baton amis", () => {
  it("without a cache: lists the pins and says how to read the recommended releases", async () => {
    const result = await run("amis", stack);
    expect(result.code).toBe(0);
    expect(ssm.commandCalls(GetParametersCommand)).toHaveLength(0);
    expect(result.out).toMatch(/blue\/general\s+AL2023_x86_64_STANDARD\s+1\.33\s+1\.33\.5-20261105\s+\?\s+recommended release unknown/);
    expect(result.out).toMatch(/green\/arm\s+BOTTLEROCKET_ARM_64\s+1\.35\s+–\s+\?\s+recommended release unknown/);
    expect(result.out).toContain("no recommended release cached for us-east-1: run baton amis --refresh");
  });

  it("--refresh reads each group's SSM parameter once, caches it, and a later run reads the cache without AWS", async () => {
    publish({ [AL2023_133]: "1.33.6-20261126", [ROCKET_135]: "1.55.0-d93bb1b1" });
    const refreshed = await run("amis", stack, "--refresh");
    expect(refreshed.code).toBe(0);
    const calls = ssm.commandCalls(GetParametersCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual({ Names: [AL2023_133, ROCKET_135] });
    expect(refreshed.out).toMatch(/blue\/general\s+\S+\s+1\.33\s+1\.33\.5-20261105\s+1\.33\.6-20261126\s+behind the recommended release/);
    expect(refreshed.out).toMatch(/green\/arm\s+\S+\s+1\.35\s+–\s+1\.55\.0-d93bb1b1\s+not pinned/);
    expect(refreshed.out).toContain("--write pins 2 node group(s)");
    const written = JSON.parse(readFileSync(cache, "utf8")) as { format: number; entries: { region: string; parameter: string; value: string }[] };
    expect(written.format).toBe(1);
    expect(written.entries.map((e) => [e.region, e.parameter, e.value])).toEqual(expect.arrayContaining([
      ["us-east-1", AL2023_133, "1.33.6-20261126"], ["us-east-1", ROCKET_135, "1.55.0-d93bb1b1"],
    ]));

    ssm.reset();
    const cached = await run("amis", stack, "--json");
    expect(ssm.commandCalls(GetParametersCommand)).toHaveLength(0);
    const rows = (JSON.parse(cached.out) as { rows: { nodeGroup: string; status: string; recommended?: string }[] }).rows;
    expect(rows.map((r) => [r.nodeGroup, r.status, r.recommended])).toEqual([["general", "behind", "1.33.6-20261126"], ["arm", "not-pinned", "1.55.0-d93bb1b1"]]);
  });

  it("--write pins the recommended releases in place, comments and layout kept, and shows the rolls", async () => {
    publish({ [AL2023_133]: "1.33.6-20261126", [ROCKET_135]: "1.55.0-d93bb1b1" });
    const result = await run("amis", stack, "--refresh", "--write", "--today", "2026-12-02");
    expect(result.code).toBe(0);
    expect(readFileSync(stack, "utf8")).toBe(STACK
      .replace('releaseVersion: "1.33.5-20261105"  # pinned', 'releaseVersion: "1.33.6-20261126"  # pinned')
      .replace("updateConfig: { maxUnavailable: 2 } }", 'updateConfig: { maxUnavailable: 2 }, releaseVersion: "1.55.0-d93bb1b1" }'));
    expect(result.out).toContain("roll node group blue/general (AMI release 1.33.5-20261105 → 1.33.6-20261126): 6 nodes in 6 batch(es)");
    expect(result.out).toContain("roll node group green/arm (AMI release as EKS picked it → 1.55.0-d93bb1b1; no roll if the nodes already run it): 4 nodes in 2 batch(es)");
    expect(result.out).toContain("pinned 2 node group(s)");
    // Pinned now: nothing left to write.
    const again = await run("amis", stack, "--write");
    expect(again.out).toMatch(/blue\/general\s+.*up to date/);
    expect(again.out).toContain("nothing to pin");
  });

  it("--write repairs a pin a version bump left on the old minor", async () => {
    writeFileSync(stack, STACK.replace('version: "1.33"', 'version: "1.34"'));
    const al2023134 = AL2023_133.replace("1.33", "1.34");
    publish({ [al2023134]: "1.34.3-20261126", [ROCKET_135]: "1.55.0-d93bb1b1" });
    const listed = await run("amis", stack, "--refresh");
    expect(listed.out).toMatch(/blue\/general\s+\S+\s+1\.34\s+1\.33\.5-20261105\s+1\.34\.3-20261126\s+pinned to another minor's release/);
    const written = await run("amis", stack, "--write", "--today", "2026-12-02");
    expect(written.code).toBe(0);
    expect(readFileSync(stack, "utf8")).toContain('releaseVersion: "1.34.3-20261126"  # pinned on purpose');
    expect((await run("validate", stack, "--today", "2026-12-02")).code).toBe(0);
  });

  it("--write replaces a pin that is no release of the group's family", async () => {
    writeFileSync(stack, STACK.replace('releaseVersion: "1.33.5-20261105"', "releaseVersion: latest"));
    publish({ [AL2023_133]: "1.33.6-20261126", [ROCKET_135]: "1.55.0-d93bb1b1" });
    const listed = await run("amis", stack, "--refresh");
    expect(listed.out).toMatch(/blue\/general\s+\S+\s+1\.33\s+latest\s+1\.33\.6-20261126\s+pinned to no release of its AMI family/);
    expect((await run("amis", stack, "--write", "--today", "2026-12-02")).code).toBe(0);
    // The plain scalar stays plain: only the value changes.
    expect(readFileSync(stack, "utf8")).toContain("releaseVersion: 1.33.6-20261126  # pinned on purpose");
  });

  it("reports a parameter SSM does not have, and ignores a value that is no release of the group's family", async () => {
    publish({ [AL2023_133]: "ami-0123456789abcdef0" });
    const result = await run("amis", stack, "--refresh");
    expect(result.code).toBe(0);
    expect(result.err).toContain(`ignoring ${AL2023_133} holds "ami-0123456789abcdef0", which is no AL2023 release`);
    expect(result.err).toContain(`SSM in us-east-1 has no parameter ${ROCKET_135}`);
    expect(result.out).toMatch(/blue\/general\s+.*recommended release unknown/);
  });

  it("missing credentials: one line naming the fix, exit 2, the cache untouched", async () => {
    process.env["BATON_AMIS_CACHE"] = path.join(dir, "keep.json");
    writeAmiCache(path.join(dir, "keep.json"), { format: 1, entries: [{ region: "us-east-1", parameter: AL2023_133, value: "1.33.5-20261105", readAt: "2026-11-20T08:00:00.000Z" }] }, loadCacheKey());
    const previous = readFileSync(path.join(dir, "keep.json"), "utf8");
    ssm.on(GetParametersCommand).rejects(Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" }));
    const result = await run("amis", stack, "--refresh");
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/^baton: reading the recommended AMI releases from SSM \(ssm:GetParameters\): no AWS credentials found: set AWS_PROFILE .*; the cache was left as it was\n?$/);
    expect(readFileSync(path.join(dir, "keep.json"), "utf8")).toBe(previous);
  });

  it("throttling past the SDK's retries: says so and how to retry, exit 2", async () => {
    ssm.on(GetParametersCommand).rejects(Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" }));
    const result = await run("amis", stack, "--refresh");
    expect(result.code).toBe(2);
    expect(result.err).toContain("AWS throttled reads past the SDK's retries: try again shortly, or raise AWS_MAX_ATTEMPTS");
    expect(() => readFileSync(cache)).toThrow();
  });

  it("access denied names the IAM action to allow", async () => {
    ssm.on(GetParametersCommand).rejects(Object.assign(new Error("User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ssm:GetParameters on resource: arn:aws:ssm:us-east-1::parameter/aws/service/eks"), { name: "AccessDeniedException" }));
    const result = await run("amis", stack, "--refresh");
    expect(result.code).toBe(2);
    expect(result.err).toContain("access denied: the AWS identity in use may not call ssm:GetParameters");
  });

  it("no region anywhere: says how to give one, exit 2", async () => {
    writeFileSync(stack, STACK.replace("  aws:region: us-east-1\n", ""));
    const saved = { region: process.env["AWS_REGION"], fallback: process.env["AWS_DEFAULT_REGION"] };
    delete process.env["AWS_REGION"];
    delete process.env["AWS_DEFAULT_REGION"];
    ssm.on(GetParametersCommand).rejects(new Error("Region is missing"));
    try {
      const result = await run("amis", stack, "--refresh");
      expect(result.code).toBe(2);
      expect(result.err).toContain("no AWS region: pass --region (e.g. --region us-east-1), set aws:region in the stack config, or set AWS_REGION");
    } finally {
      if (saved.region !== undefined) process.env["AWS_REGION"] = saved.region;
      if (saved.fallback !== undefined) process.env["AWS_DEFAULT_REGION"] = saved.fallback;
    }
  });

  it("asks SSM ten names a call, the most GetParameters takes", async () => {
    const { readPublishedReleases } = await import("../../src/traffic/aws/ssm-releases.js");
    const names = Array.from({ length: 23 }, (_, i) => `/aws/service/eks/optimized-ami/1.${10 + i}/amazon-linux-2023/x86_64/standard/recommended/release_version`);
    publish(Object.fromEntries(names.slice(0, 20).map((n, i) => [n, `1.${10 + i}.0-20261126`])));
    const published = await readPublishedReleases(new SSMClient({ region: "us-east-1" }), [...names, names[0]!]);
    expect(ssm.commandCalls(GetParametersCommand).map((c) => c.args[0].input.Names?.length)).toEqual([10, 10, 3]);
    expect(Object.keys(published.values)).toHaveLength(20);
    expect(published.missing).toEqual(names.slice(20));
  });

  it("trusts only a cache signed with the user's key: an edited entry, or another key's, is ignored and named", async () => {
    publish({ [AL2023_133]: "1.33.6-20261126", [ROCKET_135]: "1.55.0-d93bb1b1" });
    expect((await run("amis", stack, "--refresh")).code).toBe(0);
    const written = JSON.parse(readFileSync(cache, "utf8")) as { keyId: string; signature: string; entries: { value: string }[] };
    expect(written.signature).toMatch(/^[0-9a-f]{64}$/);
    // Someone edits the recommended release by hand: --write must not pin it.
    written.entries[0]!.value = "1.33.9-20261231";
    writeFileSync(cache, JSON.stringify(written));
    const edited = await run("amis", stack, "--write");
    expect(edited.err).toContain("ignoring the AMI release cache");
    expect(edited.err).toContain("not signed with your cache key (BATON_CACHE_KEY), so they are not trusted");
    expect(edited.out).toContain("nothing to pin");
    expect(readFileSync(stack, "utf8")).toBe(STACK);
    // Signed with another key: named as such.
    expect((await run("amis", stack, "--refresh")).code).toBe(0);
    process.env["BATON_CACHE_KEY"] = "f".repeat(64);
    expect((await run("amis", stack)).err).toMatch(/they were signed with another key \([0-9a-f]{16}\)/);
  });

  it("reports a broken cache and lists the pins without it", async () => {
    writeFileSync(path.join(dir, "broken.json"), JSON.stringify({ format: 1, entries: [{ region: "us-east-1", parameter: "/etc/passwd", value: "x", readAt: "2026-12-01T00:00:00Z" }] }));
    process.env["BATON_AMIS_CACHE"] = path.join(dir, "broken.json");
    const result = await run("amis", stack);
    expect(result.code).toBe(0);
    expect(result.err).toContain("ignoring the AMI release cache");
    expect(result.err).toContain("entries[0] is not");
    expect(result.out).toMatch(/blue\/general\s+.*recommended release unknown/);
  });
});

describe("baton upgrade-plan --amis", () => {
  it("plans an AMI-only road from the cache: one node group per step, each a roll with its estimate, files written", async () => {
    publish({ [AL2023_133]: "1.33.6-20261126", [ROCKET_135]: "1.55.0-d93bb1b1" });
    expect((await run("amis", stack, "--refresh")).code).toBe(0);
    const out = path.join(dir, "road");
    const result = await run("upgrade-plan", stack, "--amis", "--out", out, "--today", "2026-12-02", "--format", "json");
    expect(result.code, result.err).toBe(0);
    const planned = JSON.parse(result.out) as {
      method: string; to: string;
      steps: { file: string; title: string; changes: { kind: string; summary: string }[]; estimate: { minutes: number; rolls: { nodeGroup: string; from: string; to: string; batches: number }[] } }[];
    };
    expect(planned.method).toBe("ami-releases");
    // This stack routes no service: every cluster serves nothing, so the file's order holds.
    expect(planned.steps.map((s) => [s.file, s.title])).toEqual([
      ["01-roll-blue-general-ami.yaml", "Roll blue/general onto AMI release 1.33.6-20261126"],
      ["02-roll-green-arm-ami.yaml", "Roll green/arm onto AMI release 1.55.0-d93bb1b1"],
    ]);
    // Each step changes one group, as a roll in its updateConfig batches: 6 nodes at 25 % (1 a batch), 4 nodes 2 at a time.
    expect(planned.steps.map((s) => s.changes.map((c) => c.kind))).toEqual([["node-group-roll"], ["node-group-roll"]]);
    expect(planned.steps.map((s) => s.estimate.rolls.map((r) => [r.nodeGroup, r.from, r.to, r.batches]))).toEqual([
      [["blue/general", "1.33.5-20261105", "1.33.6-20261126", 6]],
      [["green/arm", "as EKS picked it", "1.55.0-d93bb1b1", 2]],
    ]);
    expect(planned.steps.map((s) => s.estimate.minutes)).toEqual([48, 16]);
    // The last file pins both, and the original file is untouched.
    const last = readFileSync(path.join(out, "02-roll-green-arm-ami.yaml"), "utf8");
    expect(last).toContain('releaseVersion: "1.33.6-20261126"');
    expect(last).toContain("1.55.0-d93bb1b1");
    expect(readFileSync(stack, "utf8")).toBe(STACK);
  });

  it("a version road moves a pinned group's release with its minor, to the release cached for the new one", async () => {
    const AL2023_134 = AL2023_133.replace("1.33", "1.34");
    publish({ [AL2023_133]: "1.33.6-20261126", [AL2023_134]: "1.34.3-20261126", [ROCKET_135]: "1.55.0-d93bb1b1" });
    // Cache the 1.34 recommendation too: refresh on a copy of the stack bumped to 1.34.
    const bumped = path.join(dir, "Pulumi.bumped.yaml");
    writeFileSync(bumped, STACK.replace('version: "1.33"', 'version: "1.34"'));
    expect((await run("amis", bumped, "--refresh")).code).toBe(0);
    const out = path.join(dir, "road");
    const result = await run("upgrade-plan", stack, "--to", "1.34", "--out", out, "--today", "2026-12-02");
    expect(result.code, result.err).toBe(0);
    expect(result.out).toContain("roll node group blue/general from 1.33 to 1.34 (AMI release 1.33.5-20261105 → 1.34.3-20261126)");
    expect(readFileSync(path.join(out, "01-upgrade-blue-to-1-34.yaml"), "utf8")).toMatch(/releaseVersion: "1\.34\.3-20261126" +# pinned on purpose/);
  });

  it("refuses --to with --amis, and says to refresh when nothing is cached", async () => {
    expect((await run("upgrade-plan", stack, "--amis", "--to", "1.34")).err).toContain("--amis plans no version move: drop --to");
    const empty = await run("upgrade-plan", stack, "--amis");
    expect(empty.code).toBe(2);
    expect(empty.err).toContain(`run baton amis ${stack} --refresh first`);
    expect((await run("upgrade-plan", stack)).err).toContain("--to <version> is required");
  });
});

