/**
 * The AWS Load Balancer Controller's IAM policies, as data:
 *
 * - `targetGroupBindingPolicy`, baton's default: what the controller needs to serve
 *   TargetGroupBindings only (read, register and deregister pods in the cluster's own target
 *   groups, open the pods' port in the cluster's security group), and no write on listeners,
 *   rules, load balancers or web ACLs: a compromised controller pod cannot rewrite the shared
 *   listener that carries every service.
 * - `publishedLoadBalancerControllerPolicy`, the opt-in `loadBalancerController.manageIngresses`:
 *   the policy the controller's project publishes (`docs/install/iam_policy.json` in
 *   kubernetes-sigs/aws-load-balancer-controller, read 2026-12-02), statement for statement, for
 *   teams that let the controller manage Ingresses and Services too. When the controller's
 *   release notes add permissions, update it with the chart version.
 */

/** The tag the controller puts on what it creates; the conditions below key on it. */
const CLUSTER_TAG = "elbv2.k8s.aws/cluster";

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow";
  readonly Action: readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly PolicyStatement[];
}

/** Read-only calls the controller makes whatever it serves (Describe* takes no resource-level scope). */
function describeStatement(): PolicyStatement {
  return {
    Sid: "Describe", Effect: "Allow", Resource: "*",
    Action: [
      "ec2:DescribeAccountAttributes", "ec2:DescribeAddresses", "ec2:DescribeAvailabilityZones", "ec2:DescribeInternetGateways",
      "ec2:DescribeVpcs", "ec2:DescribeVpcPeeringConnections", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups",
      "ec2:DescribeInstances", "ec2:DescribeNetworkInterfaces", "ec2:DescribeTags", "ec2:GetCoipPoolUsage",
      "ec2:DescribeCoipPools", "ec2:GetSecurityGroupsForVpc", "ec2:DescribeIpamPools", "ec2:DescribeRouteTables",
      "elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancerAttributes",
      "elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeListenerCertificates",
      "elasticloadbalancing:DescribeSSLPolicies", "elasticloadbalancing:DescribeRules",
      "elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetGroupAttributes",
      "elasticloadbalancing:DescribeTargetHealth", "elasticloadbalancing:DescribeTags",
      "elasticloadbalancing:DescribeTrustStores", "elasticloadbalancing:DescribeListenerAttributes",
      "elasticloadbalancing:DescribeCapacityReservation",
    ],
  };
}

/** Where a TargetGroupBinding-only controller may write. */
export interface TargetGroupBindingScope {
  /** AWS partition (`aws`, `aws-cn`, `aws-us-gov`). */
  readonly partition: string;
  /** The target groups it may register pods in: those carrying these tags (baton tags its own). */
  readonly targetGroupTags: Readonly<Record<string, string>>;
  /** The security group whose ingress it may open to a load balancer: the cluster's, which EKS attaches to the nodes. */
  readonly securityGroupId: string;
}

/**
 * What the controller needs to serve TargetGroupBindings: read, register and deregister targets in
 * target groups tagged for this cluster, and add or remove ingress rules on the cluster's security
 * group (the binding's `networking` block). Nothing else is written, on `*` or anywhere.
 */
export function targetGroupBindingPolicy(scope: TargetGroupBindingScope): PolicyDocument {
  const arn = (rest: string) => `arn:${scope.partition}:${rest}`;
  const tagged = Object.fromEntries(Object.entries(scope.targetGroupTags).map(([k, v]) => [`aws:ResourceTag/${k}`, v]));
  return {
    Version: "2012-10-17",
    Statement: [
      describeStatement(),
      {
        Sid: "RegisterPodsInOwnTargetGroups", Effect: "Allow",
        Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
        Resource: arn("elasticloadbalancing:*:*:targetgroup/*/*"),
        Condition: { StringEquals: tagged },
      },
      {
        Sid: "OpenPodPortsToLoadBalancer", Effect: "Allow",
        Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"],
        Resource: [arn(`ec2:*:*:security-group/${scope.securityGroupId}`), arn("ec2:*:*:security-group-rule/*")],
      },
    ],
  };
}

