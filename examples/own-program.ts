/**
 * Using baton's components in your own Pulumi program, without the fleet stack: two clusters and
 * an ALB service weighted between them. In your project, import from "baton" instead of "../src/index.js".
 *
 *   // index.ts of your Pulumi project
 *   import { ownProgram } from "./own-program";
 *   export const outputs = ownProgram();
 *
 * Run on its own, it prints the offline preview of what it would create (no Pulumi CLI or AWS
 * account needed):
 *
 *   npx tsx examples/own-program.ts [--today YYYY-MM-DD]
 */
import { buildReview, captureProgram, createAll, EksCluster, renderText, WeightedAlbRoute, type NodeGroupInput } from "../src/index.js";

export interface OwnProgramOptions {
  /** The date version support is judged on (ISO, UTC). @default today */
  readonly today?: string;
}

export function ownProgram(options: OwnProgramOptions = {}) {
  const network = {
    vpcId: "vpc-0a1b2c3d4e5f67890",
    subnetIds: ["subnet-0a1b2c3d4e5f67890", "subnet-0b1c2d3e4f5a67890"],
    // Where pulumi up runs (the CI runners' security group): admitted on 443 to each cluster's private API.
    apiAccess: { securityGroupIds: ["sg-0c1d2e3f4a5b67890"] },
  };
  const general: NodeGroupInput = { instanceTypes: ["m7i.large"], scaling: { min: 2, desired: 3, max: 6 } };
  const today = options.today !== undefined ? { today: options.today } : {};

  // Each cluster checks its spec on construction: a bad setting fails with its path, the rule and the fix.
  const blue = new EksCluster("shop-blue", {
    fleetName: "shop", clusterName: "blue", network, ...today,
    spec: { version: "1.34", nodeGroups: { general }, admins: ["arn:aws:iam::123456789012:role/platform-admin"] },
  });
  const green = new EksCluster("shop-green", {
    fleetName: "shop", clusterName: "green", network, ...today,
    spec: { version: "1.35", nodeGroups: { general: { ...general, updateConfig: { maxUnavailable: 1 } } } },
  });

  // One target group per cluster, a TargetGroupBinding in each (after the AWS Load Balancer Controller and
  // the namespace, which each cluster installs on first use), and a listener rule weighting them.
  const web = new WeightedAlbRoute("shop-web", {
    fleetName: "shop", serviceName: "web", vpcId: network.vpcId, clusters: { blue, green },
    service: {
      namespace: "shop", port: 8080, routing: "alb", weights: { blue: 80, green: 20 },
      alb: {
        listenerArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shop/50dc6c495c0c9188/f2f7dc8efc522ab2",
        securityGroupId: "sg-0a1b2c3d4e5f67890", hostHeaders: ["shop.example.com"], priority: 20,
      },
    },
  });

  return {
    blueEndpoint: blue.endpoint,
    greenEndpoint: green.endpoint,
    listenerRuleArn: web.listenerRule.arn,
  };
}

/** Captures the program under Pulumi's mock runtime and prints what a first `pulumi up` would create. */
export async function printPreview(options: OwnProgramOptions = {}, print: (text: string) => void = console.log): Promise<void> {
  const captured = await captureProgram(() => ownProgram(options), { stack: "dev" });
  const review = buildReview({ offline: true, subject: "examples/own-program.ts (a new stack: every resource is created)", changes: createAll(captured) });
  const plain = (s: string) => s;
  // The components checked their specs on construction (a bad one throws before this): the review
  // has no fleet config to judge, so its verdict line is left out.
  const text = renderText(review, { red: plain, green: plain, yellow: plain, bold: plain, dim: plain });
  print(text.split("\n").slice(2).join("\n"));
}

if (require.main === module) {
  const at = process.argv.indexOf("--today");
  const today = at > 0 ? process.argv[at + 1] : undefined;
  printPreview(today !== undefined ? { today } : {}).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
