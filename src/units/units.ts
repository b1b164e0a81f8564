/**
 * Unit parsing and conversion.
 *
 * Base system (factor 1): time in minutes, length in micrometres, mass in nanograms,
 * amount in nanomoles, cells in cells. Every canonical simulator unit
 * (min, um, um^2/min, 1/min, um^3, cells, cells/min) has factor 1 in this system.
 */
import {
  type Dimension,
  DIMENSIONLESS,
  describeDimension,
  dimensionNoun,
  makeDimension,
  multiplyDimensions,
  powDimension,
  sameDimension,
} from './dimension.js';
import { closestNames, didYouMean } from './suggest.js';

/**
 * A parsed unit. `factor` multiplies a value in this unit to get the value in the base
 * system (min, um, ng, nmol, cells); `text` is the unit as written (trimmed).
 * `ratio`, when present, is the same factor as an exact fraction [numerator, denominator]
 * used to keep conversions such as 1 day -> 1440 min exact; hand-made Units may omit it.
 */
export interface Unit {
  factor: number;
  dimension: Dimension;
  text: string;
  ratio?: readonly [number, number];
}

/** Error raised for unknown units, malformed unit text and dimension mismatches. `hint` suggests a fix ('' if none). */
export class UnitError extends Error {
  /** A suggestion for the user, e.g. "did you mean 'min'?"; '' when there is none. */
  readonly hint: string;
  constructor(message: string, hint = '') {
    super(message);
    this.name = 'UnitError';
    this.hint = hint;
  }
}

// ---------------------------------------------------------------------------
// Exact fractions (best effort: exact while numerator and denominator stay safe integers)

type Ratio = readonly [number, number];

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

function reduce(n: number, d: number): Ratio {
  if (Number.isSafeInteger(n) && Number.isSafeInteger(d) && d !== 0) {
    const g = gcd(Math.abs(n), Math.abs(d));
    if (g > 1) return [n / g, d / g];
  }
  return [n, d];
}

function mulRatio(a: Ratio, b: Ratio): Ratio {
  return reduce(a[0] * b[0], a[1] * b[1]);
}

function powRatio(a: Ratio, p: number): Ratio {
  const n = Math.pow(a[0], Math.abs(p));
  const d = Math.pow(a[1], Math.abs(p));
  return p >= 0 ? reduce(n, d) : reduce(d, n);
}

function ratioOf(u: Unit): Ratio {
  const r = u.ratio;
  // Ignore a stale ratio (e.g. a Unit spread with a different factor).
  if (r && Math.abs(r[0] / r[1] - u.factor) <= 1e-12 * Math.abs(u.factor)) return r;
  return [u.factor, 1];
}

// ---------------------------------------------------------------------------
// Unit table

interface UnitDef {
  names: string[];
  ratio: Ratio;
  dim: Partial<Dimension>;
  family: string;
}

const T = { time: 1 };
const L = { length: 1 };
const V = { length: 3 };
const MASS = { mass: 1 };
const AMOUNT = { amount: 1 };
const MOLAR = { amount: 1, length: -3 };
const CELLS = { cells: 1 };
const NONE = {};