/** The published policy for one AWS partition (`aws`, `aws-cn`, `aws-us-gov`): the opt-in for a controller that manages Ingresses and Services. */
export function publishedLoadBalancerControllerPolicy(partition: string): PolicyDocument {
  const arn = (rest: string) => `arn:${partition}:${rest}`;
  const targetGroups = arn("elasticloadbalancing:*:*:targetgroup/*/*");
  const loadBalancers = [arn("elasticloadbalancing:*:*:loadbalancer/net/*/*"), arn("elasticloadbalancing:*:*:loadbalancer/app/*/*")];
  const securityGroups = arn("ec2:*:*:security-group/*");
  const requestTagged = { Null: { [`aws:RequestTag/${CLUSTER_TAG}`]: "false" } };
  const resourceTagged = { Null: { [`aws:ResourceTag/${CLUSTER_TAG}`]: "false" } };
  const retagOwn = { Null: { [`aws:RequestTag/${CLUSTER_TAG}`]: "true", [`aws:ResourceTag/${CLUSTER_TAG}`]: "false" } };
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ElbServiceLinkedRole", Effect: "Allow", Action: ["iam:CreateServiceLinkedRole"], Resource: "*",
        Condition: { StringEquals: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" } },
      },
      describeStatement(),
      {
        Sid: "IngressIntegrations", Effect: "Allow", Resource: "*",
        Action: [
          "cognito-idp:DescribeUserPoolClient", "acm:ListCertificates", "acm:DescribeCertificate",
          "iam:ListServerCertificates", "iam:GetServerCertificate",
          "waf-regional:GetWebACL", "waf-regional:GetWebACLForResource", "waf-regional:AssociateWebACL", "waf-regional:DisassociateWebACL",
          "wafv2:GetWebACL", "wafv2:GetWebACLForResource", "wafv2:AssociateWebACL", "wafv2:DisassociateWebACL",
          "shield:GetSubscriptionState", "shield:DescribeProtection", "shield:CreateProtection", "shield:DeleteProtection",
        ],
      },
      { Sid: "SecurityGroupIngress", Effect: "Allow", Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"], Resource: "*" },
      { Sid: "CreateSecurityGroup", Effect: "Allow", Action: ["ec2:CreateSecurityGroup"], Resource: "*" },
      {
        Sid: "TagNewSecurityGroup", Effect: "Allow", Action: ["ec2:CreateTags"], Resource: securityGroups,
        Condition: { StringEquals: { "ec2:CreateAction": "CreateSecurityGroup" }, ...requestTagged },
      },
      { Sid: "RetagOwnSecurityGroup", Effect: "Allow", Action: ["ec2:CreateTags", "ec2:DeleteTags"], Resource: securityGroups, Condition: retagOwn },
      {
        Sid: "ManageOwnSecurityGroup", Effect: "Allow", Resource: "*", Condition: resourceTagged,
        Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup"],
      },
      {
        Sid: "CreateTaggedLoadBalancer", Effect: "Allow", Resource: "*", Condition: requestTagged,
        Action: ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"],
      },
      {
        Sid: "ListenersAndRules", Effect: "Allow", Resource: "*",
        Action: ["elasticloadbalancing:CreateListener", "elasticloadbalancing:DeleteListener", "elasticloadbalancing:CreateRule", "elasticloadbalancing:DeleteRule"],
      },
      {
        Sid: "RetagOwnLoadBalancer", Effect: "Allow", Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
        Resource: [targetGroups, ...loadBalancers], Condition: retagOwn,
      },
      {
        Sid: "TagListenersAndRules", Effect: "Allow", Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
        Resource: [
          arn("elasticloadbalancing:*:*:listener/net/*/*/*"), arn("elasticloadbalancing:*:*:listener/app/*/*/*"),
          arn("elasticloadbalancing:*:*:listener-rule/net/*/*/*"), arn("elasticloadbalancing:*:*:listener-rule/app/*/*/*"),
        ],
      },
      {
        Sid: "ManageOwnLoadBalancer", Effect: "Allow", Resource: "*", Condition: resourceTagged,
        Action: [
          "elasticloadbalancing:ModifyLoadBalancerAttributes", "elasticloadbalancing:SetIpAddressType",
          "elasticloadbalancing:SetSecurityGroups", "elasticloadbalancing:SetSubnets", "elasticloadbalancing:DeleteLoadBalancer",
          "elasticloadbalancing:ModifyTargetGroup", "elasticloadbalancing:ModifyTargetGroupAttributes",
          "elasticloadbalancing:DeleteTargetGroup", "elasticloadbalancing:ModifyListenerAttributes",
          "elasticloadbalancing:ModifyCapacityReservation", "elasticloadbalancing:ModifyIpPools",
        ],
      },
      {
        Sid: "TagOnCreate", Effect: "Allow", Action: ["elasticloadbalancing:AddTags"], Resource: [targetGroups, ...loadBalancers],
        Condition: { StringEquals: { "elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer"] }, ...requestTagged },
      },
      // What a TargetGroupBinding does: register and deregister the pods in any target group.
      { Sid: "RegisterTargets", Effect: "Allow", Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"], Resource: targetGroups },
      {
        Sid: "ListenerSettings", Effect: "Allow", Resource: "*",
        Action: [
          "elasticloadbalancing:SetWebAcl", "elasticloadbalancing:ModifyListener", "elasticloadbalancing:AddListenerCertificates",
          "elasticloadbalancing:RemoveListenerCertificates", "elasticloadbalancing:ModifyRule", "elasticloadbalancing:SetRulePriorities",
        ],
      },
    ],
  };
}
