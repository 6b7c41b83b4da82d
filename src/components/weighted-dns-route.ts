/**
 * Route53 weighted routing between clusters: one weighted alias record per cluster, all in one
 * record set (same name and type), each aliasing the cluster's load balancer with target-health
 * evaluation. A weight change touches only the records; clients follow as DNS caches expire.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { setIdentifier } from "../fleet/names.js";
import { DnsService } from "../fleet/schema.js";
import type { ClusterSpec, DnsServiceInput, DnsServiceSpec } from "../fleet/types.js";
import { weightOf } from "../fleet/traffic.js";
import { listedClusters, validateService } from "./service-validation.js";

/** The component's part of the fleet spec, as a user writes it (see fleet/types.ts). */
export type { DnsServiceInput };

export interface WeightedDnsRouteArgs {
  readonly fleetName: string;
  /** The service's name in the fleet (its key under `services:`). @default the component's name */
  readonly serviceName?: string;
  /** The service, exactly as in the fleet spec; checked with the spec's rules. */
  readonly service: DnsServiceInput;
  /** Every cluster the service's weights name, by name. `EksCluster` satisfies it. */
  readonly clusters: Readonly<Record<string, { readonly spec: ClusterSpec }>>;
}

export class WeightedDnsRoute extends pulumi.ComponentResource {
  readonly spec: DnsServiceSpec;
  readonly records: Readonly<Record<string, aws.route53.Record>>;

  constructor(name: string, args: WeightedDnsRouteArgs, opts?: pulumi.ComponentResourceOptions) {
    const serviceName = args.serviceName ?? name;
    const spec = validateService(DnsService, "WeightedDnsRoute", args.fleetName, serviceName, args.service, args.clusters);
    super("baton:components:WeightedDnsRoute", name, {}, opts);
    this.spec = spec;
    const { route53 } = spec;

    const records: Record<string, aws.route53.Record> = {};
    for (const cluster of listedClusters(spec)) {
      const target = route53.targets[cluster];
      // A cluster at weight 0 without a load balancer yet gets its record once it has one (the spec requires it before weight).
      if (target === undefined) continue;
      records[cluster] = new aws.route53.Record(`${args.fleetName}-${serviceName}-${cluster}`, {
        zoneId: route53.zoneId,
        name: route53.name,
        type: "A",
        setIdentifier: setIdentifier(args.fleetName, cluster),
        weightedRoutingPolicies: [{ weight: weightOf(spec, cluster) }],
        aliases: [{ name: target.dnsName, zoneId: target.zoneId, evaluateTargetHealth: route53.evaluateTargetHealth }],
      }, { parent: this });
    }
    this.records = records;
    this.registerOutputs({ records: Object.fromEntries(Object.entries(records).map(([c, r]) => [c, r.fqdn])) });
  }
}
