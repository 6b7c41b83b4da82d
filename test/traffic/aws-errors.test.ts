/**
 * AWS failures in one line each that names the fix, printed once, with the rest of the output
 * still usable: on mocked SDK errors (aws-sdk-client-mock) shaped as the SDK throws them, and once
 * through a real SDK client whose HTTP answer is an access denial.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { AccessDeniedException, DescribeClusterCommand, DescribeClusterVersionsCommand, EKSClient, ThrottlingException } from "@aws-sdk/client-eks";
import { DescribeRulesCommand, ElasticLoadBalancingV2Client, ElasticLoadBalancingV2ServiceException } from "@aws-sdk/client-elastic-load-balancing-v2";
import { Route53Client } from "@aws-sdk/client-route-53";
import { mockClient } from "aws-sdk-client-mock";
import { stringify } from "yaml";
import { IAM_ACTION_STEP, iamActionMiddleware } from "../../src/traffic/aws/clients.js";
import { awsProblem, describeAwsError } from "../../src/traffic/aws/errors.js";
import { migrationFleet } from "../support/fleets.js";
import { runBaton as run } from "../support/cli.js";

/** The errors as the SDK throws them: the credential chain's and the region resolver's are plain Errors with these names and messages. */
const noCredentials = () => Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" });
const ssoExpired = () => Object.assign(new Error("The SSO session associated with this profile has expired. To refresh this SSO session run 'aws sso login' with the corresponding profile."), { name: "CredentialsProviderError" });
const noRegion = () => new Error("Region is missing");
const expired = () => Object.assign(new Error("The security token included in the request is expired"), { name: "ExpiredTokenException", $metadata: { httpStatusCode: 403 } });
const denied = () => new AccessDeniedException({ $metadata: { httpStatusCode: 403 }, message: "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: eks:DescribeCluster on resource: arn:aws:eks:us-east-1:123456789012:cluster/shop-blue" });
const throttled = () => new ThrottlingException({ $metadata: { httpStatusCode: 429 }, message: "Rate exceeded" });

const mocks = { eks: mockClient(EKSClient), elbv2: mockClient(ElasticLoadBalancingV2Client), route53: mockClient(Route53Client), cloudwatch: mockClient(CloudWatchClient) };
const profile = process.env["AWS_PROFILE"];
beforeEach(() => {
  for (const m of Object.values(mocks)) m.reset();
  delete process.env["AWS_PROFILE"];
});
afterAll(() => {
  for (const m of Object.values(mocks)) m.restore();
  if (profile !== undefined) process.env["AWS_PROFILE"] = profile;
});

describe("each AWS failure in one line naming the fix", () => {
  it.each([
    ["missing credentials", noCredentials, /^no AWS credentials found: set AWS_PROFILE .* run `aws sso login` .*AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY$/],
    ["an expired SSO session", ssoExpired, /^the AWS session has expired \(CredentialsProviderError\): run `aws sso login` with AWS_PROFILE set to your profile/],
    ["a missing region", noRegion, /^no AWS region: set AWS_REGION/],
    ["an expired token", expired, /^the AWS session has expired \(ExpiredTokenException\): run `aws sso login`/],
    ["access denied", denied, /^access denied: the AWS identity in use may not call eks:DescribeCluster; allow it in that identity's IAM policy/],
    ["throttling", throttled, /^AWS throttled reads past the SDK's retries: try again shortly, or raise AWS_MAX_ATTEMPTS/],
  ])("%s", (_what, error, line) => {
    const problem = awsProblem(error());
    expect(problem.fix).toMatch(line);
    expect(problem.fix).not.toContain("\n");
    // Not the SDK's words alone: the line says what to do.
    expect(problem.fix).not.toMatch(/^CredentialsProviderError|^Error:/);
  });

  it("names the profile in use and the command's own way to set a region", () => {
    expect(awsProblem(ssoExpired(), { profile: "shop-admin" }).fix).toContain("`aws sso login --profile shop-admin`");
    expect(awsProblem(noRegion(), { regionFix: "pass --region (e.g. --region us-east-1) or set AWS_REGION" }).fix).toBe("no AWS region: pass --region (e.g. --region us-east-1) or set AWS_REGION");
    expect(describeAwsError("EKS cluster shop-blue", new Error("socket hang up"))).toBe("EKS cluster shop-blue: Error: socket hang up");
  });

  it("records the IAM action of a call AWS denied without naming it (a real SDK client, its HTTP answer a 403)", async () => {
    mocks.eks.restore();
    try {
      const eks = new EKSClient({
        region: "us-east-1", credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" }, maxAttempts: 1,
        requestHandler: {
          handle: async () => ({
            response: {
              statusCode: 403, reason: "Forbidden",
              headers: { "content-type": "application/json", "x-amzn-errortype": "AccessDeniedException" },
              body: Readable.from([Buffer.from(JSON.stringify({ message: "Access denied" }))]),
            },
          }),
        },
      });
      eks.middlewareStack.add(iamActionMiddleware("eks"), IAM_ACTION_STEP);
      const error = await eks.send(new DescribeClusterCommand({ name: "shop-blue" })).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: "AccessDeniedException" });
      expect(awsProblem(error).fix).toMatch(/^access denied: the AWS identity in use may not call eks:DescribeCluster;/);
    } finally {
      mocks.eks = mockClient(EKSClient);
    }
  });
});

