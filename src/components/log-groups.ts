/**
 * Which control-plane log groups already exist, read at deploy time. baton keeps a cluster's log
 * group when the cluster leaves the stack (`retainOnDelete`): EKS can still deliver late events
 * to it, and when the group is gone EKS creates it again with no retention. A cluster re-added
 * under the same name then finds its group there, and CloudWatch refuses to create it again
 * (`ResourceAlreadyExistsException`): the component adopts it with the `import` option instead.
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

/** Looks the groups up once per name prefix: a fleet of 300 clusters makes one call, not 300. */
export class ExistingLogGroups {
  private readonly lookups = new Map<string, Promise<ReadonlySet<string>>>();

  /** @param prefix the prefix every name asked for starts with (a fleet passes `/aws/eks/<fleet>-`). */
  constructor(private readonly prefix?: string, private readonly opts: pulumi.InvokeOptions = {}) {}

  /** Whether the group exists in the account and region the AWS provider deploys to. */
  exists(name: string, opts: pulumi.InvokeOptions = this.opts): Promise<boolean> {
    const prefix = this.prefix !== undefined && name.startsWith(this.prefix) ? this.prefix : name;
    let names = this.lookups.get(prefix);
    if (names === undefined) {
      names = aws.cloudwatch.getLogGroups({ logGroupNamePrefix: prefix }, opts).then((r) => new Set(r.logGroupNames));
      this.lookups.set(prefix, names);
    }
    return names.then((found) => found.has(name));
  }
}
