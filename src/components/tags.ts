/**
 * The tags baton puts on every AWS resource it creates that takes tags: live status and the
 * rollout find a cluster's target groups and node groups by them, and they say who owns what.
 */
export const TAG_FLEET = "baton:fleet";
export const TAG_CLUSTER = "baton:cluster";
export const TAG_SERVICE = "baton:service";
export const TAG_NODE_GROUP = "baton:node-group";

export interface TagScope {
  readonly fleet: string;
  readonly cluster?: string;
  readonly service?: string;
  readonly nodeGroup?: string;
}

/** The baton tags for a resource in `scope`. */
export function batonTags(scope: TagScope): Record<string, string> {
  return {
    [TAG_FLEET]: scope.fleet,
    ...(scope.cluster !== undefined ? { [TAG_CLUSTER]: scope.cluster } : {}),
    ...(scope.service !== undefined ? { [TAG_SERVICE]: scope.service } : {}),
    ...(scope.nodeGroup !== undefined ? { [TAG_NODE_GROUP]: scope.nodeGroup } : {}),
  };
}
