/**
 * ModelInput (schema-valid source) -> canonical Model (layer 1).
 *
 * Converts every quantity once to its canonical unit, resolves names (substrates, cell types,
 * parameters, signals, behaviours), checks expressions (only parameters, matching dimensions)
 * and rejects what would give a silent wrong answer: negative rates, zero durations, non-finite
 * numbers, duplicate or reserved names, unknown references, duplicate rules.
 */
import { dimensionOf, ExprError, freeVariables, parseExpr } from '../expr/index.js';
import {
  type Dimension,
  describeDimension,
  multiplyDimensions,
  parseQuantity,
  parseUnit,
  sameDimension,
  type Unit,
  UnitError,
} from '../units/index.js';
import { behaviourKey, behaviourQuantity, listBehaviours, resolveBehaviour, type BehaviourRef } from '../vocabulary/behaviours.js';
import { listSignals, RESERVED_NAMES, resolveSignal, signalKey, type SignalRef } from '../vocabulary/signals.js';
import type { Diagnostic } from './diagnostics.js';
import { pathToString } from './diagnostics.js';
import type { LocatedDocument, PathKey } from './located.js';
import type { CellMechanics, CellType, Dose, Model, Parameter, Pharmacokinetics, Rule, Substrate, Value } from './model.js';
import { oneCompartment, type PkComponents, twoCompartment } from '../pk/pk.js';
import type { ModelInput } from './schema.js';

type QuantityInput = number | string;

/** What a numeric field may hold. */
interface FieldSpec {
  unit: Unit;
  /** How to describe the expected quantity in messages, e.g. "a rate (e.g. '0.01 1/min')". */
  expected: string;
  /** 'nonnegative' (default), 'positive' (zero durations are errors), or 'any'. */
  sign?: 'nonnegative' | 'positive' | 'any';
}

const U = {
  time: parseUnitSafe('min'),
  rate: parseUnitSafe('1/min'),
  diffusion: parseUnitSafe('um^2/min'),
  volume: parseUnitSafe('um^3'),
  speed: parseUnitSafe('um/min'),
  cells: parseUnitSafe('cells'),
  influx: parseUnitSafe('cells/min'),
  none: parseUnitSafe('dimensionless'),
};

function parseUnitSafe(t: string): Unit {
  return parseUnit(t);
}

const F = {
  time: { unit: U.time, expected: "a time (e.g. '48 h')", sign: 'positive' } as FieldSpec,
  timeOrZero: { unit: U.time, expected: "a time (e.g. '10 day')" } as FieldSpec,
  rate: { unit: U.rate, expected: "a rate (e.g. '0.01 1/min' or '0.5 1/day')" } as FieldSpec,
  diffusion: { unit: U.diffusion, expected: "a diffusion coefficient (e.g. '1e5 um^2/min')" } as FieldSpec,
  volume: { unit: U.volume, expected: "a volume (e.g. '2494 um^3')", sign: 'positive' } as FieldSpec,
  speed: { unit: U.speed, expected: "a speed (e.g. '1 um/min')" } as FieldSpec,
  cells: { unit: U.cells, expected: "a number of cells (e.g. 1000)" } as FieldSpec,
  influx: { unit: U.influx, expected: "a recruitment rate (e.g. '10 cells/day')" } as FieldSpec,
  fraction: { unit: U.none, expected: 'a dimensionless number' } as FieldSpec,
  power: { unit: U.none, expected: 'a positive dimensionless Hill power', sign: 'positive' } as FieldSpec,
};

/**
 * Normalises a schema-valid model. Returns the model and all diagnostics (errors and warnings);
 * when any error is present the model must not be used.
 */