describe("AWS-facing commands", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "baton-aws-errors-"));
  mkdirSync(path.join(dir, "stacks"));
  writeFileSync(path.join(dir, "Pulumi.yaml"), "name: shop\nruntime: nodejs\nstackConfigDir: stacks\n");
  const file = path.join(dir, "stacks", "Pulumi.prod.yaml");
  writeFileSync(file, stringify({ config: { "aws:region": "us-east-1", "baton:fleet": migrationFleet() } }));
  const rejectAll = (error: () => Error) => {
    mocks.eks.onAnyCommand().callsFake(() => Promise.reject(error()));
    mocks.elbv2.onAnyCommand().callsFake(() => Promise.reject(error()));
    mocks.route53.onAnyCommand().callsFake(() => Promise.reject(error()));
    mocks.cloudwatch.onAnyCommand().callsFake(() => Promise.reject(error()));
  };
  const count = (text: string, part: string) => text.split(part).length - 1;

  it("status without credentials: the fix once, the config still shown, exit 1, and AWS not asked again after the first failures", async () => {
    rejectAll(noCredentials);
    const r = await run("status", file);
    expect(r.code).toBe(1);
    expect(count(r.out, "no AWS credentials found: set AWS_PROFILE")).toBe(1);
    expect(r.out).not.toContain("CredentialsProviderError");
    expect(r.out).toContain("blue (shop-blue): config 1.33; unavailable: no AWS credentials");
    expect(r.out).toContain("config: { blue: 90, green: 10 }");
    // Clusters and services are read side by side: at most one call each before the first failure is known.
    const calls = Object.values(mocks).reduce((n, m) => n + m.calls().length, 0);
    expect(calls).toBeLessThanOrEqual(4);
  });

  it("status with a denied read: which IAM action to allow, once, and the reads AWS allowed still shown", async () => {
    mocks.eks.on(DescribeClusterCommand).rejects(denied());
    mocks.elbv2.on(DescribeRulesCommand).rejects(new ElasticLoadBalancingV2ServiceException({ name: "Throttling", $fault: "client", $metadata: { httpStatusCode: 400 }, message: "Rate exceeded" }));
    const r = await run("status", file, "--json");
    expect(r.code).toBe(1);
    const status = JSON.parse(r.out) as { awsProblems: string[]; clusters: { live: { ok: boolean; error?: string } }[] };
    expect(status.awsProblems).toEqual([
      expect.stringMatching(/^access denied: the AWS identity in use may not call eks:DescribeCluster;/),
      expect.stringMatching(/^AWS throttled reads past the SDK's retries/),
    ]);
    expect(status.clusters[0]!.live).toEqual({ ok: false, error: "EKS cluster shop-blue: access denied (eks:DescribeCluster)", fix: status.awsProblems[0] });
  });

  it("versions --refresh without a region: one line naming --region and AWS_REGION, exit 2, the cache untouched", async () => {
    const cache = path.join(dir, "eks-versions.json");
    process.env["BATON_VERSIONS_CACHE"] = cache;
    try {
      mocks.eks.on(DescribeClusterVersionsCommand).rejects(noRegion());
      const r = await run("versions", "--refresh");
      expect(r.code).toBe(2);
      expect(r.err.trim()).toBe("baton: reading EKS's version calendar (eks:DescribeClusterVersions): no AWS region: pass --region (e.g. --region us-east-1) or set AWS_REGION; the cache was left as it was");
      mocks.eks.on(DescribeClusterVersionsCommand).rejects(expired());
      expect((await run("versions", "--refresh", "--region", "us-east-1")).err).toContain("the AWS session has expired (ExpiredTokenException): run `aws sso login`");
      expect(() => readFileSync(cache)).toThrow();
    } finally {
      delete process.env["BATON_VERSIONS_CACHE"];
    }
  });

  it("rollout with an expired session stops before it writes or applies anything, naming the fix", async () => {
    rejectAll(expired);
    const before = readFileSync(file, "utf8");
    const r = await run("rollout", file, "web", "--to", "green", "--steps", "50,100", "--bake", "0");
    expect(r.code).toBe(2);
    expect(r.err).toContain("reading web's listener rule: the AWS session has expired (ExpiredTokenException): run `aws sso login`");
    expect(r.err).toContain("nothing was changed");
    expect(readFileSync(file, "utf8")).toBe(before);
  });
});
