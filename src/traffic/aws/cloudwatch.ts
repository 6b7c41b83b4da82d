/** CloudWatch reads for the health gates: alarm states and a target group's 5xx and request counts. */
import { CloudWatchClient, DescribeAlarmsCommand, GetMetricDataCommand, type MetricDataQuery } from "@aws-sdk/client-cloudwatch";
import type { AlarmState, GateObservation } from "../gates.js";

/** States of the named alarms (metric or composite); a name CloudWatch does not know is MISSING. */
export async function alarmStates(cloudwatch: CloudWatchClient, names: readonly string[]): Promise<GateObservation["alarms"]> {
  const found = new Map<string, { state: AlarmState; reason?: string }>();
  // DescribeAlarms takes at most 100 names a call.
  for (let i = 0; i < names.length; i += 100) {
    let token: string | undefined;
    do {
      const out = await cloudwatch.send(new DescribeAlarmsCommand({
        AlarmNames: names.slice(i, i + 100), AlarmTypes: ["MetricAlarm", "CompositeAlarm"], ...(token ? { NextToken: token } : {}),
      }));
      for (const alarm of [...(out.MetricAlarms ?? []), ...(out.CompositeAlarms ?? [])]) {
        if (alarm.AlarmName && alarm.StateValue) {
          found.set(alarm.AlarmName, { state: alarm.StateValue, ...(alarm.StateReason ? { reason: alarm.StateReason } : {}) });
        }
      }
      token = out.NextToken;
    } while (token);
  }
  return names.map((name) => ({ name, ...(found.get(name) ?? { state: "MISSING" as const }) }));
}

/** How far back the 5xx ratio looks; ALB metrics arrive in one-minute periods. */
export const METRIC_WINDOW_MS = 5 * 60_000;

/**
 * Target 5xx responses and requests summed over the last window for the given target groups of one
 * load balancer (dimension values as CloudWatch writes them). Undefined when no datapoint exists.
 */
export async function httpCounts(
  cloudwatch: CloudWatchClient,
  loadBalancer: string,
  targetGroups: readonly string[],
  now: Date,
): Promise<{ requests: number; errors5xx: number } | undefined> {
  const query = (id: string, metric: string, targetGroup: string): MetricDataQuery => ({
    Id: id,
    MetricStat: {
      Metric: { Namespace: "AWS/ApplicationELB", MetricName: metric, Dimensions: [{ Name: "TargetGroup", Value: targetGroup }, { Name: "LoadBalancer", Value: loadBalancer }] },
      Period: 60,
      Stat: "Sum",
    },
    ReturnData: true,
  });
  const queries = targetGroups.flatMap((tg, i) => [query(`requests${i}`, "RequestCount", tg), query(`errors${i}`, "HTTPCode_Target_5XX_Count", tg)]);
  if (queries.length === 0) return undefined;
  let requests = 0;
  let errors5xx = 0;
  let datapoints = 0;
  let token: string | undefined;
  do {
    const out = await cloudwatch.send(new GetMetricDataCommand({
      MetricDataQueries: queries, StartTime: new Date(now.getTime() - METRIC_WINDOW_MS), EndTime: now, ...(token ? { NextToken: token } : {}),
    }));
    for (const result of out.MetricDataResults ?? []) {
      const sum = (result.Values ?? []).reduce((s, v) => s + v, 0);
      if (result.Id?.startsWith("requests")) {
        requests += sum;
        datapoints += result.Values?.length ?? 0;
      } else errors5xx += sum;
    }
    token = out.NextToken;
  } while (token);
  return datapoints === 0 ? undefined : { requests, errors5xx };
}
