/** The rollout's live reads on AWS: the applied weights and one observation of the health gates. */
import { gatesOf } from "../../fleet/schema.js";
import type { FleetSpec } from "../../fleet/types.js";
import type { GateObservation } from "../gates.js";
import type { LiveTraffic } from "../rollout.js";
import { arnDimension, targetHealth } from "./alb.js";
import type { AwsClients } from "./clients.js";
import { alarmStates, httpCounts } from "./cloudwatch.js";
import { clusterTargetGroups, readServiceWeights } from "./service-traffic.js";

/** Live reads for `serviceName` as it moves to cluster `to`. Errors propagate; the rollout treats them as missing data. */
export function awsLiveTraffic(clients: AwsClients, fleet: FleetSpec, serviceName: string, to: string, now: () => Date = () => new Date()): LiveTraffic {
  const service = fleet.services[serviceName];
  if (!service) throw new Error(`service ${serviceName} is not in fleet ${fleet.name}`);
  const gates = gatesOf(service);
  return {
    appliedWeights: async () => (await readServiceWeights(clients, fleet, service)).weights,
    observeGates: async (): Promise<GateObservation> => {
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
    },
  };
}
