/**
 * Mean-field engine benchmark: the default AML model for 180 days, compiled once, run many times.
 * Reports simulations/s, ms per simulation, RHS evaluations per simulation and RHS evaluations/s.
 */
import { compileModel } from '../src/compile/compile.js';
import { odeEngine } from '../src/engines/ode/engine.js';
import { MeanFieldSystem } from '../src/engines/ode/meanField.js';
import { loadModelFile } from '../src/io/load.js';

export async function benchMeanField(): Promise<Array<Record<string, number | string>>> {
  const model = loadModelFile('models/aml-niche.yaml').model;
  const compiled = compileModel(model);
  const run = () => {
    const sim = odeEngine.init(compiled, {});
    sim.advance(compiled.tEnd);
    return sim.result();
  };
  for (let i = 0; i < 5; i++) run(); // warm-up (JIT)
  const rows: Array<Record<string, number | string>> = [];
  const reps = 30;
  let rhs = 0;
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) rhs += run().manifest.solverStats?.rhsEvaluations ?? NaN;
  const wall = (performance.now() - t0) / 1000;
  rows.push({
    case: 'aml-niche-180d',
    engine: 'ode-rodas4',
    simulationsPerSecond: reps / wall,
    msPerSimulation: (wall * 1000) / reps,
    rhsPerSimulation: rhs / reps,
  });
  const sys = new MeanFieldSystem(compiled);
  const y = sys.initialState();
  const dy = new Float64Array(sys.n);
  for (let i = 0; i < 1e4; i++) sys.rhs(i, y, dy);
  const n = 2e5;
  const t1 = performance.now();
  for (let i = 0; i < n; i++) sys.rhs(i, y, dy);
  const w1 = (performance.now() - t1) / 1000;
  rows.push({ case: 'aml-niche-rhs', engine: 'ode', rhsEvaluationsPerSecond: n / w1, stateSize: sys.n });
  return rows;
}
