/**
 * The spatial, agent-based engine (layer 3, no Node-only API): the same compiled model as the
 * mean-field engine, with cells as agents in a 2D or 3D domain and substrates on a voxel mesh.
 * The processes and their order are documented in world.ts, the mechanics in mechanics.ts.
 *
 * Outputs: the mean-field engine's columns (live cells per type, `<type> (dead)` = apoptotic +
 * necrotic agents, substrate concentrations as domain means, model outputs evaluated on those),
 * rows on the same grid, each the state after the last diffusion step at or before the row's
 * time; plus {@link SpatialSnapshot}s at the model's `snapshot_interval` (and at t_end).
 *
 * Reproducibility: every random number is addressed by (seed, purpose, agent id or cell type,
 * step, draw) (src/random), and every order-sensitive sum or update runs in ascending id order or
 * over an id-ordered grid, so one seed gives bit-identical results whatever the storage order of
 * the agents. The engine runs on one thread; a threaded version that splits the per-agent loops
 * among workers reads the same random numbers and sums in the same order, so its results would be
 * identical as well.
 */
import type { CompiledModel } from '../../compile/compile.js';
import type { Spatial } from '../../model/model.js';
import type { ColumnInfo, RunStatus, SimulationResult } from '../../results/result.js';
import { NICHESIM_VERSION } from '../../version.js';
import { type Engine, type EngineIssue, type EngineOptions, outputTimes, type Simulation } from '../engine.js';
import { meanFieldColumns } from '../ode/engine.js';
import { AGENT_STATES, type SpatialSnapshot } from './snapshot.js';
import { DEFAULT_MECHANICS, type MechanicsParameters } from './mechanics.js';
import { resolveSpatial, World, type AbmEvent } from './world.js';

export interface AbmEngineOptions extends EngineOptions {
  /** Number of dimensions; overrides the model's spatial.dims (see resolveSpatial for the z extent). */
  dims?: 2 | 3;
  /** Overrides of the model's spatial section (domain size, voxel size, time steps, snapshot interval). */
  spatial?: Partial<Spatial>;
  /** Keep snapshots in memory (default true). */
  snapshots?: boolean;
  /** Mechanics parameters (default: PhysiCell's, DEFAULT_MECHANICS). */
  mechanics?: Partial<MechanicsParameters>;
  /** Stop with status 'maxSteps' when the number of agents exceeds this (default 2,000,000). */
  maxAgents?: number;
  /** Keep a log of every stochastic event (default false; for tests and debugging). */
  recordEvents?: boolean;
  /** Place the initial agents of the model (default true); false starts with no agents. */
  initialAgents?: boolean;
  /**
   * Agents to place at given positions (um; z ignored in 2D) at the start, after the model's
   * initial agents (e.g. the cells of a PhysiCell `cells.csv`). `type` is a cell-type name.
   */
  agents?: ReadonlyArray<{ type: string; x: number; y: number; z?: number }>;
  /**
   * Track the amount of each substrate inside each agent (BioFVM's
   * `track_internalized_substrates_in_each_agent`; default false, as in the PhysiCell rules
   * sample). Semantics in world.ts; snapshots then carry `agents.internal`.
   */
  trackInternalizedSubstrates?: boolean;
  /** Fraction of a prey's internal amounts its phagocyte takes up, in [0, 1] (default 1; the rest goes to the prey's voxel). */
  fractionTransferredWhenIngested?: number;
  /** 'batched' (default) or 'per-agent' secretion/uptake coupling; bit-identical results (for tests and benchmarks). */
  sourceCoupling?: 'batched' | 'per-agent';
  /**
   * How Dirichlet boundary voxels are held in the diffusion sweeps: 'overwrite' (default,
   * BioFVM/PhysiCell 1.14: overwritten before and after every LOD sweep) or 'implicit' (identity
   * rows; src/pde's default, closer to the continuous problem when D·dt/dx² is large). See world.ts.
   */
  dirichletScheme?: 'implicit' | 'overwrite';
  /**
   * How a contact interaction's rate r scales with the number k of eligible neighbours:
   * 'per-neighbour' (PhysiCell 1.14: rate k·r) or 'per-predator' (rate r whenever k ≥ 1, the
   * mean-field engine's closure). Default: the model's spatial.contact_interactions, else
   * 'per-predator', so both engines share the closure. See world.ts `interact`.
   */
  contactInteractions?: 'per-neighbour' | 'per-predator';
}

