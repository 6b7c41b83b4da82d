import type { InputNeeded } from "../../src/upgrade/steps.js";

/** A step file with each placeholder it lists replaced by a load balancer's DNS name, as a user fills it in. */
export function fillPlaceholders(text: string, inputs: readonly InputNeeded[]): string {
  let filled = text;
  for (const input of inputs) {
    const cluster = /targets\.([^.]+)\.dnsName$/.exec(input.path)?.[1] ?? "x";
    filled = filled.split(input.placeholder).join(`k8s-${cluster}-0123456789.us-east-1.elb.amazonaws.com`);
  }
  return filled;
}
