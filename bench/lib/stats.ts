/** The statistics the benchmark report uses: medians of repeated runs and a least-squares line. */

/** The middle sample (the lower middle for an even count, so it is always a measured value). */
export function median(samples: readonly number[]): number {
  if (samples.length === 0) throw new Error("median of no samples");
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

export interface Line {
  /** Change in y per unit of x. */
  readonly slope: number;
  readonly intercept: number;
  /** Coefficient of determination: 1 when every point lies on the line. */
  readonly r2: number;
}

/** Ordinary least squares through the points: the growth rate and how straight the growth is. */
export function leastSquares(points: readonly (readonly [number, number])[]): Line {
  const n = points.length;
  if (n < 2) throw new Error("a line needs at least two points");
  const meanX = points.reduce((s, [x]) => s + x, 0) / n;
  const meanY = points.reduce((s, [, y]) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (const [x, y] of points) {
    sxy += (x - meanX) * (y - meanY);
    sxx += (x - meanX) ** 2;
    syy += (y - meanY) ** 2;
  }
  if (sxx === 0) throw new Error("a line needs at least two distinct x values");
  const slope = sxy / sxx;
  const intercept = meanY - slope * meanX;
  const r2 = syy === 0 ? 1 : (sxy * sxy) / (sxx * syy);
  return { slope, intercept, r2 };
}
