/**
 * Work-precision sweep of the stiff integrators on ROBER and HIRES (Bari test set), against the
 * reference end values of the shared fixture ivp/ivp_reference.json.
 *
 * For rtol = 1e-4 … 1e-10 and methods rodas4 and auto, one row per run:
 *   { problem, method, rtol, significantDigits, rhsEvaluations, wallMs }
 * significantDigits = min over components of −log10(|y − ref|/|ref|) (capped at 16);
 * atol = 1e-4·rtol for HIRES and 1e-6·rtol for ROBER (whose y2 is ~1e-13 at the end).
 * wallMs is the mean over repeated runs (>= 100 ms of work or 20 runs) after one warm-up run.
 * Returns [] (and says so on stderr) when the fixtures are not found.
 */
import { solveOnGrid } from '../src/engines/ode/solvers/integrator.js';
import type { OdeMethod } from '../src/engines/ode/solvers/types.js';
import { HIRES, ROBER, ivpReferencePath, loadIvpReference, significantDigits, type TestProblem } from '../test/numerics/problems.js';

const RTOLS = [1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10];
const METHODS: OdeMethod[] = ['rodas4', 'auto'];
const CASES: Array<{ problem: TestProblem; atolFactor: number }> = [
  { problem: ROBER, atolFactor: 1e-6 },
  { problem: HIRES, atolFactor: 1e-4 },
];

/** Runs the sweep; see the module comment for the row fields. */
export async function benchIvp(): Promise<Array<Record<string, number | string>>> {
  const reference = loadIvpReference();
  if (!reference) {
    console.error(`bench ivp: skipped: fixtures not found (${ivpReferencePath()})`);
    return [];
  }
  const rows: Array<Record<string, number | string>> = [];
  for (const { problem, atolFactor } of CASES) {
    const ref = reference[problem.key].y_end;
    const times = Float64Array.of(problem.t0, problem.tEnd);
    const n = problem.system.n;
    for (const method of METHODS) {
      for (const rtol of RTOLS) {
        const opts = { rtol, atol: rtol * atolFactor };
        const run = () => solveOnGrid(method, problem.system, problem.y0(), times, opts);
        const first = run(); // warm-up, and the figures (deterministic)
        let reps = 0;
        const t0 = performance.now();
        let elapsed = 0;
        while (reps < 20 && (reps === 0 || elapsed < 100)) {
          run();
          reps++;
          elapsed = performance.now() - t0;
        }
        rows.push({
          problem: problem.key,
          method,
          rtol,
          significantDigits: first.status === 'ok' ? significantDigits(first.values.subarray(n, 2 * n), ref) : NaN,
          rhsEvaluations: first.stats.rhsEvaluations,
          wallMs: elapsed / reps,
        });
      }
    }
  }
  return rows;
}
