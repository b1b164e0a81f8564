/**
 * The state and the processes of the spatial (agent-based) engine (layer 3, no Node-only API).
 *
 * A `World` holds the agents (AgentStore), the microenvironment (src/pde), the neighbour grid and
 * the counter-based random generator, and advances them one diffusion step at a time. The order of
 * the processes, in integer step counters (so chunked runs are identical to one run):
 *
 * Every dt_diffusion (step n → n+1, time t_n = n·dt_diffusion):
 *   1. doses: boluses due by t_n raise every voxel; active infusions add rate·dt_diffusion;
 *      drugs with plasma PK pull every voxel towards F·C_p(t) at their vascular exchange rate;
 *   2. diffusion–decay of all substrates (src/pde `step`, Dirichlet faces from the substrates'
 *      `dirichlet_boundary`, on all faces of the active dimensions). By default the held boundary
 *      voxels use BioFVM's scheme (option `dirichletScheme: 'overwrite'`): they are free unknowns
 *      of each LOD sweep and are overwritten with their value before and after it, as in
 *      PhysiCell 1.14. At PhysiCell's r = D·dt/dx² ≫ 1 this leaks markedly (r = 2.5 for oxygen in
 *      the rules sample, where it lowers the oxygen in the tumour's core by ~10% against the
 *      identity-row scheme), and the reference results depend on that leak. 'implicit' holds them
 *      as identity rows (src/pde's default, closer to the continuous problem);
 *   3. secretion and uptake: every agent couples to the voxel holding its centre with the local
 *      implicit update of src/pde `applyCellSourcesSinks`, in ascending id order (the updates of
 *      agents sharing a voxel do not commute); live agents with their current behaviour values,
 *      dead agents with uptake only, at 0.1 × the type's base uptake rate (PhysiCell). The
 *      (agent, substrate) entries and their coefficients change only at mechanics and phenotype
 *      steps, so they are gathered into a `CellSourceBatch` after any change of the store, of an
 *      agent's secretion or of a volume (phenotype steps, phagocytosis), and only moved to the
 *      agents' new voxels after the other mechanics steps; `applyCellSourceBatch` applies the
 *      batch at every diffusion step, bit-identical to one `applyCellSourcesSinks` call per
 *      entry (option `sourceCoupling: 'per-agent'` runs those
 *      calls instead; tests compare the two). Code that writes the agents' arrays directly between
 *      diffusion steps calls `invalidateSources()`;
 *   then, when a mechanics step ends at t_{n+1}: first the phenotype step if one ends there, then
 *   the mechanics step (PhysiCell's order).
 *
 * Phenotype step (every dt_phenotype), in this order:
 *   a. ageing: age and time in state += dt; volume relaxes towards the type's volume,
 *      V ← V_type + (V − V_type)·exp(−k_V dt) (k_V = VOLUME_RELAXATION_RATE), which matters only
 *      after a phagocytosis or a transformation changed it;
 *   b. contacts and pressure from a fresh neighbour pass;
 *   c. rules: every live agent's rules are evaluated with `evaluateResponse` on its signals:
 *      substrate concentrations in its voxel, `contact with T` = live neighbours of type T with
 *      d < r_i + r_j, `contact with live/dead cell` likewise, PhysiCell's simple pressure, its
 *      volume, the time, dead = 0, its damage (see "Attack damage" below). Dead agents keep their values (they neither secrete, move, nor
 *      decide; their uptake uses the base rate, as in the mean-field engine);
 *   d. decisions, from the state at the start of the step: a live agent with rates apoptosis a,
 *      necrosis x, transformation t_j and division b (total R; b is the cycle entry rate r, or
 *      r / (1 + r d) when its type has a division delay d > 0, as in the mean-field engine;
 *      division times stay exponential) has an event with probability
 *      1 − exp(−R·dt), which is apoptosis, necrosis, transformation to j or division with
 *      probability proportional to its rate (competing risks: for a single rate this is
 *      1 − exp(−r·dt), and at most one event per agent and step). A dead agent is removed with
 *      probability 1 − exp(−dt/τ), τ its type's apoptotic or necrotic clearance time. Influx of
 *      type i: a Poisson number of candidates with mean I_max·dt at uniformly random positions,
 *      each accepted with probability I(x)/I_max, where I(x) is the type's influx behaviour
 *      evaluated on the signals at x (so recruitment follows e.g. a chemokine; the expected number
 *      is the domain average of I times dt, equal to the mean-field influx in the well-mixed
 *      limit);
 *   e. application, in ascending id order: deaths (state change, motility off, secretion off,
 *      uptake ×0.1); transformations (the type changes; id, position, volume, motility and damage
 *      are kept; the new type's rules are evaluated at once); divisions: the daughter (new id) and
 *      the mother sit ±r/2 from the mother's centre along a random direction (PhysiCell 1.14
 *      `Cell::divide`), both restarting their Adams–Bashforth history (first step forward Euler);
 *      the daughter copies the mother's behaviour values, motility and damage and takes her type's volume
 *      (nichesim cell types have a fixed volume, the one the mean-field engine uses; growth
 *      through the cycle is not modelled, so volume is supplied, not conserved, at division; the
 *      mother keeps hers; internalised substrates, when tracked, are split in half); then the
 *      influx agents (with their type's base behaviour values until the next phenotype step); then
 *      removals (swap-remove; a removed agent releases its internalised substrates into its voxel);
 *   f. damage repair: every agent's damage is multiplied by exp(−k·dt), k its type's damage repair
 *      rate (after the rules read it, as PhysiCell integrates damage after its rules).
 *
 * Mechanics step (every dt_mechanics), in this order (PhysiCell's):
 *   a. neighbour grid and pair forces (mechanics.ts), contacts and pressure;
 *   b. motility of live agents: with probability 1 − exp(−dt/persistence time) per step (or at
 *      once when the agent has no direction yet; drawn as waiting times, see `motility`) a new
 *      direction normalise(bias·c + (1 − bias)·u), u a random unit vector (in the plane in 2D)
 *      and c = normalise(Σ_s χ_s ∇ρ_s) the chemotactic direction (χ_s the `chemotactic response
 *      to s`, gradients by src/pde `computeGradient` in the agent's voxel); the motility vector,
 *      speed × direction, is kept until the next change (PhysiCell); velocity += it;
 *   c. contact interactions of live predators with neighbours in contact (see `interact`):
 *      phagocytosis of live cells of a type and of apoptotic or necrotic cells, attack; then
 *      removal of eaten agents (the contact lists are invalidated);
 *   d. positions by Adams–Bashforth 2, clamped into the domain; voxels updated.
 *
 * Attack damage (PhysiCell's attack_damage_rate, attack_duration, damage_repair_rate and the
 * `damage` signal, simplified). By default a successful attack kills its target (it becomes
 * apoptotic). When the attacker's type gives attack_damage_rate d (1/min) and attack_duration τ
 * (min), a successful attack instead adds d·τ to the target's `damage` (AgentStore.damage,
 * dimensionless) and leaves it alive; the target dies only through its rules, e.g. "damage
 * increases apoptosis". PhysiCell links attacker and target by a spring while the attack lasts,
 * adds d·dt to the damage at every mechanics step, and ends the attack with probability dt/τ per
 * step (or when the target dies), so one attack delivers d·τ on average; nichesim delivers that
 * mean at once, with no spring, and the attacker may attack again at the next step (a PhysiCell
 * attacker holds one target at a time). Several attackers may hit one target in one step. The
 * damage decays at the target type's damage repair rate k at every phenotype step (step f),
 * exactly, as damage·exp(−k·dt) (PhysiCell integrates it by implicit Euler,
 * damage/(1 + k·dt), equal to first order in k·dt). A daughter starts with its mother's damage
 * (both keep it), a transformed agent keeps its damage, an influx agent starts with none.
 */
