/**
 * Schedules (layer 4): an intervention's regimen (doses within one cycle) expanded over a
 * scenario's cycles into single administrations, with the checks a schedule needs — doses with
 * units, positive durations, and no two infusions of the same drug at once.
 *
 * Times are in minutes here. Bare numbers written in scenario files are days (see `readTime`).
 */
import { parseQuantity, parseUnit, sameDimension, UnitError } from '../units/index.js';
import type { Route } from './schema.js';

export const MIN_PER_DAY = 1440;

/** A problem found while reading or expanding a schedule; `path` is relative to the entry that caused it. */
export class ScheduleError extends Error {
  constructor(
    message: string,
    readonly hint: string,
    readonly path: ReadonlyArray<string | number> = [],
  ) {
    super(message);
    this.name = 'ScheduleError';
  }
}

/**
 * Reads a time: a bare number is in days; text carries its unit ('12 h', '7 day').
 * @throws ScheduleError for text that is not a time
 */
export function readTime(v: number | string, what: string): number {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new ScheduleError(`${what}: expected a finite time, got ${v}`, "write e.g. '7 day' or a number of days");
    return v * MIN_PER_DAY;
  }
  const text = v.trim();
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return Number(text) * MIN_PER_DAY;
  let q;
  try {
    q = parseQuantity(text);
  } catch (e) {
    if (e instanceof UnitError) throw new ScheduleError(`${what}: ${e.message}`, "write a time such as '12 h' or '7 day'");
    throw e;
  }
  if (!q || !sameDimension(q.unit.dimension, parseUnit('min').dimension)) {
    throw new ScheduleError(`${what}: expected a time such as '12 h' or '7 day', got '${text}'`, 'bare numbers are days; text needs a time unit (min, h, day, week)');
  }
  return q.value * q.unit.factor;
}

/** What a dose text means once parsed. */
export type ParsedDose =
  | { kind: 'mass'; mg: number; written: string; basis: 'mg' | 'mg/m^2' | 'mg/kg' }
  | { kind: 'concentration'; value: number; unit: string; written: string }
  | { kind: 'cells'; cells: number; written: string };

/** Body size used to convert doses per m^2 and per kg. */
export interface PatientSize {
  bodySurfaceArea: number;
  bodyWeight: number;
}

const MASS_DOSE = /^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(g|mg|ug|µg|ng)\s*(?:\/\s*(m\^?2|kg))?\s*$/;

/**
 * Reads a dose for a route. Plasma routes take a mass ('400 mg'), a mass per body-surface area
 * ('100 mg/m^2') or per weight ('5 mg/kg', '240 ug/kg'), converted to mg for `patient`. Niche routes
 * take a concentration (niche_bolus) or a concentration per time (niche_infusion) in any unit of
 * the substrate's kind; route cells takes a number of cells ('30 cells').
 * @throws ScheduleError for a bare number (a dose needs a unit) or a unit that does not fit the route
 */
export function readDose(v: number | string, route: Route, patient: PatientSize): ParsedDose {
  const text = typeof v === 'number' ? String(v) : v.trim();
  const bare = typeof v === 'number' || /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text);
  const examples =
    route === 'cells'
      ? "'30 cells'"
      : route === 'niche_bolus'
        ? "'1 ug/mL'"
        : route === 'niche_infusion'
          ? "'0.5 ug/mL/day'"
          : "'100 mg/m^2', '5 mg/kg' or '400 mg'";
  if (bare) throw new ScheduleError(`the dose ${text} has no unit`, `write the dose with its unit, e.g. ${examples}`);
  if (route === 'cells') {
    const m = /^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*cells?\s*$/.exec(text);
    if (!m || !(Number(m[1]) >= 0)) throw new ScheduleError(`a cell graft is dosed in cells, got '${text}'`, `write e.g. ${examples}`);
    return { kind: 'cells', cells: Number(m[1]), written: text };
  }
  if (route === 'niche_bolus' || route === 'niche_infusion') {
    let q;
    try {
      q = parseQuantity(text);
    } catch (e) {
      if (e instanceof UnitError) throw new ScheduleError(`dose '${text}': ${e.message}`, `write e.g. ${examples}`);
      throw e;
    }
    if (!q) throw new ScheduleError(`expected a dose such as ${examples}, got '${text}'`, 'a niche dose is a concentration (bolus) or a concentration per time (infusion)');
    if (!(q.value >= 0)) throw new ScheduleError(`a dose cannot be negative, got '${text}'`, 'give an amount of 0 or more');
    const unit = text.replace(/^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*/, '');
    return { kind: 'concentration', value: q.value, unit, written: text };
  }
  const m = MASS_DOSE.exec(text);
  if (!m) throw new ScheduleError(`expected a dose such as ${examples}, got '${text}'`, 'a drug given to the patient is dosed as a mass, a mass per m^2 or a mass per kg');
  const value = Number(m[1]);
  if (!(value >= 0)) throw new ScheduleError(`a dose cannot be negative, got '${text}'`, 'give an amount of 0 or more');
  const toMg = { g: 1000, mg: 1, ug: 1e-3, µg: 1e-3, ng: 1e-6 }[m[2] as 'g' | 'mg' | 'ug' | 'µg' | 'ng'];
  const per = m[3]?.replace('^', '');
  const mg = value * toMg * (per === 'm2' ? patient.bodySurfaceArea : per === 'kg' ? patient.bodyWeight : 1);
  return { kind: 'mass', mg, written: text, basis: per === 'm2' ? 'mg/m^2' : per === 'kg' ? 'mg/kg' : 'mg' };
}

