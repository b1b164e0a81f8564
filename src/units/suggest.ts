/**
 * "Did you mean ...?" helpers shared by the unit and expression parsers.
 * Pure functions, no I/O.
 */

/**
 * Weighted Damerau–Levenshtein distance from a typed `input` to a known `candidate`.
 * Costs: a character missing from the input (insertion) 0.8, an extra character (deletion) 1,
 * substitution 1 (0.3 when the two characters differ only in case), adjacent transposition 1.
 * Missing characters are the most common typo, hence the slightly lower cost.
 * @returns a non-negative score; 0 means identical.
 */
export function typoDistance(input: string, candidate: string): number {
  const a = input;
  const b = candidate;
  const n = a.length;
  const m = b.length;
  const d: number[][] = [];
  for (let i = 0; i <= n; i++) {
    d.push(new Array<number>(m + 1).fill(0));
    d[i][0] = i;
  }
  for (let j = 0; j <= m; j++) d[0][j] = j * 0.8;
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      const ca = a[i - 1];
      const cb = b[j - 1];
      const sub = ca === cb ? 0 : ca.toLowerCase() === cb.toLowerCase() ? 0.3 : 1;
      let v = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 0.8, d[i - 1][j - 1] + sub);
      if (i > 1 && j > 1 && ca === b[j - 2] && a[i - 2] === cb) v = Math.min(v, d[i - 2][j - 2] + 1);
      d[i][j] = v;
    }
  }
  return d[n][m];
}

/**
 * The closest known names to `input` (best score first, ties all kept, at most `max`).
 * Returns [] when nothing is plausibly close (score above ~1/3 of the input length, min 1;
 * for 1-2 character inputs only a missing character or a case change counts as close).
 * @param input the unknown name as typed
 * @param candidates known names (duplicates ignored)
 * @param max maximum number of suggestions returned (default 3)
 */
export function closestNames(input: string, candidates: Iterable<string>, max = 3): string[] {
  const limit = input.length <= 2 ? 0.9 : input.length <= 3 ? 1 : input.length <= 6 ? 2 : 3;
  const scored: Array<{ name: string; score: number }> = [];
  const seen = new Set<string>();
  for (const c of candidates) {
    if (seen.has(c) || c === input) continue;
    seen.add(c);
    const score = typoDistance(input, c);
    if (score <= limit) scored.push({ name: c, score });
  }
  if (scored.length === 0) return [];
  scored.sort((x, y) => x.score - y.score || x.name.localeCompare(y.name));
  const best = scored[0].score;
  return scored.filter((s) => s.score <= best + 1e-9).slice(0, max).map((s) => s.name);
}

/**
 * Formats suggestions as an English phrase: "did you mean 'a'?", "did you mean 'a' or 'b'?",
 * "did you mean 'a', 'b' or 'c'?"; returns '' for an empty list.
 */
export function didYouMean(names: readonly string[]): string {
  if (names.length === 0) return '';
  const q = names.map((n) => `'${n}'`);
  const body = q.length === 1 ? q[0] : `${q.slice(0, -1).join(', ')} or ${q[q.length - 1]}`;
  return `did you mean ${body}?`;
}