import type { CompiledModel } from '../../compile/compile.js';
import { Layout } from '../../compile/layout.js';
import type { Spatial } from '../../model/model.js';
import { applyCellSourceBatch, applyCellSourcesSinks, CellSourceBatch, computeGradient, createMesh, createMicroenvironment, type Face, type InternalisedAmounts, type Mesh, type Microenvironment, prepareCellSourcesSinks, relocateCellSourceBatch, step as diffusionStep, type SubstrateSpec } from '../../pde/index.js';
import { CounterRng } from '../../random/index.js';
import { concentration as pkConcentration } from '../../pk/pk.js';
import { evaluateResponse } from '../../vocabulary/responses.js';
import { AgentStore, APOPTOTIC as APOPTOTIC_STATE, LIVE as LIVE_STATE, NECROTIC as NECROTIC_STATE } from './agents.js';
import { advancePositions, clamp, ContactLists, type Domain, forcePass, interactionReach, type MechanicsParameters, type TypeMechanics, typeMechanics, NeighbourGrid, SIMPLE_PRESSURE_SCALE, voxelAt, type VoxelLattice } from './mechanics.js';
import { type AbmTables, ATTACK as ATTACK_KIND, buildAbmTables, EAT_APOPTOTIC as EAT_APOPTOTIC_KIND, EAT_LIVE as EAT_LIVE_KIND, EAT_NECROTIC as EAT_NECROTIC_KIND } from './tables.js';

// Module-local bindings of the imports used in per-agent loops: some loaders (tsx) compile
// modules to CommonJS, where every use of an import is a property read through a getter.
const LIVE = LIVE_STATE;
const APOPTOTIC = APOPTOTIC_STATE;
const NECROTIC = NECROTIC_STATE;
const EAT_LIVE = EAT_LIVE_KIND;
const ATTACK = ATTACK_KIND;
const EAT_APOPTOTIC = EAT_APOPTOTIC_KIND;
const EAT_NECROTIC = EAT_NECROTIC_KIND;
const applySourcesSinks = applyCellSourcesSinks;
const applyBatch = applyCellSourceBatch;
const relocateBatch = relocateCellSourceBatch;

/** Random streams (the purpose part of the generator's key). */
export const STREAM = Object.freeze({
  placement: 1,
  motility: 2,
  phenotype: 3,
  division: 4,
  interaction: 5,
  priority: 6,
  influxCount: 7,
  influx: 8,
});

/**
 * Internalised substrates (BioFVM's `track_internalized_substrates_in_each_agent`, option
 * `trackInternalizedSubstrates`, off by default as in the PhysiCell rules sample's settings): each
 * agent holds an amount of every substrate (`AgentStore.internal`, [c]·um^3), and
 *   - uptake (and a negative net export) moves amount from the voxel into the agent, secretion and
 *     export move it out: the agent's amount changes by minus the voxel's change. The amount inside
 *     never goes below 0: secretion synthesises substrate, so what an agent releases beyond its
 *     contents is booked as synthesised (`World.synthesised`, per substrate) and its amount set to
 *     0 (BioFVM does not clamp it). Hence Σ voxels + Σ agents − synthesised is conserved under
 *     no decay and no flux, to round-off;
 *   - a dividing agent splits its amounts in half between mother and daughter;
 *   - a phagocyte takes up its prey's amounts × `fractionTransferredWhenIngested` (PhysiCell's
 *     `fraction_transferred_when_ingested`, default 1 here); the rest is released into the prey's
 *     voxel (PhysiCell drops it), so the total is conserved whatever the fraction;
 *   - an agent removed after death (clearance) releases its amounts into its voxel (PhysiCell
 *     releases `fraction_released_at_death` on lysis; here all of it, at removal);
 *   - a transformation keeps them.
 * Amounts released into a Dirichlet voxel are overwritten at the next diffusion step, as
 * secretion into one is. There is no `intracellular <substrate>` signal: signals are laid out by
 * the compiled model (src/compile/layout.ts), outside this engine. With the option off nothing is
 * tracked or released and results are unchanged.
 *
 * Caution: for a consumed substrate (oxygen) the amount taken up over a cell's life is large, and
 * releasing it into one voxel at clearance makes a spike; turn tracking on for substrates whose
 * internal amount is meaningful (drugs, debris), not for metabolised ones.
 */

/**
 * Rate (1/min) at which an agent's volume relaxes to its type's volume after a phagocytosis or a
 * transformation changed it: PhysiCell's default cytoplasmic biomass change rate, 0.27 1/h.
 */
export const VOLUME_RELAXATION_RATE = 0.27 / 60;

/** What an event log entry records (tests and debugging; off by default). */
export type AbmEventKind = 'apoptosis' | 'necrosis' | 'transformation' | 'division' | 'removal' | 'influx' | 'phagocytosis' | 'attack';

export interface AbmEvent {
  /** Time at the end of the step in which the event happened (min). */
  time: number;
  kind: AbmEventKind;
  /** Id of the acting agent (the predator, the dividing mother, the transformed or removed agent). */
  agent: number;
  /** Id of the other agent (prey, target, daughter), or -1. */
  other: number;
  /**
   * Cell type after the event (transformation), the prey's volume (phagocytosis), the damage
   * added to the target (attack by a type with an attack damage rate), else 0.
   */
  detail: number;
}

/** A dose schedule entry (bolus amount or change of infusion rate) at a time (min). */
interface DoseEvent {
  t: number;
  substrate: number;
  bolus: number;
  infusionDelta: number;
}

/** Domain and time steps actually used (after overrides and rounding). */
export interface ResolvedSpatial extends Spatial {
  /** Diffusion steps per mechanics step and mechanics steps per phenotype step. */
  diffusionPerMechanics: number;
  mechanicsPerPhenotype: number;
}

/**
 * The spatial settings of a run: the model's `spatial` section with `overrides` applied, then
 * `dims` (switching a 2D model to 3D gives it a z extent equal to the smaller of the x and y
 * extents; switching a 3D model to 2D makes it one voxel thick), then the time steps rounded so
 * that dt_mechanics is a whole number of dt_diffusion and dt_phenotype a whole number of
 * dt_mechanics (the rounded values are the ones used and recorded).
 */
export function resolveSpatial(model: CompiledModel, overrides: Partial<Spatial> = {}, dims?: 2 | 3): ResolvedSpatial {
  const sp: Spatial = { ...model.spatial, ...overrides, size: [...(overrides.size ?? model.spatial.size)] as [number, number, number] };
  if (dims !== undefined && dims !== sp.dims) {
    if (dims === 3 && overrides.size === undefined) sp.size[2] = Math.min(sp.size[0], sp.size[1]);
    if (dims === 2 && overrides.size === undefined) sp.size[2] = sp.voxelSize;
    sp.dims = dims;
  }
  for (const k of ['dtDiffusion', 'dtMechanics', 'dtPhenotype', 'voxelSize'] as const) {
    if (!(sp[k] > 0) || !Number.isFinite(sp[k])) throw new RangeError(`spatial.${k} must be a positive finite number, got ${sp[k]}`);
  }
  const diffusionPerMechanics = Math.max(1, Math.round(sp.dtMechanics / sp.dtDiffusion));
  const dtMechanics = diffusionPerMechanics * sp.dtDiffusion;
  const mechanicsPerPhenotype = Math.max(1, Math.round(sp.dtPhenotype / dtMechanics));
  return { ...sp, dtMechanics, dtPhenotype: mechanicsPerPhenotype * dtMechanics, diffusionPerMechanics, mechanicsPerPhenotype };
}

/** Options of a World. */
export interface WorldOptions {
  seed: number;
  spatial: ResolvedSpatial;
  mechanics: MechanicsParameters;
  /** Place each type's `initial_number` agents uniformly at random (default true). */
  placeInitialAgents: boolean;
  /** Keep an event log (default false). */
  recordEvents: boolean;
  /** Track the amount of each substrate inside each agent (default false; see the comment above VOLUME_RELAXATION_RATE). */
  trackInternalizedSubstrates?: boolean;
  /** Fraction of the prey's internal amounts a phagocyte takes up, in [0, 1] (default 1). */
  fractionTransferredWhenIngested?: number;
  /**
   * How secretion and uptake are applied: 'batched' (default; entries gathered when the agents
   * change, `applyCellSourceBatch` at every diffusion step) or 'per-agent' (one `applyCellSourcesSinks`
   * call per agent and substrate at every diffusion step). Both give bit-identical results.
   */
  sourceCoupling?: 'batched' | 'per-agent';
  /**
   * How Dirichlet boundary voxels enter the diffusion sweeps (src/pde `dirichletScheme`):
   * 'overwrite' (default; BioFVM/PhysiCell: overwritten before and after every sweep) or
   * 'implicit' (identity rows of the tridiagonal systems).
   */
  dirichletScheme?: 'implicit' | 'overwrite';
  /**
   * How a contact interaction's rate r (phagocytosis, attack) scales with the number k of
   * eligible neighbours: 'per-neighbour' (default; PhysiCell 1.14, every neighbour an independent
   * chance at rate r, so the predator acts at rate k·r) or 'per-predator' (rate r whenever
   * k ≥ 1, the mean-field engine's closure). See `interact`.
   */
  contactInteractions?: 'per-neighbour' | 'per-predator';
}

