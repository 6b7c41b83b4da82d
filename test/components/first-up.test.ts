/**
 * What the first real `pulumi up` needs inside and around each cluster: the API access rules and
 * the provider after them, a kubeconfig signed as the stack's AWS identity, the AWS Load Balancer
 * Controller (release, Pod Identity role, TargetGroupBinding-only policy), the services' namespaces, and
 * bindings that depend on all of it.
 */
import { BlueGreenFleet } from "../../src/components/blue-green-fleet.js";
import { EksCluster } from "../../src/components/eks-cluster.js";
import { awsIdentityFromConfig, kubeconfigDocument } from "../../src/components/kubeconfig.js";
import { publishedLoadBalancerControllerPolicy, type PolicyDocument } from "../../src/components/load-balancer-controller-policy.js";
import { DEFAULT_LOAD_BALANCER_CONTROLLER_CHART_VERSION } from "../../src/components/load-balancer-controller.js";
import { captureProgram } from "../../src/preview/capture.js";
import type { Capture, CapturedResource } from "../../src/preview/model.js";
import { TYPES } from "../../src/preview/preconditions.js";
import { FleetSpecError } from "../../src/fleet/problems.js";
import type { FleetInput } from "../../src/fleet/schema.js";
import { edit, migrationFleet, TODAY } from "../support/fleets.js";

Error.stackTraceLimit = 0;

const fleetCapture = (fleet: FleetInput) => captureProgram(() => new BlueGreenFleet(fleet.name!, { fleet, today: TODAY, region: "eu-west-1" }));
const find = (capture: Capture, type: string, name: string): CapturedResource => {
  const found = capture.resources.find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`no ${type} ${name}; have ${capture.resources.filter((r) => r.type === type).map((r) => r.name).join(", ")}`);
  return found;
};
const named = (capture: Capture, type: string) => capture.resources.filter((r) => r.type === type).map((r) => r.name).sort();
const urnOf = (capture: Capture, type: string, name: string) => find(capture, type, name).urn;
type Json = Record<string, unknown>;

