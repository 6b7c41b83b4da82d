/**
 * The AWS SDK v3 clients live reads use. Each resolves credentials through the SDK's default chain
 * (environment, shared config and SSO, web identity, container and instance roles) and retries
 * throttled calls with its standard retry strategy; baton adds no credentials handling of its own.
 */
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { EKSClient } from "@aws-sdk/client-eks";
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { Route53Client } from "@aws-sdk/client-route-53";

export interface AwsClients {
  readonly eks: EKSClient;
  readonly elbv2: ElasticLoadBalancingV2Client;
  readonly route53: Route53Client;
  readonly cloudwatch: CloudWatchClient;
}

/** Clients for `region` (the stack's `aws:region`); undefined lets the SDK find it (AWS_REGION, profile). */
export function createAwsClients(region?: string): AwsClients {
  const config = region === undefined ? {} : { region };
  return {
    eks: new EKSClient(config),
    elbv2: new ElasticLoadBalancingV2Client(config),
    route53: new Route53Client(config),
    cloudwatch: new CloudWatchClient(config),
  };
}