export class World {
  readonly model: CompiledModel;
  readonly tables: AbmTables;
  readonly store: AgentStore;
  readonly mesh: Mesh;
  readonly env: Microenvironment;
  readonly domain: Domain;
  readonly grid: NeighbourGrid;
  readonly contacts = new ContactLists();
  readonly rng: CounterRng;
  readonly mechanics: MechanicsParameters;
  /** Per-type mechanics of the cell types, or null when no type's values differ from `mechanics`. */
  readonly typeMechanics: TypeMechanics | null;
  readonly spatial: ResolvedSpatial;
  readonly dtDiffusion: number;
  readonly dtMechanics: number;
  readonly dtPhenotype: number;
  /** Diffusion, mechanics and phenotype steps done. */
  diffusionSteps = 0;
  mechanicsSteps = 0;
  phenotypeSteps = 0;
  /** Σ agents over mechanics steps (agent-steps). */
  agentSteps = 0;
  /** Largest number of agents seen. */
  peakAgents = 0;
  /** Event log, when recorded. */
  readonly events: AbmEvent[] | null;
  /** Whether a contact interaction's rate applies per eligible neighbour (see WorldOptions). */
  readonly perNeighbour: boolean;
  /** How Dirichlet boundary voxels are held in the diffusion sweeps (see WorldOptions). */
  readonly dirichletScheme: 'implicit' | 'overwrite';
  /** Whether internalised substrates are tracked (then `store.internal` holds them). */
  readonly trackInternal: boolean;
  /** Fraction of the prey's internal amounts a phagocyte takes up. */
  readonly fractionIngested: number;
  /** Per substrate, the amount synthesised by agents beyond their contents ([c]·um^3; tracked only). */
  readonly synthesised: Float64Array;

  private readonly signals: Float64Array;
  private readonly vec = new Float64Array(3);
  private readonly grad = new Float64Array(3);
  private readonly pair = new Float64Array(2);
  private readonly doses: DoseEvent[];
  private nextDose = 0;
  private readonly infusion: Float64Array;
  private removed = new Uint8Array(0);
  private decision = new Int32Array(0);
  private orderCopy = new Int32Array(0);
  private readonly lattice: VoxelLattice;
  private readonly perAgentCoupling: boolean;
  /** Secretion/uptake entries of the agents, gathered in ascending id order (see `secrete`). */
  private readonly batch = new CellSourceBatch(64);
  /** Whether the batch's entries and coefficients, and their voxels, are those of the agents now. */
  private batchValid = false;
  private batchVoxelsValid = false;
  private batchVersion = -1;
  /** Storage index of the agent of each batch entry. */
  private gAgent = new Int32Array(64);
  private gSub = new Int32Array(64);
  private gVox = new Int32Array(64);
  private gSlot = new Int32Array(64);
  private gV = new Float64Array(64);
  private gS = new Float64Array(64);
  private gT = new Float64Array(64);
  private gU = new Float64Array(64);
  private gE = new Float64Array(64);
  private internalBook: InternalisedAmounts | null = null;
  /** [nT] factor exp(−k·dt_phenotype) of damage repair (k the type's damage repair rate). */
  private readonly damageDecay: Float64Array;
  /** Whether any type repairs damage (k > 0). */
  private readonly repairsDamage: boolean;

  constructor(model: CompiledModel, options: WorldOptions) {
    this.model = model;
    this.tables = buildAbmTables(model);
    this.spatial = options.spatial;
    this.mechanics = options.mechanics;
    this.typeMechanics = typeMechanics(options.mechanics, model.cellTypes.map((c) => c.mechanics));
    this.rng = new CounterRng(options.seed);
    this.events = options.recordEvents ? [] : null;
    const sp = options.spatial;
    this.dtDiffusion = sp.dtDiffusion;
    this.dtMechanics = sp.dtMechanics;
    this.dtPhenotype = sp.dtPhenotype;
    const [Lx, Ly, Lz] = sp.size;
    this.mesh = createMesh({ xMin: 0, xMax: Lx, yMin: 0, yMax: Ly, zMin: 0, zMax: Lz, dx: sp.voxelSize, dims: sp.dims });
    const faces: Face[] = sp.dims === 3 ? ['xmin', 'xmax', 'ymin', 'ymax', 'zmin', 'zmax'] : ['xmin', 'xmax', 'ymin', 'ymax'];
    const specs: SubstrateSpec[] = model.substrates.map((s) => {
      const spec: SubstrateSpec = { name: s.name, diffusionCoefficient: s.diffusionCoefficient, decayRate: s.decayRate, initialValue: s.initialCondition };
      if (s.dirichletBoundary?.enabled) {
        const c = { enabled: true, value: s.dirichletBoundary.value };
        spec.dirichlet = { faces: Object.fromEntries(faces.map((f) => [f, c])) };
      }
      return spec;
    });
    const scheme = options.dirichletScheme ?? 'overwrite';
    if (scheme !== 'overwrite' && scheme !== 'implicit') throw new RangeError(`dirichletScheme must be 'overwrite' or 'implicit', got ${String(scheme)}`);
    this.dirichletScheme = scheme;
    const closure = options.contactInteractions ?? 'per-neighbour';
    if (closure !== 'per-neighbour' && closure !== 'per-predator') throw new RangeError(`contactInteractions must be 'per-neighbour' or 'per-predator', got ${String(closure)}`);
    this.perNeighbour = closure === 'per-neighbour';
    this.env = createMicroenvironment(this.mesh, specs, { dirichletScheme: scheme });
    this.domain = { dims: sp.dims, xMin: 0, xMax: Lx, yMin: 0, yMax: Ly, zMin: 0, zMax: Lz, zMid: Lz / 2 };
    this.grid = new NeighbourGrid(this.domain);
    this.trackInternal = options.trackInternalizedSubstrates ?? false;
    const f = options.fractionTransferredWhenIngested ?? 1;
    if (!(f >= 0 && f <= 1)) throw new RangeError(`fractionTransferredWhenIngested must be in [0, 1], got ${f}`);
    this.fractionIngested = f;
    this.perAgentCoupling = options.sourceCoupling === 'per-agent';
    this.synthesised = new Float64Array(this.tables.nS);
    this.store = new AgentStore(this.tables.behaviourWidth, this.tables.sourceWidth, 64, this.trackInternal ? this.tables.nS : 0);
    this.signals = new Float64Array(this.tables.nSig);
    this.infusion = new Float64Array(this.tables.nS);
    this.doses = doseEvents(model);
    const mesh = this.mesh;
    this.lattice = { nx: mesh.nx, ny: mesh.ny, nz: mesh.nz, dx: mesh.dx, dy: mesh.dy, dz: mesh.dz };
    this.damageDecay = this.tables.damageRepairRate.map((k) => Math.exp(-k * this.dtPhenotype));
    this.repairsDamage = this.damageDecay.some((f) => f !== 1);
    if (options.placeInitialAgents) this.placeInitialAgents();
  }

  /** Simulation time (min). */
  get time(): number {
    return this.diffusionSteps * this.dtDiffusion;
  }

  // -------------------------------------------------------------------------------------------
  // Agents

  /** Places `initial_number` agents of every type (rounded to the nearest integer) uniformly at random. */
  private placeInitialAgents(): void {
    this.model.cellTypes.forEach((c, t) => {
      const count = Math.round(c.initialNumber);
      for (let k = 0; k < count; k++) {
        const id = this.store.nextId;
        const p = this.randomPoint(STREAM.placement, id, 0, 0);
        this.addAgent(t, p[0], p[1], p[2]);
      }
    });
  }

