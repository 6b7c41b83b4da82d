/**
 * The AWS SDK v3 clients live reads use. Each resolves credentials through the SDK's default chain
 * (environment, shared config and SSO, web identity, container and instance roles) and retries
 * throttled calls with its standard retry strategy; baton adds no credentials handling of its own.
 */
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { EKSClient } from "@aws-sdk/client-eks";
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { Route53Client } from "@aws-sdk/client-route-53";
import { IAM_ACTION } from "./errors.js";

export interface AwsClients {
  readonly eks: EKSClient;
  readonly elbv2: ElasticLoadBalancingV2Client;
  readonly route53: Route53Client;
  readonly cloudwatch: CloudWatchClient;
}

/**
 * A middleware that records on each failed call's error the IAM action it needed
 * (`eks:DescribeCluster`), so an access-denied error whose message does not name it still says
 * which permission to grant. `iamPrefix` is the service's prefix in IAM policies.
 */
export function iamActionMiddleware(iamPrefix: string) {
  return <Args, Output>(next: (args: Args) => Promise<Output>, context: { readonly commandName?: string }) => async (args: Args): Promise<Output> => {
    try {
      return await next(args);
    } catch (error) {
      if (error !== null && typeof error === "object" && context.commandName) {
        Object.defineProperty(error, IAM_ACTION, { value: `${iamPrefix}:${context.commandName.replace(/Command$/, "")}`, configurable: true });
      }
      throw error;
    }
  };
}

/** Where the middleware sits: first, so it sees every failure, the SDK's retries included. */
export const IAM_ACTION_STEP = { step: "initialize", name: "batonIamAction", override: true } as const;

/** Clients for `region` (the stack's `aws:region`); undefined lets the SDK find it (AWS_REGION, profile). */
export function createAwsClients(region?: string): AwsClients {
  const config = region === undefined ? {} : { region };
  const clients = {
    eks: new EKSClient(config),
    elbv2: new ElasticLoadBalancingV2Client(config),
    route53: new Route53Client(config),
    cloudwatch: new CloudWatchClient(config),
  };
  clients.eks.middlewareStack.add(iamActionMiddleware("eks"), IAM_ACTION_STEP);
  clients.elbv2.middlewareStack.add(iamActionMiddleware("elasticloadbalancing"), IAM_ACTION_STEP);
  clients.route53.middlewareStack.add(iamActionMiddleware("route53"), IAM_ACTION_STEP);
  clients.cloudwatch.middlewareStack.add(iamActionMiddleware("cloudwatch"), IAM_ACTION_STEP);
  return clients;
}
