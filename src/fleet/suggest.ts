import { distance } from "fastest-levenshtein";

/** The closest of `candidates` to `word`, when close enough to be a likely typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  // Two swapped neighbours ("wbe" for "web") are one slip of the fingers, though two edits apart.
  const swapped = candidates.find((c) => isAdjacentSwap(word.toLowerCase(), c.toLowerCase()));
  if (swapped !== undefined) return swapped;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = distance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  // A third of the word's length, at least 1 and at most 3 edits: "versoin" → "version", not "name" → "port".
  const allowed = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  return bestDistance <= allowed ? best : undefined;
}

function isAdjacentSwap(a: string, b: string): boolean {
  if (a.length !== b.length || a === b) return false;
  const i = [...a].findIndex((ch, k) => ch !== b[k]);
  return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
}