  /** A uniformly random point of the domain (in 2D on the mid-plane) from two blocks of a stream. */
  private randomPoint(stream: number, entity: number, step: number, draw: number): Float64Array {
    const d = this.domain;
    const out = this.vec;
    this.rng.uniformPair(stream, entity, step, draw, this.pair);
    const px = d.xMin + (d.xMax - d.xMin) * this.pair[0];
    const py = d.yMin + (d.yMax - d.yMin) * this.pair[1];
    const pz = d.dims === 3 ? d.zMin + (d.zMax - d.zMin) * this.rng.uniform(stream, entity, step, draw + 1) : d.zMid;
    out[0] = px;
    out[1] = py;
    out[2] = pz;
    return out;
  }

  /**
   * Adds a live agent of type `type` at (x, y, z) (clamped into the domain; z ignored in 2D) with
   * its type's volume and base behaviour values; returns its storage index.
   */
  addAgent(type: number, x: number, y: number, z: number): number {
    const d = this.domain;
    const t = this.tables;
    if (!(Number.isInteger(type) && type >= 0 && type < t.nT)) throw new RangeError(`addAgent: no cell type ${type}`);
    const px = clamp(x, d.xMin, d.xMax);
    const py = clamp(y, d.yMin, d.yMax);
    const pz = d.dims === 3 ? clamp(z, d.zMin, d.zMax) : d.zMid;
    const s = this.store;
    const a = s.add(type, px, py, pz, t.volume[type]);
    s.voxel[a] = this.voxelAt(px, py, pz);
    const resp = t.responses[type];
    const W = s.behaviourWidth;
    for (let k = 0; k < resp.length; k++) s.behaviour[a * W + k] = t.base[type * t.nB + resp[k].behaviour];
    this.refreshSources(a);
    this.contacts.valid = false;
    if (s.n > this.peakAgents) this.peakAgents = s.n;
    return a;
  }

  /** Voxel holding a point of the domain (flat mesh index). */
  voxelAt(px: number, py: number, pz: number): number {
    return voxelAt(this.lattice, this.domain, px, py, pz);
  }

  /** Current value of behaviour slot b (Layout) of the agent at index a. */
  behaviour(a: number, b: number): number {
    const s = this.store;
    const t = this.tables;
    const k = t.responseSlot[s.type[a] * t.nB + b];
    return k >= 0 ? s.behaviour[a * s.behaviourWidth + k] : t.base[s.type[a] * t.nB + b];
  }

  /** Recomputes the secretion coefficients of agent a from its state and behaviour values. */
  refreshSources(a: number): void {
    const s = this.store;
    const t = this.tables;
    const L = t.layout;
    const type = s.type[a];
    const W = s.sourceWidth;
    const q0 = t.sourceStart[type];
    const q1 = t.sourceStart[type + 1];
    const live = s.state[a] === LIVE;
    this.batchValid = false;
    for (let q = q0; q < q1; q++) {
      const sub = t.sourceSubstrate[q];
      const i = a * W + (q - q0);
      if (live) {
        s.srcS[i] = nonNegative(this.behaviour(a, L.secretion(sub)));
        s.srcT[i] = nonNegative(this.behaviour(a, L.secretionTarget(sub)));
        s.srcU[i] = nonNegative(this.behaviour(a, L.uptake(sub)));
        const e = this.behaviour(a, L.export(sub));
        s.srcE[i] = Number.isFinite(e) ? e : 0;
      } else {
        // A dead cell stops secreting and keeps a tenth of its uptake, except for what its
        // dead-cell rules set (e.g. "apoptotic increases apoptotic debris secretion").
        const dead = t.responseDead;
        const at = type * t.nB;
        s.srcS[i] = dead[at + L.secretion(sub)] ? nonNegative(this.behaviour(a, L.secretion(sub))) : 0;
        s.srcT[i] = s.srcS[i] > 0 ? nonNegative(this.behaviour(a, L.secretionTarget(sub))) : 0;
        s.srcU[i] = dead[at + L.uptake(sub)] ? nonNegative(this.behaviour(a, L.uptake(sub))) : 0.1 * nonNegative(t.base[at + L.uptake(sub)]);
        const e = dead[at + L.export(sub)] ? this.behaviour(a, L.export(sub)) : 0;
        s.srcE[i] = Number.isFinite(e) ? e : 0;
      }
    }
  }

  /** Puts agent a into a dead state (apoptotic or necrotic). */
  private kill(a: number, state: number): void {
    const s = this.store;
    s.state[a] = state;
    s.stateTime[a] = 0;
    s.mx[a] = s.my[a] = s.mz[a] = 0;
    if (this.tables.hasDeadRules[s.type[a]]) {
      if (!this.contacts.valid) this.refreshContacts();
      this.evaluateRules(a, this.fillSignals(a), true);
    }
    this.refreshSources(a);
  }

  private log(kind: AbmEventKind, agent: number, other: number, detail: number): void {
    if (this.events) this.events.push({ time: this.time, kind, agent, other, detail });
  }

  // -------------------------------------------------------------------------------------------
  // Time stepping

  /** Advances by one diffusion step, with the mechanics and phenotype steps that end with it. */
  step(): void {
    this.applyDoses();
    diffusionStep(this.env, this.dtDiffusion);
    this.secrete();
    this.diffusionSteps++;
    if (this.diffusionSteps % this.spatial.diffusionPerMechanics === 0) {
      this.mechanicsSteps++;
      if (this.mechanicsSteps % this.spatial.mechanicsPerPhenotype === 0) {
        this.phenotypeSteps++;
        this.phenotypeStep();
      }
      this.mechanicsStep();
      // Agents moved (their voxels); rates and volumes change only where batchValid is reset.
      this.batchVoxelsValid = false;
    }
  }

  /**
   * Marks the gathered secretion/uptake entries stale: call after writing agents' positions,
   * voxels, volumes or secretion coefficients directly (World methods and the store's add,
   * remove and permute do it themselves).
   */
  invalidateSources(): void {
    this.batchValid = false;
  }

  private applyDoses(): void {
    const t = this.time;
    const nV = this.mesh.nVoxels;
    const rho = this.env.densities;
    while (this.nextDose < this.doses.length && this.doses[this.nextDose].t <= t + 1e-9 * Math.max(1, t)) {
      const e = this.doses[this.nextDose++];
      if (e.bolus !== 0) for (let v = e.substrate * nV, end = v + nV; v < end; v++) rho[v] += e.bolus;
      this.infusion[e.substrate] += e.infusionDelta;
      if (Math.abs(this.infusion[e.substrate]) < 1e-15) this.infusion[e.substrate] = 0;
    }
    for (let k = 0; k < this.infusion.length; k++) {
      const add = this.infusion[k] * this.dtDiffusion;
      if (add > 0) for (let v = k * nV, end = v + nV; v < end; v++) rho[v] += add;
    }
    // Drugs given to the patient: every voxel exchanges with plasma (the marrow is vascularised
    // throughout), dρ/dt = k_v (F·C_p(t) - ρ), integrated exactly over the step with C_p held at
    // its value at the start of the step. The mean-field engine uses the same term.
    const pks = this.model.pharmacokinetics;
    for (let i = 0; i < pks.length; i++) {
      const p = pks[i];
      const k = this.model.layout.substrate(p.substrate);
      const target = p.factor * pkConcentration(p, p.administrations, t);
      const f = -Math.expm1(-p.exchange * this.dtDiffusion);
      for (let v = k * nV, end = v + nV; v < end; v++) rho[v] += (target - rho[v]) * f;
    }
  }

  /** Secretion and uptake of every agent into its voxel, in ascending id order (see the module comment). */
  private secrete(): void {
    if (this.store.sourceWidth === 0) return;
    if (this.perAgentCoupling) {
      this.secretePerAgent();
      return;
    }
    const s = this.store;
    if (!this.batchValid || this.batchVersion !== s.version) this.gatherSources();
    else if (!this.batchVoxelsValid) {
      relocateBatch(this.env, this.batch, this.gAgent, s.voxel);
      this.batchVoxelsValid = true;
    }
    applyBatch(this.env, this.batch, this.internalBook);
  }