describe("a fleet's first pulumi up", () => {
  let capture: Capture;
  beforeAll(async () => {
    capture = await fleetCapture(edit(migrationFleet(), (f) => { f.network.apiAccess = { securityGroupIds: ["sg-0c1d2e3f4a5b67890"], cidrs: ["10.20.0.0/16"] }; }));
  }, 60_000);

  it("admits each apiAccess source on 443 to each cluster's security group, and the provider waits for the rules", () => {
    const cluster = find(capture, "aws:eks/cluster:Cluster", "shop-blue");
    const rules = capture.resources.filter((r) => r.type === TYPES.apiAccessRule && r.name.startsWith("shop-blue-"));
    expect(rules.map((r) => r.name).sort()).toEqual(["shop-blue-api-10-20-0-0-16", "shop-blue-api-sg-0c1d2e3f4a5b67890"]);
    for (const rule of rules) {
      expect(rule.inputs).toMatchObject({ ipProtocol: "tcp", fromPort: 443, toPort: 443 });
      expect(rule.dependencies).toContain(cluster.urn); // on the cluster's own security group
    }
    expect(rules.find((r) => r.name.endsWith("sg-0c1d2e3f4a5b67890"))!.inputs["referencedSecurityGroupId"]).toBe("sg-0c1d2e3f4a5b67890");
    expect(rules.find((r) => r.name.endsWith("10-20-0-0-16"))!.inputs["cidrIpv4"]).toBe("10.20.0.0/16");
    const provider = find(capture, TYPES.kubernetesProvider, "shop-blue");
    expect(provider.dependencies).toEqual(expect.arrayContaining(rules.map((r) => r.urn)));
  });

  it("installs the controller chart from eks-charts, pinned, with cluster name, region, VPC, two replicas and a PDB", () => {
    const release = find(capture, TYPES.helmRelease, "shop-blue-lbc");
    expect(release.inputs).toMatchObject({
      name: "aws-load-balancer-controller", chart: "aws-load-balancer-controller", namespace: "kube-system",
      version: DEFAULT_LOAD_BALANCER_CONTROLLER_CHART_VERSION, repositoryOpts: { repo: "https://aws.github.io/eks-charts" }, skipAwait: false,
    });
    expect((release.inputs["values"] as Json)).toMatchObject({
      clusterName: "shop-blue", region: "eu-west-1", vpcId: "vpc-0a1b2c3d4e5f67890", replicaCount: 2,
      podDisruptionBudget: { maxUnavailable: 1 }, serviceAccount: { create: true, name: "aws-load-balancer-controller" },
      enableServiceMutatorWebhook: false,
      // TargetGroupBindings only: no Service controller, no IngressClass for Ingresses to name, no Ingress add-ons.
      controllerConfig: { featureGates: { EnableServiceController: false } },
      createIngressClassResource: false, ingressClassParams: { create: false }, disableIngressClassAnnotation: true,
      enableShield: false, enableWaf: false, enableWafv2: false,
    });
    expect(release.provider).toContain("pulumi:providers:kubernetes::shop-blue::");
    // Installed after its credentials, CoreDNS and the nodes its pods run on.
    expect(release.dependencies).toEqual(expect.arrayContaining([
      urnOf(capture, TYPES.podIdentityAssociation, "shop-blue-lbc"),
      urnOf(capture, TYPES.addon, "shop-blue-coredns"),
      urnOf(capture, TYPES.addon, "shop-blue-eks-pod-identity-agent"),
      urnOf(capture, TYPES.nodeGroup, "shop-blue-general"),
    ]));
  });

  it("gives the controller a Pod Identity role only its own service account in this cluster can assume", () => {
    const role = find(capture, "aws:iam/role:Role", "shop-blue-lbc");
    expect(role.inputs["name"]).toBe("shop-blue-lbc");
    expect(JSON.parse(role.inputs["assumeRolePolicy"] as string).Statement).toEqual([{
      Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"],
      Condition: { StringEquals: {
        "aws:RequestTag/eks-cluster-name": "shop-blue", "aws:RequestTag/kubernetes-namespace": "kube-system",
        "aws:RequestTag/kubernetes-service-account": "aws-load-balancer-controller",
      } },
    }]);
    expect(find(capture, TYPES.podIdentityAssociation, "shop-blue-lbc").inputs).toMatchObject({
      clusterName: "shop-blue", namespace: "kube-system", serviceAccount: "aws-load-balancer-controller",
    });
  });

  it("lets the controller register pods in its own cluster's target groups and open its cluster's security group, and write nothing else", () => {
    const policy = JSON.parse(find(capture, "aws:iam/rolePolicy:RolePolicy", "shop-blue-lbc").inputs["policy"] as string) as PolicyDocument;
    const writes = policy.Statement.filter((s) => s.Action.some((a) => !/^(ec2|elasticloadbalancing):(Describe|Get)/.test(a)));
    // No write on *: not on listeners, rules, load balancers, web ACLs or any security group.
    for (const statement of writes) expect(statement.Resource, statement.Sid).not.toBe("*");
    const allWrites = writes.flatMap((s) => s.Action);
    for (const action of ["CreateListener", "DeleteListener", "ModifyListener", "CreateRule", "DeleteRule", "ModifyRule", "SetRulePriorities", "SetWebAcl", "CreateLoadBalancer", "DeleteLoadBalancer"]) {
      expect(allWrites).not.toContain(`elasticloadbalancing:${action}`);
    }
    expect(writes).toEqual([
      {
        Sid: "RegisterPodsInOwnTargetGroups", Effect: "Allow",
        Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
        Resource: "arn:aws:elasticloadbalancing:*:*:targetgroup/*/*",
        Condition: { StringEquals: { "aws:ResourceTag/baton:fleet": "shop", "aws:ResourceTag/baton:cluster": "blue" } },
      },
      {
        Sid: "OpenPodPortsToLoadBalancer", Effect: "Allow",
        Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"],
        Resource: [expect.stringMatching(/^arn:aws:ec2:\*:\*:security-group\/sg-[0-9a-f]{17}$/), "arn:aws:ec2:*:*:security-group-rule/*"],
      },
    ]);
    // The target groups it may write are the ones baton tags for this cluster.
    for (const group of capture.resources.filter((r) => r.type === "aws:lb/targetGroup:TargetGroup" && r.name.endsWith("-blue"))) {
      expect(group.inputs["tags"]).toMatchObject({ "baton:fleet": "shop", "baton:cluster": "blue" });
    }
  });

  it("creates a service's namespace once per cluster, one for all the services in it, and keeps it on delete", () => {
    // web (ALB) binds in both clusters; api (Route53) puts nothing in a cluster.
    expect(named(capture, TYPES.namespace)).toEqual(["shop-blue-ns-shop", "shop-green-ns-shop"]);
    expect((find(capture, TYPES.namespace, "shop-blue-ns-shop").inputs["metadata"] as Json)["name"]).toBe("shop");
  });

  it("labels every namespace it creates for the controller's pod readiness gate, keeps it on delete, and adopts one that exists", () => {
    for (const cluster of ["blue", "green"]) {
      const ns = find(capture, TYPES.namespace, `shop-${cluster}-ns-shop`);
      expect((ns.inputs["metadata"] as Json)["labels"]).toEqual({ "app.kubernetes.io/managed-by": "baton", "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled" });
      expect(ns.retainOnDelete).toBe(true);
      // Its own provider upserts; the cluster's main provider (bindings, the controller) still refuses to create what exists.
      expect(ns.provider).toContain(`pulumi:providers:kubernetes::shop-${cluster}-namespaces::`);
      expect(find(capture, "pulumi:providers:kubernetes", `shop-${cluster}-namespaces`).inputs["upsertExistingObjects"]).toBe("true");
      expect(find(capture, "pulumi:providers:kubernetes", `shop-${cluster}`).inputs).not.toHaveProperty("upsertExistingObjects");
    }
  });

  it("makes every binding depend on its cluster's controller, namespace and controller nodes", () => {
    for (const cluster of ["blue", "green"]) {
      const binding = find(capture, TYPES.targetGroupBinding, `shop-web-${cluster}`);
      expect(binding.dependencies).toEqual(expect.arrayContaining([
        urnOf(capture, TYPES.helmRelease, `shop-${cluster}-lbc`),
        urnOf(capture, TYPES.namespace, `shop-${cluster}-ns-shop`),
        urnOf(capture, TYPES.nodeGroup, `shop-${cluster}-general`),
      ]));
    }
  });

  it("orders node groups after the add-ons they need, and CoreDNS after the nodes", () => {
    const nodes = find(capture, TYPES.nodeGroup, "shop-blue-general");
    for (const addon of ["vpc-cni", "kube-proxy", "eks-pod-identity-agent"]) expect(nodes.dependencies).toContain(urnOf(capture, TYPES.addon, `shop-blue-${addon}`));
    expect(find(capture, TYPES.addon, "shop-blue-coredns").dependencies).toContain(nodes.urn);
  });
});

