/**
 * Runs a Pulumi program under the offline mocks and hands back what it registered: the resource
 * graph tests assert on, and the program's result.
 */
import * as pulumi from "@pulumi/pulumi";
import { OfflineMocks, type MockedResource, type OfflineMocksOptions } from "../../src/preview/offline-mocks.js";

export interface MockedRun<T> {
  readonly mocks: OfflineMocks;
  readonly result: Awaited<T>;
}

/** Runs `program` under fresh mocks and waits until every resource it registered has resolved. */
export async function runMocked<T>(program: () => T, config: Record<string, string> = {}, options: OfflineMocksOptions = {}): Promise<MockedRun<T>> {
  const mocks = new OfflineMocks(options);
  await pulumi.runtime.setMocks(mocks, "baton", "test", false, "organization");
  pulumi.runtime.setAllConfig(config);
  const result = await program();
  // Waits for every outstanding registration, then closes this run's mock monitor.
  await pulumi.runtime.disconnect();
  return { mocks, result };
}

/** Resolves an Output's value (the mocks resolve every value outside preview). */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => { resolve(v); return v; }));
}

export const key = (r: MockedResource) => `${r.type}::${r.name}`;

/** The custom resources of a type, by logical name. */
export function byName(mocks: OfflineMocks, type: string): Map<string, MockedResource> {
  return new Map(mocks.resources.filter((r) => r.type === type).map((r) => [r.name, r]));
}

/** The one resource of `type` named `name`; fails the test when it is missing. */
export function one(mocks: OfflineMocks, type: string, name: string): MockedResource {
  const found = mocks.resources.find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`no ${type} named ${name}; have: ${mocks.resources.filter((r) => r.type === type).map((r) => r.name).join(", ")}`);
  return found;
}

/** A stable rendering of a value: object keys sorted, so key order never reads as a change. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v);
}

export interface GraphDiff {
  readonly added: string[];
  readonly removed: string[];
  /** Resources whose inputs differ (or that moved to another provider). */
  readonly changed: string[];
}

/** What a change between two runs would do, as a preview reads it: by type and logical name. */
export function diffRuns(before: OfflineMocks, after: OfflineMocks): GraphDiff {
  const index = (m: OfflineMocks) => new Map(m.resources.filter((r) => r.custom).map((r) => [key(r), r]));
  const a = index(before);
  const b = index(after);
  return {
    added: [...b.keys()].filter((k) => !a.has(k)).sort(),
    removed: [...a.keys()].filter((k) => !b.has(k)).sort(),
    changed: [...b.keys()].filter((k) => {
      const old = a.get(k);
      return old !== undefined && canonical({ i: old.inputs, p: old.provider }) !== canonical({ i: b.get(k)!.inputs, p: b.get(k)!.provider });
    }).sort(),
  };
}
