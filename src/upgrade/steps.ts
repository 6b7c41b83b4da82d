/**
 * Building an upgrade as a sequence of stack files: each step is an edit of the previous file,
 * asked of the spec's `plan` before it is kept. A step the spec refuses ends the sequence with
 * the refusal, so no plan ever contains a step `baton plan` would refuse.
 */
import { plan, type Plan } from "../fleet/plan.js";
import { Fleet } from "../fleet/schema.js";
import type { FleetSpec } from "../fleet/types.js";
import type { StackDocument } from "./stack-document.js";

/** A value the plan cannot know and wrote as a placeholder the user must replace before applying. */
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

  constructor(start: StackDocument, private readonly today: string) {
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
    const inputs = edit(next) ?? [];
    if (JSON.stringify(next.fleet()) === JSON.stringify(this.current.fleet())) return false;
    const verdict = plan(this.current.fleet(), next.fleet(), { today: this.today });
    if (!verdict.allowed) throw new StepRefusedError(slug, title, verdict, this.steps);
    const afterSpec = specOf(next);
    this.steps.push({ slug, title, before: this.current, after: next, beforeSpec: this.currentSpec, afterSpec, plan: verdict, inputs });
    this.current = next;
    this.currentSpec = afterSpec;
    return true;
  }
}
