/**
 * What every step of building an EKS cluster needs: where its resources hang in the tree, the
 * names and tags they derive, and the cluster's validated spec.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ClusterSpec } from "../fleet/types.js";

export interface ClusterScope {
  /** The `EksCluster` component: every resource a step creates is its child. */
  readonly parent: pulumi.Resource;
  readonly fleetName: string;
  readonly clusterName: string;
  /** The EKS cluster's name (`<fleet>-<cluster>`), the first part of every logical name. */
  readonly prefix: string;
  readonly spec: ClusterSpec;
  readonly tags: Record<string, string>;
  /** AWS partition (`aws`, `aws-cn`, `aws-us-gov`), for managed policy ARNs. */
  readonly partition: string;
}
