/**
 * The IAM policy the AWS Load Balancer Controller's project publishes for the controller
 * (`docs/install/iam_policy.json` in kubernetes-sigs/aws-load-balancer-controller, the statements
 * of the v2.13 and later policy, unchanged through the 3.x releases), kept here as data with each
 * statement's purpose. The controller also serves Ingress and Service objects, so the published
 * policy lets it create and tag load balancers, target groups and security groups it owns
 * (conditioned on its `elbv2.k8s.aws/cluster` tag). baton's TargetGroupBindings point at target
 * groups baton creates, which carry no such tag: the unconditioned RegisterTargets /
 * DeregisterTargets statement is the one they rely on. When the controller's release notes add
 * permissions, update this file with the chart version.
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

/** The controller's policy document for one AWS partition (`aws`, `aws-cn`, `aws-us-gov`). */
export function loadBalancerControllerPolicy(partition: string): { Version: "2012-10-17"; Statement: PolicyStatement[] } {
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
      {
        Sid: "Describe", Effect: "Allow", Resource: "*",
        Action: [
          "ec2:DescribeAccountAttributes", "ec2:DescribeAddresses", "ec2:DescribeAvailabilityZones", "ec2:DescribeInternetGateways",
          "ec2:DescribeVpcs", "ec2:DescribeVpcPeeringConnections", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups",
          "ec2:DescribeInstances", "ec2:DescribeNetworkInterfaces", "ec2:DescribeTags", "ec2:GetCoipPoolUsage",
          "ec2:DescribeCoipPools", "ec2:GetSecurityGroupsForVpc",
          "elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancerAttributes",
          "elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeListenerCertificates",
          "elasticloadbalancing:DescribeSSLPolicies", "elasticloadbalancing:DescribeRules",
          "elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetGroupAttributes",
          "elasticloadbalancing:DescribeTargetHealth", "elasticloadbalancing:DescribeTags",
          "elasticloadbalancing:DescribeTrustStores", "elasticloadbalancing:DescribeListenerAttributes",
          "elasticloadbalancing:DescribeCapacityReservation",
        ],
      },
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
      // TargetGroupBinding networking: opens the pods' port to the load balancer's security group.
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
          "elasticloadbalancing:ModifyCapacityReservation",
        ],
      },
      {
        Sid: "TagOnCreate", Effect: "Allow", Action: ["elasticloadbalancing:AddTags"], Resource: [targetGroups, ...loadBalancers],
        Condition: { StringEquals: { "elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer"] }, ...requestTagged },
      },
      // What a TargetGroupBinding does: register and deregister the pods in any target group, including baton's.
      { Sid: "RegisterTargets", Effect: "Allow", Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"], Resource: targetGroups },
      {
        Sid: "ListenerSettings", Effect: "Allow", Resource: "*",
        Action: [
          "elasticloadbalancing:SetWebAcl", "elasticloadbalancing:ModifyListener", "elasticloadbalancing:AddListenerCertificates",
          "elasticloadbalancing:RemoveListenerCertificates", "elasticloadbalancing:ModifyRule",
        ],
      },
    ],
  };
}