export function normalizeModel(input: ModelInput, doc: LocatedDocument, file: string): { model: Model; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const err = (path: PathKey[], message: string, hint: string, key = false) => {
    const at = doc.locate(path, key);
    diagnostics.push({ severity: 'error', file: doc.fileAt?.(path) ?? file, line: at.line, column: at.column, path: pathToString(path), message, hint });
  };
  const warn = (path: PathKey[], message: string, hint: string) => {
    const at = doc.locate(path);
    diagnostics.push({ severity: 'warning', file: doc.fileAt?.(path) ?? file, line: at.line, column: at.column, path: pathToString(path), message, hint });
  };

  // ---- names -------------------------------------------------------------------------------
  const substrateNames = Object.keys(input.substrates);
  const cellTypeNames = Object.keys(input.cell_types);
  const parameterNames = Object.keys(input.parameters);
  const seen = new Map<string, string>();
  const checkName = (section: string, name: string) => {
    if (RESERVED_NAMES.has(name) || RESERVED_NAMES.has(name.toLowerCase())) {
      err([section, name], `the name '${name}' is reserved (it is a signal, behaviour or function word)`, `rename it, e.g. '${name}_1'`, true);
    }
    const prev = seen.get(name);
    if (prev !== undefined) {
      err([section, name], `the name '${name}' is already used in ${prev}`, 'names of substrates, cell types, parameters and outputs must all differ; rename one of them', true);
    } else seen.set(name, section);
  };
  for (const n of substrateNames) checkName('substrates', n);
  for (const n of cellTypeNames) checkName('cell_types', n);
  for (const n of parameterNames) checkName('parameters', n);
  if (cellTypeNames.length === 0) err(['cell_types'], 'a model needs at least one cell type', 'add a cell type under cell_types');

  // ---- parameters ----------------------------------------------------------------------------
  const parameters: Record<string, Parameter> = {};
  const paramDims = new Map<string, Dimension>();
  for (const [name, p] of Object.entries(input.parameters)) {
    const path: PathKey[] = ['parameters', name];
    const q = readQuantityLiteral(p.value, p.unit, [...path, 'value']);
    if (!q) continue;
    let range: [number, number] | null = null;
    if (p.range) {
      const lo = readQuantityLiteral(p.range[0], p.unit, [...path, 'range', 0]);
      const hi = readQuantityLiteral(p.range[1], p.unit, [...path, 'range', 1]);
      if (lo && hi) {
        if (!sameDimension(lo.dim, q.dim) || !sameDimension(hi.dim, q.dim)) {
          err([...path, 'range'], `the range is ${describeDimension(lo.dim)} but the value is ${describeDimension(q.dim)}`, 'give the range in the same kind of unit as the value');
        } else if (lo.base > hi.base) {
          err([...path, 'range'], `the range's low end (${p.range[0]}) is above its high end (${p.range[1]})`, 'write the range as [low, high]');
        } else {
          range = [lo.base, hi.base];
          if (q.base < lo.base || q.base > hi.base) {
            err([...path, 'value'], `the value ${String(p.value)} lies outside its range [${p.range[0]}, ${p.range[1]}]`, 'widen the range or correct the value');
          }
        }
      }
    } else if (p.estimate) {
      err([...path], `parameter '${name}' is an estimate but has no range`, 'add range: [low, high] so sweeps and sensitivity analysis can vary it');
    }
    paramDims.set(name, q.dim);
    parameters[name] = {
      name,
      value: q.base,
      unit: q.baseLabel,
      written: typeof p.value === 'number' ? `${p.value}${p.unit ? ' ' + p.unit : ''}` : p.value,
      declaredUnit: typeof p.value === 'number' ? (p.unit ?? 'dimensionless') : quantityUnitText(p.value),
      source: p.source,
      estimate: p.estimate,
      range,
      description: p.description ?? '',
    };
  }

  function readQuantityLiteral(v: QuantityInput, unitText: string | undefined, path: PathKey[]): { base: number; dim: Dimension; baseLabel: string } | null {
    try {
      if (typeof v === 'number') {
        if (!Number.isFinite(v)) {
          err(path, `expected a finite number, got ${v}`, 'write a finite number');
          return null;
        }
        const unit = unitText ? parseUnit(unitText) : U.none;
        return { base: v * unit.factor, dim: unit.dimension, baseLabel: baseUnitText(unit.dimension) };
      }
      const q = parseQuantity(v);
      if (!q) {
        err(path, `expected a number with a unit (e.g. '0.5 1/day'), got '${v}'`, 'a parameter value must be a literal quantity, not an expression');
        return null;
      }
      if (unitText) {
        err(path, `the value '${v}' carries its own unit and the parameter also has unit: ${unitText}`, 'give the unit once: either in the value or in unit:');
        return null;
      }
      return { base: q.value * q.unit.factor, dim: q.unit.dimension, baseLabel: baseUnitText(q.unit.dimension) };
    } catch (e) {
      if (e instanceof UnitError) {
        if (typeof v === 'string' && looksLikeExpression(v)) {
          err(path, `'${v}' is an expression; a parameter value must be a literal quantity such as '0.5 1/day'`, 'compute the value and write it with its unit, or use the expression where the parameter is used');
        } else if (typeof v === 'number' && unitText) {
          err([...path.slice(0, -1), 'unit'], e.message, unitHint(e));
        } else err(path, e.message, unitHint(e));
        return null;
      }
      throw e;
    }
  }

  // ---- values of fields -----------------------------------------------------------------------
  /** Per-type mechanics: each field kept only when written (absent = the engine's global value). */
  function cellMechanics(m: NonNullable<ModelInput['cell_types'][string]['mechanics']>, path: PathKey[]): CellMechanics {
    const out: CellMechanics = {};
    if (m.cell_cell_adhesion_strength !== undefined) out.cellCellAdhesionStrength = value(m.cell_cell_adhesion_strength, F.speed, [...path, 'cell_cell_adhesion_strength']);
    if (m.cell_cell_repulsion_strength !== undefined) out.cellCellRepulsionStrength = value(m.cell_cell_repulsion_strength, F.speed, [...path, 'cell_cell_repulsion_strength']);
    if (m.relative_maximum_adhesion_distance !== undefined) out.relativeMaximumAdhesionDistance = value(m.relative_maximum_adhesion_distance, F.fraction, [...path, 'relative_maximum_adhesion_distance']);
    return out;
  }
  /** Reads a field into a Value in the field's canonical unit; records an error and returns 0 on failure. */
  function value(v: QuantityInput, spec: FieldSpec, path: PathKey[]): Value {
    const sign = spec.sign ?? 'nonnegative';
    const checkSign = (x: number, shown: string): number => {
      if (!Number.isFinite(x)) {
        err(path, `expected a finite number, got ${shown}`, 'write a finite number');
        return 0;
      }
      if (sign === 'positive' && x <= 0) {
        err(path, `expected ${spec.expected} greater than 0, got ${shown}`, spec.unit === U.none ? 'give a value greater than 0' : 'a duration or size of zero or less is not meaningful; give a positive value');
        return 0;
      }
      if (sign === 'nonnegative' && x < 0) {
        err(path, `expected ${spec.expected} of 0 or more, got ${shown}`, 'rates, counts and concentrations cannot be negative');
        return 0;
      }
      return x;
    };
    if (typeof v === 'number') return checkSign(v, String(v));
    let unitError: UnitError | null = null;
    try {
      const q = parseQuantity(v);
      if (q) {
        if (!sameDimension(q.unit.dimension, spec.unit.dimension)) {
          err(path, `expected ${spec.expected}, got '${v}' (${describeDimension(q.unit.dimension)})`, `write it in a unit of ${describeDimension(spec.unit.dimension)}, e.g. '${spec.unit.text}'`);
          return 0;
        }
        return checkSign((q.value * q.unit.factor) / spec.unit.factor, `'${v}'`);
      }
    } catch (e) {
      if (!(e instanceof UnitError)) throw e;
      // Text that starts with a number may still be an expression such as "2 * k_base".
      unitError = e;
    }
    // An expression over parameters.
    try {
      const ast = parseExpr(v);
      for (const name of freeVariables(ast)) {
        if (!paramDims.has(name)) {
          err(path, `'${name}' in '${v}' is not a parameter`, parameterNames.length ? `define it under parameters (known: ${parameterNames.slice(0, 8).join(', ')}${parameterNames.length > 8 ? ', …' : ''})` : 'define it under parameters, or write a number with a unit');
          return 0;
        }
      }
      const dim = dimensionOf(ast, (n) => paramDims.get(n));
      if (!sameDimension(dim, spec.unit.dimension)) {
        err(path, `expected ${spec.expected}, but '${v}' is ${describeDimension(dim)}`, `check the units of the parameters in the expression`);
        return 0;
      }
      return { expr: v, scale: 1 / spec.unit.factor };
    } catch (e) {
      if (e instanceof ExprError) {
        if (unitError && !looksLikeExpression(v)) err(path, unitError.message, unitHint(unitError));
        else err(path, `'${v}' is neither a quantity nor a valid expression: ${e.message}`, e.hint || "write a number with a unit such as '48 h', or an expression over parameter names");
        return 0;
      }
      throw e;
    }
  }
  /** A literal (non-expression) time, for simulation settings and dosing. */
  function literal(v: QuantityInput, spec: FieldSpec, path: PathKey[]): number {
    const x = value(v, spec, path);
    if (typeof x !== 'number') {
      err(path, `an expression is not allowed here ('${x.expr}')`, 'write a number with a unit');
      return 0;
    }
    return x;
  }

  // ---- niche and simulation -------------------------------------------------------------------
  const nicheVolume = value(input.niche.volume, F.volume, ['niche', 'volume']);
  const tEnd = literal(input.simulation.t_end, F.time, ['simulation', 't_end']);
  const outputInterval = literal(input.simulation.output_interval, F.time, ['simulation', 'output_interval']);
  if (tEnd > 0 && outputInterval > 0 && tEnd / outputInterval > 1e6) {
    err(['simulation', 'output_interval'], `t_end / output_interval gives ${Math.round(tEnd / outputInterval)} output rows (more than 1e6)`, 'use a longer output_interval');
  }

  // ---- spatial domain (agent-based engine) -------------------------------------------------------
  const sp = input.spatial ?? { dims: 2 as const, voxel_size: '20 um', dt_diffusion: '0.01 min', dt_mechanics: '0.1 min', dt_phenotype: '6 min', snapshot_interval: '1 day' };
  const length: FieldSpec = { unit: parseUnit('um'), expected: "a length (e.g. '1000 um')", sign: 'positive' };
  const voxelSize = literal(sp.voxel_size, length, ['spatial', 'voxel_size']);
  let size: [number, number, number];
  if (sp.size) {
    size = [0, 1, 2].map((k) => literal(sp.size![k], length, ['spatial', 'size', k])) as [number, number, number];
  } else {
    const v = typeof nicheVolume === 'number' ? nicheVolume : 0;
    const side = sp.dims === 2 ? Math.sqrt(v / (voxelSize || 1)) : Math.cbrt(v);
    // Round to whole voxels so the mesh divides the domain.
    const whole = Math.max(1, Math.round(side / (voxelSize || 1))) * voxelSize;
    size = sp.dims === 2 ? [whole, whole, voxelSize] : [whole, whole, whole];
  }
  if (voxelSize > 0) {
    for (const k of sp.dims === 2 ? [0, 1] : [0, 1, 2]) {
      const n = size[k] / voxelSize;
      if (size[k] > 0 && Math.abs(n - Math.round(n)) > 1e-9 * n) {
        err(['spatial', 'size', k], `the domain extent ${size[k]} um is not a whole number of voxels of ${voxelSize} um`, 'make each extent a multiple of voxel_size');
      }
    }
  }
  const spatial = {
    dims: sp.dims,
    size,
    voxelSize,
    dtDiffusion: literal(sp.dt_diffusion, F.time, ['spatial', 'dt_diffusion']),
    dtMechanics: literal(sp.dt_mechanics, F.time, ['spatial', 'dt_mechanics']),
    dtPhenotype: literal(sp.dt_phenotype, F.time, ['spatial', 'dt_phenotype']),
    snapshotInterval: literal(sp.snapshot_interval, F.time, ['spatial', 'snapshot_interval']),
    ...('initial_cells' in sp && sp.initial_cells !== undefined ? { initialCells: sp.initial_cells } : {}),
    ...('contact_interactions' in sp && sp.contact_interactions !== undefined ? { contactInteractions: sp.contact_interactions } : {}),
  };
  if (spatial.dtDiffusion > spatial.dtMechanics || spatial.dtMechanics > spatial.dtPhenotype) {
    err(['spatial'], `time steps must satisfy dt_diffusion <= dt_mechanics <= dt_phenotype (got ${spatial.dtDiffusion}, ${spatial.dtMechanics}, ${spatial.dtPhenotype} min)`, 'PhysiCell defaults are 0.01, 0.1 and 6 min');
  }
  if (typeof nicheVolume === 'number' && input.spatial?.size) {
    const domainVolume = size[0] * size[1] * size[2];
    if (Math.abs(domainVolume - nicheVolume) > 0.01 * nicheVolume) {
      warn(['spatial', 'size'], `the domain volume ${domainVolume.toExponential(3)} um^3 differs from niche.volume ${nicheVolume.toExponential(3)} um^3, so the two engines describe different niches`, 'make niche.volume equal to the product of the domain extents');
    }
  }

  // ---- substrates -----------------------------------------------------------------------------
  const substrateUnits = new Map<string, Unit>();
  const substrates: Substrate[] = [];
  for (const [name, s] of Object.entries(input.substrates)) {
    const path: PathKey[] = ['substrates', name];
    let unit: Unit;
    try {
      unit = parseUnit(s.unit);
    } catch (e) {
      if (!(e instanceof UnitError)) throw e;
      err([...path, 'unit'], e.message, unitHint(e));
      unit = U.none;
    }
    substrateUnits.set(name, unit);
    const conc: FieldSpec = { unit, expected: `a concentration in ${s.unit}` };
    substrates.push({
      name,
      label: s.label ?? name,
      unit: s.unit,
      diffusionCoefficient: value(s.diffusion_coefficient, F.diffusion, [...path, 'diffusion_coefficient']),
      decayRate: value(s.decay_rate, F.rate, [...path, 'decay_rate']),
      initialCondition: value(s.initial_condition, conc, [...path, 'initial_condition']),
      dirichletBoundary: s.dirichlet_boundary
        ? { enabled: s.dirichlet_boundary.enabled, value: value(s.dirichlet_boundary.value, conc, [...path, 'dirichlet_boundary', 'value']) }
        : null,
      source: s.source ?? '',
    });
  }
  const concSpec = (sub: string): FieldSpec => {
    const unit = substrateUnits.get(sub) ?? U.none;
    return { unit, expected: `a concentration of ${sub} (${unit.text})` };
  };
  const exportSpec = (sub: string): FieldSpec => {
    const u = substrateUnits.get(sub) ?? U.none;
    const unit: Unit = {
      factor: (u.factor * U.volume.factor) / U.time.factor,
      dimension: multiplyDimensions(multiplyDimensions(u.dimension, U.volume.dimension), U.rate.dimension),
      text: `(${u.text})*um^3/min`,
    };
    return { unit, expected: `a net export of ${sub} in (${u.text}) x um^3/min` };
  };
  const needSubstrate = (path: PathKey[], sub: string): boolean => {
    if (substrateUnits.has(sub)) return true;
    err(path, `unknown substrate '${sub}'`, `define it under substrates (known: ${substrateNames.join(', ') || 'none'})`, true);
    return false;
  };
  const needCellType = (path: PathKey[], ct: string): boolean => {
    if (cellTypeNames.includes(ct)) return true;
    err(path, `unknown cell type '${ct}'`, `define it under cell_types (known: ${cellTypeNames.join(', ')})`, true);
    return false;
  };

  // ---- cell types -----------------------------------------------------------------------------
  const cellTypes: CellType[] = [];
  for (const [name, c] of Object.entries(input.cell_types)) {
    const path: PathKey[] = ['cell_types', name];
    const secretion: CellType['secretion'] = {};
    for (const [sub, sec] of Object.entries(c.secretion)) {
      const p: PathKey[] = [...path, 'secretion', sub];
      if (!needSubstrate(p, sub)) continue;
      secretion[sub] = {
        secretionRate: value(sec.secretion_rate, F.rate, [...p, 'secretion_rate']),
        secretionTarget: value(sec.secretion_target, concSpec(sub), [...p, 'secretion_target']),
        uptakeRate: value(sec.uptake_rate, F.rate, [...p, 'uptake_rate']),
        netExportRate: value(sec.net_export_rate, { ...exportSpec(sub), sign: 'any' }, [...p, 'net_export_rate']),
      };
    }
    const perType = (rec: Record<string, QuantityInput>, p: PathKey[], allowSelf: boolean): Record<string, Value> => {
      const out: Record<string, Value> = {};
      for (const [target, v] of Object.entries(rec)) {
        if (!needCellType([...p, target], target)) continue;
        if (!allowSelf && target === name) {
          err([...p, target], `a cell type cannot transform to itself`, 'remove this entry', true);
          continue;
        }
        out[target] = value(v, F.rate, [...p, target]);
      }
      return out;
    };
    const chemotaxis: Record<string, Value> = {};
    for (const [sub, v] of Object.entries(c.motility?.chemotaxis ?? {})) {
      const p: PathKey[] = [...path, 'motility', 'chemotaxis', sub];
      if (needSubstrate(p, sub)) chemotaxis[sub] = value(v, { ...F.fraction, sign: 'any' }, p);
    }
    cellTypes.push({
      name,
      label: c.label ?? name,
      description: c.description ?? '',
      initialNumber: value(c.initial_number, F.cells, [...path, 'initial_number']),
      volume: value(c.volume, F.volume, [...path, 'volume']),
      cycleEntry: value(c.cycle_entry, F.rate, [...path, 'cycle_entry']),
      ...(c.division_delay === undefined ? {} : { divisionDelay: value(c.division_delay, F.timeOrZero, [...path, 'division_delay']) }),
      apoptosis: value(c.apoptosis, F.rate, [...path, 'apoptosis']),
      necrosis: value(c.necrosis, F.rate, [...path, 'necrosis']),
      apoptoticClearanceTime: value(c.apoptotic_clearance_time, F.time, [...path, 'apoptotic_clearance_time']),
      necroticClearanceTime: value(c.necrotic_clearance_time, F.time, [...path, 'necrotic_clearance_time']),
      influx: value(c.influx, F.influx, [...path, 'influx']),
      secretion,
      motility: {
        migrationSpeed: value(c.motility?.migration_speed ?? 0, F.speed, [...path, 'motility', 'migration_speed']),
        persistenceTime: value(c.motility?.persistence_time ?? 1, F.time, [...path, 'motility', 'persistence_time']),
        migrationBias: value(c.motility?.migration_bias ?? 0, F.fraction, [...path, 'motility', 'migration_bias']),
        chemotaxis,
      },
      transformation: perType(c.transformation, [...path, 'transformation'], false),
      phagocytosis: {
        apoptotic: value(c.phagocytosis?.apoptotic ?? 0, F.rate, [...path, 'phagocytosis', 'apoptotic']),
        necrotic: value(c.phagocytosis?.necrotic ?? 0, F.rate, [...path, 'phagocytosis', 'necrotic']),
        live: perType(c.phagocytosis?.live ?? {}, [...path, 'phagocytosis', 'live'], true),
      },
      attack: perType(c.attack, [...path, 'attack'], true),
      attackDamageRate: c.attack_damage_rate === undefined ? null : value(c.attack_damage_rate, F.rate, [...path, 'attack_damage_rate']),
      attackDuration: c.attack_duration === undefined ? null : value(c.attack_duration, F.time, [...path, 'attack_duration']),
      damageRepairRate: value(c.damage_repair_rate, F.rate, [...path, 'damage_repair_rate']),
      ...(c.mechanics === undefined ? {} : { mechanics: cellMechanics(c.mechanics, [...path, 'mechanics']) }),
      source: c.source ?? '',
    });
    if (c.attack_damage_rate !== undefined && c.attack_duration === undefined) {
      err([...path, 'attack_damage_rate'], 'attack_damage_rate needs attack_duration (an attack adds attack_damage_rate x attack_duration to its target\'s damage)', "add attack_duration: e.g. '30 min' (PhysiCell's default), or remove attack_damage_rate so that attacks kill");
    }
    if (c.attack_duration !== undefined && c.attack_damage_rate === undefined) {
      warn([...path, 'attack_duration'], 'attack_duration has no effect without attack_damage_rate (without it an attack kills its target at once)', "add attack_damage_rate: e.g. '1 1/min', or remove attack_duration");
    }
    const bias = c.motility?.migration_bias;
    if (typeof bias === 'number' && bias > 1) err([...path, 'motility', 'migration_bias'], `migration bias must lie in [0, 1], got ${bias}`, 'use a value between 0 and 1');
  }

  // ---- rules ----------------------------------------------------------------------------------
  const rules: Rule[] = [];
  const ruleKeys = new Map<string, number>();
  input.rules.forEach((r, i) => {
    const path: PathKey[] = ['rules', i];
    if (!cellTypeNames.includes(r.cell_type)) {
      err([...path, 'cell_type'], `unknown cell type '${r.cell_type}'`, `use one of: ${cellTypeNames.join(', ')}`);
      return;
    }
    const signal = resolveSignal(r.signal, substrateNames, cellTypeNames);
    if (!signal) {
      err([...path, 'signal'], `unknown signal '${r.signal}'`, `use one of: ${closest(r.signal, listSignals(substrateNames, cellTypeNames))}`);
    }
    const behaviour = resolveBehaviour(r.behaviour, substrateNames, cellTypeNames);
    if (!behaviour) {
      err([...path, 'behaviour'], `unknown behaviour '${r.behaviour}'`, `use one of: ${closest(r.behaviour, listBehaviours(substrateNames, cellTypeNames))}`);
    }
    if (!signal || !behaviour) return;
    if (behaviour.kind === 'transform to' && behaviour.cellType === r.cell_type) {
      err([...path, 'behaviour'], `a cell type cannot transform to itself`, 'name another cell type');
      return;
    }
    const key = `${r.cell_type}|${signalKey(signal)}|${r.direction}|${behaviourKey(behaviour)}`;
    const prev = ruleKeys.get(key);
    if (prev !== undefined) {
      err(path, `this rule repeats rules[${prev}] (same cell type, signal, direction and behaviour)`, 'merge the two rules into one');
      return;
    }
    ruleKeys.set(key, i);
    const behaviourSpec = specForBehaviour(behaviour);
    const signalSpec = specForSignal(signal);
    const halfMax = value(r.half_max, signalSpec, [...path, 'half_max']);
    const hillPower = value(r.hill_power, F.power, [...path, 'hill_power']);
    const saturation = value(r.saturation, behaviourSpec, [...path, 'saturation']);
    rules.push({
      cellType: r.cell_type,
      signal,
      signalText: r.signal,
      direction: r.direction,
      behaviour,
      behaviourText: r.behaviour,
      saturation,
      halfMax,
      hillPower,
      appliesToDead: r.applies_to_dead,
      evidence: r.evidence,
      note: r.note ?? '',
      line: doc.locate(path).line,
    });
    if (signal.kind === 'time' && r.direction === 'increases' && behaviour.kind === 'influx') {
      warn(path, 'influx driven by time grows without bound', 'check that this is intended');
    }
  });

  function specForBehaviour(b: BehaviourRef): FieldSpec {
    switch (behaviourQuantity(b)) {
      case 'concentration':
        return concSpec((b as { substrate: string }).substrate);
      case 'export':
        return { ...exportSpec((b as { substrate: string }).substrate), sign: 'any' };
      case 'speed':
        return F.speed;
      case 'time':
        return F.time;
      case 'dimensionless':
        return { ...F.fraction, sign: 'any' };
      case 'influx':
        return F.influx;
      default:
        return F.rate;
    }
  }
  function specForSignal(s: SignalRef): FieldSpec {
    switch (s.kind) {
      case 'substrate':
        return concSpec(s.substrate);
      case 'volume':
        return { unit: U.volume, expected: 'a volume' };
      case 'time':
        return { unit: U.time, expected: 'a time' };
      default:
        return { unit: U.none, expected: 'a dimensionless number' };
    }
  }

  // ---- outputs --------------------------------------------------------------------------------
  // Names share the namespace of substrates, cell types and parameters (and may not be 'time').
  for (const n of Object.keys(input.outputs)) checkName('outputs', n);
  const outputNames = new Set([...cellTypeNames, ...substrateNames, ...parameterNames, 'time']);
  const variableDimension = (v: string): Dimension | undefined => {
    if (cellTypeNames.includes(v)) return U.cells.dimension;
    if (substrateUnits.has(v)) return substrateUnits.get(v)!.dimension;
    if (v === 'time') return U.time.dimension;
    return paramDims.get(v);
  };
  const outputs = Object.entries(input.outputs).map(([name, o]) => {
    const path: PathKey[] = ['outputs', name, 'expression'];
    let unit: Unit | null = null;
    try {
      unit = parseUnit(o.unit);
    } catch (e) {
      if (!(e instanceof UnitError)) throw e;
      err(['outputs', name, 'unit'], e.message, unitHint(e));
    }
    try {
      const ast = parseExpr(o.expression);
      const unknown = freeVariables(ast).filter((v) => !outputNames.has(v));
      for (const v of unknown) err(path, `'${v}' in '${o.expression}' is not a cell type, substrate, parameter or 'time'`, `use one of: ${closest(v, [...outputNames])}`);
      if (unit && unknown.length === 0) {
        const dim = dimensionOf(ast, variableDimension);
        if (!sameDimension(dim, unit.dimension)) {
          err(['outputs', name, 'unit'], `the expression '${o.expression}' is ${describeDimension(dim)} but the unit '${o.unit}' is ${describeDimension(unit.dimension)}`, `give a unit of ${describeDimension(dim)} (cell counts are in cells, time in min, substrates in their own unit)`);
        }
      }
    } catch (e) {
      if (!(e instanceof ExprError)) throw e;
      err(path, `not a valid expression: ${e.message}`, e.hint || 'check the operators and parentheses');
    }
    return { name, expression: o.expression, unit: o.unit, description: o.description ?? '', scale: unit ? 1 / unit.factor : 1 };
  });

  // ---- dosing ---------------------------------------------------------------------------------
  const dosing: Dose[] = [];
  input.dosing.forEach((d, i) => {
    const path: PathKey[] = ['dosing', i];
    if (!needSubstrate([...path, 'substrate'], d.substrate)) return;
    const start = literal(d.start, F.timeOrZero, [...path, 'start']);
    const spec = concSpec(d.substrate);
    let amount = 0;
    let rate = 0;
    let duration = 0;
    if (d.kind === 'bolus') {
      if (d.amount === undefined) err(path, 'a bolus dose needs amount (the rise of the niche concentration)', `add amount: e.g. '1 ${spec.unit.text}'`);
      else amount = literal(d.amount, spec, [...path, 'amount']);
    } else {
      if (d.rate === undefined || d.duration === undefined) {
        err(path, 'an infusion needs rate (concentration per minute) and duration', `add rate: e.g. '0.01 ${spec.unit.text}/min' and duration: e.g. '7 day'`);
      } else {
        const rateUnit: Unit = {
          factor: spec.unit.factor / U.time.factor,
          dimension: multiplyDimensions(spec.unit.dimension, U.rate.dimension),
          text: `${spec.unit.text}/min`,
        };
        rate = literal(d.rate, { unit: rateUnit, expected: `a rate of rise in ${spec.unit.text}/min` }, [...path, 'rate']);
        duration = literal(d.duration, F.time, [...path, 'duration']);
      }
    }
    let interval = 0;
    if (d.count > 1) {
      if (d.interval === undefined) err(path, `count is ${d.count} but no interval is given`, "add interval: e.g. '1 day'");
      else interval = literal(d.interval, F.time, [...path, 'interval']);
      if (d.kind === 'infusion' && interval > 0 && duration > interval) {
        err([...path, 'duration'], 'each infusion lasts longer than the interval between infusions', 'shorten duration or lengthen interval');
      }
    }
    dosing.push({ substrate: d.substrate, kind: d.kind, start, amount, rate, duration, interval, count: d.count });
  });

  // ---- pharmacokinetics -------------------------------------------------------------------------
  const pharmacokinetics: Pharmacokinetics[] = [];
  input.pharmacokinetics.forEach((pkIn, i) => {
    const path: PathKey[] = ['pharmacokinetics', i];
    if (!needSubstrate([...path, 'substrate'], pkIn.substrate)) return;
    const perMin: FieldSpec = { unit: U.rate, expected: "a rate (e.g. '0.01 1/min')" };
    const litres: FieldSpec = { unit: parseUnit('L'), expected: "a volume (e.g. '40 L')", sign: 'positive' };
    const bsa = literal(pkIn.body_surface_area, { unit: U.none, expected: 'a body-surface area in m^2 (a number)', sign: 'positive' }, [...path, 'body_surface_area']);
    const weight = literal(pkIn.body_weight, { unit: U.none, expected: 'a body weight in kg (a number)', sign: 'positive' }, [...path, 'body_weight']);
    let components: PkComponents | null = null;
    const m = pkIn.pk;
    const need = (key: keyof typeof m) => {
      if (m[key] === undefined) err([...path, 'pk'], `a ${m.model} model needs ${String(key)}`, `add ${String(key)}: to pk`);
      return m[key] !== undefined;
    };
    try {
      if (m.model === 'one-compartment') {
        if (need('half_life') && need('volume')) {
          components = oneCompartment(literal(m.half_life!, F.time, [...path, 'pk', 'half_life']), literal(m.volume!, litres, [...path, 'pk', 'volume']));
        }
      } else if (need('k10') && need('k12') && need('k21') && need('central_volume')) {
        components = twoCompartment(
          literal(m.k10!, perMin, [...path, 'pk', 'k10']),
          literal(m.k12!, perMin, [...path, 'pk', 'k12']),
          literal(m.k21!, perMin, [...path, 'pk', 'k21']),
          literal(m.central_volume!, litres, [...path, 'pk', 'central_volume']),
        );
      }
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      if (!diagnostics.some((d) => d.severity === 'error' && d.path.startsWith(pathToString([...path, 'pk'])))) err([...path, 'pk'], e.message, 'check the PK values');
    }
    // mg/L in plasma -> the substrate's unit (via mol/L and the molecular weight for molar units).
    const unit = substrateUnits.get(pkIn.substrate)!;
    let factor = 0;
    const mgPerL = parseUnit('mg/L');
    if (sameDimension(unit.dimension, mgPerL.dimension)) factor = mgPerL.factor / unit.factor;
    else if (sameDimension(unit.dimension, parseUnit('M').dimension)) {
      if (pkIn.molecular_weight === undefined) err([...path], `the substrate ${pkIn.substrate} is in ${unit.text}, so a molecular weight is needed to convert mg/L`, 'add molecular_weight: (g/mol)');
      else {
        const mw = literal(pkIn.molecular_weight, { unit: U.none, expected: 'a molecular weight in g/mol (a number)', sign: 'positive' }, [...path, 'molecular_weight']);
        // 1 mg/L = 1e-3 g/L = (1e-3 / MW) mol/L
        if (mw > 0) factor = ((1e-3 / mw) * parseUnit('M').factor) / unit.factor;
      }
    } else err([...path, 'substrate'], `the substrate ${pkIn.substrate} is in ${unit.text}, which is not a mass or molar concentration`, 'give the drug substrate a unit such as ug/mL or uM');
    const administrations: Pharmacokinetics['administrations'] = [];
    pkIn.doses.forEach((d, j) => {
      const dp: PathKey[] = [...path, 'doses', j];
      const start = literal(d.start, F.timeOrZero, [...dp, 'start']);
      const mg = readDoseMg(d.dose, bsa, weight, [...dp, 'dose']);
      let duration = 0;
      if (d.kind === 'infusion') {
        if (d.duration === undefined) err(dp, 'an infusion needs duration', "add duration: e.g. '24 h'");
        else duration = literal(d.duration, F.time, [...dp, 'duration']);
      }
      let interval = 0;
      if (d.count > 1) {
        if (d.interval === undefined) err(dp, `count is ${d.count} but no interval is given`, "add interval: e.g. '1 day'");
        else interval = literal(d.interval, F.time, [...dp, 'interval']);
        if (d.kind === 'infusion' && interval > 0 && duration > interval) err([...dp, 'duration'], 'each infusion lasts longer than the interval between infusions', 'shorten duration or lengthen interval');
      }
      for (let k = 0; k < d.count; k++) {
        const t0 = start + k * interval;
        if (d.kind === 'bolus') administrations.push({ kind: 'bolus', start: t0, amount: mg });
        else if (duration > 0) administrations.push({ kind: 'infusion', start: t0, rate: mg / duration, duration });
      }
    });
    if (components) {
      pharmacokinetics.push({
        substrate: pkIn.substrate,
        coefficients: components.coefficients,
        rates: components.rates,
        administrations: administrations.sort((a, b) => a.start - b.start),
        factor,
        exchange: literal(pkIn.vascular_exchange, { ...perMin, sign: 'positive' }, [...path, 'vascular_exchange']),
        source: pkIn.source ?? '',
      });
    }
  });
  if (new Set(pharmacokinetics.map((p) => p.substrate)).size < pharmacokinetics.length) {
    err(['pharmacokinetics'], 'two pharmacokinetics entries drive the same substrate', 'give each drug one entry with all its doses');
  }

  /** Reads '100 mg/m^2', '5 mg/kg' or '50 mg' into mg. */
  function readDoseMg(text: string, bsa: number, weight: number, path: PathKey[]): number {
    const m = /^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(mg|g|ug|mg\/m\^?2|mg\/kg)\s*$/.exec(text);
    if (!m) {
      err(path, `expected a dose such as '100 mg/m^2', '5 mg/kg' or '50 mg', got '${text}'`, 'write the amount per administration with its unit');
      return 0;
    }
    const v = Number(m[1]);
    if (!(v >= 0)) {
      err(path, `a dose cannot be negative, got '${text}'`, 'give an amount of 0 or more');
      return 0;
    }
    const unit = m[2].replace('^', '');
    return unit === 'mg' ? v : unit === 'g' ? v * 1000 : unit === 'ug' ? v / 1000 : unit === 'mg/m2' ? v * bsa : v * weight;
  }

  const model: Model = {
    format: 1,
    name: input.name,
    title: input.title ?? input.name,
    description: input.description ?? '',
    nicheVolume,
    spatial,
    tEnd,
    outputInterval,
    parameters,
    substrates,
    cellTypes,
    rules,
    outputs,
    dosing,
    pharmacokinetics,
  };
  return { model, diagnostics };
}

