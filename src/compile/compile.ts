/**
 * Model -> CompiledModel (layer 2): parameters resolved to numbers, names to indices, rules to
 * response tables, output expressions to functions built from a checked AST. Engines only see
 * compiled models. A compiled model is frozen data plus pure functions: two can run side by side.
 */
import { compileExpr, parseExpr } from '../expr/index.js';
import type { Model, Value } from '../model/model.js';
import { type BehaviourResponse, buildResponse, type RuleForResponse } from '../vocabulary/responses.js';
import { type BehaviourRef, behaviourKey, behaviourQuantity, isSpatialOnly } from '../vocabulary/behaviours.js';
import { formatNumber, parseUnit } from '../units/index.js';

/** A behaviour value with its canonical unit (and per day for rates), for messages. */
function showBehaviourValue(x: number, b: BehaviourRef): string {
  switch (behaviourQuantity(b)) {
    case 'rate':
      return `${formatNumber(x)} 1/min (${formatNumber(x * 1440)} 1/day)`;
    case 'influx':
      return `${formatNumber(x)} cells/min (${formatNumber(x * 1440)} cells/day)`;
    case 'time':
      return `${formatNumber(x)} min`;
    case 'speed':
      return `${formatNumber(x)} um/min`;
    default:
      return formatNumber(x);
  }
}
import { Layout } from './layout.js';

/** Raised when a model cannot be compiled with the given parameter values. */
export class CompileError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems.join('\n'));
    this.name = 'CompileError';
    this.problems = problems;
  }
}

export interface CompiledCellType {
  name: string;
  label: string;
  index: number;
  /** um^3 */
  volume: number;
  /** Radius of a sphere of that volume, um. */
  radius: number;
  /** cells */
  initialNumber: number;
  /**
   * Time from cycle entry to division (min, >= 0; 0 when the model does not give it). With a
   * delay d > 0 both engines divide at r / (1 + r·d), r the cycle entry rate after rules.
   */
  divisionDelay: number;
  /** min */
  apoptoticClearanceTime: number;
  necroticClearanceTime: number;
  /** Base behaviour vector (see Layout), canonical units. */
  base: Float64Array;
  /** Rules grouped per behaviour, in ascending behaviour index. */
  responses: BehaviourResponse[];
  /** For each response, whether all its rules apply to dead cells (ABM). */
  appliesToDead: boolean[];
  /**
   * Attack damage (spatial engine; PhysiCell's attack_damage_rate, 1/min, and attack_duration,
   * min): null when the type gives no attack_damage_rate, and its attacks kill their target (make
   * it apoptotic); else one successful attack adds `attackDamage` = rate × duration
   * (dimensionless) to the target's damage and does not kill it.
   */
  attackDamageRate: number | null;
  attackDuration: number | null;
  attackDamage: number | null;
  /** Rate at which an agent's damage decays (1/min; PhysiCell damage_repair_rate). */
  damageRepairRate: number;
  /**
   * Per-type cell-cell mechanics of the agent-based engine (PhysiCell phenotype/mechanics):
   * repulsion and adhesion strengths (um/min) and relative maximum adhesion distance
   * (dimensionless); null where the model does not set it (the engine's global value applies).
   */
  mechanics: { repulsion: number | null; adhesion: number | null; relativeMaxAdhesionDistance: number | null };
}

export interface CompiledSubstrate {
  name: string;
  label: string;
  unit: string;
  index: number;
  /** um^2/min */
  diffusionCoefficient: number;
  /** 1/min */
  decayRate: number;
  initialCondition: number;
  dirichletBoundary: { enabled: boolean; value: number } | null;
}

export interface CompiledOutput {
  name: string;
  unit: string;
  /** Reads a vector laid out as `outputVariables`. */
  evaluate: (values: Float64Array) => number;
}

