/**
 * Parameter overrides written as text, e.g. `--set k_pge2=0.5 1/day` (layer 1).
 */
import { describeDimension, parseQuantity, parseUnit, sameDimension, UnitError } from '../units/index.js';
import type { Model } from './model.js';

/** Raised for an override that names no parameter or has the wrong unit. */
export class OverrideError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OverrideError';
  }
}

/**
 * Parses `name=value` texts into parameter values in each parameter's base unit.
 * A bare number is taken in the unit the model file wrote the parameter in (e.g. 1/day).
 * @throws OverrideError naming the text, what was expected and the fix
 */
export function parseOverrides(model: Model, texts: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const text of texts) {
    const eq = text.indexOf('=');
    if (eq <= 0) throw new OverrideError(`--set '${text}': expected name=value, e.g. --set 'pge2_secretion_licensed=0.2 1/min'`);
    const name = text.slice(0, eq).trim();
    const valueText = text.slice(eq + 1).trim();
    const p = model.parameters[name];
    if (!p) {
      const known = Object.keys(model.parameters);
      throw new OverrideError(`--set '${text}': the model has no parameter '${name}' (known: ${known.slice(0, 12).join(', ')}${known.length > 12 ? ', …' : ''})`);
    }
    let q;
    try {
      q = parseQuantity(valueText);
    } catch (e) {
      if (e instanceof UnitError) throw new OverrideError(`--set '${text}': ${e.message}`);
      throw e;
    }
    if (!q) throw new OverrideError(`--set '${text}': expected a number with an optional unit, got '${valueText}'`);
    const bare = !/[A-Za-z%µμ]/.test(valueText.replace(/^[-+0-9.eE]+/, ''));
    if (bare) {
      // A bare number is read in the unit the model wrote the parameter in.
      out[name] = q.value * parseUnit(p.declaredUnit).factor;
    } else {
      const expected = parseUnitOf(p.unit);
      if (expected && !sameDimension(q.unit.dimension, expected)) {
        throw new OverrideError(`--set '${text}': '${name}' is ${p.unit} but '${valueText}' is ${describeDimension(q.unit.dimension)}`);
      }
      out[name] = q.value * q.unit.factor;
    }
  }
  return out;
}

function parseUnitOf(label: string) {
  try {
    return parseUnit(label).dimension;
  } catch {
    return null;
  }
}

/**
 * Warnings for override values outside a parameter's declared range (the run still happens).
 * @param values overrides in base units (from parseOverrides)
 */
export function overrideWarnings(model: Model, values: Record<string, number>): string[] {
  const out: string[] = [];
  for (const [name, v] of Object.entries(values)) {
    const p = model.parameters[name];
    if (!p || !p.range) continue;
    if (v < p.range[0] || v > p.range[1]) {
      const f = parseUnit(p.declaredUnit).factor;
      out.push(`--set ${name}: ${tidy(v / f)} ${p.declaredUnit} lies outside the model's range [${tidy(p.range[0] / f)}, ${tidy(p.range[1] / f)}] ${p.declaredUnit} (source: ${p.source})`);
    }
  }
  return out;
}

/** Parameter values in the units the model wrote them in, as "value unit" texts (for manifests). */
export function parametersAsWritten(model: Model, values: Record<string, number>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(values)) {
    const p = model.parameters[name];
    const unit = p ? p.declaredUnit : 'dimensionless';
    const f = p ? parseUnit(unit).factor : 1;
    out[name] = unit === 'dimensionless' ? `${tidy(v / f)}` : `${tidy(v / f)} ${unit}`;
  }
  return out;
}

/** Removes floating-point noise from a converted value (12 significant digits). */
function tidy(x: number): number {
  return Number(x.toPrecision(12));
}
