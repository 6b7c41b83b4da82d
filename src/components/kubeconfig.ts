import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/**
 * The AWS identity `aws eks get-token` signs the token with. It must be the identity the AWS
 * provider deploys as: EKS made that identity cluster admin when it created the cluster
 * (`bootstrapClusterCreatorAdminPermissions`), and the shell's default credentials may be another.
 */
export interface AwsIdentity {
  /** A named profile of the shared AWS config (set as `AWS_PROFILE` for the command, as `aws eks update-kubeconfig --profile` does). */
  readonly profile?: string;
  /** A role to assume for the token (`--role-arn`). */
  readonly roleArn?: string;
}

/**
 * The identity the stack's AWS provider is configured with: `aws:profile`, and `aws:assumeRoles`
 * when it names one role. `aws eks get-token` assumes at most one role and takes no external id or
 * session name, so a configuration it cannot reproduce is an error with the fix, not a token
 * signed by some other identity.
 */
export function awsIdentityFromConfig(config: { profile?: string | undefined; assumeRoles?: readonly aws.types.output.config.AssumeRoles[] | undefined } = aws.config): AwsIdentity {
  const roles = config.assumeRoles ?? [];
  if (roles.length > 1) {
    throw new Error(
      `aws:assumeRoles chains ${roles.length} roles; the kubeconfig's \`aws eks get-token\` can assume only one. ` +
      "Fix: put the chain in a profile of your AWS config (role_arn with source_profile) and set aws:profile to it, or pass kubeconfigIdentity to the component.",
    );
  }
  const role = roles[0];
  if (role !== undefined && (role.externalId !== undefined || role.policy !== undefined || (role.policyArns?.length ?? 0) > 0)) {
    throw new Error(
      "aws:assumeRoles sets an external id or session policy, which `aws eks get-token --role-arn` cannot pass. " +
      "Fix: define the role in a profile of your AWS config (role_arn, external_id, source_profile) and set aws:profile to it.",
    );
  }
  return {
    ...(config.profile !== undefined ? { profile: config.profile } : {}),
    ...(role?.roleArn !== undefined ? { roleArn: role.roleArn } : {}),
  };
}

/**
 * A kubeconfig for one EKS cluster that authenticates with `aws eks get-token`: short-lived tokens
 * from the deployer's AWS identity (the stack's profile and role), no long-lived secret in the
 * stack's state.
 */
export function kubeconfig(cluster: aws.eks.Cluster, region: string | undefined, identity: AwsIdentity = {}): pulumi.Output<string> {
  return pulumi.all([cluster.name, cluster.endpoint, cluster.certificateAuthority]).apply(([name, endpoint, ca]) =>
    JSON.stringify(kubeconfigDocument({ name, endpoint, caData: ca.data }, region, identity)),
  );
}

/** The kubeconfig as data (pure, so a test can read the exec block). */
export function kubeconfigDocument(cluster: { name: string; endpoint: string; caData: string }, region: string | undefined, identity: AwsIdentity) {
  const { name } = cluster;
  return {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name, cluster: { server: cluster.endpoint, "certificate-authority-data": cluster.caData } }],
    contexts: [{ name, context: { cluster: name, user: name } }],
    "current-context": name,
    users: [{
      name,
      user: {
        exec: {
          apiVersion: "client.authentication.k8s.io/v1beta1",
          command: "aws",
          args: [
            "eks", "get-token", "--cluster-name", name, "--output", "json",
            ...(region ? ["--region", region] : []),
            ...(identity.roleArn ? ["--role-arn", identity.roleArn] : []),
          ],
          ...(identity.profile ? { env: [{ name: "AWS_PROFILE", value: identity.profile }] } : {}),
        },
      },
    }],
  };
}

/**
 * The Kubernetes provider for one cluster. It reaches the API only once the API access rules admit
 * the deployer, so it waits for them.
 */
export function clusterKubernetesProvider(
  name: string, cluster: aws.eks.Cluster, region: string | undefined, identity: AwsIdentity, apiAccessRules: readonly pulumi.Resource[], parent: pulumi.Resource,
  settings: Omit<k8s.ProviderArgs, "kubeconfig"> = {},
): k8s.Provider {
  return new k8s.Provider(name, { kubeconfig: kubeconfig(cluster, region, identity), ...settings }, { parent, dependsOn: [...apiAccessRules] });
}