  /**
   * Gathers the (agent, substrate) entries with a nonzero secretion, uptake or export, in
   * ascending id order, into the batch (coefficients for dt_diffusion).
   */
  private gatherSources(): void {
    const s = this.store;
    const t = this.tables;
    const order = s.idOrder();
    const W = s.sourceWidth;
    const nS = t.nS;
    if (this.gSub.length < s.n * W) {
      const c = Math.max(2 * this.gSub.length, s.n * W);
      this.gSub = new Int32Array(c);
      this.gAgent = new Int32Array(c);
      this.gVox = new Int32Array(c);
      this.gSlot = new Int32Array(c);
      this.gV = new Float64Array(c);
      this.gS = new Float64Array(c);
      this.gT = new Float64Array(c);
      this.gU = new Float64Array(c);
      this.gE = new Float64Array(c);
    }
    const { gSub, gAgent, gVox, gSlot, gV, gS, gT, gU, gE } = this;
    const { srcS, srcT, srcU, srcE, volume, voxel, type } = s;
    const start = t.sourceStart;
    const subs = t.sourceSubstrate;
    let m = 0;
    for (let k = 0, n = s.n; k < n; k++) {
      const a = order[k];
      const ty = type[a];
      const q0 = start[ty];
      const q1 = start[ty + 1];
      if (q0 === q1) continue;
      const row = a * W - q0;
      for (let q = q0; q < q1; q++) {
        const i = row + q;
        const S = srcS[i];
        const U = srcU[i];
        const E = srcE[i];
        if (S === 0 && U === 0 && E === 0) continue;
        const sub = subs[q];
        gSub[m] = sub;
        gAgent[m] = a;
        gVox[m] = voxel[a];
        gSlot[m] = a * nS + sub;
        gV[m] = volume[a];
        gS[m] = S;
        gT[m] = srcT[i];
        gU[m] = U;
        gE[m] = E;
        m++;
      }
    }
    prepareCellSourcesSinks(this.env, this.dtDiffusion, m, gSub, gVox, gV, gS, gT, gU, gE, this.batch);
    this.internalBook = this.trackInternal ? { amounts: s.internal, slot: gSlot, synthesised: this.synthesised } : null;
    this.batchValid = true;
    this.batchVoxelsValid = true;
    this.batchVersion = s.version;
  }

  /** The same as `secrete`, with one `applyCellSourcesSinks` call per entry (option sourceCoupling). */
  private secretePerAgent(): void {
    const s = this.store;
    const t = this.tables;
    const env = this.env;
    const dt = this.dtDiffusion;
    const order = s.idOrder();
    const W = s.sourceWidth;
    const nS = t.nS;
    const track = this.trackInternal;
    const { srcS, srcT, srcU, srcE, volume, voxel, type, internal } = s;
    const start = t.sourceStart;
    const subs = t.sourceSubstrate;
    for (let k = 0, n = s.n; k < n; k++) {
      const a = order[k];
      const ty = type[a];
      const q0 = start[ty];
      const q1 = start[ty + 1];
      if (q0 === q1) continue;
      const row = a * W - q0;
      const V = volume[a];
      const vox = voxel[a];
      for (let q = q0; q < q1; q++) {
        const i = row + q;
        const S = srcS[i];
        const U = srcU[i];
        const E = srcE[i];
        if (S === 0 && U === 0 && E === 0) continue;
        const sub = subs[q];
        const d = applySourcesSinks(env, sub, vox, V, S, srcT[i], U, E, dt);
        if (track) {
          const j = a * nS + sub;
          const inside = internal[j] - d;
          if (inside < 0) {
            this.synthesised[sub] -= inside;
            internal[j] = 0;
          } else internal[j] = inside;
        }
      }
    }
  }

  /** Releases the internal amounts of agent a into the voxel holding it (scaled by `fraction`) and zeroes them. */
  private release(a: number, fraction: number): void {
    const s = this.store;
    const nS = s.internalWidth;
    const nV = this.mesh.nVoxels;
    const vv = this.mesh.voxelVolume;
    const rho = this.env.densities;
    const vox = s.voxel[a];
    for (let k = 0; k < nS; k++) {
      const amount = s.internal[a * nS + k] * fraction;
      if (amount !== 0) rho[k * nV + vox] += amount / vv;
      s.internal[a * nS + k] = 0;
    }
  }

  /** Total amount of substrate k inside agents ([c]·um^3; 0 when not tracked). */
  internalAmount(k: number): number {
    const s = this.store;
    const w = s.internalWidth;
    if (w === 0) return 0;
    let sum = 0;
    for (let a = 0; a < s.n; a++) sum += s.internal[a * w + k];
    return sum;
  }

  /** Largest interaction distance (um) among present agents and the cell types (for bin sizes). */
  private reach(): number {
    const s = this.store;
    let r = 0;
    for (let a = 0; a < s.n; a++) if (s.radius[a] > r) r = s.radius[a];
    for (let i = 0; i < this.tables.nT; i++) if (this.tables.radius[i] > r) r = this.tables.radius[i];
    return interactionReach(r, this.mechanics, this.typeMechanics);
  }

  /** Rebuilds the grid and runs a force pass (velocities, contacts, pressure) on the current state. */
  refreshContacts(): void {
    const s = this.store;
    const types = this.typeMechanics;
    this.grid.build(s, s.idOrder(), this.reach(), types !== null);
    forcePass(s, this.grid, this.mechanics, this.contacts, this.rng, this.vec, types);
  }

  /** One mechanics step (see the module comment). */
  private mechanicsStep(): void {
    const s = this.store;
    this.agentSteps += s.n;
    this.refreshContacts();
    this.motility();
    this.interact();
    advancePositions(s, this.domain, this.dtMechanics, this.lattice);
  }

  /**
   * Motility of live agents (velocity += motility vector), see the module comment. A new
   * direction with probability p = 1 − exp(−dt/τ) at every mechanics step is sampled through the
   * waiting time: when an agent turns (or is unscheduled), the number of steps K to its next turn
   * is drawn from the geometric law P(K ≤ k) = 1 − exp(−k·dt/τ) by inversion,
   * K = max(1, ⌈−ln(1 − u)·τ/dt⌉). This has the distribution of the per-step draws but costs one
   * random number per turn instead of one per step. Since τ can change only at phenotype steps,
   * every agent is unscheduled there (the law is memoryless, so re-drawing is exact).
   */
  private motility(): void {
    const s = this.store;
    const t = this.tables;
    const dt = this.dtMechanics;
    const step = this.mechanicsSteps;
    const threeD = this.domain.dims === 3;
    const u = this.vec;
    const g = this.grad;
    const rng = this.rng;
    for (let a = 0; a < s.n; a++) {
      if (s.state[a] !== LIVE) continue;
      const ty = s.type[a];
      if (t.motile[ty] === 0) continue;
      const speed = this.behaviour(a, Layout.MIGRATION_SPEED);
      if (!(speed > 0)) {
        s.mx[a] = s.my[a] = s.mz[a] = 0;
        continue;
      }
      const id = s.id[a];
      const none = s.mx[a] === 0 && s.my[a] === 0 && s.mz[a] === 0;
      if (!none && s.nextTurn[a] < 0) {
        // Unscheduled: the first turn from this step on (K = 1 means now).
        const tau = this.behaviour(a, Layout.PERSISTENCE_TIME);
        s.nextTurn[a] = step + waitingSteps(rng.uniform(STREAM.motility, id, step, 2), tau, dt) - 1;
      }
      if (none || step >= s.nextTurn[a]) {
        const tau = this.behaviour(a, Layout.PERSISTENCE_TIME);
        s.nextTurn[a] = step + waitingSteps(rng.uniform(STREAM.motility, id, step, 3), tau, dt);
        if (threeD) rng.unitVector3(STREAM.motility, id, step, 1, u);
        else rng.unitVector2(STREAM.motility, id, step, 1, u);
        let bias = this.behaviour(a, Layout.MIGRATION_BIAS);
        bias = bias < 0 ? 0 : bias > 1 ? 1 : bias;
        let cx = 0;
        let cy = 0;
        let cz = 0;
        if (bias > 0) {
          for (let q = t.chemotaxisStart[ty]; q < t.chemotaxisStart[ty + 1]; q++) {
            const sub = t.chemotaxisSubstrate[q];
            const chi = this.behaviour(a, t.layout.chemotaxis(sub));
            if (chi === 0) continue;
            computeGradient(this.env, sub, s.voxel[a], g);
            cx += chi * g[0];
            cy += chi * g[1];
            cz += chi * g[2];
          }
          const norm = Math.sqrt(cx * cx + cy * cy + cz * cz);
          if (norm > 0) {
            cx /= norm;
            cy /= norm;
            cz /= norm;
          }
        }
        let dx = bias * cx + (1 - bias) * u[0];
        let dy = bias * cy + (1 - bias) * u[1];
        let dz = threeD ? bias * cz + (1 - bias) * u[2] : 0;
        let norm = Math.sqrt(dx * dx + dy * dy + dz * dz);
        if (!(norm > 0)) {
          dx = u[0];
          dy = u[1];
          dz = threeD ? u[2] : 0;
          norm = 1;
        }
        s.mx[a] = (speed * dx) / norm;
        s.my[a] = (speed * dy) / norm;
        s.mz[a] = (speed * dz) / norm;
      }
      s.vx[a] += s.mx[a];
      s.vy[a] += s.my[a];
      if (threeD) s.vz[a] += s.mz[a];
    }
  }