describe("loadBalancerController.manageIngresses (opt-in)", () => {
  it("gives the controller the published policy exactly and the chart's own Ingress and Service handling", async () => {
    const capture = await fleetCapture(edit(migrationFleet(), (f) => { f.clusters.blue.loadBalancerController = { manageIngresses: true }; }));
    const policy = JSON.parse(find(capture, "aws:iam/rolePolicy:RolePolicy", "shop-blue-lbc").inputs["policy"] as string) as PolicyDocument;
    expect(policy).toEqual(publishedLoadBalancerControllerPolicy("aws"));
    // The four actions the published policy added since v2.13.
    const actions = policy.Statement.flatMap((s) => s.Action);
    for (const action of ["ec2:DescribeIpamPools", "ec2:DescribeRouteTables", "elasticloadbalancing:ModifyIpPools", "elasticloadbalancing:SetRulePriorities"]) expect(actions).toContain(action);
    const values = find(capture, TYPES.helmRelease, "shop-blue-lbc").inputs["values"] as Json;
    expect(values).not.toHaveProperty("controllerConfig");
    expect(values).not.toHaveProperty("createIngressClassResource");
    // green keeps the default.
    expect(find(capture, TYPES.helmRelease, "shop-green-lbc").inputs["values"]).toMatchObject({ createIngressClassResource: false });
  });
});

