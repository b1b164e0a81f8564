/**
 * Benchmark of the agent-based engine (src/engines/abm). Rows:
 *
 * - `agent-steps`: agents × mechanics steps / wall s for 10^3, 10^4, 10^5 agents in 2D and 10^4
 *   in 3D: one motile cell type (radius 6.2 um), no substrates, packed at an area (2D) or volume
 *   (3D) fraction of 0.5 in a domain sized to hold them, dt_diffusion = dt_mechanics = 0.1 min,
 *   dt_phenotype = 6 min; timed after a warm-up, the median of 3 repeats. `usPerAgentStep` is the
 *   inverse (PhysiCell 1.14.2 reference: about 2 us per agent-step in 2D on one thread), and
 *   `cpuUsPerAgentStep` the same in CPU time of the process (robust to a loaded machine).
 *   `mechanicsUsPerAgentStep` times the mechanics step alone (grid, forces, motility,
 *   interactions, positions).
 * - `memory`: bytes per agent with 10^5 agents: the typed arrays of the store, the neighbour grid
 *   and the contact lists (at their allocated capacity), and the growth of the JS heap + array
 *   buffers (peak while stepping, and after a garbage collection), over 10^5.
 * - `rules-sample`: wall time of a scenario equivalent to PhysiCell's rules sample (1000 × 1000 um
 *   2D, 20 um voxels, 5 substrates, 1300 cells of 6 types with PhysiCell-like rules, dt
 *   0.01/0.1/6 min) for 0.1 simulated day, extrapolated per simulated day (PhysiCell reference:
 *   52 s per day on 1 thread, 27 s on 2). Until the PhysiCell importer exists, the model is the
 *   YAML below rather than the sample's own files.
 *
 * Run alone with `npx tsx bench/abm.ts`; `npx tsx bench/abm.ts rules [simulated minutes]
 * [per-agent] [track]` runs only the rules-sample row (default 144 min = 0.1 day), optionally with
 * the per-agent secretion coupling (one applyCellSourcesSinks call per agent, substrate and
 * diffusion step, the engine's path before the batched one; bit-identical results) and with
 * internalised substrates tracked.
 */
import { existsSync, readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { compileModel } from '../src/compile/compile.js';
import { type AbmEngineOptions, abmEngine, type AbmSimulation } from '../src/engines/abm/index.js';
import { parseModel } from '../src/model/parse.js';

type Row = Record<string, number | string>;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
}

const CELL_VOLUME = 1000; // um^3, radius 6.2 um

function crowd(n: number, dims: 2 | 3): AbmSimulation {
  const r = Math.cbrt((3 * CELL_VOLUME) / (4 * Math.PI));
  const fraction = 0.5;
  const voxel = 20;
  const side = dims === 2 ? Math.sqrt((n * Math.PI * r * r) / fraction) : Math.cbrt((n * CELL_VOLUME) / fraction);
  const L = Math.max(1, Math.round(side / voxel)) * voxel;
  const size = dims === 2 ? [L, L, 20] : [L, L, L];
  const text = `nichesim: 1
name: crowd
niche: {volume: ${size[0] * size[1] * size[2]} um^3}
simulation: {t_end: 1 day, output_interval: 1 day}
spatial: {dims: ${dims}, size: [${size[0]} um, ${size[1]} um, ${size[2]} um], voxel_size: ${voxel} um, dt_diffusion: 0.1 min, dt_mechanics: 0.1 min, dt_phenotype: 6 min}
cell_types:
  A: {initial_number: ${n}, volume: ${CELL_VOLUME} um^3, motility: {migration_speed: 1 um/min, persistence_time: 5 min, migration_bias: 0}}
`;
  return abmEngine.init(compileModel(parseModel(text, 'crowd.yaml').model), { seed: 1, snapshots: false });
}

/** CPU time (s) of this process, for figures that do not depend on the load of a shared machine. */
function cpuSeconds(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e6;
}

let lastCpu = 0;

/** Runs `steps` mechanics steps (one diffusion step each) and returns the wall time (s); the CPU time goes to lastCpu. */
function timeSteps(sim: AbmSimulation, steps: number): number {
  const w = sim.world;
  const c0 = cpuSeconds();
  const t0 = performance.now();
  for (let k = 0; k < steps; k++) w.step();
  lastCpu = cpuSeconds() - c0;
  return (performance.now() - t0) / 1000;
}

