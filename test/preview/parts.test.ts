/**
 * The preview captured part by part, with and without a cache, is the preview captured whole:
 * same review, same head graph, for generated fleets and the edits users make to them. And the
 * cache is never trusted blindly: a damaged, foreign or misfiled entry is captured again.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { capturePart, captureProgram, inProcessPartCapturer } from "../../src/preview/capture.js";
import { codeFingerprint } from "../../src/preview/fingerprint.js";
import type { Capture } from "../../src/preview/model.js";
import { offlinePreview } from "../../src/preview/offline-preview.js";
import { loadCacheKey } from "../../src/preview/cache-key.js";
import { MAX_ENTRY_BYTES, PartCache } from "../../src/preview/part-cache.js";
import { workerPartCapturer } from "../../src/preview/part-worker.js";
import { captureByParts, type PartCapturer, type PartsStats } from "../../src/preview/parts.js";
import type { FleetInput, FleetSpec } from "../../src/fleet/schema.js";
import { validateFleet } from "../../src/fleet/validate.js";
import { runFleetPart, runFleetProgram } from "../../stacks/program.js";
import { edit, exampleNetwork, migrationFleet, TODAY, type RawConfig } from "../support/fleets.js";

Error.stackTraceLimit = 0;

const fingerprint = codeFingerprint();
const wholeCapture = (fleet: unknown, deployed?: unknown) => captureProgram(() => runFleetProgram(fleet, { today: TODAY, ...(deployed !== undefined ? { deployed } : {}) }));
const inProcess = inProcessPartCapturer((projection, part, lastDeployed) => runFleetPart(projection, part, { today: TODAY, ...(lastDeployed !== undefined ? { lastDeployed } : {}) }));

/** Counts what a capturer was asked to capture. */
function counting(capturer: PartCapturer) {
  const asked: string[] = [];
  const wrapped: PartCapturer = (jobs, done) => {
    asked.push(...jobs.map((j) => (j.part.kind === "fleet" ? "fleet" : `${j.part.kind}:${j.part.name}`)));
    return capturer(jobs, done);
  };
  return { capturer: wrapped, asked };
}

async function previewWhole(base: unknown, head: unknown) {
  return offlinePreview({ base, head, subject: "t", capture: wholeCapture, today: TODAY });
}

async function previewByParts(base: unknown, head: unknown, capturer: PartCapturer, cache?: PartCache) {
  let stats: PartsStats | undefined;
  const result = await offlinePreview({
    base, head, subject: "t", today: TODAY, capture: () => Promise.reject(new Error("the whole program must not run")),
    captureAll: async (fleets, lastDeployed) => {
      const out = await captureByParts(fleets, { capturer, fingerprint, ...(cache ? { cache } : {}) }, lastDeployed);
      stats = out.stats;
      return out.captures;
    },
  });
  return { ...result, stats };
}

const CLUSTERS = ["blue", "green", "teal"] as const;
const LISTENER = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shop/50dc6c495c0c9188/f2f7dc8efc522ab2";

const nodeGroupArb = fc.record({
  instanceTypes: fc.constantFrom(["m7i.large"], ["c7i.xlarge"]),
  scaling: fc.record({ min: fc.constant(1), desired: fc.integer({ min: 1, max: 4 }), max: fc.constant(8) }),
  labels: fc.constantFrom({}, { tier: "web" }),
});
const clusterArb = fc.record({
  version: fc.constantFrom("1.34", "1.35"),
  nodeGroups: fc.dictionary(fc.constantFrom("general", "batch"), nodeGroupArb, { minKeys: 1, maxKeys: 2 }),
  admins: fc.constantFrom([], ["arn:aws:iam::123456789012:role/platform"]),
});

const fleetArb: fc.Arbitrary<FleetInput> = fc.record({
  clusters: fc.dictionary(fc.constantFrom(...CLUSTERS), clusterArb, { minKeys: 1, maxKeys: 3 }),
  services: fc.subarray(["web", "api", "pay"] as const),
  // Zero weights too: a cluster an ALB service lists at 0 still gets its binding.
  weights: fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 3, maxLength: 3 }),
}).map(({ clusters, services, weights }) => {
  const names = Object.keys(clusters);
  const weightsOf = (scale: number) => Object.fromEntries(names.map((c, i) => [c, weights[i]! * scale]));
  const all: RawConfig = {
    web: { namespace: "shop", port: 8080, routing: "alb", alb: { listenerArn: LISTENER, securityGroupId: "sg-0a1b2c3d4e5f67890", priority: 10, hostHeaders: ["shop.example.com"] }, weights: weightsOf(10) },
    pay: { namespace: "pay", port: 9090, routing: "alb", alb: { listenerArn: LISTENER, securityGroupId: "sg-0a1b2c3d4e5f67890", priority: 20 }, weights: weightsOf(1) },
    api: {
      namespace: "shop", port: 8080, routing: "route53",
      route53: { zoneId: "Z0123456789ABCDEFGHIJ", name: "api.example.com", targets: Object.fromEntries(names.map((c) => [c, { dnsName: `${c}-api.us-east-1.elb.amazonaws.com`, zoneId: "Z35SXDOTRQ7X7K" }])) },
      weights: weightsOf(1),
    },
  };
  return {
    name: "shop",
    network: exampleNetwork(),
    clusters, services: Object.fromEntries(services.map((s) => [s, all[s]])),
  } as unknown as FleetInput;
});

