/**
 * Editable parameters: shown and typed in the unit the model wrote them in, checked against
 * their declared range, and turned into overrides in base units for the engine.
 */
import type { Model } from '../../../src/model/model.js';
import { parseUnit } from '../../../src/units/index.js';
import type { SbmlDocument } from '../../../src/interop/sbml/document.js';

/** One parameter as the Model view shows it. Values and range are in `unit`. */
export interface ParamInfo {
  name: string;
  /** Unit the value is shown and typed in ('' for none). */
  unit: string;
  /** Default value in `unit`. */
  value: number;
  range: [number, number] | null;
  /** Factor from `unit` to the base unit the engine takes. */
  factor: number;
  source: string;
  description: string;
  estimate: boolean;
}

/** Removes floating-point noise (12 significant digits). */
export function tidy(x: number): number {
  return Number(x.toPrecision(12));
}

/** The parameters of a nichesim model, in the units the file wrote them in. */
export function modelParameters(model: Model): ParamInfo[] {
  return Object.values(model.parameters).map((p) => {
    let factor = 1;
    try {
      factor = parseUnit(p.declaredUnit).factor;
    } catch {
      factor = 1;
    }
    const unit = p.declaredUnit === 'dimensionless' ? '' : p.declaredUnit;
    return {
      name: p.name,
      unit,
      value: tidy(p.value / factor),
      range: p.range ? [tidy(p.range[0] / factor), tidy(p.range[1] / factor)] : null,
      factor,
      source: p.source,
      description: p.description,
      estimate: p.estimate,
    };
  });
}

/** The constant parameters of an SBML model (values as declared). */
export function sbmlParameters(doc: SbmlDocument): ParamInfo[] {
  return doc.parameters
    .filter((p) => p.constant && p.value !== null)
    .map((p) => ({ name: p.id, unit: '', value: p.value as number, range: null, factor: 1, source: 'SBML file', description: '', estimate: false }));
}

/** The result of checking one typed value: a usable value (with a warning when outside its range) or an error. */
export type ParamCheck = { ok: true; base: number; warning?: string } | { ok: false; error: string };

/**
 * Checks a typed value: a finite number. A value outside the parameter's range is used, with a
 * warning (as the CLI does).
 */
export function checkParamText(p: ParamInfo, text: string): ParamCheck {
  const t = text.trim();
  if (t === '') return { ok: false, error: `enter a number${p.unit ? ` in ${p.unit}` : ''}` };
  const x = Number(t);
  if (!Number.isFinite(x)) return { ok: false, error: `'${t}' is not a number${p.unit ? ` (the value is in ${p.unit})` : ''}` };
  if (p.range && (x < p.range[0] || x > p.range[1])) {
    return { ok: true, base: x * p.factor, warning: `${t} is outside the range ${p.range[0]} to ${p.range[1]}${p.unit ? ' ' + p.unit : ''}; the run uses it` };
  }
  return { ok: true, base: x * p.factor };
}

/** Overrides (base units), the errors of the typed values and the warnings (out of range, used), by parameter name. */
export function overridesOf(params: ParamInfo[], texts: Record<string, string>): { values: Record<string, number>; errors: Record<string, string>; warnings: Record<string, string> } {
  const values: Record<string, number> = {};
  const errors: Record<string, string> = {};
  const warnings: Record<string, string> = {};
  for (const p of params) {
    const text = texts[p.name];
    if (text === undefined) continue;
    const c = checkParamText(p, text);
    if (c.ok) {
      values[p.name] = c.base;
      if (c.warning) warnings[p.name] = c.warning;
    } else errors[p.name] = c.error;
  }
  return { values, errors, warnings };
}