describe("two ALB services in one namespace", () => {
  it("share one namespace per cluster, and both bindings depend on it", async () => {
    const capture = await fleetCapture(edit(migrationFleet(), (f) => {
      const web = f.services.web;
      if (web.routing !== "alb") throw new Error("web is an ALB service");
      f.services.shop = { ...web, alb: { ...web.alb, priority: 11, hostHeaders: ["shop.example.com"], pathPatterns: ["/cart/*"] } };
    }));
    expect(named(capture, TYPES.namespace)).toEqual(["shop-blue-ns-shop", "shop-green-ns-shop"]);
    const namespace = urnOf(capture, TYPES.namespace, "shop-blue-ns-shop");
    for (const service of ["web", "shop"]) expect(find(capture, TYPES.targetGroupBinding, `shop-${service}-blue`).dependencies).toContain(namespace);
    expect(named(capture, TYPES.helmRelease)).toEqual(["shop-blue-lbc", "shop-green-lbc"]);
  }, 60_000);
});

describe("opt-outs", () => {
  it("installs no controller and creates no namespace where the spec says the team provides them", async () => {
    const capture = await fleetCapture(edit(migrationFleet(), (f) => {
      f.clusters.blue.loadBalancerController = { install: false };
      f.clusters.blue.existingNamespaces = ["shop"];
      f.clusters.green.loadBalancerController = { chartVersion: "3.3.0" };
    }));
    expect(named(capture, TYPES.helmRelease)).toEqual(["shop-green-lbc"]);
    expect(find(capture, TYPES.helmRelease, "shop-green-lbc").inputs["version"]).toBe("3.3.0");
    expect(named(capture, TYPES.namespace)).toEqual(["shop-green-ns-shop"]);
    expect(named(capture, "aws:iam/role:Role").filter((n) => n.endsWith("-lbc"))).toEqual(["shop-green-lbc"]);
    // blue's binding still waits for the nodes.
    expect(find(capture, TYPES.targetGroupBinding, "shop-web-blue").dependencies).toContain(urnOf(capture, TYPES.nodeGroup, "shop-blue-general"));
  }, 60_000);

  it("installs nothing in a cluster no ALB service binds", async () => {
    const capture = await fleetCapture(edit(migrationFleet(), (f) => { delete f.services.web; }));
    expect(named(capture, TYPES.helmRelease)).toEqual([]);
    expect(named(capture, TYPES.namespace)).toEqual([]);
  }, 60_000);
});