/** The edits users make, each aimed at one cluster, node group or service by index. */
const editArb = fc.record({
  kind: fc.constantFrom("weight", "version", "scaling", "instance-type", "label", "add-cluster", "remove-service", "health-check", "dns-target", "subnets", "admins", "public-access",
    "namespace", "existing-namespace", "controller"),
  pick: fc.nat(),
  value: fc.integer({ min: 0, max: 9 }),
});

function applyEdit(fleet: RawConfig, { kind, pick, value }: { kind: string; pick: number; value: number }): void {
  const clusters = Object.keys(fleet.clusters);
  const cluster = clusters[pick % clusters.length]!;
  const services = Object.keys(fleet.services ?? {});
  const service = services.length > 0 ? services[pick % services.length]! : undefined;
  const groups = Object.keys(fleet.clusters[cluster].nodeGroups);
  const group = fleet.clusters[cluster].nodeGroups[groups[pick % groups.length]!];
  switch (kind) {
    case "weight": if (service) fleet.services[service].weights[cluster] = value; break;
    case "version": fleet.clusters[cluster].version = "1.35"; break;
    case "scaling": group.scaling.desired = Math.min(value, 8); break;
    case "instance-type": group.instanceTypes = ["m7i.xlarge"]; break;
    case "label": group.labels = { ...group.labels, edited: String(value) }; break;
    case "add-cluster": fleet.clusters[`new${value}`] = { version: "1.35", nodeGroups: { general: { instanceTypes: ["m7i.large"], scaling: { min: 1, desired: 2, max: 4 } } } }; break;
    case "remove-service": if (service) delete fleet.services[service]; break;
    case "health-check": if (service && fleet.services[service].alb) fleet.services[service].alb.healthCheck = { path: `/healthz${value}` }; break;
    case "dns-target": if (fleet.services.api) fleet.services.api.route53.targets[cluster] = { dnsName: `moved-${value}.us-east-1.elb.amazonaws.com`, zoneId: "Z35SXDOTRQ7X7K" }; break;
    case "subnets": fleet.network.subnetIds = [...fleet.network.subnetIds, "subnet-0c1d2e3f4a5b67890"]; break;
    case "admins": fleet.clusters[cluster].admins = ["arn:aws:iam::123456789012:role/oncall"]; break;
    case "public-access": fleet.clusters[cluster].publicAccessCidrs = [`203.0.113.${value}/32`]; break;
    // What a cluster holds for the services that bind into it: their namespaces and the load balancer controller.
    case "namespace": if (service) fleet.services[service].namespace = `ns${value}`; break;
    case "existing-namespace": fleet.clusters[cluster].existingNamespaces = ["shop"]; break;
    case "controller": fleet.clusters[cluster].loadBalancerController = value % 2 === 0 ? { install: false } : { chartVersion: "1.13.0" }; break;
  }
}

const transitionArb = fc.tuple(fleetArb, fc.array(editArb, { minLength: 1, maxLength: 3 }))
  .map(([base, edits]) => [base, edit(base, (copy) => { for (const e of edits) applyEdit(copy, e); })] as const)
  .filter(([base, head]) => validateFleet(base, { today: TODAY }).ok && validateFleet(head, { today: TODAY }).ok);

const scratch: string[] = [];
const tempCache = () => {
  const dir = mkdtempSync(path.join(tmpdir(), "baton-parts-"));
  scratch.push(dir);
  return new PartCache(dir, fingerprint.batonVersion, loadCacheKey());
};
afterAll(() => { for (const dir of scratch) rmSync(dir, { recursive: true, force: true }); });

const entryFiles = (cache: PartCache) => readdirSync(cache.dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".part")).map((f) => path.join(cache.dir, f));

