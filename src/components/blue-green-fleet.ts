/**
 * A blue/green fleet from one validated spec: every cluster (control plane, add-ons, node groups),
 * and every service's weighted route between them. Its outputs answer what a user asks after
 * `pulumi up`: which cluster gets what share of each service, and what each cluster runs.
 */
import * as pulumi from "@pulumi/pulumi";
import type { AddonVersionRecord } from "../fleet/addon-versions.js";
import { eksClusterName } from "../fleet/names.js";
import { configPath, FleetSpecError } from "../fleet/problems.js";
import { checkAdminsAgainstDeployer } from "../fleet/rules/access.js";
import type { FleetInput, FleetSpec } from "../fleet/types.js";
import { clustersNamedBy, formatWeights, shares, weightChangeSpeed } from "../fleet/traffic.js";
import { validateFleet } from "../fleet/validate.js";
import { isoDate } from "../fleet/versions.js";
import { AddonVersions } from "./addons.js";
import { EksCluster } from "./eks-cluster.js";
import { ExistingLogGroups } from "./log-groups.js";
import type { FleetPart } from "./fleet-parts.js";
import { WeightedAlbRoute } from "./weighted-alb-route.js";
import { WeightedDnsRoute } from "./weighted-dns-route.js";

export interface BlueGreenFleetArgs {
  /** The fleet, exactly as under `baton:fleet`; validated with every spec rule before anything is registered. */
  readonly fleet: FleetInput;
  /** The date version support is judged on (ISO, UTC). @default today */
  readonly today?: string;
  /**
   * The fleet as deployed, when known (the offline preview passes its base): a problem it already
   * has that `fleet` does not make worse is a warning, so the change that fixes it can run.
   */
  readonly deployed?: FleetInput;
  /**
   * The fleet as last deployed, when it is not `deployed` (a part build judges against its own
   * projection): what pulumi up sends for node group sizes depends on it. `false`: not known, so
   * every node group sends its live size. @default deployed
   */
  readonly lastDeployed?: FleetInput | false;
  /** AWS region, for kubeconfigs and managed policy ARNs. @default the aws:region config */
  readonly region?: string;
  /**
   * What the last deployment ran (its `addonVersions` output): unpinned add-ons keep those versions
   * until their cluster's Kubernetes version moves. @default none: every unpinned add-on takes EKS's default
   */
  readonly previousAddonVersions?: pulumi.Input<unknown>;
  /** The IAM principal `pulumi up` runs as, when known (see EksClusterArgs.deployerArn). */
  readonly deployerArn?: string;
  /**
   * Build one part of the fleet only (see `fleet-parts.ts`), from that part's projection: the
   * offline preview captures a fleet part by part. @default the whole fleet
   */
  readonly part?: FleetPart;
}

/** In a part build: the components the part owns, and the references to other parts it registered. */
export interface PartScope {
  readonly owned: readonly pulumi.Resource[];
  readonly borrowed: readonly pulumi.Resource[];
}

export interface ServiceOutput {
  readonly routing: "alb" | "route53";
  /** Weights as written in the spec. */
  readonly weights: Record<string, number>;
  /** Each cluster's share of the service's traffic, 0–1. */
  readonly shares: Record<string, number>;
  /** The weights as the stack file writes them, for a quick read. */
  readonly summary: string;
  /** How fast a weight change (and so a rollback) reaches clients. */
  readonly weightChangeTakesEffect: string;
}

export interface NodeGroupOutput {
  readonly name: pulumi.Output<string>;
  readonly version: string;
  readonly retiring: boolean;
}

export interface ClusterOutput {
  readonly name: pulumi.Output<string>;
  readonly version: string;
  readonly endpoint: pulumi.Output<string>;
  readonly nodeGroups: Record<string, NodeGroupOutput>;
}

export interface FleetOutputs {
  readonly fleet: string;
  readonly clusters: Record<string, ClusterOutput>;
  readonly services: Record<string, ServiceOutput>;
  /** Per EKS cluster name, its Kubernetes version and each add-on's version: the next run's `previousAddonVersions`. */
  readonly addonVersions: pulumi.Output<AddonVersionRecord>;
}

export class BlueGreenFleet extends pulumi.ComponentResource {
  readonly spec: FleetSpec;
  readonly clusters: Readonly<Record<string, EksCluster>>;
  readonly albRoutes: Readonly<Record<string, WeightedAlbRoute>>;
  readonly dnsRoutes: Readonly<Record<string, WeightedDnsRoute>>;
  readonly outputs: FleetOutputs;
  /** Set in a part build only. */
  readonly partScope?: PartScope;

