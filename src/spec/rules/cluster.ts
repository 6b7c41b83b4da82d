import type { Problem } from "../problems.js";
import type { ClusterSpec } from "../schema.js";
import { checkEksVersion } from "../versions.js";

/** Control-plane log types baton requires: who called the API, what they did, and how they authenticated. */
export const REQUIRED_LOG_TYPES = ["api", "audit", "authenticator"] as const;
export const DEFAULT_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

const OPEN_CIDRS = new Set(["0.0.0.0/0", "::/0"]);
const IPV4_CIDR = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\/(3[0-2]|[12]?\d)$/;

/** Rules on one cluster: its version, its logs, and the public-endpoint opt-out. */
export function checkCluster(cluster: ClusterSpec, path: string, today: string): Problem[] {
  return [
    ...checkEksVersion(cluster.version, `${path}.version`, today),
    ...checkControlPlaneLogging(cluster.logging, `${path}.logging`),
    ...checkPublicAccessCidrs(cluster.publicAccessCidrs, `${path}.publicAccessCidrs`),
  ];
}

/** An IPv4 block in CIDR notation. */
export function isIpv4Cidr(cidr: string): boolean {
  return IPV4_CIDR.test(cidr);
}

/** A CIDR that admits the whole internet (IPv4 or IPv6). */
export function isOpenCidr(cidr: string): boolean {
  return OPEN_CIDRS.has(cidr);
}

/** Rule `cluster-audit-logging`: the enabled log types (undefined: baton's default, all five) must include the required ones. */
export function checkControlPlaneLogging(logging: readonly string[] | undefined, path: string): Problem[] {
  const enabled: readonly string[] = logging ?? DEFAULT_LOG_TYPES;
  const missing = REQUIRED_LOG_TYPES.filter((type) => !enabled.includes(type));
  if (missing.length === 0) return [];
  return [{
    severity: "error", rule: "cluster-audit-logging", path, value: logging,
    message: `Control-plane logs ${missing.join(", ")} are off; without them there is no record of who changed the cluster during an upgrade.`,
    fix: `Add ${missing.map((t) => `"${t}"`).join(", ")} to logging, or remove logging to get all five types.`,
  }];
}

/** Rules `cluster-public-endpoint-open` / `cluster-public-endpoint-cidr` on the public endpoint's CIDRs (undefined: private only). */
export function checkPublicAccessCidrs(cidrs: readonly string[] | undefined, path: string): Problem[] {
  const problems: Problem[] = [];
  cidrs?.forEach((cidr, index) => {
    const at = `${path}[${index}]`;
    if (isOpenCidr(cidr)) {
      problems.push({
        severity: "error", rule: "cluster-public-endpoint-open", path: at, value: cidr,
        message: "A public API endpoint open to the whole internet is refused.",
        fix: "List the CIDRs that need the public endpoint (your VPN or CI egress), or remove publicAccessCidrs to keep the endpoint private.",
      });
    } else if (!IPV4_CIDR.test(cidr)) {
      problems.push({
        severity: "error", rule: "cluster-public-endpoint-cidr", path: at, value: cidr,
        message: "EKS public access CIDRs are IPv4 blocks in CIDR notation.",
        fix: 'Write it like "203.0.113.0/24".',
      });
    }
  });
  return problems;
}
