/** The rollout's live reads on AWS: the applied weights and one observation of the health gates. */
import { gatesOf } from "../../fleet/schema.js";
import type { FleetSpec } from "../../fleet/types.js";
import type { GateObservation } from "../gates.js";
import type { LiveTraffic } from "../rollout.js";
import { arnDimension, targetHealth } from "./alb.js";
import type { AwsClients } from "./clients.js";
import { alarmStates, httpCounts } from "./cloudwatch.js";
import { clusterTargetGroups, readServiceWeights } from "./service-traffic.js";
import { inAwsWords, STACK_REGION_FIX } from "./errors.js";

const AWS_CONTEXT = { regionFix: STACK_REGION_FIX };

/**
 * Live reads for `serviceName` as it moves to cluster `to`. A failed read throws an AwsCallError
 * in baton's words (what failed, and the fix); the rollout treats it as missing data.
 */
export function awsLiveTraffic(clients: AwsClients, fleet: FleetSpec, serviceName: string, to: string, now: () => Date = () => new Date()): LiveTraffic {
  const service = fleet.services[serviceName];
  if (!service) throw new Error(`service ${serviceName} is not in fleet ${fleet.name}`);
  const gates = gatesOf(service);
  const weightsWhere = service.routing === "alb" ? `${serviceName}'s listener rule` : `${serviceName}'s Route53 records`;
  return {
    appliedWeights: () => inAwsWords(`reading ${weightsWhere}`, async () => (await readServiceWeights(clients, fleet, service)).weights, AWS_CONTEXT),
    observeGates: () => inAwsWords(`reading ${serviceName}'s health gates`, async (): Promise<GateObservation> => {
      const alarms = gates.alarms.length > 0 ? await alarmStates(clients.cloudwatch, gates.alarms) : [];
      const live = await readServiceWeights(clients, fleet, service);
      const groups = await clusterTargetGroups(clients.elbv2, fleet, serviceName, to, live);
      if (groups.targetGroupArns.length === 0) {
        return { alarms, targetsProblem: `no target group of cluster ${to} found for service ${serviceName} (tag baton:cluster=${to} on the rule, or its load balancer)` };
      }
      const health = await targetHealth(clients.elbv2, groups.targetGroupArns);
      const http = gates.max5xxRatio === undefined
        ? undefined
        : await httpCounts(clients.cloudwatch, groups.loadBalancer, groups.targetGroupArns.map(arnDimension), now());
      return { alarms, healthyTargets: health.healthy, ...(http ? { http } : {}) };
    }, AWS_CONTEXT),
  };
}
