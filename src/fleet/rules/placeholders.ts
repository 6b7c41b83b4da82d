import { configPath, type Problem } from "../problems.js";

/**
 * Rule `placeholder-value`: a value written to be replaced, still in the file. `baton upgrade-plan`
 * writes `replace-with-<cluster>-load-balancer.invalid` where it cannot know a value (a new
 * cluster's load balancer), and people write the same kind of stand-in by hand. `.invalid` is the
 * top-level domain reserved never to resolve (RFC 2606, RFC 6761): an alias to it sends users
 * nowhere. Every command that judges a fleet refuses it, and so does the stack program under
 * `pulumi up`, before any traffic moves.
 */
export const PLACEHOLDER_RULE = "placeholder-value";

/** `replace-with-…` anywhere, or a name under the `.invalid` top-level domain. */
const PLACEHOLDER = /(^|[^a-z0-9])replace-with-|\.invalid\.?$/i;

export const isPlaceholder = (value: string): boolean => PLACEHOLDER.test(value);

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** What a value at `path` should be, in words a user can act on. */
function whatToFillIn(path: readonly (string | number)[]): string {
  const [top, service, routing, targets, cluster, field] = path;
  if (top === "services" && routing === "route53" && targets === "targets" && field === "dnsName") {
    return `Write the DNS name of cluster ${String(cluster)}'s load balancer for service ${String(service)} (its DNSName, from \`aws elbv2 describe-load-balancers\` once ${String(service)} is deployed there), and check zoneId is that load balancer's canonical hosted zone ID.`;
  }
  return "Replace it with the real value before this config is applied.";
}

/** Every placeholder in `value` (a fleet, or the part of one at config path `at`). */
export function checkPlaceholders(value: unknown, at: readonly (string | number)[] = []): Problem[] {
  const problems: Problem[] = [];
  const visit = (value: unknown, path: (string | number)[]) => {
    if (typeof value === "string") {
      if (isPlaceholder(value)) {
        problems.push({
          severity: "error", rule: PLACEHOLDER_RULE, path: configPath(path), value,
          message: "This is a placeholder, not a real value: it was written to be filled in, and applied as it is it would point at nothing.",
          fix: whatToFillIn(path),
        });
      }
    } else if (Array.isArray(value)) value.forEach((item, i) => visit(item, [...path, i]));
    else if (isObject(value)) for (const [key, item] of Object.entries(value)) visit(item, [...path, key]);
  };
  visit(value, [...at]);
  return problems;
}
