/**
 * AWS SDK errors in words a user can act on. Every command that talks to AWS (`status`, `rollout`,
 * `versions --refresh`) words its failures here: missing credentials, a missing region, an expired
 * session, credentials AWS does not recognise, access denied (with the IAM action) and throttling
 * each become one line that names the fix. A problem every call shares (no credentials, say) is
 * worded the same for every call, so a command can print it once.
 */

export type AwsErrorKind =
  | "credentials" | "expired" | "invalid-credentials" | "region"
  | "denied" | "throttled" | "not-found" | "other";

/** Error names AWS services use for rate limiting (they differ by service protocol). */
const THROTTLING = new Set(["ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded", "PriorRequestNotComplete"]);
const NOT_FOUND = new Set([
  "ResourceNotFoundException", "ListenerNotFoundException", "RuleNotFoundException", "TargetGroupNotFoundException",
  "LoadBalancerNotFoundException", "NoSuchHostedZone", "NotFoundException",
]);
const DENIED = new Set(["AccessDeniedException", "AccessDenied", "UnauthorizedOperation", "NotAuthorized", "UnauthorizedException"]);
/** A session token past its expiry (JSON protocols say `ExpiredTokenException`, query and XML ones `ExpiredToken`). */
const EXPIRED = new Set(["ExpiredTokenException", "ExpiredToken"]);
/** A key AWS does not know, or a request signed with the wrong secret. */
const INVALID = new Set(["UnrecognizedClientException", "InvalidClientTokenId", "SignatureDoesNotMatch", "InvalidSignatureException"]);

const nameOf = (error: unknown) => (error instanceof Error ? error.name : "");
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The credential chain's own errors: the SDK found nothing to sign with, or an SSO session to refresh. */
function credentialKind(error: unknown): AwsErrorKind | undefined {
  const name = nameOf(error);
  if (name !== "CredentialsProviderError" && name !== "TokenProviderError") return undefined;
  return /expired|aws sso login|not found or is invalid|is invalid\. To refresh/i.test(messageOf(error)) ? "expired" : "credentials";
}

export function awsErrorKind(error: unknown): AwsErrorKind {
  const name = nameOf(error);
  const fromChain = credentialKind(error);
  if (fromChain) return fromChain;
  // @smithy/config-resolver throws a plain Error with this message when no region is configured anywhere.
  if (/^Region is missing/.test(messageOf(error))) return "region";
  if (EXPIRED.has(name)) return "expired";
  if (INVALID.has(name)) return "invalid-credentials";
  if (THROTTLING.has(name)) return "throttled";
  if (NOT_FOUND.has(name)) return "not-found";
  if (DENIED.has(name)) return "denied";
  return "other";
}

/** Where the IAM action of a failed call is recorded (see `recordIamAction` in clients.ts). */
export const IAM_ACTION = Symbol.for("baton.iamAction");

/** The IAM action AWS refused: from its message ("… is not authorized to perform: eks:DescribeCluster …"), else the call's own. */
export function deniedAction(error: unknown): string | undefined {
  const fromMessage = /not authorized to perform:? ([a-z0-9-]+:[A-Za-z0-9*]+)/.exec(messageOf(error))?.[1];
  if (fromMessage) return fromMessage;
  const recorded = error !== null && typeof error === "object" ? (error as Record<symbol, unknown>)[IAM_ACTION] : undefined;
  return typeof recorded === "string" ? recorded : undefined;
}

export interface AwsErrorContext {
  /** How this command is given a region, e.g. "pass --region (e.g. --region us-east-1) or set AWS_REGION". */
  readonly regionFix?: string;
  /** The profile in use, when known (AWS_PROFILE), for the fix's wording. */
  readonly profile?: string;
}

export interface AwsProblem {
  readonly kind: AwsErrorKind;
  /** A few words for where the failed read is shown, e.g. "no AWS credentials" or "not found (NoSuchHostedZone: …)". */
  readonly short: string;
  /**
   * One line naming the fix (`AWS_PROFILE`, `aws sso login`, the region, the IAM action, AWS_MAX_ATTEMPTS).
   * Identical for every call that fails the same way, so a command prints each distinct one once.
   * Absent when the failure is about one resource (not found, anything else): `short` says it all.
   */
  readonly fix?: string;
  /** Every call fails this way (credentials, session, region): there is no point asking AWS anything else. */
  readonly everyCall: boolean;
}