  /**
   * Contact interactions of one mechanics step, resolved so that the result does not depend on
   * the processing order:
   *   1. proposals: every live predator, for each interaction it has (phagocytose live type j,
   *      attack type j, phagocytose apoptotic / necrotic cells) with rate r > 0 and k ≥ 1
   *      eligible neighbours in contact, acts with probability 1 − exp(−k·r·dt) on one of them
   *      chosen uniformly: PhysiCell 1.14 (`standard_cell_cell_interactions`) tries every
   *      neighbour in turn with probability r·dt and stops at the first success, so each eligible
   *      neighbour is an independent chance at rate r and a predator with k of them acts at rate
   *      k·r (option `contactInteractions: 'per-neighbour'`, the default). With
   *      'per-predator' it acts with probability 1 − exp(−r·dt) whatever k (rate r per predator
   *      with at least one target, the closure of the mean-field engine);
   *   2. the proposals are executed in the order of a random priority (drawn per predator and
   *      interaction), ties broken by predator id; a proposal is skipped when its predator is no
   *      longer present and live, or its target no longer present and in the required state (eaten
   *      or killed by an earlier proposal), so two predators never take the same prey;
   *   3. phagocytosis removes the prey and adds its volume to the predator (volume is conserved)
   *      and, when tracked, its internalised substrates (see `ingest`); an attack makes the target
   *      apoptotic, or, when the attacker's type gives an attack damage rate, adds
   *      attack_damage_rate × attack_duration to the target's damage and leaves it live (so later
   *      proposals on the same target still apply; see "Attack damage" in the module comment);
   *   4. eaten agents are removed from the store; contact lists are invalidated.
   */
  private interact(): void {
    const s = this.store;
    const t = this.tables;
    const n = s.n;
    const c = this.contacts;
    const dt = this.dtMechanics;
    const step = this.mechanicsSteps;
    const rng = this.rng;
    const proposals: Array<{ priority: number; predatorId: number; q: number; predator: number; target: number; kind: number; targetType: number }> = [];
    for (let a = 0; a < n; a++) {
      if (s.state[a] !== LIVE) continue;
      const ty = s.type[a];
      const q0 = t.interactionStart[ty];
      const q1 = t.interactionStart[ty + 1];
      if (q0 === q1 || c.count[a] === 0) continue;
      const list0 = c.start[a];
      const list1 = list0 + c.count[a];
      for (let q = q0; q < q1; q++) {
        const rate = this.behaviour(a, t.interactionSlot[q]);
        if (!(rate > 0)) continue;
        const kind = t.interactionKind[q];
        const target = t.interactionTarget[q];
        let eligible = 0;
        for (let m = list0; m < list1; m++) if (eligibleTarget(s, c.list[m], kind, target)) eligible++;
        if (eligible === 0) continue;
        rng.uniformPair(STREAM.interaction, s.id[a], step, q - q0, this.pair);
        if (!(this.pair[0] < -Math.expm1(-(this.perNeighbour ? eligible : 1) * rate * dt))) continue;
        let pick = Math.floor(this.pair[1] * eligible);
        let chosen = -1;
        for (let m = list0; m < list1; m++) {
          const o = c.list[m];
          if (!eligibleTarget(s, o, kind, target)) continue;
          if (pick-- === 0) {
            chosen = o;
            break;
          }
        }
        proposals.push({ priority: rng.uniform(STREAM.priority, s.id[a], step, q - q0), predatorId: s.id[a], q: q - q0, predator: a, target: chosen, kind, targetType: target });
      }
    }
    if (proposals.length === 0) return;
    proposals.sort((p, r) => p.priority - r.priority || p.predatorId - r.predatorId || p.q - r.q);
    if (this.removed.length < n) this.removed = new Uint8Array(s.capacity);
    const removed = this.removed;
    removed.fill(0, 0, n);
    let anyRemoved = false;
    for (const p of proposals) {
      const a = p.predator;
      const o = p.target;
      if (removed[a] || s.state[a] !== LIVE || removed[o]) continue;
      if (!eligibleTarget(s, o, p.kind, p.targetType)) continue;
      if (p.kind === ATTACK) {
        const ta = s.type[a];
        if (t.attackDamages[ta]) {
          const dmg = t.attackDamage[ta];
          s.damage[o] += dmg;
          this.log('attack', s.id[a], s.id[o], dmg);
        } else {
          this.kill(o, APOPTOTIC);
          this.log('attack', s.id[a], s.id[o], 0);
        }
      } else {
        removed[o] = 1;
        anyRemoved = true;
        this.log('phagocytosis', s.id[a], s.id[o], s.volume[o]);
        s.setVolume(a, s.volume[a] + s.volume[o]);
        this.batchValid = false;
        if (s.internalWidth > 0) this.ingest(a, o);
      }
    }
    if (anyRemoved) {
      for (let a = n - 1; a >= 0; a--) if (removed[a]) s.remove(a);
      c.valid = false;
    }
  }

  /**
   * The predator a takes up `fractionIngested` of the prey o's internal amounts; the rest goes to
   * the prey's voxel; the prey's amounts are zeroed.
   */
  private ingest(a: number, o: number): void {
    const s = this.store;
    const nS = s.internalWidth;
    const f = this.fractionIngested;
    if (f !== 1) {
      const rest = new Float64Array(nS);
      for (let k = 0; k < nS; k++) {
        const x = s.internal[o * nS + k];
        const taken = x * f;
        s.internal[a * nS + k] += taken;
        rest[k] = x - taken;
      }
      for (let k = 0; k < nS; k++) s.internal[o * nS + k] = rest[k];
      this.release(o, 1);
      return;
    }
    for (let k = 0; k < nS; k++) {
      s.internal[a * nS + k] += s.internal[o * nS + k];
      s.internal[o * nS + k] = 0;
    }
  }

  /** Fills the signal vector of agent a (contacts must be valid). */
  private fillSignals(a: number): Float64Array {
    const s = this.store;
    const t = this.tables;
    const L = t.layout;
    const sig = this.signals;
    const c = this.contacts;
    sig.fill(0);
    const nV = this.mesh.nVoxels;
    const rho = this.env.densities;
    const vox = s.voxel[a];
    for (let k = 0; k < t.nS; k++) sig[k] = rho[k * nV + vox];
    let live = 0;
    let dead = 0;
    for (let m = c.start[a], end = m + c.count[a]; m < end; m++) {
      const o = c.list[m];
      if (s.state[o] === LIVE) {
        sig[t.nS + s.type[o]] += 1;
        live++;
      } else dead++;
    }
    sig[L.signalContactLive] = live;
    sig[L.signalContactDead] = dead;
    sig[L.signalPressure] = c.pressure[a];
    sig[L.signalVolume] = s.volume[a];
    sig[L.signalTime] = this.time;
    sig[L.signalDead] = s.state[a] === LIVE ? 0 : 1;
    sig[L.signalApoptotic] = s.state[a] === APOPTOTIC ? 1 : 0;
    sig[L.signalNecrotic] = s.state[a] === NECROTIC ? 1 : 0;
    sig[L.signalDamage] = s.damage[a];
    return sig;
  }

