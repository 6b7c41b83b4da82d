export { AddonVersions, EKS_ADDONS, type AddonDefinition, type AddonKey } from "./addons.js";
export {
  BlueGreenFleet, type BlueGreenFleetArgs, type ClusterOutput, type FleetOutputs, type NodeGroupOutput, type ServiceOutput,
} from "./blue-green-fleet.js";
export { apiAccessRules, KUBERNETES_API_PORT } from "./api-access.js";
export { EksCluster, type ClusterInput, type EksClusterArgs, type EksNetwork } from "./eks-cluster.js";
export { awsIdentityFromConfig, kubeconfig, kubeconfigDocument, type AwsIdentity } from "./kubeconfig.js";
export {
  DEFAULT_LOAD_BALANCER_CONTROLLER_CHART_VERSION, EKS_CHARTS_REPOSITORY, LoadBalancerController, loadBalancerControllerValues,
  type LoadBalancerControllerArgs,
} from "./load-balancer-controller.js";
export { publishedLoadBalancerControllerPolicy, targetGroupBindingPolicy, type TargetGroupBindingScope } from "./load-balancer-controller-policy.js";
export {
  ManagedNodeGroup, NODE_ONLY_HOP_LIMIT, POD_REACHABLE_HOP_LIMIT, RETIRING_TAINT,
  type ManagedNodeGroupArgs, type NodeGroupHost, type NodeGroupInput,
} from "./managed-node-group.js";
export { batonTags, TAG_CLUSTER, TAG_FLEET, TAG_NODE_GROUP, TAG_SERVICE, type TagScope } from "./tags.js";
export {
  TargetGroupBinding, targetGroupBindingSpec, TARGET_GROUP_BINDING_API_VERSION, TARGET_GROUP_BINDING_KIND,
  type TargetGroupBindingArgs, type TargetGroupBindingSpec,
} from "./target-group-binding.js";
export { WeightedAlbRoute, type AlbRoutedCluster, type AlbServiceInput, type WeightedAlbRouteArgs } from "./weighted-alb-route.js";
export { WeightedDnsRoute, type DnsServiceInput, type WeightedDnsRouteArgs } from "./weighted-dns-route.js";