/** A running agent-based simulation. Beyond `Simulation`, it gives snapshots and its world. */
export class AbmSimulation implements Simulation {
  /** The state: agents, microenvironment, grid (read it; change it only in tests). */
  readonly world: World;
  private readonly model: CompiledModel;
  private readonly options: AbmEngineOptions;
  private readonly times: Float64Array;
  private readonly columns: ColumnInfo[];
  private readonly data: Float64Array[];
  private row = 0;
  private status: RunStatus = 'ok';
  private message: string | null = null;
  private readonly snapshotSteps: number[];
  private nextSnapshot = 0;
  private readonly kept: SpatialSnapshot[] = [];
  private readonly keepSnapshots: boolean;
  private readonly maxAgents: number;
  private readonly outVars: Float64Array;
  private readonly live: Float64Array;
  private readonly dead: Float64Array;
  private readonly started = Date.now();
  private wallMs = 0;
  private readonly settings: Record<string, unknown>;

  constructor(model: CompiledModel, options: AbmEngineOptions = {}) {
    this.model = model;
    this.options = options;
    const tEnd = options.tEnd ?? model.tEnd;
    this.times = outputTimes(tEnd, options.outputInterval ?? model.outputInterval);
    const spatial = resolveSpatial(model, options.spatial, options.dims);
    const mechanics: MechanicsParameters = { ...DEFAULT_MECHANICS, ...options.mechanics };
    const seed = options.seed ?? 1;
    this.world = new World(model, {
      seed, spatial, mechanics, placeInitialAgents: options.initialAgents ?? true, recordEvents: options.recordEvents ?? false,
      trackInternalizedSubstrates: options.trackInternalizedSubstrates ?? false,
      fractionTransferredWhenIngested: options.fractionTransferredWhenIngested ?? 1,
      sourceCoupling: options.sourceCoupling ?? 'batched',
      dirichletScheme: options.dirichletScheme ?? 'overwrite',
      contactInteractions: options.contactInteractions ?? model.spatial.contactInteractions ?? 'per-predator',
    });
    if (options.agents) {
      const index = new Map(model.cellTypes.map((c, i) => [c.name, i]));
      for (const a of options.agents) {
        const t = index.get(a.type);
        if (t === undefined) throw new RangeError(`agents: unknown cell type '${a.type}' (known: ${[...index.keys()].join(', ')})`);
        if (!Number.isFinite(a.x) || !Number.isFinite(a.y) || (a.z !== undefined && !Number.isFinite(a.z))) throw new RangeError(`agents: the position of a ${a.type} agent is not finite`);
        this.world.addAgent(t, a.x, a.y, a.z ?? this.world.domain.zMid);
      }
    }
    this.maxAgents = options.maxAgents ?? 2_000_000;
    this.keepSnapshots = options.snapshots ?? true;
    const dt = spatial.dtDiffusion;
    this.snapshotSteps = this.keepSnapshots && spatial.snapshotInterval > 0 && Number.isFinite(spatial.snapshotInterval)
      ? Array.from(outputTimes(tEnd, spatial.snapshotInterval), (t) => stepsAt(t, dt))
      : [];
    this.columns = meanFieldColumns(model);
    this.data = this.columns.map(() => new Float64Array(this.times.length).fill(NaN));
    this.outVars = new Float64Array(model.outputVariables.length);
    this.live = new Float64Array(model.cellTypes.length);
    this.dead = new Float64Array(model.cellTypes.length);
    this.settings = {
      dims: spatial.dims,
      size: [...spatial.size],
      voxelSize: spatial.voxelSize,
      dtDiffusion: spatial.dtDiffusion,
      dtMechanics: spatial.dtMechanics,
      dtPhenotype: spatial.dtPhenotype,
      snapshotInterval: spatial.snapshotInterval,
      mechanics,
      tEnd,
      outputInterval: this.times.length > 1 ? this.times[1] - this.times[0] : tEnd,
      threads: 1,
      trackInternalizedSubstrates: this.world.trackInternal,
      dirichletScheme: this.world.dirichletScheme,
      contactInteractions: this.world.perNeighbour ? 'per-neighbour' : 'per-predator',
    };
    // Rules are in force from the start (secretion of the initial agents follows them).
    this.world.evaluateAllRules();
    this.takeSnapshotsDue();
    this.record(0);
    this.row = 1;
  }

