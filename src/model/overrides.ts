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
 * A bare number is taken in the parameter's base unit (shown by `nichesim validate`).
 * @throws OverrideError naming the text, what was expected and the fix
 */
export function parseOverrides(model: Model, texts: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const text of texts) {
    const eq = text.indexOf('=');
    if (eq <= 0) throw new OverrideError(`--set '${text}': expected name=value, e.g. --set k_msc_pge2='0.5 1/min'`);
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
    if (bare) out[name] = q.value;
    else {
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
