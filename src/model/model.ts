/**
 * The canonical, normalised model (layer 1): plain JSON-serialisable data, units converted once.
 *
 * Canonical units: time min; length um; volume um^3; rates 1/min; diffusion coefficient
 * um^2/min; counts cells; influx cells/min; concentrations in each substrate's declared unit;
 * net export in (substrate unit) x um^3/min. A `Value` is either a number in the field's canonical
 * unit or an expression over parameters whose result, multiplied by `scale`, is in that unit
 * (parameters are stored in the base units of their dimension: min, um, ng, nmol, cells).
 */
import type { BehaviourRef } from '../vocabulary/behaviours.js';
import type { SignalRef } from '../vocabulary/signals.js';

export type Value = number | { expr: string; scale: number };

export interface Parameter {
  name: string;
  /** Value in the base unit of its dimension. */
  value: number;
  /** Base unit label of its dimension, e.g. "1/min", "dimensionless". */
  unit: string;
  /** The value as written in the file, e.g. "0.5 1/day". */
  written: string;
  /** The unit the value was written in (e.g. "1/day"); bare numbers given with --set use it. */
  declaredUnit: string;
  source: string;
  estimate: boolean;
  /** [low, high] in the same base unit as `value`. */
  range: [number, number] | null;
  description: string;
}

export interface Substrate {
  name: string;
  label: string;
  unit: string;
  diffusionCoefficient: Value;
  decayRate: Value;
  initialCondition: Value;
  dirichletBoundary: { enabled: boolean; value: Value } | null;
  source: string;
}

export interface Secretion {
  secretionRate: Value;
  secretionTarget: Value;
  uptakeRate: Value;
  netExportRate: Value;
}

export interface CellType {
  name: string;
  label: string;
  description: string;
  initialNumber: Value;
  volume: Value;
  cycleEntry: Value;
  /**
   * Time from cycle entry to division (min; PhysiCell's cycle phases after phase 0), present only
   * when the model file gives it (absent = 0, so models without it keep their hash). Both engines
   * divide at r / (1 + r·divisionDelay), r the cycle entry rate after rules.
   */
  divisionDelay?: Value;
  apoptosis: Value;
  necrosis: Value;
  apoptoticClearanceTime: Value;
  necroticClearanceTime: Value;
  influx: Value;
  /** Keyed by substrate name. */
  secretion: Record<string, Secretion>;
  motility: { migrationSpeed: Value; persistenceTime: Value; migrationBias: Value; chemotaxis: Record<string, Value> };
  /** Rate of transformation to another cell type, keyed by target name (1/min). */
  transformation: Record<string, Value>;
  phagocytosis: { apoptotic: Value; necrotic: Value; live: Record<string, Value> };
  /** Attack rate keyed by target cell type (1/min); an attack kills, unless attackDamageRate is set. */
  attack: Record<string, Value>;
  /**
   * Damage this type's attacks deliver per minute (1/min; damage is dimensionless), or null: its
   * attacks kill their target. When set, an attack adds attackDamageRate × attackDuration to the
   * target's damage instead (spatial engine; PhysiCell attack_damage_rate).
   */
  attackDamageRate: Value | null;
  /** Mean duration of one attack (min; PhysiCell attack_duration), or null; set whenever attackDamageRate is. */
  attackDuration: Value | null;
  /** Rate at which the cell's damage decays (1/min; PhysiCell damage_repair_rate), default 0. */
  damageRepairRate: Value;
  /**
   * Cell-cell mechanics of the type (agent-based engine; PhysiCell phenotype/mechanics), present
   * only when the model file gives it, each field only when written (absent = the engine's global
   * mechanics), so models without it keep their hash.
   */
  mechanics?: CellMechanics;
  source: string;
}

/** Per-type mechanics (um/min, um/min, dimensionless); an absent field takes the engine's global value. */
export interface CellMechanics {
  cellCellAdhesionStrength?: Value;
  cellCellRepulsionStrength?: Value;
  relativeMaximumAdhesionDistance?: Value;
}

export interface Rule {
  cellType: string;
  signal: SignalRef;
  /** The signal as written. */
  signalText: string;
  direction: 'increases' | 'decreases';
  behaviour: BehaviourRef;
  behaviourText: string;
  /** Behaviour value at saturation, canonical behaviour unit. */
  saturation: Value;
  /** Signal at half response, canonical signal unit. */
  halfMax: Value;
  hillPower: Value;
  appliesToDead: boolean;
  evidence: string[];
  note: string;
  /** Where the rule is in its file, for messages (1-based), or null. */
  line: number | null;
}

export interface Output {
  name: string;
  /** Expression over cell types (cells), substrates (their units), parameters and time (min). */
  expression: string;
  /** Unit of the output's values, checked against the expression's dimension. */
  unit: string;
  description: string;
  /** Factor from the expression's value in base units to `unit`. */
  scale: number;
}

export interface Dose {
  substrate: string;
  kind: 'bolus' | 'infusion';
  /** min */
  start: number;
  /** Bolus: rise of concentration (substrate unit). */
  amount: number;
  /** Infusion: rate of rise (substrate unit / min). */
  rate: number;
  /** Infusion duration (min). */
  duration: number;
  /** min between doses. */
  interval: number;
  count: number;
}

/** Domain and time steps of the agent-based engine (canonical units: um, min). */
export interface Spatial {
  dims: 2 | 3;
  /** Extent along x, y, z (um). In 2D, z is the thickness of the cell layer. */
  size: [number, number, number];
  /** Cubic voxel edge (um). */
  voxelSize: number;
  dtDiffusion: number;
  dtMechanics: number;
  dtPhenotype: number;
  snapshotInterval: number;
  /**
   * Initial cell positions file as written (relative to the model file; read by the I/O layer,
   * the core reads no files). The agent-based engine then starts from exactly those cells.
   */
  initialCells?: string;
  /**
   * Agent-based engine: a contact interaction's rate per predator ('per-predator', default, the
   * mean-field closure) or per eligible neighbour ('per-neighbour', PhysiCell 1.14). Present only
   * when the model writes it.
   */
  contactInteractions?: 'per-predator' | 'per-neighbour';
}

/**
 * A drug given to the patient: its plasma concentration (closed-form linear PK) drives the niche
 * concentration of a substrate through vascular exchange: dρ/dt += k_v (factor·C_p(t) - ρ).
 */
export interface Pharmacokinetics {
  substrate: string;
  /** Exponential components of the PK model (see src/scenarios/pk.ts): c_i in 1/L, λ_i in 1/min. */
  coefficients: number[];
  rates: number[];
  /** Administrations in mg and minutes. */
  administrations: Array<{ kind: 'bolus'; start: number; amount: number } | { kind: 'infusion'; start: number; rate: number; duration: number }>;
  /** Factor from plasma mg/L to the substrate's unit. */
  factor: number;
  /** Vascular exchange rate k_v (1/min). */
  exchange: number;
  source: string;
}

export interface Model {
  format: 1;
  name: string;
  title: string;
  description: string;
  /** um^3 */
  nicheVolume: Value;
  /** Domain and time steps of the agent-based engine (defaults filled in). */
  spatial: Spatial;
  /** min */
  tEnd: number;
  /** min */
  outputInterval: number;
  parameters: Record<string, Parameter>;
  substrates: Substrate[];
  cellTypes: CellType[];
  rules: Rule[];
  outputs: Output[];
  dosing: Dose[];
  pharmacokinetics: Pharmacokinetics[];
}
