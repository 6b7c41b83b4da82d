/**
 * The GitHub Actions workflow that runs a fleet's upgrade plan: one job per wave, in order
 * (`needs:` on the wave before), a matrix over the wave's stacks (`fail-fast`, `max-parallel`),
 * and an environment per wave, where a team adds required reviewers or a wait timer (the soak
 * between waves). Each stack's job runs `baton run-plan` on its own steps; the run's state and the
 * stack file go to the Actions cache after every attempt, so re-running a failed job resumes where
 * it stopped. GitHub does the scheduling; baton only writes the file.
 */
import { Document } from "yaml";
import { waveLabel, type Wave } from "../fleet/waves.js";
import { wavesWithSteps, type FleetUpgrade, type StackUpgrade } from "./fleet-plan.js";
import { METHOD_NAMES } from "./render-text.js";

export interface WorkflowOptions {
  /** The plan's folder as the workflow's steps name it: relative to the repository root. */
  readonly planDir: string;
  /** Each stack's file relative to the repository root, by stack name. */
  readonly stackFiles: ReadonlyMap<string, string>;
  /** At most this many stacks of a wave at once; unset: GitHub's default (as many as runners allow). */
  readonly maxParallel?: number;
  /** @default "ubuntu-latest" */
  readonly runsOn?: string;
  /** Environments are named `<prefix>-<wave>` (`-last` for stacks without a wave). @default "baton-wave" */
  readonly environmentPrefix?: string;
  /** @default 24 */
  readonly nodeVersion?: number;
}

/** GitHub-hosted runners stop a job after 6 hours (`timeout-minutes` defaults to it). */
export const HOSTED_JOB_LIMIT_MINUTES = 360;

/** The file a run keeps its progress in, beside the stack's steps (see run-plan.ts). */
export const RUN_STATE_FILE = "run-state.json";

/** How long a wave's job may need: its slowest stack's upper bound, each step baked, and a margin. */
export function waveMinutesNeeded(fleetWave: Wave<StackUpgrade>): number {
  const longest = Math.max(0, ...fleetWave.stacks.map((s) => s.plan.totals.upperBoundMinutes + s.plan.steps.length * s.plan.assumptions.bakeMinutes));
  return Math.ceil(longest * 1.25) + 30;
}

/** A wave's `timeout-minutes`: what it may need, at most the hosted limit (a job stopped there resumes when re-run). */
export const waveTimeoutMinutes = (fleetWave: Wave<StackUpgrade>): number => Math.min(HOSTED_JOB_LIMIT_MINUTES, waveMinutesNeeded(fleetWave));

const jobId = (wave: number | undefined) => (wave === undefined ? "wave-last" : `wave-${wave}`);

/** The workflow as YAML text, with a header saying what it is and how to use it. */
export function githubWorkflow(fleet: FleetUpgrade, options: WorkflowOptions): string {
  const waves = wavesWithSteps(fleet);
  const prefix = options.environmentPrefix ?? "baton-wave";
  const planDir = options.planDir.replace(/\/+$/, "");
  const jobs: Record<string, unknown> = {};
  let previous: string | undefined;
  for (const wave of waves) {
    const id = jobId(wave.wave);
    const statePaths = `${planDir}/\${{ matrix.stack }}/${RUN_STATE_FILE}\n\${{ matrix.stackFile }}`;
    const cacheKey = `baton-run-\${{ github.run_id }}-\${{ matrix.stack }}`;
    jobs[id] = {
      name: `${waveLabel(wave.wave)}: \${{ matrix.stack }}`,
      ...(previous !== undefined ? { needs: previous } : {}),
      "runs-on": options.runsOn ?? "ubuntu-latest",
      environment: `${prefix}-${wave.wave ?? "last"}`,
      "timeout-minutes": waveTimeoutMinutes(wave),
      strategy: {
        "fail-fast": true,
        ...(options.maxParallel !== undefined ? { "max-parallel": options.maxParallel } : {}),
        matrix: {
          include: wave.stacks.map((s) => ({
            stack: s.name,
            stackFile: options.stackFiles.get(s.name) ?? s.file,
            ...(s.region !== undefined ? { region: s.region } : {}),
          })),
        },
      },
      steps: [
        { uses: "actions/checkout@v4" },
        { uses: "actions/setup-node@v4", with: { "node-version": options.nodeVersion ?? 24, cache: "npm" } },
        { run: "npm ci" },
        { name: "Install the Pulumi CLI", uses: "pulumi/actions@v6" },
        {
          name: "AWS credentials (the role pulumi up and the health gates use)",
          uses: "aws-actions/configure-aws-credentials@v4",
          with: { "role-to-assume": "${{ vars.BATON_DEPLOY_ROLE_ARN }}", "aws-region": "${{ matrix.region || vars.AWS_REGION }}" },
        },
        {
          name: "Resume where an earlier attempt stopped",
          uses: "actions/cache/restore@v4",
          with: { path: statePaths, key: `${cacheKey}-\${{ github.run_attempt }}`, "restore-keys": `${cacheKey}-` },
        },
        {
          name: "Run the stack's steps under its health gates",
          run: `npx baton run-plan "${planDir}/\${{ matrix.stack }}"`,
          env: { PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}" },
        },
        {
          name: "Keep the run's state for a re-run",
          if: "always()",
          uses: "actions/cache/save@v4",
          with: { path: statePaths, key: `${cacheKey}-\${{ github.run_attempt }}` },
        },
        {
          name: "Upload the run's state and the stack file it left",
          if: "always()",
          uses: "actions/upload-artifact@v4",
          with: { name: "baton-run-${{ matrix.stack }}", path: statePaths, overwrite: true },
        },
      ],
    };
    previous = id;
  }
  const doc = new Document({
    name: `baton: ${METHOD_NAMES[fleet.method]} to Kubernetes ${fleet.to}, in waves`,
    on: { workflow_dispatch: {} },
    permissions: { contents: "read", "id-token": "write" },
    // One upgrade run at a time; a second waits instead of racing the first.
    concurrency: { group: `baton-upgrade-${fleet.to}`, "cancel-in-progress": false },
    jobs,
  });
  doc.commentBefore = [
    ` Written by \`baton upgrade-plan\` on ${fleet.today}: ${waves.length} wave(s), each stack's steps in ${planDir}/<stack>/.`,
    " Copy it to .github/workflows/ and start it by hand (workflow_dispatch). Waves run in order; a failed stack",
    ` stops its wave (fail-fast) and every later one. The environments ${waves.map((w) => `${prefix}-${w.wave ?? "last"}`).join(", ")}`,
    " are created on first use: give them required reviewers or a wait timer (the soak between waves) in the repository's settings.",
    " Secrets and variables it reads: PULUMI_ACCESS_TOKEN, BATON_DEPLOY_ROLE_ARN, and AWS_REGION for stacks without aws:region.",
  ].join("\n");
  return doc.toString({ lineWidth: 0 });
}