/** The unit part of a quantity text ("0.5 1/day" -> "1/day"; "5" -> "dimensionless"). */
function quantityUnitText(text: string): string {
  const rest = text.trim().replace(/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/, '').trim();
  return rest === '' ? 'dimensionless' : rest;
}

/** True when text reads as an arithmetic expression rather than a number with a unit. */
function looksLikeExpression(text: string): boolean {
  return /[()*+]|\s[-/]\s|[A-Za-z_][A-Za-z0-9_]*_[A-Za-z0-9_]/.test(text);
}

/** The fix for a unit error: the unit list, unless the message already suggests a name. */
function unitHint(e: UnitError): string {
  return /did you mean/.test(e.message) ? "units are listed in README.md (Quantities, units and expressions), e.g. 'min', '1/day', 'ng/mL', 'um^2/min'" : e.hint;
}

/**
 * The base unit of a dimension as parsable unit text (base system: min, um, ng, nmol, cells),
 * e.g. 1/time -> "1/min", mass/volume -> "ng/um^3", dimensionless -> "dimensionless".
 */
export function baseUnitText(d: Dimension): string {
  const parts: Array<[string, number]> = [['cells', d.cells], ['nmol', d.amount], ['ng', d.mass], ['um', d.length], ['min', d.time]];
  const fmt = (n: string, e: number) => (e === 1 ? n : `${n}^${e}`);
  const num = parts.filter(([, e]) => e > 0).map(([n, e]) => fmt(n, e));
  const den = parts.filter(([, e]) => e < 0).map(([n, e]) => fmt(n, -e));
  if (num.length === 0 && den.length === 0) return 'dimensionless';
  return `${num.length ? num.join('*') : '1'}${den.length ? '/' + (den.length > 1 ? `(${den.join('*')})` : den[0]) : ''}`;
}

/** The names closest to `text` first (by edit distance), as a comma-separated hint. */
function closest(text: string, names: string[], n = 6): string {
  const t = text.toLowerCase();
  const scored = names.map((name) => ({ name, d: editDistance(t, name.toLowerCase()) }));
  scored.sort((a, b) => a.d - b.d || a.name.localeCompare(b.name));
  const shown = scored.slice(0, n).map((s) => `'${s.name}'`);
  return shown.join(', ') + (names.length > n ? ', …' : '');
}

function editDistance(a: string, b: string): number {
  const dp = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) dp[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0];
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j];
      dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length];
}