async function agentSteps(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const [n, dims] of [[1000, 2], [10_000, 2], [100_000, 2], [10_000, 3]] as const) {
    const sim = crowd(n, dims);
    const steps = Math.max(10, Math.round(2e6 / n));
    timeSteps(sim, Math.min(steps, 60)); // warm-up and first relaxation of the random placement
    const walls: number[] = [];
    const cpus: number[] = [];
    for (let rep = 0; rep < 3; rep++) {
      walls.push(timeSteps(sim, steps));
      cpus.push(lastCpu);
      await Promise.resolve();
    }
    const wall = median(walls);
    const cpu = median(cpus);
    const agentsNow = sim.world.store.n;
    // The mechanics step alone (as the engine runs it).
    const w = sim.world as unknown as { mechanicsStep(): void; mechanicsSteps: number };
    const tm = performance.now();
    for (let k = 0; k < steps; k++) {
      w.mechanicsSteps++;
      w.mechanicsStep();
    }
    const mech = (performance.now() - tm) / 1000;
    rows.push({
      case: `${n} agents ${dims}D`,
      agents: agentsNow,
      domain: sim.world.spatial.size.join('x'),
      mechanicsSteps: steps,
      agentStepsPerSecond: Math.round((agentsNow * steps) / wall),
      usPerAgentStep: (wall * 1e6) / (agentsNow * steps),
      cpuUsPerAgentStep: (cpu * 1e6) / (agentsNow * steps),
      mechanicsUsPerAgentStep: (mech * 1e6) / (agentsNow * steps),
    });
  }
  return rows;
}

/** Bytes of all typed arrays held directly by an object. */
function typedBytes(o: object): number {
  let bytes = 0;
  for (const v of Object.values(o)) if (ArrayBuffer.isView(v)) bytes += v.byteLength;
  return bytes;
}

async function memory(): Promise<Row[]> {
  // A garbage collector to call between measurements (the flag can be set at run time).
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const usage = () => {
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  // Collect, let array buffers of earlier runs be released, collect again.
  const settle = async () => {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 100));
    gc();
  };
  await settle();
  const before = usage();
  const n = 100_000;
  const sim = crowd(n, 2);
  let peak = usage();
  for (let k = 0; k < 5; k++) {
    timeSteps(sim, 1);
    peak = Math.max(peak, usage());
  }
  await settle();
  const after = usage();
  const w = sim.world;
  const s = w.store;
  const arrays = typedBytes(s) + typedBytes(w.grid) + typedBytes(w.contacts);
  return [{
    case: `${n} agents 2D`,
    storeCapacity: s.capacity,
    bytesPerAgentTypedArrays: Math.round(arrays / s.n),
    bytesPerAgentPeak: Math.round((peak - before) / s.n),
    bytesPerAgentAfterGc: Math.round((after - before) / s.n),
  }];
}

/**
 * A model equivalent to PhysiCell's rules sample (../shared/fixtures/physicell/rules_sample): the
 * same domain, voxels, time steps, substrates (diffusion, decay, oxygen from 38 and held at 20 on
 * the faces),
 * cell types, volumes, motility, uptake/secretion and the rules nichesim can express (rules on the
 * unsupported signals apoptotic, necrotic and damage are left out). PhysiCell's 4-phase
 * flow-cytometry cycle of the tumour cells is expressed as the effective division rate: entry wait
 * plus 13 h of fixed S/G2/M phases, i.e. 1/(500 h + 13 h) at base and 1/(5 h + 13 h) at full oxygen.
 */