const UNIT_DEFS: UnitDef[] = [
  { family: 'time', names: ['ms', 'millisecond', 'milliseconds'], ratio: [1, 60000], dim: T },
  { family: 'time', names: ['s', 'sec', 'secs', 'second', 'seconds'], ratio: [1, 60], dim: T },
  { family: 'time', names: ['min', 'mins', 'minute', 'minutes'], ratio: [1, 1], dim: T },
  { family: 'time', names: ['h', 'hr', 'hrs', 'hour', 'hours'], ratio: [60, 1], dim: T },
  { family: 'time', names: ['d', 'day', 'days'], ratio: [1440, 1], dim: T },
  { family: 'time', names: ['week', 'weeks', 'wk', 'wks'], ratio: [10080, 1], dim: T },
  { family: 'time', names: ['month', 'months'], ratio: [43830, 1], dim: T }, // 30.4375 d
  { family: 'time', names: ['year', 'years', 'yr', 'yrs'], ratio: [525960, 1], dim: T }, // 365.25 d
  { family: 'length', names: ['nm', 'nanometre', 'nanometer', 'nanometres', 'nanometers'], ratio: [1, 1000], dim: L },
  {
    family: 'length',
    names: ['um', 'µm', 'μm', 'micron', 'microns', 'micrometre', 'micrometer', 'micrometres', 'micrometers'],
    ratio: [1, 1],
    dim: L,
  },
  { family: 'length', names: ['mm', 'millimetre', 'millimeter', 'millimetres', 'millimeters'], ratio: [1000, 1], dim: L },
  { family: 'length', names: ['cm', 'centimetre', 'centimeter', 'centimetres', 'centimeters'], ratio: [1e4, 1], dim: L },
  { family: 'length', names: ['m', 'metre', 'meter', 'metres', 'meters'], ratio: [1e6, 1], dim: L },
  { family: 'volume', names: ['L', 'l', 'litre', 'liter', 'litres', 'liters'], ratio: [1e15, 1], dim: V },
  { family: 'volume', names: ['mL', 'ml'], ratio: [1e12, 1], dim: V },
  { family: 'volume', names: ['uL', 'ul', 'µL', 'μL', 'µl', 'μl'], ratio: [1e9, 1], dim: V },
  { family: 'volume', names: ['nL', 'nl'], ratio: [1e6, 1], dim: V },
  { family: 'volume', names: ['pL', 'pl'], ratio: [1e3, 1], dim: V },
  { family: 'volume', names: ['fL', 'fl'], ratio: [1, 1], dim: V },
  { family: 'mass', names: ['kg'], ratio: [1e12, 1], dim: MASS },
  { family: 'mass', names: ['g'], ratio: [1e9, 1], dim: MASS },
  { family: 'mass', names: ['mg'], ratio: [1e6, 1], dim: MASS },
  { family: 'mass', names: ['ug', 'µg', 'μg', 'mcg'], ratio: [1e3, 1], dim: MASS },
  { family: 'mass', names: ['ng'], ratio: [1, 1], dim: MASS },
  { family: 'mass', names: ['pg'], ratio: [1, 1e3], dim: MASS },
  { family: 'mass', names: ['fg'], ratio: [1, 1e6], dim: MASS },
  { family: 'amount', names: ['mol'], ratio: [1e9, 1], dim: AMOUNT },
  { family: 'amount', names: ['mmol'], ratio: [1e6, 1], dim: AMOUNT },
  { family: 'amount', names: ['umol', 'µmol', 'μmol'], ratio: [1e3, 1], dim: AMOUNT },
  { family: 'amount', names: ['nmol'], ratio: [1, 1], dim: AMOUNT },
  { family: 'amount', names: ['pmol'], ratio: [1, 1e3], dim: AMOUNT },
  { family: 'amount', names: ['fmol'], ratio: [1, 1e6], dim: AMOUNT },
  // molar = mol/L = 1e9 nmol / 1e15 um^3
  { family: 'molar', names: ['M'], ratio: [1, 1e6], dim: MOLAR },
  { family: 'molar', names: ['mM'], ratio: [1, 1e9], dim: MOLAR },
  { family: 'molar', names: ['uM', 'µM', 'μM'], ratio: [1, 1e12], dim: MOLAR },
  { family: 'molar', names: ['nM'], ratio: [1, 1e15], dim: MOLAR },
  { family: 'molar', names: ['pM'], ratio: [1, 1e18], dim: MOLAR },
  { family: 'molar', names: ['fM'], ratio: [1, 1e21], dim: MOLAR },
  { family: 'cells', names: ['cells', 'cell'], ratio: [1, 1], dim: CELLS },
  { family: 'dimensionless', names: ['dimensionless', 'none', 'fold'], ratio: [1, 1], dim: NONE },
  { family: 'dimensionless', names: ['%', 'percent'], ratio: [1, 100], dim: NONE },
];

interface UnitEntry {
  ratio: Ratio;
  dimension: Dimension;
}

const EXACT = new Map<string, UnitEntry>();
const CASELESS = new Map<string, UnitEntry | null>(); // null = ambiguous
for (const def of UNIT_DEFS) {
  const entry: UnitEntry = { ratio: def.ratio, dimension: Object.freeze(makeDimension(def.dim)) };
  for (const name of def.names) {
    EXACT.set(name, entry);
    if (name.length >= 3) {
      const low = name.toLowerCase();
      const prev = CASELESS.get(low);
      CASELESS.set(low, prev === undefined || prev === entry ? entry : null);
    }
  }
}

/** All unit names accepted by {@link parseUnit} (aliases included), in table order. */
export const KNOWN_UNIT_NAMES: readonly string[] = Object.freeze(UNIT_DEFS.flatMap((d) => d.names));

