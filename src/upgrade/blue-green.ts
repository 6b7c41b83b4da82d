/**
 * Cluster blue/green: each cluster below the target hands its traffic to a cluster at the target —
 * one that already runs there and shares its services, or a new one built as its copy — then is
 * decommissioned. Each move is its own step, in the order the spec's transition rules demand: the
 * new cluster at weight 0, the shift schedule, and the decommission only once its weights are 0.
 */
import { isSchedulable } from "../fleet/nodegroups.js";
import { WEIGHT_LIMITS } from "../fleet/traffic.js";
import type { FleetSpec, ServiceSpec } from "../fleet/types.js";
import { clustersBelow, isBehind, repinRelease, slugVersion } from "./in-place.js";
import type { InputNeeded, StepBuilder } from "./steps.js";
import type { StackDocument } from "./stack-document.js";

/** The shift schedule when none is given: `baton rollout`'s default steps. */
export const DEFAULT_SHIFT_PERCENTS: readonly number[] = [10, 25, 50, 100];

export interface BlueGreenOptions {
  /** The shares (percent) the receiving cluster takes, step by step; 100 is added when missing. */
  readonly percents?: readonly number[];
  /** Old cluster → the name of the cluster to build for it. */
  readonly newClusters?: Readonly<Record<string, string>>;
}

/** The new cluster's name: the flag's, blue ↔ green when free, or `<name>-1-NN`. */
export function derivedClusterName(old: string, to: string, taken: ReadonlySet<string>): string {
  const swap = old === "blue" ? "green" : old === "green" ? "blue" : undefined;
  if (swap && !taken.has(swap)) return swap;
  const base = `${old.replace(/-1-\d+$/, "")}-${slugVersion(to)}`;
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
}

const listing = (fleet: FleetSpec, cluster: string) => Object.entries(fleet.services).filter(([, s]) => cluster in s.weights);

/** A cluster already at the target, with room for pods, that shares a service with `old`: it takes the traffic without a new build. */
function existingReceiver(fleet: FleetSpec, old: string, to: string): string | undefined {
  const services = listing(fleet, old).map(([, s]) => s);
  return Object.entries(fleet.clusters).find(([name, c]) => name !== old && !isBehind(c, to) && Object.values(c.nodeGroups).some(isSchedulable) && services.some((s) => name in s.weights))?.[0];
}

/**
 * The weights of `service` when `to` holds `percent` of the traffic `from` and `to` held together
 * at the start of the move; other clusters keep theirs. Never takes weight back from `to`.
 */
export function movedWeights(service: ServiceSpec, start: Readonly<Record<string, number>>, from: string, to: string, percent: number): Record<string, number> {
  const pool = Math.min((start[from] ?? 0) + (start[to] ?? 0), WEIGHT_LIMITS[service.routing]);
  const current = service.weights;
  const receiver = Math.min(pool, Math.max(Math.round((pool * percent) / 100), current[to] ?? 0));
  return { ...current, [from]: pool - receiver, [to]: receiver };
}

function placeholderTarget(doc: StackDocument, service: string, cluster: string, from: string, fleet: FleetSpec): InputNeeded | undefined {
  const spec = fleet.services[service];
  if (spec?.routing !== "route53" || cluster in spec.route53.targets) return undefined;
  const path = ["services", service, "route53", "targets", cluster];
  const dnsName = `replace-with-${cluster}-load-balancer.invalid`;
  // The old cluster's alias zone is the load balancers' zone for the region: the same for the new one.
  const zoneId = spec.route53.targets[from]?.zoneId ?? "Z35SXDOTRQ7X7K";
  doc.set(path, { dnsName, zoneId });
  doc.commentKey(path, `TODO(baton upgrade-plan): ${cluster}'s load balancer for ${service}; Route53 refuses an alias to this placeholder`);
  return { path: `baton:fleet.services.${service}.route53.targets.${cluster}.dnsName`, placeholder: dnsName, why: `the DNS name of ${cluster}'s load balancer for ${service}, known once ${service} is deployed there` };
}

export function planClusterBlueGreen(builder: StepBuilder, to: string, options: BlueGreenOptions = {}): void {
  const percents = [...(options.percents ?? DEFAULT_SHIFT_PERCENTS)];
  if (percents.at(-1) !== 100) percents.push(100);
  for (const old of clustersBelow(builder, to)) {
    const fleet = builder.spec;
    const taken = new Set(Object.keys(fleet.clusters));
    const named = options.newClusters?.[old];
    const receiver = named ?? existingReceiver(fleet, old, to) ?? derivedClusterName(old, to, taken);
    const services = listing(fleet, old).map(([name]) => name);

    if (!(receiver in fleet.clusters)) {
      builder.step(receiver.endsWith(slugVersion(to)) ? `create-${receiver}` : `create-${receiver}-${slugVersion(to)}`, `Create cluster ${receiver} at ${to} next to ${old}, at weight 0`, (doc) => {
        doc.copy(["clusters", old], ["clusters", receiver]);
        doc.set(["clusters", receiver, "version"], to);
        const groups = fleet.clusters[old]!.nodeGroups;
        for (const [group, spec] of Object.entries(groups)) {
          // The copy starts clean: no group on its way out, none pinned to the old version.
          if (spec.retiring) doc.delete(["clusters", receiver, "nodeGroups", group]);
          else {
            if (doc.has(["clusters", receiver, "nodeGroups", group, "version"])) doc.delete(["clusters", receiver, "nodeGroups", group, "version"]);
            repinRelease(builder, doc, ["clusters", receiver, "nodeGroups", group], spec.amiType, to);
          }
        }
        // Add-on pins name builds for the old Kubernetes version; the new cluster takes the defaults for its own.
        if (doc.has(["clusters", receiver, "addons"])) doc.delete(["clusters", receiver, "addons"]);
        for (const service of services) doc.set(["services", service, "weights", receiver], 0);
      });
    } else {
      builder.step(`list-${receiver}-for-${old}-services`, `List ${receiver} at weight 0 in every service ${old} serves`, (doc) => {
        for (const service of services) if (!(receiver in fleet.services[service]!.weights)) doc.set(["services", service, "weights", receiver], 0);
      });
    }

    const start = Object.fromEntries(services.map((s) => [s, { ...builder.spec.services[s]!.weights }]));
    for (const percent of percents) {
      builder.step(`shift-${receiver}-${String(percent).replace(".", "-")}`, `Shift ${percent}% of ${old}'s traffic to ${receiver}`, (doc) => {
        const inputs: InputNeeded[] = [];
        for (const service of services) {
          const spec = builder.spec.services[service]!;
          if ((start[service]![old] ?? 0) === 0) continue;
          const weights = movedWeights(spec, start[service]!, old, receiver, percent);
          if (JSON.stringify(weights) === JSON.stringify(spec.weights)) continue;
          const input = placeholderTarget(doc, service, receiver, old, builder.spec);
          if (input) inputs.push(input);
          for (const [cluster, weight] of Object.entries(weights)) if (spec.weights[cluster] !== weight) doc.set(["services", service, "weights", cluster], weight);
        }
        return inputs;
      });
    }

    builder.step(`decommission-${old}`, `Decommission ${old} (Kubernetes ${fleet.clusters[old]!.version}); ${receiver} serves its traffic`, (doc) => {
      doc.delete(["clusters", old]);
      for (const [service, spec] of Object.entries(builder.spec.services)) {
        if (old in spec.weights) doc.delete(["services", service, "weights", old]);
        if (spec.routing === "route53" && old in spec.route53.targets) doc.delete(["services", service, "route53", "targets", old]);
      }
    });
  }
}