export const RULES_SAMPLE_YAML = `nichesim: 1
name: rules_sample_equivalent
title: PhysiCell rules sample, equivalent nichesim model
niche: {volume: 2e7 um^3}
simulation: {t_end: 5 day, output_interval: 1 h}
spatial: {dims: 2, size: [1000 um, 1000 um, 20 um], voxel_size: 20 um, dt_diffusion: 0.01 min, dt_mechanics: 0.1 min, dt_phenotype: 6 min, snapshot_interval: 1 day}
substrates:
  oxygen: {unit: uM, diffusion_coefficient: 1e5 um^2/min, decay_rate: 0.1 1/min, initial_condition: 38, dirichlet_boundary: {enabled: true, value: 20}}
  apoptotic_debris: {unit: dimensionless, diffusion_coefficient: 1 um^2/min, decay_rate: 0}
  necrotic_debris: {unit: dimensionless, diffusion_coefficient: 1 um^2/min, decay_rate: 0}
  pro_inflammatory: {unit: dimensionless, diffusion_coefficient: 1e4 um^2/min, decay_rate: 1 1/min}
  anti_inflammatory: {unit: dimensionless, diffusion_coefficient: 1e4 um^2/min, decay_rate: 1 1/min}
cell_types:
  tumor: {initial_number: 1000, volume: 2494 um^3, cycle_entry: 3.2e-5 1/min, apoptosis: 7e-5 1/min, necrosis: 0.003 1/min,
    secretion: {oxygen: {uptake_rate: 10 1/min}}, motility: {migration_speed: 0.1 um/min, persistence_time: 1 min, migration_bias: 0.5}}
  M0: {initial_number: 150, volume: 2494 um^3, phagocytosis: {apoptotic: 0.01 1/min, necrotic: 0.01 1/min},
    secretion: {oxygen: {uptake_rate: 10 1/min}, apoptotic_debris: {uptake_rate: 1 1/min}, necrotic_debris: {uptake_rate: 1 1/min}},
    motility: {migration_speed: 1 um/min, persistence_time: 5 min, migration_bias: 0.25, chemotaxis: {necrotic_debris: 1, apoptotic_debris: 1}}}
  M1: {initial_number: 0, volume: 2494 um^3, transformation: {M2: 0.001 1/min}, phagocytosis: {apoptotic: 0.01 1/min, necrotic: 0.01 1/min},
    secretion: {oxygen: {uptake_rate: 10 1/min}, pro_inflammatory: {secretion_rate: 100 1/min, secretion_target: 1}},
    motility: {migration_speed: 1 um/min, persistence_time: 5 min, migration_bias: 0.25}}
  M2: {initial_number: 0, volume: 2494 um^3, phagocytosis: {apoptotic: 0.01 1/min, necrotic: 0.01 1/min},
    secretion: {oxygen: {uptake_rate: 10 1/min}, anti_inflammatory: {secretion_rate: 10 1/min, secretion_target: 1}},
    motility: {migration_speed: 1 um/min, persistence_time: 5 min, migration_bias: 0.25}}
  effector_T: {initial_number: 150, volume: 2494 um^3,
    secretion: {oxygen: {uptake_rate: 1 1/min}}, motility: {migration_speed: 1 um/min, persistence_time: 5 min, migration_bias: 0.5, chemotaxis: {pro_inflammatory: 1}}}
  exhausted_T: {initial_number: 0, volume: 2494 um^3, secretion: {oxygen: {uptake_rate: 1 1/min}},
    motility: {migration_speed: 0.1 um/min, persistence_time: 5 min}}
rules:
  - {cell_type: tumor, signal: oxygen, direction: decreases, behaviour: necrosis, saturation: 0, half_max: 3.75, hill_power: 8, evidence: [M001]}
  - {cell_type: tumor, signal: oxygen, direction: increases, behaviour: cycle entry, saturation: 0.00093 1/min, half_max: 21.5, hill_power: 4, evidence: [M001]}
  - {cell_type: tumor, signal: pressure, direction: decreases, behaviour: cycle entry, saturation: 0, half_max: 1, hill_power: 4, evidence: [M001]}
  - {cell_type: tumor, signal: oxygen, direction: decreases, behaviour: migration speed, saturation: 0, half_max: 5, hill_power: 4, evidence: [M001]}
  - {cell_type: M0, signal: necrotic_debris, direction: increases, behaviour: transform to M1, saturation: 0.05 1/min, half_max: 0.005, hill_power: 4, evidence: [M001]}
  - {cell_type: M0, signal: apoptotic_debris, direction: decreases, behaviour: migration speed, saturation: 0.1 um/min, half_max: 0.005, hill_power: 4, evidence: [M001]}
  - {cell_type: M0, signal: volume, direction: decreases, behaviour: phagocytose apoptotic cell, saturation: 0, half_max: 6000, hill_power: 4, evidence: [M001]}
  - {cell_type: M0, signal: volume, direction: decreases, behaviour: phagocytose necrotic cell, saturation: 0, half_max: 6000, hill_power: 4, evidence: [M001]}
  - {cell_type: M1, signal: oxygen, direction: decreases, behaviour: transform to M2, saturation: 0.0001 1/min, half_max: 5, hill_power: 8, evidence: [M001]}
  - {cell_type: M1, signal: volume, direction: decreases, behaviour: phagocytose apoptotic cell, saturation: 0, half_max: 6000, hill_power: 4, evidence: [M001]}
  - {cell_type: M2, signal: volume, direction: decreases, behaviour: phagocytose apoptotic cell, saturation: 0, half_max: 6000, hill_power: 4, evidence: [M001]}
  - {cell_type: effector_T, signal: pro_inflammatory, direction: increases, behaviour: attack tumor, saturation: 0.01 1/min, half_max: 1, hill_power: 4, evidence: [M001]}
  - {cell_type: effector_T, signal: contact with tumor, direction: decreases, behaviour: migration speed, saturation: 0.01 um/min, half_max: 0.1, hill_power: 10, evidence: [M001]}
  - {cell_type: effector_T, signal: anti_inflammatory, direction: increases, behaviour: transform to exhausted_T, saturation: 0.001 1/min, half_max: 0.5, hill_power: 4, evidence: [M001]}
  - {cell_type: exhausted_T, signal: contact with tumor, direction: decreases, behaviour: migration speed, saturation: 0.01 um/min, half_max: 0.1, hill_power: 10, evidence: [M001]}
`;

