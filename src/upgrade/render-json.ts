/**
 * An upgrade plan as data: `{ method, to, steps: [{ file, title, changes, irreversible, rollback,
 * estimate, … }], totals }`, and `{ to, methods: [...] }` for a comparison. The files' text is
 * left out (`--out` writes it); a refusal carries the spec's rules and problems.
 */
import type { MethodPlan } from "./upgrade-plan.js";

export function methodPlanData(plan: MethodPlan) {
  const { files: _files, rollbackFiles: _rollbackFiles, refusal, ...rest } = plan;
  return {
    ...rest,
    ...(refusal ? {
      refusal: {
        step: refusal.step,
        rules: refusal.plan.refusedRules,
        problems: [...refusal.plan.problems.filter((p) => p.severity === "error"), ...refusal.plan.changes.flatMap((c) => c.refusals)],
      },
    } : {}),
  };
}

export function renderPlanJson(plan: MethodPlan): string {
  return JSON.stringify(methodPlanData(plan), null, 2);
}

export function renderCompareJson(plans: readonly MethodPlan[]): string {
  const first = plans[0];
  return JSON.stringify({ to: first?.to, today: first?.today, methods: plans.map(methodPlanData) }, null, 2);
}