  constructor(name: string, args: BlueGreenFleetArgs, opts?: pulumi.ComponentResourceOptions) {
    const today = args.today ?? isoDate(new Date());
    const validation = validateFleet(args.fleet, { today, ...(args.deployed !== undefined ? { deployed: args.deployed } : {}) });
    if (!validation.ok) throw new FleetSpecError(validation.problems);
    // Every cluster's admins against the deploying identity, all problems at once before anything registers.
    const deployerProblems = Object.entries(validation.fleet.clusters).flatMap(([c, spec]) =>
      checkAdminsAgainstDeployer(spec.admins, args.deployerArn, configPath(["clusters", c, "admins"])));
    if (deployerProblems.length > 0) throw new FleetSpecError(deployerProblems);
    const fleet = validation.fleet;
    super("baton:components:BlueGreenFleet", name, {}, opts);
    this.spec = fleet;

    const part = args.part;
    const builds = (kind: "cluster" | "service", key: string) => part === undefined || (part.kind === kind && part.name === key);
    const asDeployed = args.lastDeployed === false ? undefined : args.lastDeployed ?? args.deployed;
    const addonVersions = new AddonVersions(args.previousAddonVersions,
      Object.fromEntries(Object.entries(asDeployed?.clusters ?? {}).map(([c, spec]) => [eksClusterName(fleet.name, c), spec])));
    // One lookup of the fleet's existing control-plane log groups (`/aws/eks/<fleet>-…`), shared by its clusters.
    const logGroups = new ExistingLogGroups(`/aws/eks/${fleet.name}-`);
    const clusters: Record<string, EksCluster> = {};
    const buildCluster = (clusterName: string, cluster: FleetSpec["clusters"][string]) => new EksCluster(eksClusterName(fleet.name, clusterName), {
      fleetName: fleet.name, clusterName, spec: cluster, network: fleet.network, today, addonVersions, logGroups,
      ...(args.deployed?.clusters?.[clusterName] !== undefined ? { deployed: args.deployed.clusters[clusterName] } : {}),
      ...(args.lastDeployed !== undefined ? { lastDeployed: args.lastDeployed === false ? false : args.lastDeployed.clusters?.[clusterName] ?? false } : {}),
      ...(args.deployerArn !== undefined ? { deployerArn: args.deployerArn } : {}),
      ...(args.region !== undefined ? { region: args.region } : {}),
    }, { parent: this });
    for (const [clusterName, cluster] of Object.entries(fleet.clusters)) {
      if (builds("cluster", clusterName)) clusters[clusterName] = buildCluster(clusterName, cluster);
    }
    this.clusters = clusters;
    // What a cluster holds for the ALB services that bind into it (the controller, their namespaces) is
    // asked for here, from the spec: a cluster built on its own (a part) then holds the same as in the whole fleet.
    for (const service of Object.values(fleet.services)) {
      if (service.routing !== "alb") continue;
      for (const clusterName of Object.keys(service.weights)) clusters[clusterName]?.bindingPrerequisites(service.namespace);
    }

    // A service part builds the clusters its ALB route binds into as they are in the whole program (the
    // bindings refer to their providers and resources), and leaves them to the clusters' own parts.
    const borrowed: Record<string, EksCluster> = {};
    const routedCluster = (clusterName: string) => clusters[clusterName]
      ?? (borrowed[clusterName] ??= buildCluster(clusterName, fleet.clusters[clusterName]!));

    const albRoutes: Record<string, WeightedAlbRoute> = {};
    const dnsRoutes: Record<string, WeightedDnsRoute> = {};
    for (const [serviceName, service] of Object.entries(fleet.services)) {
      if (!builds("service", serviceName)) continue;
      const routeName = `${fleet.name}-${serviceName}`;
      if (service.routing === "alb") {
        const routed = Object.fromEntries(Object.keys(service.weights).map((c) => [c, routedCluster(c)]));
        albRoutes[serviceName] = new WeightedAlbRoute(routeName, { fleetName: fleet.name, serviceName, service, clusters: routed, vpcId: fleet.network.vpcId }, { parent: this });
      } else {
        // A DNS route reads only the clusters' specs.
        // The route checks every cluster the service names (its weights and its alias targets) against the fleet.
        const routed = Object.fromEntries(clustersNamedBy(service).flatMap((c) => (Object.hasOwn(fleet.clusters, c) ? [[c, { spec: fleet.clusters[c]! }]] : [])));
        dnsRoutes[serviceName] = new WeightedDnsRoute(routeName, { fleetName: fleet.name, serviceName, service, clusters: routed }, { parent: this });
      }
    }
    this.albRoutes = albRoutes;
    this.dnsRoutes = dnsRoutes;
    if (part !== undefined) {
      const owned: pulumi.Resource[] = part.kind === "fleet" ? [this] : [...Object.values(clusters), ...Object.values(albRoutes), ...Object.values(dnsRoutes)];
      this.partScope = { owned, borrowed: Object.values(borrowed) };
    }

    this.outputs = {
      fleet: fleet.name,
      clusters: Object.fromEntries(Object.entries(clusters).map(([clusterName, c]) => [clusterName, {
        name: c.eksName,
        version: c.spec.version,
        endpoint: c.endpoint,
        nodeGroups: Object.fromEntries(Object.entries(c.nodeGroups).map(([groupName, g]) => [groupName, { name: g.nodeGroupName, version: g.version, retiring: g.spec.retiring }])),
      }])),
      addonVersions: pulumi.all(Object.values(clusters).map((c) => pulumi.all(Object.values(c.addons).map((a) => pulumi.all([a.addonName, a.addonVersion])))
        .apply((pairs) => [c.spec.version, eksClusterName(fleet.name, c.clusterName), Object.fromEntries(pairs)] as const)))
        .apply((entries) => Object.fromEntries(entries.map(([kubernetesVersion, name, versions]) => [name, { kubernetesVersion, versions }]))),
      services: Object.fromEntries(Object.entries(fleet.services).map(([serviceName, s]) => [serviceName, {
        routing: s.routing,
        weights: { ...s.weights },
        shares: shares(s.weights),
        summary: formatWeights(s.weights),
        weightChangeTakesEffect: weightChangeSpeed(s),
      }])),
    };
    this.registerOutputs({ ...this.outputs });
  }
}