/** The sample's initial cells (cells.csv, x,y,z,type with the domain centred on 0), or null. */
function sampleCells(): Array<[number, number, string]> | null {
  const file = '../shared/fixtures/physicell/rules_sample/cells.csv';
  if (!existsSync(file)) return null;
  const names: Record<string, string> = { 'malignant epithelial cell': 'tumor', 'M0 macrophage': 'M0', 'effector T cell': 'effector_T' };
  return readFileSync(file, 'utf8').trim().split('\n').slice(1).map((line) => {
    const f = line.split(',');
    return [Number(f[0]) + 500, Number(f[1]) + 500, names[f[3]] ?? f[3]];
  });
}

async function rulesSample(simulatedMinutes = 144, variant: Pick<AbmEngineOptions, 'sourceCoupling' | 'trackInternalizedSubstrates'> = {}): Promise<Row[]> {
  const compiled = compileModel(parseModel(RULES_SAMPLE_YAML, 'rules-sample.yaml').model);
  const cells = sampleCells();
  const sim = abmEngine.init(compiled, {
    seed: 1,
    tEnd: simulatedMinutes,
    outputInterval: simulatedMinutes / 4,
    snapshots: false,
    initialAgents: cells === null,
    agents: cells?.map(([x, y, type]) => ({ type, x, y })),
    ...variant,
  });
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  sim.advance(simulatedMinutes);
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  const r = sim.result();
  const perDay = (wall * 1440) / simulatedMinutes;
  return [{
    case: 'rules-sample equivalent (1000x1000 um, 5 substrates, 1300 cells, dt 0.01/0.1/6)' +
      (variant.sourceCoupling === 'per-agent' ? ', per-agent coupling' : '') + (variant.trackInternalizedSubstrates ? ', internal substrates tracked' : ''),
    initialCells: cells ? 'cells.csv of the sample' : 'uniformly random',
    simulatedMinutes,
    wallSeconds: wall,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    secondsPerSimulatedDay: perDay,
    cpuSecondsPerSimulatedDay: ((cpu.user + cpu.system) / 1e6 / simulatedMinutes) * 1440,
    physicellSecondsPerDay1Thread: 52,
    speedupVsPhysicell1Thread: 52 / perDay,
    agentsAtEnd: r.manifest.solverStats!.agents,
    usPerAgentStep: (wall * 1e6) / r.manifest.solverStats!.agentSteps,
    agentStepsPerSecond: Math.round(r.manifest.solverStats!.agentSteps / wall),
  }];
}

/** Runs all agent-based benchmarks; one row per measurement. */
export async function benchAbm(): Promise<Row[]> {
  return [...(await agentSteps()), ...(await memory()), ...(await rulesSample())];
}

if (typeof process !== 'undefined' && process.argv[1] !== undefined && /bench[\\/]abm\.ts$/.test(process.argv[1])) {
  const only = process.argv[2] === 'rules';
  const minutes = Number(process.argv[3] ?? 144);
  const variant = {
    sourceCoupling: process.argv.includes('per-agent') ? 'per-agent' as const : 'batched' as const,
    trackInternalizedSubstrates: process.argv.includes('track'),
  };
  (only ? rulesSample(minutes, variant) : benchAbm()).then(
    (rows) => console.table(rows),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