export interface CompiledModel {
  name: string;
  title: string;
  layout: Layout;
  /** um^3 */
  nicheVolume: number;
  cellTypes: CompiledCellType[];
  substrates: CompiledSubstrate[];
  /** Every parameter's value in use (base units), after overrides. */
  parameters: Record<string, number>;
  /** Names read by output expressions: cell types, substrates, parameters, then 'time'. */
  outputVariables: string[];
  outputs: CompiledOutput[];
  dosing: Model['dosing'];
  /** Domain and time steps of the agent-based engine (um, min). */
  spatial: Model['spatial'];
  /** Drugs whose plasma PK drives a substrate (see Model.pharmacokinetics). */
  pharmacokinetics: Model['pharmacokinetics'];
  tEnd: number;
  outputInterval: number;
  /** Notes for the user (e.g. rules the mean-field engine cannot represent). */
  notes: string[];
}

/**
 * Compiles a model.
 * @param model a normalised model (from parseModel)
 * @param overrides parameter values in the parameter's base unit (see Parameter.unit), by name
 * @throws CompileError when an override names no parameter, a value evaluates to a negative or
 *   non-finite number, or an "increases" rule saturates below its base value (and vice versa).
 */
export function compileModel(model: Model, overrides: Record<string, number> = {}): CompiledModel {
  const problems: string[] = [];
  const params: Record<string, number> = {};
  for (const [k, p] of Object.entries(model.parameters)) params[k] = p.value;
  for (const [k, v] of Object.entries(overrides)) {
    if (!(k in params)) {
      problems.push(`--set ${k}: no parameter named '${k}' (known: ${Object.keys(params).join(', ') || 'none'})`);
      continue;
    }
    if (!Number.isFinite(v)) problems.push(`--set ${k}: value must be finite, got ${v}`);
    params[k] = v;
  }
  const paramNames = Object.keys(params);
  const paramVector = Float64Array.from(paramNames.map((n) => params[n]));
  const exprCache = new Map<string, (v: Float64Array) => number>();

  /** Evaluates a Value; `what` names the field for messages. */
  const val = (v: Value, what: string, allowNegative = false): number => {
    let x: number;
    if (typeof v === 'number') x = v;
    else {
      let f = exprCache.get(v.expr);
      if (!f) {
        f = compileExpr(parseExpr(v.expr), paramNames);
        exprCache.set(v.expr, f);
      }
      x = f(paramVector) * v.scale;
    }
    if (!Number.isFinite(x)) problems.push(`${what}: evaluates to ${x}`);
    else if (!allowNegative && x < 0) problems.push(`${what}: evaluates to ${x}, which is negative`);
    return x;
  };
  /** A per-type mechanics value, or null when the model leaves it to the engine's global value. */
  const mech = (v: Value | undefined, what: string): number | null => (v === undefined ? null : val(v, what));

  const layout = new Layout(model.substrates.map((s) => s.name), model.cellTypes.map((c) => c.name));
  const substrates: CompiledSubstrate[] = model.substrates.map((s, index) => ({
    name: s.name,
    label: s.label,
    unit: s.unit,
    index,
    diffusionCoefficient: val(s.diffusionCoefficient, `substrates.${s.name}.diffusion_coefficient`),
    decayRate: val(s.decayRate, `substrates.${s.name}.decay_rate`),
    initialCondition: val(s.initialCondition, `substrates.${s.name}.initial_condition`),
    dirichletBoundary: s.dirichletBoundary
      ? { enabled: s.dirichletBoundary.enabled, value: val(s.dirichletBoundary.value, `substrates.${s.name}.dirichlet_boundary.value`) }
      : null,
  }));

  const notes: string[] = [];
  const cellTypes: CompiledCellType[] = model.cellTypes.map((c, index) => {
    const at = `cell_types.${c.name}`;
    const base = new Float64Array(layout.nBehaviours);
    base[Layout.CYCLE_ENTRY] = val(c.cycleEntry, `${at}.cycle_entry`);
    base[Layout.APOPTOSIS] = val(c.apoptosis, `${at}.apoptosis`);
    base[Layout.NECROSIS] = val(c.necrosis, `${at}.necrosis`);
    base[Layout.INFLUX] = val(c.influx, `${at}.influx`);
    base[Layout.MIGRATION_SPEED] = val(c.motility.migrationSpeed, `${at}.motility.migration_speed`);
    base[Layout.MIGRATION_BIAS] = val(c.motility.migrationBias, `${at}.motility.migration_bias`);
    base[Layout.PERSISTENCE_TIME] = val(c.motility.persistenceTime, `${at}.motility.persistence_time`);
    for (const [sub, s] of Object.entries(c.secretion)) {
      const k = layout.substrate(sub);
      base[layout.secretion(k)] = val(s.secretionRate, `${at}.secretion.${sub}.secretion_rate`);
      base[layout.secretionTarget(k)] = val(s.secretionTarget, `${at}.secretion.${sub}.secretion_target`);
      base[layout.uptake(k)] = val(s.uptakeRate, `${at}.secretion.${sub}.uptake_rate`);
      base[layout.export(k)] = val(s.netExportRate, `${at}.secretion.${sub}.net_export_rate`, true);
    }
    for (const [sub, v] of Object.entries(c.motility.chemotaxis)) base[layout.chemotaxis(layout.substrate(sub))] = val(v, `${at}.motility.chemotaxis.${sub}`, true);
    for (const [t, v] of Object.entries(c.transformation)) base[layout.transformTo(layout.cellType(t))] = val(v, `${at}.transformation.${t}`);
    for (const [t, v] of Object.entries(c.phagocytosis.live)) base[layout.phagocytose(layout.cellType(t))] = val(v, `${at}.phagocytosis.live.${t}`);
    for (const [t, v] of Object.entries(c.attack)) base[layout.attack(layout.cellType(t))] = val(v, `${at}.attack.${t}`);
    base[layout.phagocytoseApoptotic] = val(c.phagocytosis.apoptotic, `${at}.phagocytosis.apoptotic`);
    base[layout.phagocytoseNecrotic] = val(c.phagocytosis.necrotic, `${at}.phagocytosis.necrotic`);

    // Rules of this cell type, grouped by behaviour.
    const groups = new Map<number, { rules: RuleForResponse[]; dead: boolean; key: string }>();
    model.rules.forEach((r, i) => {
      if (r.cellType !== c.name) return;
      const where = `rules[${i}]${r.line !== null ? ` (line ${r.line})` : ''} (${r.cellType}: ${r.signalText} ${r.direction} ${r.behaviourText})`;
      const show = (x: number) => showBehaviourValue(x, r.behaviour);
      const b = layout.behaviourIndex(r.behaviour);
      const saturation = val(r.saturation, `${where} saturation`, true);
      const halfMax = val(r.halfMax, `${where} half_max`);
      const hillPower = val(r.hillPower, `${where} hill_power`);
      if (hillPower <= 0) problems.push(`${where}: hill_power must be > 0, got ${hillPower}`);
      const b0 = base[b];
      if (r.direction === 'increases' && saturation < b0) {
        problems.push(`${where}: says 'increases' but its saturation value ${show(saturation)} is below the base value ${show(b0)}; use 'decreases' or raise the saturation value`);
      }
      if (r.direction === 'decreases' && saturation > b0) {
        problems.push(`${where}: says 'decreases' but its saturation value ${show(saturation)} is above the base value ${show(b0)}; use 'increases' or lower the saturation value`);
      }
      if (isSpatialOnly(r.behaviour)) notes.push(`${where}: ${behaviourKey(r.behaviour)} acts only in the spatial engine`);
      if (r.signal.kind === 'damage') notes.push(`${where}: the signal damage acts only in the spatial engine (the mean-field engine has no per-cell damage and reads 0)`);
      const g = groups.get(b) ?? { rules: [], dead: true, key: behaviourKey(r.behaviour) };
      g.rules.push({ signal: layout.signalIndex(r.signal), direction: r.direction, saturation, halfMax, hillPower });
      g.dead = g.dead && r.appliesToDead;
      groups.set(b, g);
    });
    const order = [...groups.keys()].sort((a, b) => a - b);
    const volume = val(c.volume, `${at}.volume`);
    const attackDamageRate = c.attackDamageRate === null ? null : val(c.attackDamageRate, `${at}.attack_damage_rate`);
    const attackDuration = c.attackDuration === null ? null : val(c.attackDuration, `${at}.attack_duration`);
    if (attackDuration !== null && !(attackDuration > 0)) problems.push(`${at}.attack_duration must be > 0, got ${attackDuration}`);
    const attackDamage = attackDamageRate === null ? null : attackDamageRate * (attackDuration ?? 0);
    if (attackDamageRate !== null && model.cellTypes.some((_, j) => base[layout.attack(j)] !== 0 || groups.has(layout.attack(j)))) {
      notes.push(`${at}.attack_damage_rate: attack damage acts only in the spatial engine; in the mean-field engine an attack by ${c.name} still removes its target at the attack rate (as if every attack killed)`);
    }
    return {
      name: c.name,
      label: c.label,
      index,
      volume,
      radius: Math.cbrt((3 * volume) / (4 * Math.PI)),
      initialNumber: val(c.initialNumber, `${at}.initial_number`),
      divisionDelay: c.divisionDelay === undefined ? 0 : val(c.divisionDelay, `${at}.division_delay`),
      apoptoticClearanceTime: val(c.apoptoticClearanceTime, `${at}.apoptotic_clearance_time`),
      necroticClearanceTime: val(c.necroticClearanceTime, `${at}.necrotic_clearance_time`),
      base,
      responses: order.map((b) => buildResponse(b, groups.get(b)!.rules)),
      appliesToDead: order.map((b) => groups.get(b)!.dead),
      attackDamageRate,
      attackDuration,
      attackDamage,
      damageRepairRate: val(c.damageRepairRate, `${at}.damage_repair_rate`),
      mechanics: {
        repulsion: mech(c.mechanics?.cellCellRepulsionStrength, `${at}.mechanics.cell_cell_repulsion_strength`),
        adhesion: mech(c.mechanics?.cellCellAdhesionStrength, `${at}.mechanics.cell_cell_adhesion_strength`),
        relativeMaxAdhesionDistance: mech(c.mechanics?.relativeMaximumAdhesionDistance, `${at}.mechanics.relative_maximum_adhesion_distance`),
      },
    };
  });
  for (const ct of cellTypes) {
    for (const what of ['apoptoticClearanceTime', 'necroticClearanceTime'] as const) {
      if (!(ct[what] > 0)) problems.push(`cell_types.${ct.name}: ${what} must be > 0, got ${ct[what]}`);
    }
    if (!(ct.volume > 0)) problems.push(`cell_types.${ct.name}.volume must be > 0, got ${ct.volume}`);
  }

  const nicheVolume = val(model.nicheVolume, 'niche.volume');
  if (!(nicheVolume > 0)) problems.push(`niche.volume must be > 0, got ${nicheVolume}`);

  const outputVariables = [...model.cellTypes.map((c) => c.name), ...model.substrates.map((s) => s.name), ...paramNames, 'time'];
  // Output expressions are evaluated in base units: substrate values are scaled from their
  // declared unit, then the result is converted to the output's unit.
  const substrateFactors = model.substrates.map((s) => parseUnit(s.unit).factor);
  const nCells = model.cellTypes.length;
  const outputs: CompiledOutput[] = model.outputs.map((o) => {
    const f = compileExpr(parseExpr(o.expression), outputVariables);
    const scaled = new Float64Array(outputVariables.length);
    const scale = o.scale;
    return {
      name: o.name,
      unit: o.unit,
      evaluate: (values: Float64Array) => {
        scaled.set(values);
        for (let s = 0; s < substrateFactors.length; s++) scaled[nCells + s] *= substrateFactors[s];
        return f(scaled) * scale;
      },
    };
  });

  if (problems.length > 0) throw new CompileError(problems);
  return {
    name: model.name,
    title: model.title,
    layout,
    nicheVolume,
    cellTypes,
    substrates,
    parameters: params,
    outputVariables,
    outputs,
    dosing: model.dosing,
    spatial: model.spatial,
    pharmacokinetics: model.pharmacokinetics,
    tEnd: model.tEnd,
    outputInterval: model.outputInterval,
    notes,
  };
}
