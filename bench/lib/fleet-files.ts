/**
 * Generated fleets as Pulumi stack config files, the way the CLI reads them: the fleet as deployed
 * the same fleet with one weight changed, and with one node group changed.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { stringify } from "yaml";
import type { FleetInput } from "../../src/fleet/schema.js";
import { edit, generateFleet } from "../../test/support/fleets.js";

/** The generated fleet of the issue: 3 node groups per cluster, 5 services mixing ALB and Route53. */
export function benchFleet(clusters: number): FleetInput {
  return generateFleet({ clusters, nodeGroupsPerCluster: 3, services: 5 });
}

/**
 * One weight changed: svc1 (Route53, listing every cluster) sends twice the weight to the last
 * cluster. A Route53 service exists at every size, so the change is the same kind throughout.
 */
export function withOneWeightChanged(fleet: FleetInput): FleetInput {
  const last = `c${Object.keys(fleet.clusters ?? {}).length - 1}`;
  return edit(fleet, (copy) => { copy.services.svc1.weights[last] = 2; });
}

/** One cluster changed: the last cluster's first node group scales up by one node (an in-place update). */
export function withOneClusterChanged(fleet: FleetInput): FleetInput {
  const last = `c${Object.keys(fleet.clusters ?? {}).length - 1}`;
  return edit(fleet, (copy) => { copy.clusters[last].nodeGroups.ng0.scaling.desired += 1; });
}

export function stackConfigText(fleet: FleetInput): string {
  return stringify({ config: { "aws:region": "us-east-1", "baton:fleet": fleet } });
}

export interface FleetFiles {
  readonly before: string;
  /** One Route53 weight changed. */
  readonly after: string;
  /** One node group of one cluster changed. */
  readonly afterCluster: string;
}

/** Writes `Pulumi.c<N>-before.yaml` and `Pulumi.c<N>-after.yaml` into `dir`. */
export function writeFleetFiles(dir: string, clusters: number): FleetFiles {
  const fleet = benchFleet(clusters);
  const before = path.join(dir, `Pulumi.c${clusters}-before.yaml`);
  const after = path.join(dir, `Pulumi.c${clusters}-after.yaml`);
  writeFileSync(before, stackConfigText(fleet));
  const afterCluster = path.join(dir, `Pulumi.c${clusters}-after-cluster.yaml`);
  writeFileSync(after, stackConfigText(withOneWeightChanged(fleet)));
  writeFileSync(afterCluster, stackConfigText(withOneClusterChanged(fleet)));
  return { before, after, afterCluster };
}
