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
  const problems: Problem[] = [...checkEksVersion(cluster.version, `${path}.version`, today)];

  const logging = cluster.logging ?? DEFAULT_LOG_TYPES;
  const missing = REQUIRED_LOG_TYPES.filter((type) => !logging.includes(type));
  if (missing.length > 0) {
    problems.push({
      severity: "error", rule: "cluster-audit-logging", path: `${path}.logging`, value: cluster.logging,
      message: `Control-plane logs ${missing.join(", ")} are off; without them there is no record of who changed the cluster during an upgrade.`,
      fix: `Add ${missing.map((t) => `"${t}"`).join(", ")} to logging, or remove logging to get all five types.`,
    });
  }

  cluster.publicAccessCidrs?.forEach((cidr, index) => {
    const at = `${path}.publicAccessCidrs[${index}]`;
    if (OPEN_CIDRS.has(cidr)) {
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
