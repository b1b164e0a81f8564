/**
 * Parameter values as people write them (layer 4). Every parameter has a display unit: the unit
 * its value is written in in the model file (e.g. 1/day for blast_cycle_entry, whose base unit
 * is 1/min). Analysis specs and output tables use the display unit: a bare number in a spec is in
 * the display unit, a number with a unit is converted.
 */
import type { Parameter } from '../model/model.js';
import { describeDimension, parseQuantity, parseUnit, sameDimension, UnitError } from '../units/index.js';

export interface DisplayUnit {
  /** Unit label ('' for dimensionless). */
  label: string;
  /** Multiplies a display value to give the base value. */
  factor: number;
}

/** The unit a parameter's value is written in, in the model file. */
export function displayUnit(p: Parameter): DisplayUnit {
  try {
    const q = parseQuantity(p.written);
    if (q && q.unit.text !== '' && q.unit.text !== '1' && Number.isFinite(q.unit.factor) && q.unit.factor > 0) return { label: q.unit.text, factor: q.unit.factor };
    if (q) return { label: p.unit === 'dimensionless' ? '' : p.unit, factor: 1 };
  } catch {
    /* fall through to the base unit */
  }
  return { label: p.unit === 'dimensionless' ? '' : p.unit, factor: 1 };
}

/**
 * A parameter value from a spec: a number (display unit) or text with an optional unit.
 * @returns the value in the base unit, or an error message
 */
export function parseParamValue(p: Parameter, input: number | string): { value: number } | { error: string } {
  const du = displayUnit(p);
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return { error: `expected a finite number, got ${input}` };
    return { value: input * du.factor };
  }
  let q;
  try {
    q = parseQuantity(input);
  } catch (e) {
    return { error: e instanceof UnitError ? e.message : String(e) };
  }
  if (!q) return { error: `expected a number with an optional unit, e.g. '0.1${du.label ? ' ' + du.label : ''}', got '${input}'` };
  if (q.unit.text === '' || q.unit.text === '1') return { value: q.value * du.factor };
  let base;
  try {
    base = parseUnit(p.unit === 'dimensionless' ? '1' : p.unit);
  } catch {
    return { error: `cannot check the unit of '${p.name}' (${p.unit})` };
  }
  if (!sameDimension(q.unit.dimension, base.dimension)) {
    return { error: `'${p.name}' is ${describeDimension(base.dimension)} (${du.label || 'dimensionless'}) but '${input}' is ${describeDimension(q.unit.dimension)}` };
  }
  return { value: q.value * q.unit.factor };
}

/** A time text such as '180 day' or '48 h' in minutes, or an error message. */
export function parseTimeText(input: number | string): { value: number } | { error: string } {
  if (typeof input === 'number') return { error: `a time needs a unit, e.g. '${input} day'` };
  let q;
  try {
    q = parseQuantity(input);
  } catch (e) {
    return { error: e instanceof UnitError ? e.message : String(e) };
  }
  const d = q?.unit.dimension;
  if (!q || !d || d.time !== 1 || d.length || d.mass || d.amount || d.cells) return { error: `expected a time such as '180 day' or '48 h', got '${input}'` };
  if (!(q.value > 0)) return { error: `the time must be positive, got '${input}'` };
  return { value: q.value * q.unit.factor };
}

/** Formats a number with `digits` significant digits, without trailing noise. */
export function fmt(x: number | null | undefined, digits = 4): string {
  if (x === null || x === undefined) return '';
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e6 || a < 1e-4) return x.toExponential(digits - 1).replace(/\.?0+e/, 'e');
  return String(Number(x.toPrecision(digits)));
}
