/**
 * Captures every resource a program registers under Pulumi's mock runtime as the policy
 * evaluator's input: the inputs for resource policies, and inputs plus the mock's outputs (with
 * the id, as bridged providers report it) for stack policies.
 */
import * as pulumi from "@pulumi/pulumi";
import type { EvaluatedResource } from "../../src/policy/evaluate.js";

export interface Captured {
  readonly resources: EvaluatedResource[];
}

/** Mocks that echo inputs back as outputs, plus a name and an id, recording each resource. */
export function captureMocks(captured: Captured): pulumi.runtime.Mocks {
  return {
    newResource(args) {
      const id = `${args.name}-id`;
      const outputs: Record<string, unknown> = { name: args.name, ...args.inputs, id };
      if (args.custom !== false) {
        captured.resources.push({
          type: args.type, name: args.name, urn: `urn:pulumi:test::baton::${args.type}::${args.name}`, inputs: { ...args.inputs }, outputs,
        });
      }
      return { id, state: outputs };
    },
    call: (args) => args.inputs,
  };
}

/** Waits until every resource's outputs have resolved, so the mocks have seen them all. */
export function settled(resources: readonly pulumi.CustomResource[]): Promise<unknown> {
  return new Promise((resolve) => pulumi.all(resources.map((r) => r.id)).apply(resolve));
}