  get time(): number {
    return this.times[this.row - 1];
  }

  advance(tUntil: number): RunStatus {
    const t0 = Date.now();
    const w = this.world;
    try {
      while (this.status === 'ok' && this.row < this.times.length && this.times[this.row] <= tUntil) {
        const target = stepsAt(this.times[this.row], w.dtDiffusion);
        while (w.diffusionSteps < target) {
          w.step();
          this.takeSnapshotsDue();
          if (w.store.n > this.maxAgents) {
            this.fail('maxSteps', `the number of agents (${w.store.n}) exceeded the limit of ${this.maxAgents}`);
            break;
          }
        }
        if (this.status !== 'ok') break;
        if (!w.finite()) {
          this.fail('nonFinite', 'a position, volume or concentration is not finite');
          break;
        }
        this.record(this.row);
        this.row++;
      }
    } finally {
      this.wallMs += Date.now() - t0;
    }
    return this.status;
  }

  private fail(status: RunStatus, why: string): void {
    this.status = status;
    const t = this.world.time;
    this.message = `the agent-based run stopped (${status}) at t = ${(t / 1440).toPrecision(6)} day (${t.toPrecision(8)} min): ${why}. Results are kept up to day ${(this.time / 1440).toPrecision(6)}.`;
  }

  private takeSnapshotsDue(): void {
    while (this.nextSnapshot < this.snapshotSteps.length && this.world.diffusionSteps >= this.snapshotSteps[this.nextSnapshot]) {
      this.kept.push(this.snapshot());
      this.nextSnapshot++;
    }
  }

  private record(row: number): void {
    const w = this.world;
    const nT = this.model.cellTypes.length;
    const nS = this.model.substrates.length;
    w.counts(this.live, this.dead);
    let c = 0;
    for (let i = 0; i < nT; i++) this.data[c++][row] = this.live[i];
    for (let i = 0; i < nT; i++) this.data[c++][row] = this.dead[i];
    const v = this.outVars;
    let k = 0;
    for (let i = 0; i < nT; i++) v[k++] = this.live[i];
    for (let s = 0; s < nS; s++) {
      const mean = w.meanConcentration(s);
      this.data[c++][row] = mean;
      v[nT + s] = mean;
    }
    k = nT + nS;
    for (const p of Object.values(this.model.parameters)) v[k++] = p;
    v[k] = this.times[row];
    for (const o of this.model.outputs) this.data[c++][row] = o.evaluate(v);
  }

  /** The state now as a snapshot (agents in ascending id order; arrays are copies). */
  snapshot(): SpatialSnapshot {
    const w = this.world;
    const s = w.store;
    const order = s.idOrder();
    const n = s.n;
    const id = new Uint32Array(n);
    const type = new Uint16Array(n);
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    const z = new Float64Array(n);
    const volume = new Float64Array(n);
    const state = new Uint8Array(n);
    for (let k = 0; k < n; k++) {
      const a = order[k];
      id[k] = s.id[a];
      type[k] = s.type[a];
      x[k] = s.x[a];
      y[k] = s.y[a];
      z[k] = s.z[a];
      volume[k] = s.volume[a];
      state[k] = s.state[a];
    }
    const iw = s.internalWidth;
    let internal: Float64Array | undefined;
    if (iw > 0) {
      internal = new Float64Array(n * iw);
      for (let k = 0; k < n; k++) internal.set(s.internal.subarray(order[k] * iw, (order[k] + 1) * iw), k * iw);
    }
    const agents: SpatialSnapshot['agents'] = { id, type, x, y, z, volume, state };
    if (internal !== undefined) agents.internal = internal;
    if (w.tables.attackDamages.includes(1)) {
      const damage = new Float64Array(n);
      for (let k = 0; k < n; k++) damage[k] = s.damage[order[k]];
      agents.damage = damage;
    }
    const m = w.mesh;
    const nV = m.nVoxels;
    return {
      time: w.time,
      dims: w.domain.dims,
      origin: [w.domain.xMin, w.domain.yMin, w.domain.zMin],
      voxelSize: w.spatial.voxelSize,
      shape: { nx: m.nx, ny: m.ny, nz: m.nz },
      cellTypes: this.model.cellTypes.map((c) => ({ name: c.name, label: c.label })),
      agents,
      substrates: this.model.substrates.map((sub, k) => ({ name: sub.name, unit: sub.unit, values: w.env.densities.slice(k * nV, (k + 1) * nV) })),
    };
  }

