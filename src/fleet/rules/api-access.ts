import type { Problem } from "../problems.js";
import type { ApiAccessSpec, FleetSpec } from "../types.js";
import { isOpenCidr, isIpv4Cidr } from "./cluster.js";

/**
 * The clusters whose Kubernetes API `pulumi up` must reach, each with the services that make it
 * so: a cluster an ALB service weights gets a TargetGroupBinding, the service's namespace and the
 * AWS Load Balancer Controller, all created through the cluster's Kubernetes provider. (Route53
 * services create nothing inside a cluster.)
 */
export function clustersBatonReaches(fleet: FleetSpec): Map<string, string[]> {
  const reached = new Map<string, string[]>();
  for (const [serviceName, service] of Object.entries(fleet.services)) {
    if (service.routing !== "alb") continue;
    for (const cluster of Object.keys(service.weights)) {
      // Own keys only: a weight named after an Object.prototype member ("constructor") is no cluster.
      if (!Object.hasOwn(fleet.clusters, cluster)) continue;
      reached.set(cluster, [...(reached.get(cluster) ?? []), serviceName]);
    }
  }
  return reached;
}

/** Whether `network.apiAccess` names a source baton accepts (an invalid or open CIDR counts for nothing). */
export function hasApiAccess(access: ApiAccessSpec | undefined): boolean {
  const cidrs = (access?.cidrs ?? []).filter((cidr) => isIpv4Cidr(cidr) && !isOpenCidr(cidr));
  return (access?.securityGroupIds?.length ?? 0) + cidrs.length > 0;
}

/** Rules on `network.apiAccess` and on every cluster baton must reach through its API. */
export function checkApiAccess(fleet: FleetSpec): Problem[] {
  const access = fleet.network.apiAccess;
  const problems = checkApiAccessCidrs(access?.cidrs, "baton:fleet.network.apiAccess.cidrs");
  for (const [cluster, services] of clustersBatonReaches(fleet)) {
    const spec = fleet.clusters[cluster];
    problems.push(...checkApiReachable(cluster, spec?.publicAccessCidrs, access, services, spec?.loadBalancerController.install ?? true));
  }
  return problems;
}

/**
 * Rule `cluster-api-unreachable`: baton creates Kubernetes objects in the cluster, so the deployer
 * must reach its API: through the public endpoint (`publicAccessCidrs`) or through an ingress rule
 * on the private one (`network.apiAccess`). EKS's cluster security group admits only itself, so
 * without either the Kubernetes provider times out, even from inside the VPC.
 */
export function checkApiReachable(
  cluster: string, publicAccessCidrs: readonly string[] | undefined, access: ApiAccessSpec | undefined, services: readonly string[],
  installsController = true,
): Problem[] {
  if (publicAccessCidrs !== undefined && publicAccessCidrs.length > 0) return [];
  if (hasApiAccess(access)) return [];
  return [{
    severity: "error", rule: "cluster-api-unreachable", path: `baton:fleet.clusters.${cluster}`,
    message: `baton creates Kubernetes objects in cluster ${cluster} (${installsController ? "the AWS Load Balancer Controller, and " : ""}the namespace and TargetGroupBinding of ${services.join(", ")}), but its API endpoint is private and network.apiAccess names no valid source, so pulumi up cannot reach it: the cluster's security group admits only the cluster itself.`,
    fix: "Add network.apiAccess.securityGroupIds (the security group of the CI runners, VPN or bastion that run pulumi up) or network.apiAccess.cidrs; or give the cluster publicAccessCidrs that include the deployer's address.",
  }];
}

/** Rules `api-access-open` / `api-access-cidr` on the deployer CIDRs admitted to the private endpoints. */
export function checkApiAccessCidrs(cidrs: readonly string[] | undefined, path: string): Problem[] {
  const problems: Problem[] = [];
  cidrs?.forEach((cidr, index) => {
    const at = `${path}[${index}]`;
    if (isOpenCidr(cidr)) {
      problems.push({
        severity: "error", rule: "api-access-open", path: at, value: cidr,
        message: "Admitting the whole internet to the clusters' API port is refused.",
        fix: "List the CIDRs that run pulumi up (your VPN or CI egress), or name their security groups in network.apiAccess.securityGroupIds.",
      });
    } else if (!isIpv4Cidr(cidr)) {
      problems.push({
        severity: "error", rule: "api-access-cidr", path: at, value: cidr,
        message: "network.apiAccess.cidrs takes IPv4 blocks in CIDR notation.",
        fix: 'Write it like "10.20.0.0/16".',
      });
    }
  });
  return problems;
}