describe("the kubeconfig signs as the stack's AWS identity", () => {
  const cluster = { name: "shop-blue", endpoint: "https://example.eks.amazonaws.com", caData: "Q0E=" };
  const exec = (identity: ReturnType<typeof awsIdentityFromConfig>) =>
    kubeconfigDocument(cluster, "eu-west-1", identity).users[0]!.user.exec as { args: string[]; env?: Array<{ name: string; value: string }> };

  it("passes aws:profile as AWS_PROFILE and the assumed role as --role-arn", () => {
    const identity = awsIdentityFromConfig({ profile: "platform", assumeRoles: [{ roleArn: "arn:aws:iam::123456789012:role/deployer" }] });
    expect(exec(identity).args).toEqual(["eks", "get-token", "--cluster-name", "shop-blue", "--output", "json", "--region", "eu-west-1", "--role-arn", "arn:aws:iam::123456789012:role/deployer"]);
    expect(exec(identity).env).toEqual([{ name: "AWS_PROFILE", value: "platform" }]);
  });

  it("adds nothing when the stack configures neither", () => {
    const plain = exec(awsIdentityFromConfig({}));
    expect(plain.args).not.toContain("--role-arn");
    expect(plain.env).toBeUndefined();
  });

  it("refuses what get-token cannot reproduce, with the fix", () => {
    expect(() => awsIdentityFromConfig({ assumeRoles: [{ roleArn: "arn:aws:iam::1:role/a" }, { roleArn: "arn:aws:iam::1:role/b" }] })).toThrow(/chains 2 roles.*Fix: put the chain in a profile/);
    expect(() => awsIdentityFromConfig({ assumeRoles: [{ roleArn: "arn:aws:iam::1:role/a", externalId: "x" }] })).toThrow(/external id.*Fix/);
  });

  it("reaches the provider the cluster builds: the stack's aws:profile in its kubeconfig", async () => {
    const capture = await captureProgram(() => new EksCluster("ops-blue", {
      fleetName: "ops", clusterName: "blue", region: "eu-west-1", today: TODAY,
      network: { vpcId: "vpc-0a1b2c3d4e5f67890", subnetIds: ["subnet-0a1b2c3d4e5f67890", "subnet-0b1c2d3e4f5a67890"] },
      kubeconfigIdentity: { profile: "platform" },
      spec: { version: "1.34", nodeGroups: { general: { instanceTypes: ["m7i.large"], scaling: { min: 1, desired: 2, max: 4 } } } },
    }));
    const kubeconfig = JSON.parse(find(capture, TYPES.kubernetesProvider, "ops-blue").inputs["kubeconfig"] as string);
    expect(kubeconfig.users[0].user.exec.env).toEqual([{ name: "AWS_PROFILE", value: "platform" }]);
  });
});

describe("the schedulable-home and API-reachability rules on the components", () => {
  it("refuses a cluster whose node groups are all retiring or tainted, before anything is registered", async () => {
    let thrown: unknown;
    const capture = await captureProgram(() => {
      try {
        new EksCluster("ops-blue", {
          fleetName: "ops", clusterName: "blue", region: "eu-west-1", today: TODAY,
          network: { vpcId: "vpc-0a1b2c3d4e5f67890", subnetIds: ["subnet-0a1b2c3d4e5f67890", "subnet-0b1c2d3e4f5a67890"] },
          spec: { version: "1.34", nodeGroups: {
            old: { instanceTypes: ["m7i.large"], scaling: { min: 1, desired: 2, max: 4 }, retiring: true },
            gpu: { instanceTypes: ["g6.xlarge"], amiType: "AL2023_x86_64_NVIDIA", scaling: { min: 1, desired: 1, max: 2 }, taints: [{ key: "gpu", effect: "NoSchedule" }] },
          } },
        });
      } catch (error) { thrown = error; }
    });
    expect((thrown as FleetSpecError).problems.map((p) => [p.rule, p.path])).toEqual([["cluster-no-schedulable-home", "baton:fleet.clusters.blue.nodeGroups"]]);
    expect(capture.resources).toEqual([]);
  });

  it("refuses a fleet whose private clusters pulumi up cannot reach", async () => {
    await expect(fleetCapture(edit(migrationFleet(), (f) => { delete f.network.apiAccess; })))
      .rejects.toSatisfy((e: unknown) => e instanceof FleetSpecError && e.problems.some((p) => p.rule === "cluster-api-unreachable"));
  });
});