  /** Signals seen by a would-be agent of type `type` at a point (influx): as fillSignals, from the grid. */
  private probeSignals(type: number, px: number, py: number, pz: number): Float64Array {
    const s = this.store;
    const t = this.tables;
    const L = t.layout;
    const sig = this.signals;
    sig.fill(0);
    const nV = this.mesh.nVoxels;
    const rho = this.env.densities;
    const vox = this.voxelAt(px, py, pz);
    for (let k = 0; k < t.nS; k++) sig[k] = rho[k * nV + vox];
    const g = this.grid;
    const r = t.radius[type];
    const threeD = this.domain.dims === 3;
    const b = g.binIndex(px, py, pz);
    const bi = b % g.nbx;
    const bj = ((b - bi) / g.nbx) % g.nby;
    const bl = (b - bi - g.nbx * bj) / (g.nbx * g.nby);
    let live = 0;
    let dead = 0;
    let pressure = 0;
    for (let l = Math.max(0, bl - 1); l <= Math.min(g.nbz - 1, bl + 1); l++) {
      for (let j = Math.max(0, bj - 1); j <= Math.min(g.nby - 1, bj + 1); j++) {
        for (let i = Math.max(0, bi - 1); i <= Math.min(g.nbx - 1, bi + 1); i++) {
          const bin = i + g.nbx * (j + g.nby * l);
          for (let k = g.binStart[bin]; k < g.binStart[bin + 1]; k++) {
            const o = g.binAgents[k];
            const dx = px - s.x[o];
            const dy = py - s.y[o];
            const dz = threeD ? pz - s.z[o] : 0;
            const R = r + s.radius[o];
            const d = Math.sqrt(dx * dx + dy * dy + dz * dz);
            if (d >= R) continue;
            const q = 1 - d / R;
            pressure += (q * q) / SIMPLE_PRESSURE_SCALE;
            if (s.state[o] === LIVE) {
              sig[t.nS + s.type[o]] += 1;
              live++;
            } else dead++;
          }
        }
      }
    }
    sig[L.signalContactLive] = live;
    sig[L.signalContactDead] = dead;
    sig[L.signalPressure] = pressure;
    sig[L.signalVolume] = t.volume[type];
    sig[L.signalTime] = this.time;
    sig[L.signalDead] = 0;
    sig[L.signalApoptotic] = 0;
    sig[L.signalNecrotic] = 0;
    sig[L.signalDamage] = 0;
    return sig;
  }

  /**
   * Evaluates the rules of agent a's type on `sig` into the agent's behaviour row. With
   * `deadOnly`, only the responses that apply to dead cells (PhysiCell: a dead cell reads just the
   * rules whose applies-to-dead flag is set; its other rows are unused).
   */
  private evaluateRules(a: number, sig: Float64Array, deadOnly = false): void {
    const s = this.store;
    const t = this.tables;
    const ty = s.type[a];
    const resp = t.responses[ty];
    const row = a * s.behaviourWidth;
    const base = ty * t.nB;
    for (let k = 0; k < resp.length; k++) {
      if (deadOnly && !t.responseDead[base + resp[k].behaviour]) continue;
      s.behaviour[row + k] = evaluateResponse(resp[k], t.base[base + resp[k].behaviour], sig);
    }
  }

  /**
   * Re-evaluates the rules of every live agent, and the dead-cell rules of dead agents whose type
   * has any, and refreshes their secretion (phenotype step c).
   */
  evaluateAllRules(): void {
    if (!this.contacts.valid) this.refreshContacts();
    const s = this.store;
    const t = this.tables;
    for (let a = 0; a < s.n; a++) {
      if (s.state[a] !== LIVE) {
        if (t.hasDeadRules[s.type[a]]) {
          this.evaluateRules(a, this.fillSignals(a), true);
          this.refreshSources(a);
        }
        continue;
      }
      this.evaluateRules(a, this.fillSignals(a));
      this.refreshSources(a);
    }
  }

  /** One phenotype step (see the module comment). Decision codes: 0 none, 1 remove, 2 apoptosis, 3 necrosis, 4 divide, 8 + j transform to j. */
  private phenotypeStep(): void {
    const s = this.store;
    const t = this.tables;
    const dt = this.dtPhenotype;
    const step = this.phenotypeSteps;
    const rng = this.rng;
    const pair = this.pair;
    // a. ageing and volume relaxation
    const relax = Math.exp(-VOLUME_RELAXATION_RATE * dt);
    for (let a = 0; a < s.n; a++) {
      s.age[a] += dt;
      s.stateTime[a] += dt;
      const target = t.volume[s.type[a]];
      if (s.volume[a] !== target) {
        const v = target + (s.volume[a] - target) * relax;
        s.setVolume(a, Math.abs(v - target) < 1e-9 * target ? target : v);
        this.batchValid = false;
      }
    }
    // b, c. contacts, pressure, rules; motility turns are re-scheduled with the new persistence times
    this.refreshContacts();
    this.evaluateAllRules();
    s.nextTurn.fill(-1, 0, s.n);
    // d. decisions (from the state at the start of the step)
    const n = s.n;
    if (this.decision.length < n) {
      this.decision = new Int32Array(s.capacity);
      this.orderCopy = new Int32Array(s.capacity);
    }
    const decision = this.decision;
    for (let a = 0; a < n; a++) {
      decision[a] = 0;
      const id = s.id[a];
      const ty = s.type[a];
      if (s.state[a] !== LIVE) {
        const tau = s.state[a] === APOPTOTIC ? t.apoptoticClearanceTime[ty] : t.necroticClearanceTime[ty];
        if (rng.uniform(STREAM.phenotype, id, step, 1) < -Math.expm1(-dt / tau)) decision[a] = 1;
        continue;
      }
      const rA = nonNegative(this.behaviour(a, Layout.APOPTOSIS));
      const rX = nonNegative(this.behaviour(a, Layout.NECROSIS));
      let rB = nonNegative(this.behaviour(a, Layout.CYCLE_ENTRY));
      // Division at r_eff = r / (1 + r d) with a division delay d > 0 (the mean-field birth rate;
      // computed only then, so models without a delay are unchanged bit for bit).
      const delay = t.divisionDelay[ty];
      if (delay > 0 && rB > 0) rB = rB / (1 + rB * delay);
      let total = rA + rX + rB;
      for (let q = t.transformStart[ty]; q < t.transformStart[ty + 1]; q++) total += nonNegative(this.behaviour(a, t.layout.transformTo(t.transformTarget[q])));
      if (!(total > 0)) continue;
      rng.uniformPair(STREAM.phenotype, id, step, 0, pair);
      if (!(pair[0] < -Math.expm1(-total * dt))) continue;
      // Which event: proportional to its rate; the last event with a positive rate absorbs round-off.
      let x = pair[1] * total;
      let chosen = 0;
      if (rA > 0) {
        chosen = 2;
        if (x < rA) {
          decision[a] = 2;
          continue;
        }
        x -= rA;
      }
      if (rX > 0) {
        chosen = 3;
        if (x < rX) {
          decision[a] = 3;
          continue;
        }
        x -= rX;
      }
      let done = false;
      for (let q = t.transformStart[ty]; q < t.transformStart[ty + 1]; q++) {
        const j = t.transformTarget[q];
        const r = nonNegative(this.behaviour(a, t.layout.transformTo(j)));
        if (!(r > 0)) continue;
        chosen = 8 + j;
        if (x < r) {
          decision[a] = 8 + j;
          done = true;
          break;
        }
        x -= r;
      }
      if (done) continue;
      decision[a] = rB > 0 ? 4 : chosen;
    }
    // Influx candidates (before any change of the store).
    const influx: number[] = [];
    for (let ty = 0; ty < t.nT; ty++) {
      const bound = t.influxBound[ty];
      if (!(bound > 0)) continue;
      const count = rng.poisson(bound * dt, STREAM.influxCount, ty, step, 0);
      for (let k = 0; k < count; k++) {
        const p = this.randomPoint(STREAM.influx, ty, step, 3 * k);
        const px = p[0];
        const py = p[1];
        const pz = p[2];
        const k0 = t.influxResponse[ty];
        if (k0 >= 0) {
          const rate = evaluateResponse(t.responses[ty][k0], t.base[ty * t.nB + Layout.INFLUX], this.probeSignals(ty, px, py, pz));
          if (!(rng.uniform(STREAM.influx, ty, step, 3 * k + 2) * bound < rate)) continue;
        }
        influx.push(ty, px, py, pz);
      }
    }
    // e. application in ascending id order. Transformed agents' new rules are evaluated first,
    // on the signals of the start of the step (before any other change is applied).
    const order = this.orderCopy;
    order.set(s.idOrder());
    const W = s.behaviourWidth;
    const transformed: number[] = [];
    for (let k = 0; k < n; k++) if (decision[order[k]] >= 8) transformed.push(order[k]);
    const newRows = new Float64Array(transformed.length * W);
    transformed.forEach((a, m) => {
      const sig = this.fillSignals(a);
      const j = decision[a] - 8;
      const resp = t.responses[j];
      for (let r = 0; r < resp.length; r++) newRows[m * W + r] = evaluateResponse(resp[r], t.base[j * t.nB + resp[r].behaviour], sig);
    });
    let m = 0;
    const parents: number[] = [];
    const removals: number[] = [];
    for (let k = 0; k < n; k++) {
      const a = order[k];
      const d = decision[a];
      if (d === 0) continue;
      const id = s.id[a];
      if (d === 1) {
        removals.push(a);
        this.log('removal', id, -1, 0);
      } else if (d === 2 || d === 3) {
        this.kill(a, d === 2 ? APOPTOTIC : NECROTIC);
        this.log(d === 2 ? 'apoptosis' : 'necrosis', id, -1, 0);
      } else if (d === 4) {
        parents.push(a);
      } else {
        const j = d - 8;
        s.type[a] = j;
        s.behaviour.set(newRows.subarray(m * W, (m + 1) * W), a * W);
        m++;
        this.refreshSources(a);
        this.log('transformation', id, -1, j);
      }
    }
    for (const a of parents) this.divide(a, step);
    for (let k = 0; k < influx.length; k += 4) {
      const b = this.addAgent(influx[k], influx[k + 1], influx[k + 2], influx[k + 3]);
      this.log('influx', s.id[b], -1, influx[k]);
    }
    if (removals.length > 0) {
      removals.sort((p, q) => q - p);
      for (const a of removals) {
        if (s.internalWidth > 0) this.release(a, 1);
        s.remove(a);
      }
    }
    if (parents.length > 0 || influx.length > 0 || removals.length > 0) this.contacts.valid = false;
    // f. damage repair
    if (this.repairsDamage) {
      const decay = this.damageDecay;
      const damage = s.damage;
      for (let a = 0; a < s.n; a++) if (damage[a] !== 0) damage[a] *= decay[s.type[a]];
    }
  }

