import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * A kubeconfig for one EKS cluster that authenticates with `aws eks get-token`: short-lived tokens
 * from the deployer's own AWS credentials, no long-lived secret in the stack's state.
 */
export function kubeconfig(cluster: aws.eks.Cluster, region: string | undefined): pulumi.Output<string> {
  return pulumi.all([cluster.name, cluster.endpoint, cluster.certificateAuthority]).apply(([name, endpoint, ca]) =>
    JSON.stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name, cluster: { server: endpoint, "certificate-authority-data": ca.data } }],
      contexts: [{ name, context: { cluster: name, user: name } }],
      "current-context": name,
      users: [{
        name,
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "aws",
            args: ["eks", "get-token", "--cluster-name", name, "--output", "json", ...(region ? ["--region", region] : [])],
          },
        },
      }],
    }),
  );
}