describe("a preview captured by parts", () => {
  it("equals the preview captured whole, cold and warm, for generated fleets and edits", async () => {
    await fc.assert(fc.asyncProperty(transitionArb, async ([base, head]) => {
      const whole = await previewWhole(base, head);
      const cache = tempCache();
      const cold = counting(inProcess);
      const fromCold = await previewByParts(base, head, cold.capturer, cache);
      const warm = counting(inProcess);
      const fromWarm = await previewByParts(base, head, warm.capturer, cache);
      expect(fromCold.review).toEqual(whole.review);
      expect(fromCold.head?.resources).toEqual(whole.head?.resources);
      expect(fromWarm.review).toEqual(whole.review);
      expect(fromWarm.head?.resources).toEqual(whole.head?.resources);
      expect(warm.asked).toEqual([]);
      expect(fromWarm.stats?.captured).toBe(0);
    }), { numRuns: 12 });
  }, 240_000);

  it("captures again only the parts a change reads: a weight edit recaptures its service, a node group edit its cluster and the routes weighting it", async () => {
    const base = migrationFleet();
    const cache = tempCache();
    // A part is keyed by its projection and by what was deployed before it (node group sizes depend
    // on it): the previews of changes to one deployed base share the base's parts.
    await previewByParts(base, base, inProcess, cache);
    const weight = counting(inProcess);
    await previewByParts(base, edit(base, (f) => { f.services.web.weights = { blue: 50, green: 50 }; }), weight.capturer, cache);
    expect(weight.asked).toEqual(["service:web"]);
    const scaling = counting(inProcess);
    await previewByParts(base, edit(base, (f) => { f.clusters.green.nodeGroups.general.scaling.desired = 7; }), scaling.capturer, cache);
    // The routes check the clusters they weight, so they read green's spec too.
    expect(scaling.asked.sort()).toEqual(["cluster:green", "service:api", "service:web"]);
    // A cluster holds what its bound ALB services need (their namespaces), so it reads their namespace.
    const namespace = counting(inProcess);
    await previewByParts(base, edit(base, (f) => { f.services.web.namespace = "storefront"; }), namespace.capturer, cache);
    expect(namespace.asked.sort()).toEqual(["cluster:blue", "cluster:green", "service:web"]);
  }, 120_000);

  it("captures on worker threads the same graph as in this process", async () => {
    const fleet = validateFleet(migrationFleet(), { today: TODAY }).fleet as FleetSpec;
    const workers = workerPartCapturer({ module: path.resolve(__dirname, "../../stacks/program.ts"), exportName: "runFleetPart", options: { today: TODAY } }, 2);
    const [fromWorkers] = (await captureByParts([fleet], { capturer: workers, fingerprint })).captures;
    const whole: Capture = await wholeCapture(migrationFleet());
    expect(fromWorkers!.resources).toEqual(whole.resources);
  }, 120_000);

  describe("the cache", () => {
    const base = migrationFleet();
    const head = edit(base, (f) => { f.services.web.weights = { blue: 50, green: 50 }; });

    async function withDamagedEntry(damage: (file: string, cache: PartCache) => void, reason: RegExp, part = "cluster:blue", holding = "") {
      const cache = tempCache();
      const whole = await previewWhole(base, head);
      await previewByParts(base, head, inProcess, cache);
      const files = entryFiles(cache);
      const target = files.find((f) => readFileSync(f, "utf8").includes(`"part":"${part}"`) && readFileSync(f, "utf8").includes(holding))!;
      damage(target, cache);
      const again = counting(inProcess);
      const result = await previewByParts(base, head, again.capturer, cache);
      expect(again.asked).toEqual([part]);
      expect(result.stats?.discarded.map((d) => d.reason)).toEqual([expect.stringMatching(reason)]);
      // The review is the one a capture without the cache gives.
      expect(result.review).toEqual(whole.review);
      // The recaptured entry replaced the bad one: the next run reads it.
      const third = counting(inProcess);
      await previewByParts(base, head, third.capturer, cache);
      expect(third.asked).toEqual([]);
    }

    it("recaptures an entry whose content was edited", async () => {
      await withDamagedEntry((file) => writeFileSync(file, readFileSync(file, "utf8").replace('"ON_DEMAND"', '"SPOT"')), /bytes/);
      await withDamagedEntry((file) => {
        const text = readFileSync(file, "utf8");
        writeFileSync(file, text.replace("shop-blue-cluster", "shop-blue-clustex"));
      }, /signature/);
    }, 120_000);

    it("recaptures an entry whose weights were forged with its checksums recomputed: an entry counts only when signed with the cache key", async () => {
      await withDamagedEntry((file) => {
        const text = readFileSync(file, "utf8");
        const newline = text.indexOf("\n");
        const header = JSON.parse(text.slice(0, newline)) as Record<string, unknown>;
        const body = text.slice(newline + 1).replace('"weight":50', '"weight":90').replace('"weight":50', '"weight":10');
        expect(body).not.toContain('"weight":50');
        // What a forger can compute: the body's length and sha256.
        const forged = { ...header, bodyBytes: Buffer.byteLength(body), bodySha256: createHash("sha256").update(body).digest("hex") };
        writeFileSync(file, `${JSON.stringify(forged)}\n${body}`);
      }, /signature/, "service:web", '"weight":50');
    }, 120_000);

    it("recaptures an entry signed with another cache key (another user, machine or BATON_CACHE_KEY)", async () => {
      await withDamagedEntry((file, cache) => {
        const text = readFileSync(file, "utf8");
        const header = JSON.parse(text.slice(0, text.indexOf("\n"))) as { key: string; part: string };
        const theirs = new PartCache(cache.dir, fingerprint.batonVersion, loadCacheKey({ BATON_CACHE_KEY: "someone-elses-key-0123456789abcdef0123456789" }));
        theirs.write(header.key, header.part, JSON.parse(text.slice(text.indexOf("\n") + 1)));
      }, /another cache key/);
    }, 120_000);

    it("never reads through a link, a FIFO or an oversized file: each is reported and captured again", async () => {
      const fifo = (file: string) => execFileSync("mkfifo", [file]);
      // A link to /dev/zero would read without end; a FIFO with no writer would block for ever.
      await withDamagedEntry((file) => { rmSync(file); symlinkSync("/dev/zero", file); }, /symbolic link/);
      await withDamagedEntry((file) => { rmSync(file); fifo(file); }, /FIFO/);
      await withDamagedEntry((file, cache) => {
        const pipe = path.join(path.dirname(cache.dir), `${path.basename(cache.dir)}-pipe`);
        scratch.push(pipe);
        fifo(pipe);
        rmSync(file);
        symlinkSync(pipe, file);
      }, /symbolic link/);
      await withDamagedEntry((file) => truncateSync(file, MAX_ENTRY_BYTES + 1), /larger than/);
    }, 240_000);

    it("reads entries only inside the cache folder: a shard folder that is a link is not followed", async () => {
      await withDamagedEntry((file, cache) => {
        const shard = path.dirname(file);
        const outside = `${cache.dir}-elsewhere`;
        scratch.push(outside);
        renameSync(shard, outside);
        symlinkSync(outside, shard);
      }, /symbolic link, not a folder of the cache/);
    }, 120_000);

    it("recaptures an entry written by another baton version, a truncated one and one filed under another key", async () => {
      await withDamagedEntry((file) => writeFileSync(file, readFileSync(file, "utf8").replace(`"baton":"${fingerprint.batonVersion}"`, '"baton":"0.0.1"')), /baton 0\.0\.1/);
      await withDamagedEntry((file) => writeFileSync(file, readFileSync(file, "utf8").slice(0, 200)), /bytes|header/);
      await withDamagedEntry((file, cache) => {
        const other = entryFiles(cache).find((f) => f !== file)!;
        writeFileSync(file, readFileSync(other));
      }, /another key/);
    }, 120_000);

    it("keys every part by the code: a different fingerprint shares nothing", async () => {
      const cache = tempCache();
      await previewByParts(undefined, base, inProcess, cache);
      const other = { ...fingerprint, code: "0".repeat(64) };
      const asked: string[] = [];
      await captureByParts([validateFleet(base, { today: TODAY }).fleet as FleetSpec], {
        fingerprint: other, cache,
        capturer: (jobs, done) => { asked.push(...jobs.map((j) => j.part.kind)); return inProcess(jobs, done); },
      });
      expect(asked).toHaveLength(5);
    }, 60_000);
  });

  it("a part capture keeps only what the part owns", async () => {
    const fleet = validateFleet(migrationFleet(), { today: TODAY }).fleet as FleetSpec;
    const { partProjection } = await import("../../src/components/fleet-parts.js");
    const part = { kind: "service", name: "web" } as const;
    const captured = await capturePart(() => runFleetPart(partProjection(fleet, part), part, { today: TODAY }));
    expect(captured.resources.every((r) => r.urn.includes("WeightedAlbRoute") || r.urn.includes("TargetGroupBinding"))).toBe(true);
    // The bindings still name their cluster's provider, exactly as in the whole program.
    const binding = captured.resources.find((r) => r.type.startsWith("kubernetes:") && r.name === "shop-web-blue")!;
    const whole = await wholeCapture(migrationFleet());
    expect(binding.provider).toBe(whole.resources.find((r) => r.urn === binding.urn)!.provider);
  }, 60_000);
});
