/**
 * Building an upgrade as a sequence of stack files: each step is an edit of the previous file,
 * asked of the spec's `plan` before it is kept. A step the spec refuses ends the sequence with
 * the refusal, so no plan ever contains a step `baton plan` would refuse, but for the placeholders
 * it lists as input the user must give.
 */
import { plan, type Plan } from "../fleet/plan.js";
import { errorsOf } from "../fleet/problems.js";
import { PLACEHOLDER_RULE } from "../fleet/rules/placeholders.js";
import { Fleet } from "../fleet/schema.js";
import type { FleetSpec } from "../fleet/types.js";
import type { StackDocument } from "./stack-document.js";

/** A value the plan cannot know and wrote as a placeholder the user must replace before applying (the spec refuses it until then). */
export interface InputNeeded {
  readonly path: string;
  readonly placeholder: string;
  readonly why: string;
}

export interface DraftStep {
  readonly slug: string;
  readonly title: string;
  readonly before: StackDocument;
  readonly after: StackDocument;
  readonly beforeSpec: FleetSpec;
  readonly afterSpec: FleetSpec;
  readonly plan: Plan;
  readonly inputs: readonly InputNeeded[];
}

/** The spec refused a step: the method cannot reach the target from this fleet as it stands. */
export class StepRefusedError extends Error {
  override name = "StepRefusedError";
  constructor(readonly slug: string, readonly title: string, readonly refusal: Plan, readonly done: readonly DraftStep[]) {
    super(`the spec refuses the step "${title}" (${refusal.refusedRules.join(", ")})`);
  }
}

/** The fleet with the schema's defaults, for deciding what to edit next (rules are `plan`'s job). */
export function specOf(doc: StackDocument): FleetSpec {
  return Fleet.parse(doc.fleet());
}

export class StepBuilder {
  readonly steps: DraftStep[] = [];
  private current: StackDocument;
  private currentSpec: FleetSpec;

  /**
   * @param releases AMI releases to pin where a step moves a pinned group's minor, by the SSM
   * parameter that recommends them (`fleet/ami-releases.ts`); a group with none is unpinned.
   */
  constructor(start: StackDocument, private readonly today: string, readonly releases: Readonly<Record<string, string>> = {}) {
    this.current = start;
    this.currentSpec = specOf(start);
  }

  get spec(): FleetSpec {
    return this.currentSpec;
  }

  get document(): StackDocument {
    return this.current;
  }

  /**
   * Applies `edit` to a copy of the current file and keeps it as the next step when the spec
   * allows the transition. An edit that changes nothing is no step (returns false).
   */
  step(slug: string, title: string, edit: (doc: StackDocument) => readonly InputNeeded[] | void): boolean {
    const next = this.current.clone();
    const written = edit(next) ?? [];
    if (JSON.stringify(next.fleet()) === JSON.stringify(this.current.fleet())) return false;
    const verdict = plan(this.current.fleet(), next.fleet(), { today: this.today });
    // The spec refuses a placeholder like any other problem; the plan keeps the step when the
    // placeholders it wrote (in this step or an earlier one) are all that stand in the way, and
    // lists them as input the user gives before applying the file.
    const inputs = [...this.pending(), ...written].filter((input) => verdict.problems.some((p) => p.rule === PLACEHOLDER_RULE && p.path === input.path));
    if (!verdict.allowed && !onlyPlaceholders(verdict, inputs)) throw new StepRefusedError(slug, title, verdict, this.steps);
    const afterSpec = specOf(next);
    this.steps.push({ slug, title, before: this.current, after: next, beforeSpec: this.currentSpec, afterSpec, plan: verdict, inputs });
    this.current = next;
    this.currentSpec = afterSpec;
    return true;
  }

  /** The placeholders the last step's file still holds, each once. */
  private pending(): InputNeeded[] {
    return this.steps.at(-1)?.inputs.slice() ?? [];
  }
}

/** True when every problem that refuses `verdict` is one of the placeholders in `inputs`. */
function onlyPlaceholders(verdict: Plan, inputs: readonly InputNeeded[]): boolean {
  const waiting = new Set(inputs.map((i) => i.path));
  const blocking = [...errorsOf(verdict.problems), ...verdict.changes.flatMap((c) => c.refusals)];
  return blocking.length > 0 && blocking.every((p) => p.rule === PLACEHOLDER_RULE && waiting.has(p.path));
}
