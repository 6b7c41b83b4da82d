/**
 * Rule `admins-include-deployer`. The cluster is created with
 * `accessConfig.bootstrapClusterCreatorAdminPermissions: true`, so EKS gives the identity that
 * creates it an access entry with cluster admin. An `admins` entry for that same identity makes
 * baton create a second access entry for one principal, which EKS refuses
 * (ResourceInUseException) half-way through `pulumi up`.
 */
import type { Problem } from "../problems.js";

/** An IAM principal as EKS keys access entries: account, kind and name (paths and STS sessions dropped). */
export function principalKey(arn: string): string | undefined {
  // arn:PARTITION:iam::ACCOUNT:role/PATH/NAME, arn:PARTITION:iam::ACCOUNT:user/PATH/NAME, arn:PARTITION:sts::ACCOUNT:assumed-role/NAME/SESSION
  const match = /^arn:([a-z-]+):(iam|sts)::(\d{12}):(role|user|assumed-role)\/(.+)$/.exec(arn);
  if (!match) return undefined;
  const [, partition, , account, kind, rest = ""] = match;
  const parts = rest.split("/");
  const name = kind === "assumed-role" ? parts[0] : parts[parts.length - 1];
  return `${partition}:${account}:${kind === "user" ? "user" : "role"}/${name}`;
}

export function checkAdminsAgainstDeployer(admins: readonly string[], deployerArn: string | undefined, path: string): Problem[] {
  const deployer = deployerArn === undefined ? undefined : principalKey(deployerArn);
  if (deployer === undefined) return [];
  return admins.flatMap((admin, index) => principalKey(admin) !== deployer ? [] : [{
    severity: "error" as const, rule: "admins-include-deployer", path: `${path}[${index}]`, value: admin,
    message: `${admin} is the identity this stack deploys as (${deployerArn}). EKS already gives the identity that creates a cluster an admin access entry (bootstrapClusterCreatorAdminPermissions), and a second entry for the same principal fails with ResourceInUseException.`,
    fix: "Remove it from admins: as the deploying identity it is cluster admin of every cluster it creates.",
  }]);
}