  /** Snapshots taken so far (at 0, every snapshot interval, and t_end), oldest first. */
  snapshots(): SpatialSnapshot[] {
    return [...this.kept];
  }

  /** The event log (when `recordEvents` was set), else null. */
  events(): readonly AbmEvent[] | null {
    return this.world.events;
  }

  result(): SimulationResult {
    const n = this.row;
    const series: Record<string, Float64Array> = {};
    this.columns.forEach((c, i) => (series[c.name] = this.data[i].slice(0, n)));
    const w = this.world;
    return {
      status: this.status,
      message: this.message,
      times: this.times.slice(0, n),
      columns: this.columns,
      series,
      manifest: {
        nichesimVersion: NICHESIM_VERSION,
        modelName: this.model.name,
        modelHash: this.options.modelHash ?? '',
        engine: 'abm',
        engineSettings: { ...this.settings, agentStates: [...AGENT_STATES] },
        solverStats: {
          diffusionSteps: w.diffusionSteps,
          mechanicsSteps: w.mechanicsSteps,
          phenotypeSteps: w.phenotypeSteps,
          agentSteps: w.agentSteps,
          peakAgents: w.peakAgents,
          agents: w.store.n,
        },
        seed: w.rng.seed,
        parameters: { ...this.model.parameters },
        wallMs: this.wallMs,
        startedAt: new Date(this.started).toISOString(),
      },
    };
  }
}

/** Number of diffusion steps of length dt that end at or before time t. */
function stepsAt(t: number, dt: number): number {
  return Math.floor(t / dt + 1e-9);
}

/** Whether x is within 1e-9 (relative) of an integer. */
function nearInteger(x: number): boolean {
  return Math.abs(x - Math.round(x)) <= 1e-9 * Math.max(1, Math.abs(x));
}

/** The agent-based engine: `init` gives an {@link AbmSimulation}. */
export interface AbmEngine extends Engine<AbmEngineOptions> {
  init(model: CompiledModel, options: AbmEngineOptions): AbmSimulation;
}

/** The agent-based engine. */
export const abmEngine: AbmEngine = {
  name: 'abm',
  check(model: CompiledModel): EngineIssue[] {
    const issues: EngineIssue[] = model.notes
      .filter((n) => !n.includes('acts only in the spatial engine'))
      .map((message) => ({ severity: 'warning' as const, message }));
    const sp = model.spatial;
    if (!nearInteger(sp.dtMechanics / sp.dtDiffusion)) {
      issues.push({ severity: 'warning', message: `spatial.dt_mechanics (${sp.dtMechanics} min) is not a whole number of dt_diffusion (${sp.dtDiffusion} min); the agent-based engine rounds it to ${Math.max(1, Math.round(sp.dtMechanics / sp.dtDiffusion)) * sp.dtDiffusion} min` });
    }
    const dtMech = Math.max(1, Math.round(sp.dtMechanics / sp.dtDiffusion)) * sp.dtDiffusion;
    if (!nearInteger(sp.dtPhenotype / dtMech)) {
      issues.push({ severity: 'warning', message: `spatial.dt_phenotype (${sp.dtPhenotype} min) is not a whole number of dt_mechanics (${dtMech} min); the agent-based engine rounds it to ${Math.max(1, Math.round(sp.dtPhenotype / dtMech)) * dtMech} min` });
    }
    for (const c of model.cellTypes) {
      if (Math.abs(c.initialNumber - Math.round(c.initialNumber)) > 1e-9) {
        issues.push({ severity: 'warning', message: `cell_types.${c.name}.initial_number ${c.initialNumber} is not a whole number; the agent-based engine places ${Math.round(c.initialNumber)} agents` });
      }
    }
    return issues;
  },
  init(model: CompiledModel, options: AbmEngineOptions): AbmSimulation {
    return new AbmSimulation(model, options);
  },
};
