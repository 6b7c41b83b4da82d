/** What bench/run.ts measured: medians of each figure, and the machine they were measured on. */

export interface Machine {
  /** os.availableParallelism(): the cores this process may use. */
  readonly cores: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly node: string;
  readonly platform: string;
  /** 1-minute load average when the run started and when it ended. */
  readonly loadBefore: number;
  readonly loadAfter: number;
  /** Whether peak RSS and CPU time came from GNU time (`/usr/bin/time -v`). */
  readonly gnuTime: boolean;
}

export interface PreviewRow {
  readonly clusters: number;
  readonly runs: number;
  /** Resources registered by both captures together (custom and component). */
  readonly resources: number;
  /** Capture + diff + comment, inside the process. */
  readonly ms: number;
  readonly cpuMs: number;
  readonly captureMs: number;
  readonly diffAndCommentMs: number;
  /** The whole process, Node start-up and module loading included. */
  readonly processMs: number;
  readonly maxRssKiB?: number;
  readonly commentChars: number;
}

export interface OverheadRow {
  readonly clusters: number;
  readonly runs: number;
  readonly customResources: number;
  readonly components: number;
  readonly batonMs: number;
  readonly baselineMs: number;
  readonly batonCpuMs: number;
  readonly baselineCpuMs: number;
  readonly batonRssKiB?: number;
  readonly baselineRssKiB?: number;
}

export interface CheckThroughput {
  readonly files: number;
  readonly manifests: number;
  readonly findings: number;
  readonly runs: number;
  readonly parseMs: number;
  readonly checkMs: number;
  readonly maxRssKiB?: number;
}

export interface CliRow {
  readonly label: string;
  /** The command as a user types it. */
  readonly command: string;
  readonly runs: number;
  readonly ms: number;
  readonly maxRssKiB?: number;
}

export interface ModuleLoads {
  readonly command: string;
  readonly modules: number;
  /** The npm packages those modules come from. */
  readonly packages: readonly string[];
  /** Loaded modules under @pulumi/* or @aws-sdk/*: none is the requirement. */
  readonly heavy: readonly string[];
}

export interface Results {
  readonly date: string;
  readonly durationS: number;
  readonly machine: Machine;
  readonly preview: readonly PreviewRow[];
  readonly overhead: readonly OverheadRow[];
  readonly check: CheckThroughput;
  readonly cli: readonly CliRow[];
  readonly coldStart: readonly CliRow[];
  readonly moduleLoads: readonly ModuleLoads[];
}
