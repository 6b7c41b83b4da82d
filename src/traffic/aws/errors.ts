/** Turns AWS SDK errors into one line a user can act on, and classifies them for status and gates. */

export type AwsErrorKind = "throttled" | "not-found" | "denied" | "other";

/** Error names AWS services use for rate limiting (they differ by service protocol). */
const THROTTLING = new Set(["ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded", "PriorRequestNotComplete"]);
const NOT_FOUND = new Set([
  "ResourceNotFoundException", "ListenerNotFoundException", "RuleNotFoundException", "TargetGroupNotFoundException",
  "LoadBalancerNotFoundException", "NoSuchHostedZone", "NotFoundException",
]);
const DENIED = new Set(["AccessDeniedException", "AccessDenied", "UnauthorizedOperation", "UnrecognizedClientException", "ExpiredTokenException"]);

export function awsErrorKind(error: unknown): AwsErrorKind {
  const name = error instanceof Error ? error.name : "";
  if (THROTTLING.has(name)) return "throttled";
  if (NOT_FOUND.has(name)) return "not-found";
  if (DENIED.has(name)) return "denied";
  return "other";
}

/** `what` failed: why, in words, with the error's name for searching. */
export function describeAwsError(what: string, error: unknown): string {
  const name = error instanceof Error ? error.name : "Error";
  const message = error instanceof Error ? error.message : String(error);
  switch (awsErrorKind(error)) {
    case "throttled":
      return `${what}: AWS throttled the request (${name}) after the SDK's retries; try again shortly, or raise AWS_MAX_ATTEMPTS`;
    case "not-found":
      return `${what}: not found (${name}: ${message})`;
    case "denied":
      return `${what}: access denied (${name}); the credentials in use need read access to it`;
    default:
      return `${what}: ${name}: ${message}`;
  }
}
