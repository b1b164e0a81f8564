/**
 * Rules as English sentences (layer 2), in the style of PhysiCell's rule rendering, with values
 * in units people read: rates per day, times in hours, concentrations in the substrate's unit.
 *
 * Example: "In M0 macrophage, PGE2 increases transform to M2 macrophage from 0 towards
 * 2.88 1/day (Hill response: half-max 1 ng/mL, Hill power 2)."
 */
import type { Model, Rule } from '../model/model.js';
import { formatNumber } from '../units/index.js';
import { behaviourQuantity } from '../vocabulary/behaviours.js';
import type { CompiledModel } from './compile.js';

/** A rule rendered for people, with its evidence ids. */
export interface RuleSentence {
  cellType: string;
  sentence: string;
  evidence: string[];
}

/**
 * Renders every rule of a model.
 * @param model the normalised model (names, labels, units)
 * @param compiled the same model compiled (base values and evaluated saturations)
 */
export function ruleSentences(model: Model, compiled: CompiledModel): RuleSentence[] {
  const labelOfType = new Map(model.cellTypes.map((c) => [c.name, c.label]));
  const labelOfSubstrate = new Map(model.substrates.map((s) => [s.name, s.label]));
  const unitOfSubstrate = new Map(model.substrates.map((s) => [s.name, s.unit]));
  const L = compiled.layout;
  return model.rules.map((r) => {
    const ct = compiled.cellTypes[L.cellType(r.cellType)];
    const bIndex = L.behaviourIndex(r.behaviour);
    const base = ct.base[bIndex];
    const resp = ct.responses.find((x) => x.behaviour === bIndex);
    const limit = r.direction === 'increases' ? resp?.upLimit : resp?.downLimit;
    const { halfMax, hillPower } = termOf(r, compiled);
    const unit = behaviourUnit(r, unitOfSubstrate);
    const signalText = signalWords(r, labelOfType, labelOfSubstrate);
    const behaviourText = behaviourWords(r, labelOfType, labelOfSubstrate);
    const signalUnit = signalUnitOf(r, unitOfSubstrate);
    const sentence =
      `In ${labelOfType.get(r.cellType) ?? r.cellType}, ${signalText} ${r.direction} ${behaviourText}` +
      ` from ${show(base, unit)} towards ${show(limit ?? NaN, unit)}` +
      ` (Hill response: half-max ${formatNumber(halfMax)}${signalUnit ? ' ' + signalUnit : ''}, Hill power ${formatNumber(hillPower)})` +
      (r.appliesToDead ? '; applies to dead cells' : '') +
      '.';
    return { cellType: r.cellType, sentence, evidence: r.evidence };
  });
}

function termOf(r: Rule, compiled: CompiledModel): { halfMax: number; hillPower: number } {
  const L = compiled.layout;
  const ct = compiled.cellTypes[L.cellType(r.cellType)];
  const resp = ct.responses.find((x) => x.behaviour === L.behaviourIndex(r.behaviour));
  const terms = r.direction === 'increases' ? resp?.up : resp?.down;
  const t = terms?.find((x) => x.signal === L.signalIndex(r.signal));
  return { halfMax: t?.halfMax ?? NaN, hillPower: t?.hillPower ?? NaN };
}

type DisplayUnit = { factor: number; label: string };

function behaviourUnit(r: Rule, unitOfSubstrate: Map<string, string>): DisplayUnit {
  const kind = r.behaviour.kind;
  if (kind === 'secretion' || kind === 'uptake') return { factor: 1, label: '1/min' };
  switch (behaviourQuantity(r.behaviour)) {
    case 'rate':
      return { factor: 1440, label: '1/day' };
    case 'influx':
      return { factor: 1440, label: 'cells/day' };
    case 'time':
      return { factor: 1 / 60, label: 'h' };
    case 'speed':
      return { factor: 1, label: 'um/min' };
    case 'concentration':
      return { factor: 1, label: unitOfSubstrate.get((r.behaviour as { substrate: string }).substrate) ?? '' };
    case 'export':
      return { factor: 1, label: `(${unitOfSubstrate.get((r.behaviour as { substrate: string }).substrate) ?? ''}) um^3/min` };
    default:
      return { factor: 1, label: '' };
  }
}

function show(v: number, u: DisplayUnit): string {
  const n = formatNumber(v * u.factor);
  return u.label ? `${n} ${u.label}` : n;
}

function signalUnitOf(r: Rule, unitOfSubstrate: Map<string, string>): string {
  switch (r.signal.kind) {
    case 'substrate':
      return unitOfSubstrate.get(r.signal.substrate) ?? '';
    case 'volume':
      return 'um^3';
    case 'time':
      return 'min';
    default:
      return '';
  }
}

function signalWords(r: Rule, types: Map<string, string>, subs: Map<string, string>): string {
  const s = r.signal;
  switch (s.kind) {
    case 'substrate':
      return subs.get(s.substrate) ?? s.substrate;
    case 'contact with':
      return `contact with ${types.get(s.cellType) ?? s.cellType}`;
    default:
      return s.kind;
  }
}

function behaviourWords(r: Rule, types: Map<string, string>, subs: Map<string, string>): string {
  const b = r.behaviour;
  switch (b.kind) {
    case 'secretion':
    case 'secretion target':
    case 'uptake':
    case 'export':
      return `${subs.get(b.substrate) ?? b.substrate} ${b.kind}`;
    case 'chemotactic response':
      return `chemotactic response to ${subs.get(b.substrate) ?? b.substrate}`;
    case 'transform to':
    case 'phagocytose':
    case 'attack':
      return `${b.kind} ${types.get(b.cellType) ?? b.cellType}`;
    default:
      return b.kind;
  }
}

/** Every evidence id cited by a model's rules, with the rules citing it (for checks). */
export function citedEvidence(model: Model): Map<string, number[]> {
  const out = new Map<string, number[]>();
  model.rules.forEach((r, i) => {
    for (const id of r.evidence) out.set(id, [...(out.get(id) ?? []), i]);
  });
  return out;
}
