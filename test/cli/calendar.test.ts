import { DescribeClusterVersionsCommand, EKSClient } from "@aws-sdk/client-eks";
import { mockClient } from "aws-sdk-client-mock";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { main } from "../../src/cli/main.js";
import { useVersionTable } from "../../src/fleet/versions.js";
import { edit, migrationFleet } from "../support/fleets.js";
import { captureIo } from "../support/io.js";
import { runBaton as run, writeStackFile } from "../support/cli.js";

const dir = mkdtempSync(path.join(tmpdir(), "baton-calendar-"));
const stackFile = (name: string, fleet: unknown) => writeStackFile(dir, name, fleet);

// Blue runs 1.33, whose EKS extended support ended on 2027-07-29.
const PAST_EXTENDED = "2027-08-01";
const deployed = () => stackFile("deployed.yaml", migrationFleet());

describe("a cluster past EKS extended support (judge the change, not the calendar)", () => {
  it("plans its control-plane upgrade as allowed, the old version a warning on the current state", async () => {
    const upgrade = stackFile("upgrade.yaml", edit(migrationFleet(), (f) => { f.clusters.blue.version = "1.34"; }));
    const result = await run("plan", upgrade, "--from", deployed(), "--today", PAST_EXTENDED);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^allowed: /m);
    expect(result.out).toContain("control-plane-upgrade upgrade control plane blue from Kubernetes 1.33 to 1.34");
  });

  it("plans a shift of all traffic away from it as allowed, with the cluster's version as a warning", async () => {
    const away = stackFile("away.yaml", edit(migrationFleet(), (f) => {
      f.services.web.weights = { blue: 0, green: 100 };
      f.services.api.weights = { blue: 0, green: 100 };
    }));
    const result = await run("plan", away, "--from", deployed(), "--today", PAST_EXTENDED, "--json");
    expect(result.code).toBe(0);
    const planned = JSON.parse(result.out) as { allowed: boolean; problems: { severity: string; rule: string; path: string; deployed?: boolean }[] };
    expect(planned.allowed).toBe(true);
    expect(planned.problems).toContainEqual(expect.objectContaining({
      severity: "warning", rule: "eks-version-supported", path: "baton:fleet.clusters.blue.version", deployed: true,
    }));
  });

  it("still refuses what the change introduces: a new cluster at a version past support", async () => {
    const added = stackFile("added.yaml", edit(migrationFleet(), (f) => {
      f.clusters.red = { version: "1.33", nodeGroups: { general: { instanceTypes: ["m7i.large"], scaling: { min: 1, desired: 2, max: 3 } } } };
    }));
    const result = await run("plan", added, "--from", deployed(), "--today", PAST_EXTENDED);
    expect(result.code).toBe(1);
    expect(result.out).toContain("error baton:fleet.clusters.red.version");
  });

  it("still refuses making it worse: moving a pinned node group further back", async () => {
    const base = edit(migrationFleet(), (f) => { f.clusters.green.nodeGroups.general.version = "1.33"; });
    const worse = edit(migrationFleet(), (f) => { f.clusters.green.nodeGroups.general.version = "1.32"; });
    const result = await run("plan", stackFile("worse.yaml", worse), "--from", stackFile("pinned.yaml", base), "--today", PAST_EXTENDED);
    expect(result.code).toBe(1);
    expect(result.out).toContain("[eks-version-supported]");
  });

  it("lets baton shift move traffic away from it", async () => {
    const file = stackFile("shift.yaml", migrationFleet());
    const result = await run("shift", file, "web", "blue=0", "green=100", "--today", PAST_EXTENDED);
    expect(result.code).toBe(0);
    expect(readFileSync(file, "utf8")).toContain("blue: 0");
  });

  it("says so in validate, which judges the config alone", async () => {
    const result = await run("validate", deployed(), "--today", PAST_EXTENDED);
    expect(result.code).toBe(1);
    expect(result.err).toContain("reached the end of EKS extended support on 2027-07-29");
  });
});