function knownUnitsSummary(): string {
  const byFamily = new Map<string, string[]>();
  for (const d of UNIT_DEFS) {
    const list = byFamily.get(d.family) ?? [];
    list.push(d.names[0]);
    byFamily.set(d.family, list);
  }
  return (
    'known units: ' +
    [...byFamily].map(([f, names]) => `${f} ${names.join(', ')}`).join('; ') +
    "; combine with '*', '/', '^' (e.g. 'um^2/min', 'ng/mL', '1/day')"
  );
}

function lookupName(name: string): UnitEntry | undefined {
  const exact = EXACT.get(name);
  if (exact) return exact;
  if (name.length >= 3) {
    const c = CASELESS.get(name.toLowerCase());
    if (c) return c;
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// Unit expression parser

type TokKind = 'name' | 'int' | 'sup' | 'mul' | 'div' | 'pow' | 'minus' | 'plus' | 'lparen' | 'rparen' | 'end';
interface Tok {
  kind: TokKind;
  text: string;
  pos: number;
  /** True when the token directly follows the previous one (no whitespace). */
  glued: boolean;
  value: number;
}

const SUPERSCRIPT_DIGITS = '⁰¹²³⁴⁵⁶⁷⁸⁹';
const NAME_START = /[A-Za-zµμ%_]/;
const NAME_CHAR = /[A-Za-zµμ_]/;

function tokenizeUnit(text: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  let glued = false;
  const push = (kind: TokKind, t: string, pos: number, value = 0): void => {
    toks.push({ kind, text: t, pos, glued, value });
    glued = true;
  };
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
      glued = false;
      continue;
    }
    const start = i;
    if (c === '%') {
      push('name', '%', start);
      i++;
    } else if (NAME_START.test(c)) {
      i++;
      while (i < text.length && NAME_CHAR.test(text[i])) i++;
      push('name', text.slice(start, i), start);
    } else if (/[0-9]/.test(c)) {
      while (i < text.length && /[0-9]/.test(text[i])) i++;
      push('int', text.slice(start, i), start, Number(text.slice(start, i)));
    } else if (c === '⁻' || SUPERSCRIPT_DIGITS.includes(c)) {
      let sign = 1;
      if (c === '⁻') {
        sign = -1;
        i++;
      }
      let v = '';
      while (i < text.length && SUPERSCRIPT_DIGITS.includes(text[i])) v += String(SUPERSCRIPT_DIGITS.indexOf(text[i++]));
      if (v === '') throw new UnitError(`unexpected '${c}' in '${text}'`, "write powers as '^-1', e.g. 'min^-1'");
      push('sup', text.slice(start, i), start, sign * Number(v));
    } else if (c === '*' && text[i + 1] === '*') {
      push('pow', '**', start);
      i += 2;
    } else if (c === '*' || c === '.' || c === '·') {
      push('mul', c, start);
      i++;
    } else if (c === '/') {
      push('div', c, start);
      i++;
    } else if (c === '^') {
      push('pow', c, start);
      i++;
    } else if (c === '-' || c === '−') {
      push('minus', c, start);
      i++;
    } else if (c === '+') {
      push('plus', c, start);
      i++;
    } else if (c === '(') {
      push('lparen', c, start);
      i++;
    } else if (c === ')') {
      push('rparen', c, start);
      i++;
    } else {
      throw new UnitError(`unexpected character '${c}' in '${text}'`, knownUnitsSummary());
    }
  }
  toks.push({ kind: 'end', text: '', pos: text.length, glued, value: 0 });
  return toks;
}

interface Acc {
  ratio: Ratio;
  dimension: Dimension;
}

class UnitParser {
  private i = 0;
  constructor(
    private readonly text: string,
    private readonly toks: Tok[],
  ) {}

  private peek(): Tok {
    return this.toks[this.i];
  }

  private next(): Tok {
    return this.toks[this.i++];
  }

  private unexpected(t: Tok): never {
    if (t.kind === 'end') {
      throw new UnitError(`unexpected end of unit '${this.text}'`, "a unit is expected after '*', '/' or '^'");
    }
    throw new UnitError(`unexpected '${t.text}' in '${this.text}'`, "examples of valid units: 'um^2/min', 'ng/mL', '1/day', 'min^-1'");
  }

  parseAll(): Acc {
    if (this.peek().kind === 'end') return { ratio: [1, 1], dimension: DIMENSIONLESS };
    const acc = this.product();
    const t = this.peek();
    if (t.kind !== 'end') this.unexpected(t);
    return acc;
  }

  private startsTerm(t: Tok): boolean {
    return t.kind === 'name' || t.kind === 'lparen' || t.kind === 'int';
  }

