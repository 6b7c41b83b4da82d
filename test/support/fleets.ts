/**
 * Fleet configs for tests and benchmarks, as a user would write them under `baton:fleet`
 * (raw input: defaults not yet applied).
 */
import type { FleetInput } from "../../src/fleet/schema.js";

/** The date the version rules are judged on in tests, so results do not drift with the clock. */
export const TODAY = "2026-11-23";

/** The example network: two subnets, and the CI runners' security group admitted to the clusters' API. */
export function exampleNetwork(): FleetInput["network"] {
  return {
    vpcId: "vpc-0a1b2c3d4e5f67890",
    subnetIds: ["subnet-0a1b2c3d4e5f67890", "subnet-0b1c2d3e4f5a67890"],
    apiAccess: { securityGroupIds: ["sg-0c1d2e3f4a5b67890"] },
  };
}

/** The migration example: blue on 1.33 at 90 %, green on 1.35 at 10 % for web; api all on blue. */
export function migrationFleet(): FleetInput {
  return {
    name: "shop",
    network: exampleNetwork(),
    clusters: {
      blue: {
        version: "1.33",
        nodeGroups: { general: { instanceTypes: ["m7i.large"], scaling: { min: 3, desired: 6, max: 12 }, updateConfig: { maxUnavailablePercentage: 25 } } },
      },
      green: {
        version: "1.35",
        nodeGroups: { general: { instanceTypes: ["m7i.large"], scaling: { min: 3, desired: 6, max: 12 }, updateConfig: { maxUnavailable: 2 } } },
      },
    },
    services: {
      web: {
        namespace: "shop", port: 8080, routing: "alb",
        alb: {
          listenerArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shop/50dc6c495c0c9188/f2f7dc8efc522ab2",
          securityGroupId: "sg-0a1b2c3d4e5f67890", hostHeaders: ["shop.example.com"], priority: 10,
        },
        weights: { blue: 90, green: 10 },
      },
      api: {
        namespace: "shop", port: 8080, routing: "route53",
        route53: {
          zoneId: "Z0123456789ABCDEFGHIJ", name: "api.example.com",
          targets: {
            blue: { dnsName: "blue-api-123.us-east-1.elb.amazonaws.com", zoneId: "Z35SXDOTRQ7X7K" },
            green: { dnsName: "green-api-456.us-east-1.elb.amazonaws.com", zoneId: "Z35SXDOTRQ7X7K" },
          },
        },
        weights: { blue: 100, green: 0 },
      },
    },
  };
}

export interface GeneratedFleetOptions {
  readonly clusters: number;
  /** @default 3 */
  readonly nodeGroupsPerCluster?: number;
  /** @default 5 */
  readonly services?: number;
}

/**
 * A large fleet in the shape big platform teams run: many clusters, a few node groups each, and
 * services that mix ALB and Route53 routing. An ALB forward action takes at most five target groups,
 * so ALB services list at most five clusters; Route53 services list every cluster.
 */
export function generateFleet(options: GeneratedFleetOptions): FleetInput {
  const { clusters: clusterCount, nodeGroupsPerCluster = 3, services: serviceCount = 5 } = options;
  const clusterNames = Array.from({ length: clusterCount }, (_, i) => `c${i}`);
  const clusters: NonNullable<FleetInput["clusters"]> = {};
  clusterNames.forEach((name, i) => {
    const nodeGroups: Record<string, NonNullable<FleetInput["clusters"]>[string]["nodeGroups"][string]> = {};
    for (let g = 0; g < nodeGroupsPerCluster; g++) {
      nodeGroups[`ng${g}`] = {
        instanceTypes: [g % 2 === 0 ? "m7i.large" : "c7i.xlarge"],
        scaling: { min: 1, desired: 3 + (g % 3), max: 20 },
        ...(g === 0 ? {} : { updateConfig: { maxUnavailable: 2 } }),
      };
    }
    clusters[name] = { version: i % 2 === 0 ? "1.34" : "1.35", nodeGroups };
  });
  const services: NonNullable<FleetInput["services"]> = {};
  for (let s = 0; s < serviceCount; s++) {
    const name = `svc${s}`;
    if (s % 2 === 0) {
      const listed = clusterNames.slice(0, 5);
      services[name] = {
        namespace: "apps", port: 8080, routing: "alb",
        alb: {
          listenerArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/fleet/50dc6c495c0c9188/f2f7dc8efc522ab2",
          securityGroupId: "sg-0a1b2c3d4e5f67890", priority: 100 + s,
        },
        weights: Object.fromEntries(listed.map((c, i) => [c, i === 0 ? 100 : 0])),
      };
    } else {
      services[name] = {
        namespace: "apps", port: 8080, routing: "route53",
        route53: {
          zoneId: "Z0123456789ABCDEFGHIJ", name: `${name}.example.com`,
          targets: Object.fromEntries(clusterNames.map((c) => [c, { dnsName: `${c}-lb.us-east-1.elb.amazonaws.com`, zoneId: "Z35SXDOTRQ7X7K" }])),
        },
        weights: Object.fromEntries(clusterNames.map((c) => [c, 1])),
      };
    }
  }
  return { name: "fleet", network: exampleNetwork(), clusters, services };
}

/**
 * Raw config as a user writes it: any shape, including the wrong types the tests write on purpose
 * (`version: 1.3`), which is why it is untyped.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type RawConfig = any;

/** A deep copy to edit, so one test's edit never leaks into another's fleet. */
export function edit(fleet: FleetInput, change: (copy: RawConfig) => void): FleetInput {
  const copy: RawConfig = structuredClone(fleet);
  change(copy);
  return copy as FleetInput;
}

/**
 * The migration fleet with green removed and every service moved to blue in the same change:
 * the decommission the spec refuses while green still has traffic.
 */
export function migrationWithoutGreen(): FleetInput {
  return edit(migrationFleet(), (f) => {
    delete f.clusters.green;
    f.services.web.weights = { blue: 100 };
    f.services.api.weights = { blue: 100 };
    delete f.services.api.route53.targets.green;
  });
}