/** One line of a regimen with its times read (minutes). */
export interface RegimenLine {
  drug: string;
  route: Route;
  dose: number | string;
  /** Infusion duration (min), 0 for boluses. */
  duration: number;
  /** Offset from the cycle start (min). */
  at: number;
  /** Time between administrations (min). */
  every: number;
  count: number;
}

/** How cycles repeat. */
export interface CyclePlan {
  /** Start of the first cycle (min). */
  start: number;
  cycles: number;
  /** Start-to-start time between cycles (min). */
  interval?: number;
  /** Rest between the end of a cycle and the next start (min). */
  gap?: number;
  /** The regimen's own cycle length (min), used when neither interval nor gap is given. */
  cycleLength?: number;
}

/** One administration after expansion. */
export interface Administration {
  drug: string;
  route: Route;
  /** min */
  start: number;
  /** min (0 for a bolus) */
  duration: number;
  dose: number | string;
  /** 0-based cycle index. */
  cycle: number;
  /** Index of the regimen line that produced it. */
  line: number;
}

/** End of one cycle's last administration, relative to the cycle start (min). */
export function cycleSpan(lines: readonly RegimenLine[]): number {
  let end = 0;
  for (const l of lines) end = Math.max(end, l.at + (l.count - 1) * l.every + l.duration);
  return end;
}

/**
 * Expands a regimen over cycles. The cycle interval is `interval`, else the span of one cycle
 * plus `gap`, else the regimen's `cycleLength`, else the span of one cycle.
 * @throws ScheduleError when interval and gap are both given, or a cycle starts before the previous one ends
 */
export function expandSchedule(lines: readonly RegimenLine[], plan: CyclePlan): Administration[] {
  const span = cycleSpan(lines);
  if (plan.interval !== undefined && plan.gap !== undefined) {
    throw new ScheduleError('give either interval (start to start) or gap (rest between cycles), not both', 'remove one of the two', ['interval']);
  }
  let interval = plan.interval ?? (plan.gap !== undefined ? span + plan.gap : (plan.cycleLength ?? span));
  if (plan.cycles > 1) {
    if (!(interval > 0)) throw new ScheduleError(`the cycle interval must be positive, got ${interval / MIN_PER_DAY} day`, 'give interval: or gap:', ['interval']);
    if (interval < span - 1e-9) {
      throw new ScheduleError(
        `cycles overlap: each cycle lasts ${fmtDays(span)} but cycles start every ${fmtDays(interval)}`,
        `lengthen interval to at least ${fmtDays(span)}, or give gap: (rest after each cycle) instead`,
        [plan.interval !== undefined ? 'interval' : plan.gap !== undefined ? 'gap' : 'cycles'],
      );
    }
  } else interval = interval || 0;
  const out: Administration[] = [];
  for (let c = 0; c < plan.cycles; c++) {
    const c0 = plan.start + c * interval;
    lines.forEach((l, i) => {
      for (let k = 0; k < l.count; k++) out.push({ drug: l.drug, route: l.route, start: c0 + l.at + k * l.every, duration: l.duration, dose: l.dose, cycle: c, line: i });
    });
  }
  return out.sort((a, b) => a.start - b.start || a.line - b.line);
}

/** Two infusions of one drug that overlap in time. */
export interface InfusionOverlap {
  drug: string;
  first: Administration;
  second: Administration;
}

/**
 * Infusions of the same drug may not overlap (one pump per drug): returns every overlapping
 * pair of consecutive infusions. Boluses may coincide with anything (they add up).
 */
export function infusionOverlaps(admins: readonly Administration[]): InfusionOverlap[] {
  const byDrug = new Map<string, Administration[]>();
  for (const a of admins) {
    if (a.duration <= 0 || a.route === 'bolus' || a.route === 'niche_bolus') continue;
    const list = byDrug.get(a.drug) ?? [];
    list.push(a);
    byDrug.set(a.drug, list);
  }
  const out: InfusionOverlap[] = [];
  for (const [drug, list] of byDrug) {
    list.sort((a, b) => a.start - b.start);
    let last = list[0];
    for (let i = 1; i < list.length; i++) {
      const a = list[i];
      if (a.start < last.start + last.duration - 1e-6) out.push({ drug, first: last, second: a });
      if (a.start + a.duration > last.start + last.duration) last = a;
    }
  }
  return out;
}

/** "7 day", "12 h", "30 min": a duration in minutes written for people. */
export function fmtDays(min: number): string {
  if (min === 0) return '0 day';
  if (min % MIN_PER_DAY === 0 || min >= 10 * MIN_PER_DAY) return `${tidy(min / MIN_PER_DAY)} day`;
  if (min % 60 === 0 || min >= 120) return `${tidy(min / 60)} h`;
  return `${tidy(min)} min`;
}

function tidy(x: number): number {
  return Number(x.toPrecision(6));
}