  private product(): Acc {
    let acc = this.term();
    for (;;) {
      const t = this.peek();
      if (t.kind === 'mul') {
        this.next();
        acc = combine(acc, this.term(), 1);
      } else if (t.kind === 'div') {
        this.next();
        acc = combine(acc, this.term(), -1);
      } else if (this.startsTerm(t)) {
        acc = combine(acc, this.term(), 1);
      } else {
        return acc;
      }
    }
  }

  private term(): Acc {
    const t = this.peek();
    let base: Acc;
    if (t.kind === 'name') {
      this.next();
      const entry = lookupName(t.text);
      if (!entry) {
        const close = closestNames(t.text, KNOWN_UNIT_NAMES);
        const dym = didYouMean(close);
        throw new UnitError(
          `unknown unit '${t.text}' in '${this.text}'${dym ? `; ${dym}` : ''}`,
          dym || knownUnitsSummary(),
        );
      }
      base = { ratio: entry.ratio, dimension: entry.dimension };
      // glued exponent: um2, mm3, min-1
      const n = this.peek();
      if (n.glued && n.kind === 'int') {
        this.next();
        return powAcc(base, n.value);
      }
      if (n.glued && n.kind === 'minus' && this.toks[this.i + 1].kind === 'int' && this.toks[this.i + 1].glued) {
        this.next();
        return powAcc(base, -this.next().value);
      }
    } else if (t.kind === 'int') {
      this.next();
      if (t.value !== 1) {
        throw new UnitError(
          `unexpected number '${t.text}' in '${this.text}'`,
          "only '1' may appear as a unit factor (e.g. '1/min'); put numbers in the value",
        );
      }
      base = { ratio: [1, 1], dimension: DIMENSIONLESS };
    } else if (t.kind === 'lparen') {
      this.next();
      base = this.product();
      const close = this.next();
      if (close.kind !== 'rparen') {
        if (close.kind === 'end') throw new UnitError(`missing ')' in '${this.text}'`);
        this.unexpected(close);
      }
    } else {
      this.unexpected(t);
    }
    const p = this.peek();
    if (p.kind === 'pow') {
      this.next();
      return powAcc(base, this.signedInt());
    }
    if (p.kind === 'sup') {
      this.next();
      return powAcc(base, p.value);
    }
    return base;
  }

  private signedInt(): number {
    const t = this.next();
    if (t.kind === 'lparen') {
      const v = this.signedInt();
      const c = this.next();
      if (c.kind !== 'rparen') this.unexpected(c);
      return v;
    }
    if (t.kind === 'minus' || t.kind === 'plus') {
      const n = this.next();
      if (n.kind !== 'int') this.unexpected(n);
      return t.kind === 'minus' ? -n.value : n.value;
    }
    if (t.kind !== 'int') this.unexpected(t);
    return t.value;
  }
}

function powAcc(a: Acc, p: number): Acc {
  return { ratio: powRatio(a.ratio, p), dimension: powDimension(a.dimension, p) };
}

function combine(a: Acc, b: Acc, sign: 1 | -1): Acc {
  const bb = sign === 1 ? b : powAcc(b, -1);
  return { ratio: mulRatio(a.ratio, bb.ratio), dimension: multiplyDimensions(a.dimension, bb.dimension) };
}

const cache = new Map<string, Unit>();

/**
 * Parses a unit expression such as "um^2/min", "1/day", "min^-1", "ng/(mL*min)", "cells/mm^3",
 * "mg/m^2", "0.3"-free forms only (no numeric factors other than "1").
 * Products: '*', '.', '·' or juxtaposition; quotients: '/' (left-associative, so
 * "ng/mL/min" = "ng/(mL*min)"); powers: '^' or '**' with an optionally negative integer,
 * a superscript (µm², s⁻¹) or digits glued to a name ("um2", "min-1").
 * "", "1", "dimensionless", "none", "fold" are dimensionless; "%" is 0.01.
 * Names are case-sensitive ("mM" vs "mm"); names of 3+ letters also match case-insensitively
 * ("Hours", "Cells").
 * @returns a Unit whose `factor` converts to the base system (min, um, ng, nmol, cells) and
 *   whose `text` is the trimmed input.
 * @throws UnitError for unknown names ("unknown unit 'mn' in 'ng/mn'; did you mean 'min'?") or bad syntax.
 */
