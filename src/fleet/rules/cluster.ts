import { coversWholeInternet, ipv4Coverage, MAX_PUBLIC_ADDRESSES, parseCidr } from "../cidrs.js";
import type { Problem } from "../problems.js";
import type { ClusterSpec } from "../types.js";
import { checkEksVersion } from "../versions.js";

/** Control-plane log types baton requires: who called the API, what they did, and how they authenticated. */
export const REQUIRED_LOG_TYPES = ["api", "audit", "authenticator"] as const;
export const DEFAULT_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;


/** Rules on one cluster: its version, its logs, and the public-endpoint opt-out. */
export function checkCluster(cluster: ClusterSpec, path: string, today: string): Problem[] {
  return [
    ...checkEksVersion(cluster.version, `${path}.version`, today),
    ...checkControlPlaneLogging(cluster.logging, `${path}.logging`),
    ...checkPublicAccessCidrs(cluster.publicAccessCidrs, `${path}.publicAccessCidrs`),
  ];
}

/** An IPv4 block in CIDR notation, written as its network (judged as addresses by `parseCidr`). */
export function isIpv4Cidr(cidr: string): boolean {
  const parsed = parseCidr(cidr);
  return parsed.ok && parsed.family === "ipv4" && parsed.exact;
}

/** A CIDR that admits the whole internet (IPv4 or IPv6), judged as an address range. */
export { isOpenCidr } from "../cidrs.js";

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

const OPEN_MESSAGE = "A public API endpoint open to the whole internet is refused.";
const OPEN_FIX = "List the CIDRs that need the public endpoint (your VPN or CI egress), or remove publicAccessCidrs to keep the endpoint private.";

/**
 * Rules on the public endpoint's CIDRs (undefined: private only), each block judged as the
 * addresses it covers: `cluster-public-endpoint-open` (a block, or the set together, covers the
 * whole internet), `cluster-public-endpoint-too-wide` (the set covers more than a /8),
 * `cluster-public-endpoint-cidr` (not an IPv4 block in its canonical form). Messages give the
 * canonical form, so `1.2.3.4/0` reads as the `0.0.0.0/0` it is.
 */
export function checkPublicAccessCidrs(cidrs: readonly string[] | undefined, path: string): Problem[] {
  if (cidrs === undefined) return [];
  const problems: Problem[] = [];
  const blocks: Array<{ start: number; size: number; canonical: string }> = [];
  cidrs.forEach((cidr, index) => {
    const at = `${path}[${index}]`;
    const parsed = parseCidr(cidr);
    if (!parsed.ok) {
      problems.push({ severity: "error", rule: "cluster-public-endpoint-cidr", path: at, value: cidr, message: `EKS public access CIDRs are IPv4 blocks in CIDR notation: ${parsed.reason}.`, fix: 'Write it like "203.0.113.0/24".' });
      return;
    }
    const spelt = parsed.exact ? parsed.canonical : `${cidr} (that is ${parsed.canonical})`;
    if (parsed.prefix === 0) {
      problems.push({ severity: "error", rule: "cluster-public-endpoint-open", path: at, value: cidr, message: `${OPEN_MESSAGE} ${spelt} admits every address.`, fix: OPEN_FIX });
      return;
    }
    if (parsed.family === "ipv6") {
      problems.push({ severity: "error", rule: "cluster-public-endpoint-cidr", path: at, value: cidr, message: `EKS public access CIDRs are IPv4 blocks; ${spelt} is IPv6.`, fix: 'Write the IPv4 block of your VPN or CI egress, like "203.0.113.0/24".' });
      return;
    }
    blocks.push(parsed);
    if (!parsed.exact) {
      problems.push({
        severity: "error", rule: "cluster-public-endpoint-cidr", path: at, value: cidr,
        message: `${cidr} is not written as its network: it is the block ${parsed.canonical}, and a block written otherwise (host bits set, leading zeros, octal or short forms) may not mean to AWS or a reviewer what it means here.`,
        fix: `Write "${parsed.canonical}" (or the narrower block you meant).`,
      });
    }
  });
  if (problems.some((p) => p.rule === "cluster-public-endpoint-open")) return problems;
  const covered = ipv4Coverage(blocks);
  const listed = blocks.map((b) => b.canonical).join(", ");
  if (coversWholeInternet(covered)) {
    problems.push({ severity: "error", rule: "cluster-public-endpoint-open", path, value: cidrs, message: `${OPEN_MESSAGE} Together ${listed} cover every IPv4 address.`, fix: OPEN_FIX });
  } else if (covered > MAX_PUBLIC_ADDRESSES) {
    problems.push({
      severity: "error", rule: "cluster-public-endpoint-too-wide", path, value: cidrs,
      message: `Together ${listed} cover ${covered.toLocaleString("en-US")} addresses, more than a /8 (${MAX_PUBLIC_ADDRESSES.toLocaleString("en-US")}): that is a large share of the internet, not a VPN or CI egress.`,
      fix: "List only the blocks that need the public endpoint (at most a /8 in all), or remove publicAccessCidrs to keep the endpoint private.",
    });
  }
  return problems;
}