  /** Division of the live agent at index a (phenotype step e). */
  private divide(a: number, step: number): void {
    const s = this.store;
    const d = this.domain;
    const u = this.vec;
    if (d.dims === 3) this.rng.unitVector3(STREAM.division, s.id[a], step, 0, u);
    else this.rng.unitVector2(STREAM.division, s.id[a], step, 0, u);
    const h = 0.5 * s.radius[a];
    const ux = h * u[0];
    const uy = h * u[1];
    const uz = d.dims === 3 ? h * u[2] : 0;
    const ty = s.type[a];
    const b = this.addAgent(ty, s.x[a] + ux, s.y[a] + uy, s.z[a] + uz);
    // addAgent may have grown the arrays: read them through the store from here on.
    s.x[a] = clamp(s.x[a] - ux, d.xMin, d.xMax);
    s.y[a] = clamp(s.y[a] - uy, d.yMin, d.yMax);
    if (d.dims === 3) s.z[a] = clamp(s.z[a] - uz, d.zMin, d.zMax);
    s.voxel[a] = this.voxelAt(s.x[a], s.y[a], s.z[a]);
    const W = s.behaviourWidth;
    s.behaviour.copyWithin(b * W, a * W, (a + 1) * W);
    s.mx[b] = s.mx[a];
    s.my[b] = s.my[a];
    s.mz[b] = s.mz[a];
    // The daughter inherits the mother's damage (PhysiCell copies the phenotype); both keep it.
    s.damage[b] = s.damage[a];
    const iw = s.internalWidth;
    for (let k = 0; k < iw; k++) {
      // Halves that add up to the mother's amount exactly.
      const x = s.internal[a * iw + k];
      const half = 0.5 * x;
      s.internal[b * iw + k] = half;
      s.internal[a * iw + k] = x - half;
    }
    // Both restart the Adams–Bashforth history: the mother's previous velocity predates the jump.
    s.fresh[a] = 1;
    this.refreshSources(b);
    this.log('division', s.id[a], s.id[b], 0);
  }

  // -------------------------------------------------------------------------------------------
  // Reading the state

  /** Live and dead (apoptotic + necrotic) agents per type. */
  counts(live: Float64Array, dead: Float64Array): void {
    live.fill(0);
    dead.fill(0);
    const s = this.store;
    for (let a = 0; a < s.n; a++) {
      if (s.state[a] === LIVE) live[s.type[a]]++;
      else dead[s.type[a]]++;
    }
  }

  /** Domain mean of substrate k (its unit): the mean over voxels (all voxels have one volume). */
  meanConcentration(k: number): number {
    const nV = this.mesh.nVoxels;
    const rho = this.env.densities;
    let sum = 0;
    for (let v = k * nV, end = v + nV; v < end; v++) sum += rho[v];
    return sum / nV;
  }

  /** Whether every agent position and every density is finite. */
  finite(): boolean {
    const s = this.store;
    for (let a = 0; a < s.n; a++) if (!Number.isFinite(s.x[a] + s.y[a] + s.z[a] + s.volume[a])) return false;
    const rho = this.env.densities;
    for (let v = 0; v < rho.length; v++) if (!Number.isFinite(rho[v])) return false;
    return true;
  }
}

/**
 * Mechanics steps until the next turn, K ≥ 1, with P(K ≤ k) = 1 − exp(−k·dt/τ) (geometric; a turn
 * at every step for τ ≤ 0, never for τ = +Infinity), from a uniform u in [0, 1).
 */
function waitingSteps(u: number, tau: number, dt: number): number {
  if (!(tau > 0)) return 1;
  const k = Math.ceil((-Math.log(1 - u) * tau) / dt);
  return k >= 1 ? k : 1;
}

/** Whether the agent at index o is a valid target of an interaction kind (target type j for live kinds). */
function eligibleTarget(s: AgentStore, o: number, kind: number, j: number): boolean {
  switch (kind) {
    case EAT_LIVE:
    case ATTACK:
      return s.state[o] === LIVE && s.type[o] === j;
    case EAT_APOPTOTIC:
      return s.state[o] === APOPTOTIC;
    case EAT_NECROTIC:
      return s.state[o] === NECROTIC;
    default:
      return false;
  }
}

function nonNegative(x: number): number {
  return x > 0 ? x : 0;
}

/** The dose schedule as events sorted by time (as the mean-field engine's breakpoints). */
function doseEvents(model: CompiledModel): DoseEvent[] {
  const out: DoseEvent[] = [];
  for (const d of model.dosing) {
    const k = model.layout.substrate(d.substrate);
    for (let i = 0; i < d.count; i++) {
      const t0 = d.start + i * d.interval;
      if (d.kind === 'bolus') out.push({ t: t0, substrate: k, bolus: d.amount, infusionDelta: 0 });
      else {
        out.push({ t: t0, substrate: k, bolus: 0, infusionDelta: d.rate });
        out.push({ t: t0 + d.duration, substrate: k, bolus: 0, infusionDelta: -d.rate });
      }
    }
  }
  return out.sort((a, b) => a.t - b.t || a.substrate - b.substrate);
}