export function parseUnit(text: string): Unit {
  const trimmed = text.trim();
  const hit = cache.get(trimmed);
  if (hit) return hit;
  const acc = new UnitParser(trimmed, tokenizeUnit(trimmed)).parseAll();
  const unit: Unit = Object.freeze({
    factor: acc.ratio[0] / acc.ratio[1],
    dimension: Object.freeze(acc.dimension),
    text: trimmed,
    ratio: Object.freeze([acc.ratio[0], acc.ratio[1]] as const),
  });
  if (cache.size < 1000) cache.set(trimmed, unit);
  return unit;
}

function unitLabel(u: Unit): string {
  return u.text === '' ? 'a bare number (dimensionless)' : `'${u.text}' (${describeDimension(u.dimension)})`;
}

/**
 * Converts `value` expressed in `from` into `to`.
 * @throws UnitError "cannot convert 'ng/mL' (mass/volume) to 'min' (time)" when the dimensions differ.
 */
export function convert(value: number, from: Unit, to: Unit): number {
  if (!sameDimension(from.dimension, to.dimension)) {
    throw new UnitError(
      `cannot convert ${unitLabel(from)} to ${unitLabel(to)}`,
      `${unitLabel(from)} and ${unitLabel(to)} measure different things`,
    );
  }
  if (from === to) return value;
  const f = ratioOf(from);
  const t = ratioOf(to);
  const r = reduce(f[0] * t[1], f[1] * t[0]);
  if (r[1] === 1) return value * r[0];
  if (r[0] === 1) return value / r[1];
  return (value * r[0]) / r[1];
}

function u(text: string): Unit {
  return parseUnit(text);
}

/**
 * Canonical simulator units, each with factor 1 in the base system:
 * minute (min), um, um2PerMin (um^2/min), perMin (1/min), um3 (um^3), cells,
 * cellsPerMin (cells/min), dimensionless (text "1").
 */
export const UNITS = Object.freeze({
  minute: u('min'),
  um: u('um'),
  um2PerMin: u('um^2/min'),
  perMin: u('1/min'),
  um3: u('um^3'),
  cells: u('cells'),
  cellsPerMin: u('cells/min'),
  dimensionless: u('1'),
});

const NUMBER_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/;
const NONFINITE_RE = /^[+-]?(?:nan|inf|infinity)(?![A-Za-z0-9_])/i;

/**
 * Parses "<number> [unit]", e.g. "48 h", "2 day", "1e5 um^2/min", "0.3 uM", "-1.5e-3 1/min",
 * "5" (dimensionless), "48h", "0.1/h" (a unit starting with '/' means "1/...").
 * The number uses JS float syntax (sign, decimals, exponent).
 * @returns null when the text does not start with a number (so the caller can treat it as an expression).
 * @throws UnitError when it starts with a number but the rest is not a valid unit, and for
 *   "NaN", "Infinity" or numbers that overflow to ±Infinity.
 */
export function parseQuantity(text: string): { value: number; unit: Unit } | null {
  const s = text.trim();
  if (NONFINITE_RE.test(s)) throw new UnitError(`not a finite number: '${s}'`, 'quantities must be finite numbers');
  const m = NUMBER_RE.exec(s);
  if (!m) return null;
  const value = Number(m[0]);
  if (!Number.isFinite(value)) throw new UnitError(`not a finite number: '${m[0]}'`, 'quantities must be finite numbers');
  let rest = s.slice(m[0].length).trim();
  if (rest.startsWith('/')) rest = `1${rest}`;
  return { value, unit: parseUnit(rest) };
}

/**
 * Converts a quantity to the canonical unit of `expected` (the base system: min, um, um^2/min,
 * 1/min, um^3, cells, cells/min; ng, nmol for other dimensions).
 * @param fieldDescription what the value is (e.g. "macrophage half-life"); prefixed to errors as "<field>: ".
 * @throws UnitError "<field>: expected a time (e.g. '48 h'), got 'ng/mL' (mass/volume)" when the dimension differs.
 */
export function toCanonical(q: { value: number; unit: Unit }, expected: Dimension, fieldDescription: string): number {
  if (!sameDimension(q.unit.dimension, expected)) {
    const prefix = fieldDescription ? `${fieldDescription}: ` : '';
    throw new UnitError(
      `${prefix}expected ${dimensionNoun(expected)}, got ${unitLabel(q.unit)}`,
      `give ${fieldDescription || 'the value'} in units of ${describeDimension(expected)}`,
    );
  }
  const r = ratioOf(q.unit);
  if (r[1] === 1) return q.value * r[0];
  if (r[0] === 1) return q.value / r[1];
  return (q.value * r[0]) / r[1];
}