describe("--today", () => {
  it.each(["validate", "plan", "preview", "shift", "rollout", "comment", "versions"])("is refused on %s unless it is a real date (exit 2)", async (command) => {
    const file = deployed();
    const args: Record<string, string[]> = {
      validate: [file], plan: [file, "--from", file], preview: [file], shift: [file, "web", "green=20"],
      rollout: [file, "web", "--to", "green", "--dry-run"], comment: [file], versions: [],
    };
    for (const bad of ["2027-13-45", "2027-02-30", "tomorrow"]) {
      const result = await run(command, ...args[command]!, "--today", bad);
      expect(result.code, `${command} --today ${bad}`).toBe(2);
      expect(result.err).toContain("is not a date: write it as YYYY-MM-DD");
    }
  });
});

describe("baton versions", () => {
  afterEach(() => {
    delete process.env["BATON_VERSIONS_CACHE"];
    useVersionTable(undefined);
  });

  it("prints the embedded table with each version's phase on --today, and says where it comes from", async () => {
    process.env["BATON_VERSIONS_CACHE"] = path.join(dir, "none.json");
    const result = await run("versions", "--today", "2027-01-01");
    expect(result.code).toBe(0);
    expect(result.out).toContain("baton's embedded table, checked 2026-11-29");
    expect(result.out).toMatch(/1\.31\s+2024-09-26\s+2025-11-26\s+2026-11-26\s+ended/);
    expect(result.out).toMatch(/1\.32\s+.*extended support/);
    expect(result.out).toMatch(/1\.36\s+.*standard support/);
  });

  it("--refresh reads every page of DescribeClusterVersions into the cache, which later commands judge by", async () => {
    const cache = path.join(dir, "refreshed", "eks-versions.json");
    process.env["BATON_VERSIONS_CACHE"] = cache;
    const eks = mockClient(EKSClient);
    const day = (iso: string) => new Date(`${iso}T00:00:00Z`);
    eks.on(DescribeClusterVersionsCommand, { clusterType: "eks", includeAll: true, nextToken: undefined }).resolves({
      clusterVersions: [{ clusterVersion: "1.36", releaseDate: day("2026-06-02"), endOfStandardSupportDate: day("2027-08-02"), endOfExtendedSupportDate: day("2028-08-02") }],
      nextToken: "page-2",
    });
    eks.on(DescribeClusterVersionsCommand, { nextToken: "page-2" }).resolves({
      clusterVersions: [
        { clusterVersion: "1.37", releaseDate: day("2026-10-01"), endOfStandardSupportDate: day("2027-12-01"), endOfExtendedSupportDate: day("2028-12-01") },
        { clusterVersion: "1.38" },
      ],
    });
    try {
      const refreshed = await run("versions", "--refresh", "--region", "us-east-1", "--today", "2026-12-01");
      expect(refreshed.code).toBe(0);
      expect(eks.commandCalls(DescribeClusterVersionsCommand)).toHaveLength(2);
      expect(refreshed.err).toContain("new: 1.37");
      expect(refreshed.err).toContain("left out (EKS gave no support dates): 1.38");
      expect(refreshed.out).toMatch(/1\.37\s+2026-10-01\s+2027-12-01\s+2028-12-01\s+standard support/);
      const written = JSON.parse(readFileSync(cache, "utf8")) as { format: number; region: string; versions: { version: string }[] };
      expect(written).toMatchObject({ format: 1, region: "us-east-1" });
      expect(written.versions.map((v) => v.version)).toContain("1.28");

      // A new cluster on 1.37: unknown to the embedded table, known to the cache.
      const fleet = stackFile("on-137.yaml", edit(migrationFleet(), (f) => { f.clusters.green.version = "1.37"; }));
      expect((await run("validate", fleet, "--today", "2026-12-01")).code).toBe(0);
      process.env["BATON_VERSIONS_CACHE"] = path.join(dir, "none.json");
      const offline = await run("validate", fleet, "--today", "2026-12-01");
      expect(offline.code).toBe(1);
      expect(offline.err).toContain("baton versions --refresh");
    } finally {
      eks.restore();
    }
  });

  it("--refresh that AWS throttles to the end reports it and leaves the cache as it was", async () => {
    const cache = path.join(dir, "throttled.json");
    writeFileSync(cache, "previous");
    process.env["BATON_VERSIONS_CACHE"] = cache;
    const eks = mockClient(EKSClient);
    eks.on(DescribeClusterVersionsCommand).rejects(Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" }));
    try {
      const result = await run("versions", "--refresh", "--region", "us-east-1");
      expect(result.code).toBe(2);
      expect(result.err).toContain("AWS throttled reads past the SDK's retries: try again shortly, or raise AWS_MAX_ATTEMPTS");
      expect(result.err).toContain("the cache was left as it was");
      expect(readFileSync(cache, "utf8")).toBe("previous");
    } finally {
      eks.restore();
    }
  });

  it("reports a broken cache and judges by the embedded table instead", async () => {
    const cache = path.join(dir, "broken.json");
    writeFileSync(cache, JSON.stringify({ format: 1, fetchedAt: "2026-12-01T00:00:00Z", versions: [{ version: "1.40", eksRelease: "2027-13-45" }] }));
    process.env["BATON_VERSIONS_CACHE"] = cache;
    const result = await run("versions");
    expect(result.code).toBe(0);
    expect(result.err).toContain("ignoring the EKS version cache");
    expect(result.out).toContain("baton's embedded table");
    expect(existsSync(cache)).toBe(true);
  });
});

describe("names a command takes", () => {
  it("shift: an unknown service or cluster exits 2 with a did-you-mean, leaving the file alone", async () => {
    const file = stackFile("names.yaml", migrationFleet());
    const before = readFileSync(file, "utf8");
    const service = await run("shift", file, "wbe", "green=20");
    expect(service.code).toBe(2);
    expect(service.err).toContain('Did you mean "web"?');
    const cluster = await run("shift", file, "web", "gren=20");
    expect(cluster.code).toBe(2);
    expect(cluster.err).toContain('"gren" is not a cluster of');
    expect(cluster.err).toContain('(did you mean "green"?)');
    expect(readFileSync(file, "utf8")).toBe(before);
  });

  it("rollout: an unknown service or --to cluster exits 2 with a did-you-mean", async () => {
    const file = stackFile("rollout-names.yaml", migrationFleet());
    const service = await run("rollout", file, "wbe", "--to", "green", "--dry-run");
    expect(service.code).toBe(2);
    expect(service.err).toContain('(did you mean "web"?)');
    const to = await run("rollout", file, "web", "--to", "gren", "--dry-run");
    expect(to.code).toBe(2);
    expect(to.err).toContain('(did you mean "green"?)');
  });

  it("check --target: a version EKS never offered is refused (exit 2) with the fix", async () => {
    const manifest = path.join(dir, "deploy.yaml");
    writeFileSync(manifest, "apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web }\nspec: { replicas: 1, selector: { matchLabels: { app: web } }, template: { metadata: { labels: { app: web } }, spec: { containers: [{ name: web, image: nginx }] } } }\n");
    const short = await run("check", manifest, "--target", "1.3");
    expect(short.code).toBe(2);
    expect(short.err).toContain("EKS has never offered Kubernetes 1.3");
    expect(short.err).toContain("Did you mean 1.30?");
    const ahead = await run("check", manifest, "--target", "1.99");
    expect(ahead.code).toBe(2);
    expect(ahead.err).toContain("baton versions --refresh");
    expect((await run("check", manifest, "--target", "1.25")).code).not.toBe(2);
  });
});
