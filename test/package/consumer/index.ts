import { BlueGreenFleet, type FleetInput } from "baton";

const general = { instanceTypes: ["m7i.large"], scaling: { min: 2, desired: 3, max: 6 } };

// The same fleet a stack's `baton:fleet` config holds: two clusters, web weighted 90/10 between them.
const fleet: FleetInput = {
  name: "shop",
  network: {
    vpcId: "vpc-0a1b2c3d4e5f67890",
    subnetIds: ["subnet-0a1b2c3d4e5f67890", "subnet-0b1c2d3e4f5a67890"],
    apiAccess: { securityGroupIds: ["sg-0c1d2e3f4a5b67890"] }, // where `pulumi up` runs
  },
  clusters: {
    blue: { version: "1.35", nodeGroups: { general } },
    green: { version: "1.36", nodeGroups: { general } },
  },
  services: {
    web: {
      namespace: "shop", port: 8080, routing: "alb", weights: { blue: 90, green: 10 },
      alb: {
        listenerArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shop/50dc6c495c0c9188/f2f7dc8efc522ab2",
        securityGroupId: "sg-0a1b2c3d4e5f67890", priority: 10,
      },
    },
  },
};

// Checked with every spec rule before anything is registered: a bad fleet throws with each
// problem's config path, rule and fix.
const shop = new BlueGreenFleet("shop", { fleet });
export const traffic = shop.outputs.services;
