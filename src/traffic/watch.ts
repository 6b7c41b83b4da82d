/**
 * `baton status --watch`: read the fleet, draw it, wait, read again, until stopped. AWS throttling
 * that outlasts the SDK's own retries slows the loop down (the wait doubles, up to a ceiling)
 * instead of ending it; the next read without throttling goes back to the chosen interval.
 */
import type { FleetStatus, Read } from "./status.js";

/** The shortest and longest interval a user may ask for: faster only spends API quota. */
export const WATCH_INTERVAL_BOUNDS = { minSeconds: 5, maxSeconds: 3600 } as const;
export const DEFAULT_WATCH_INTERVAL_SECONDS = 15;
/** The wait never grows past this while AWS keeps throttling (or past the interval, if longer). */
export const WATCH_BACKOFF_CEILING_SECONDS = 600;

/** `15s`, `2m`, `1h` (or plain seconds) to seconds; an error that says the accepted form and bounds. */
export function parseWatchInterval(text: string): number {
  const m = /^(\d+)(s|m|h)?$/.exec(text.trim());
  const { minSeconds, maxSeconds } = WATCH_INTERVAL_BOUNDS;
  if (!m) throw new Error(`--interval ${JSON.stringify(text)} is not a duration; write it as 15s, 2m or 1h`);
  const seconds = Number(m[1]) * (m[2] === "h" ? 3600 : m[2] === "m" ? 60 : 1);
  if (seconds < minSeconds || seconds > maxSeconds) {
    throw new Error(`--interval ${text} is out of range: use ${minSeconds}s to ${maxSeconds / 60}m (AWS API rate limits are shared with everything else in the account)`);
  }
  return seconds;
}

/** One drawing of the view: the latest read (or why there is none) and when the next one comes. */
export interface WatchFrame {
  /** How many reads so far, this one included. */
  readonly reads: number;
  readonly status?: FleetStatus;
  /** A read that failed as a whole (e.g. no credentials): the view keeps the last status. */
  readonly error?: string;
  /** Reads AWS throttled past the SDK's retries in this round. */
  readonly throttled: number;
  /** Seconds until the next read (longer than the interval while backing off). */
  readonly nextReadSeconds: number;
}

export interface WatchOptions {
  readonly intervalSeconds: number;
  readonly read: () => Promise<FleetStatus>;
  readonly draw: (frame: WatchFrame) => void;
  /** Aborting stops the loop: during a wait at once, during a read once it returns. */
  readonly signal: AbortSignal;
}

function throttledReads(status: FleetStatus): number {
  const reads: Read<unknown>[] = [];
  for (const c of status.clusters) reads.push(c.live, ...c.nodeGroups.map((g) => g.live));
  for (const s of status.services) reads.push(s.live, ...Object.values(s.targets));
  // A failure the cluster's own read already explains is copied into its node groups: count it once.
  const distinct = new Set(reads.filter((r) => !r.ok && r.throttled).map((r) => (r.ok ? "" : r.error)));
  return distinct.size;
}

/** Waits `ms`, or less if `signal` aborts first. */
function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

/** Runs until `signal` aborts; resolves to the number of reads made. */
export async function watchStatus(options: WatchOptions): Promise<number> {
  const interval = options.intervalSeconds;
  const ceiling = Math.max(interval, WATCH_BACKOFF_CEILING_SECONDS);
  let delay = interval;
  let reads = 0;
  let last: FleetStatus | undefined;
  while (!options.signal.aborted) {
    reads += 1;
    let frame: Omit<WatchFrame, "nextReadSeconds">;
    try {
      last = await options.read();
      frame = { reads, status: last, throttled: throttledReads(last) };
    } catch (error) {
      frame = { reads, ...(last ? { status: last } : {}), error: error instanceof Error ? error.message : String(error), throttled: 0 };
    }
    // Back off while AWS throttles or the read fails as a whole; a clean read returns to the interval.
    delay = frame.throttled > 0 || frame.error !== undefined ? Math.min(delay * 2, ceiling) : interval;
    if (options.signal.aborted) break;
    options.draw({ ...frame, nextReadSeconds: delay });
    await wait(delay * 1000, options.signal);
  }
  return reads;
}