const DEFAULT_REGION_FIX = "set AWS_REGION (e.g. AWS_REGION=us-east-1) or a region in your AWS profile";

/** The region fix for commands that read the stack config's `aws:region` (status, rollout). */
export const STACK_REGION_FIX = "set aws:region in the stack config, or AWS_REGION (e.g. AWS_REGION=us-east-1)";

/** What went wrong with an AWS call, worded for the user (see `AwsProblem`). */
export function awsProblem(error: unknown, context: AwsErrorContext = {}): AwsProblem {
  const name = nameOf(error) || "Error";
  const profile = context.profile ?? process.env["AWS_PROFILE"];
  const sso = profile ? `aws sso login --profile ${profile}` : "aws sso login";
  const kind = awsErrorKind(error);
  switch (kind) {
    case "credentials":
      return {
        kind, short: "no AWS credentials", everyCall: true,
        fix: profile
          ? `no AWS credentials for AWS_PROFILE=${profile} (${messageOf(error)}): check the profile exists in ~/.aws/config (aws configure list-profiles), and run \`${sso}\` if it uses SSO`
          : "no AWS credentials found: set AWS_PROFILE to a profile in ~/.aws/config (and run `aws sso login` if it uses SSO), or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
      };
    case "expired":
      return {
        kind, short: "AWS session expired", everyCall: true,
        fix: `the AWS session has expired (${name}): run \`${sso}\`${profile ? "" : " with AWS_PROFILE set to your profile"}, or get fresh credentials, and try again`,
      };
    case "invalid-credentials":
      return {
        kind, short: "AWS credentials not recognised", everyCall: true,
        fix: `AWS does not recognise the credentials in use (${name}): check what AWS_PROFILE or AWS_ACCESS_KEY_ID points at (aws sts get-caller-identity), or run \`${sso}\` for fresh ones`,
      };
    case "region":
      return { kind, short: "no AWS region", everyCall: true, fix: `no AWS region: ${context.regionFix ?? DEFAULT_REGION_FIX}` };
    case "denied": {
      const action = deniedAction(error);
      return {
        kind, short: `access denied${action ? ` (${action})` : ""}`, everyCall: false,
        fix: action
          ? `access denied: the AWS identity in use may not call ${action}; allow it in that identity's IAM policy (docs/traffic.md lists every action baton reads with)`
          : `access denied (${name}): the AWS identity in use lacks a read permission baton needs; docs/traffic.md lists every IAM action baton reads with`,
      };
    }
    case "throttled":
      return {
        kind, short: `throttled by AWS (${name})`, everyCall: false,
        fix: "AWS throttled reads past the SDK's retries: try again shortly, or raise AWS_MAX_ATTEMPTS (e.g. AWS_MAX_ATTEMPTS=10)",
      };
    case "not-found":
      return { kind, short: `not found (${name}: ${messageOf(error)})`, everyCall: false };
    default:
      return { kind, short: `${name}: ${messageOf(error)}`, everyCall: false };
  }
}

/** `what` failed, in one line: where it failed and, when there is one, the fix. */
export function describeAwsError(what: string, error: unknown, context: AwsErrorContext = {}): string {
  const problem = awsProblem(error, context);
  return problem.fix === undefined ? `${what}: ${problem.short}` : `${what}: ${problem.fix}`;
}

/**
 * An AWS call that failed, re-thrown in baton's words (`describeAwsError`), the SDK's error as its
 * cause: what the rollout prints when a live read fails.
 */
export class AwsCallError extends Error {
  override name = "AwsCallError";
  readonly problem: AwsProblem;

  constructor(what: string, cause: unknown, context: AwsErrorContext = {}) {
    super(describeAwsError(what, cause, context), { cause });
    this.problem = awsProblem(cause, context);
  }
}

/** Runs `call`; a failure comes back as an AwsCallError saying what failed and the fix. */
export async function inAwsWords<T>(what: string, call: () => Promise<T>, context: AwsErrorContext = {}): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw error instanceof AwsCallError ? error : new AwsCallError(what, error, context);
  }
}
