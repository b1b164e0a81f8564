/**
 * Schedules: times and doses as written, cycles with intervals or gaps, and the rule that
 * infusions of one drug may not overlap while boluses may coincide.
 */
import { describe, expect, it } from 'vitest';
import { cycleSpan, expandSchedule, infusionOverlaps, readDose, readTime, type RegimenLine, ScheduleError } from '../../src/scenarios/index.js';

const DAY = 1440;
const patient = { bodySurfaceArea: 1.8, bodyWeight: 70 };

describe('times and doses as written', () => {
  it('reads bare numbers as days and quantities in their unit', () => {
    expect(readTime(7, 'start')).toBe(7 * DAY);
    expect(readTime('90', 'start')).toBe(90 * DAY);
    expect(readTime('12 h', 'every')).toBe(720);
    expect(readTime('2 week', 'gap')).toBe(14 * DAY);
    expect(() => readTime('3 mg', 'start')).toThrow(ScheduleError);
  });
  it('converts mg/m^2, mg/kg, ug/kg and g doses to mg for the patient', () => {
    expect(readDose('100 mg/m^2', 'infusion', patient)).toMatchObject({ kind: 'mass', mg: 180, basis: 'mg/m^2' });
    expect(readDose('100 mg/m2', 'bolus', { bodySurfaceArea: 2, bodyWeight: 70 })).toMatchObject({ mg: 200 });
    expect(readDose('5 mg/kg', 'infusion', patient)).toMatchObject({ mg: 350, basis: 'mg/kg' });
    expect(readDose('240 ug/kg', 'subcutaneous', patient)).toMatchObject({ kind: 'mass', mg: expect.closeTo(16.8, 12) });
    expect(readDose('1.5 g', 'oral', patient)).toMatchObject({ mg: 1500, basis: 'mg' });
    expect(readDose('30 cells', 'cells', patient)).toMatchObject({ kind: 'cells', cells: 30 });
    expect(readDose('1 ug/mL', 'niche_bolus', patient)).toMatchObject({ kind: 'concentration', value: 1, unit: 'ug/mL' });
  });
  it('refuses a dose without a unit, a negative dose and a concentration for a plasma route', () => {
    expect(() => readDose(200, 'infusion', patient)).toThrow('the dose 200 has no unit');
    expect(() => readDose('200', 'oral', patient)).toThrow('the dose 200 has no unit');
    expect(() => readDose('-5 mg', 'bolus', patient)).toThrow(/negative|expected a dose/);
    expect(() => readDose('1 ug/mL', 'bolus', patient)).toThrow("expected a dose such as '100 mg/m^2', '5 mg/kg' or '400 mg', got '1 ug/mL'");
    expect(() => readDose('25', 'cells', patient)).toThrow('the dose 25 has no unit');
  });
});

const line = (over: Partial<RegimenLine>): RegimenLine => ({ drug: 'd', route: 'infusion', dose: '1 mg', duration: DAY, at: 0, every: DAY, count: 7, ...over });

describe('expanding cycles', () => {
  const cyt = line({});
  const dnr = line({ drug: 'e', route: 'bolus', duration: 0, count: 3 });
  it('one cycle of 7+3: seven daily infusions and three daily boluses from the start', () => {
    const a = expandSchedule([cyt, dnr], { start: 90 * DAY, cycles: 1 });
    expect(a.filter((x) => x.drug === 'd').map((x) => x.start / DAY)).toEqual([90, 91, 92, 93, 94, 95, 96]);
    expect(a.filter((x) => x.drug === 'e').map((x) => x.start / DAY)).toEqual([90, 91, 92]);
    expect(cycleSpan([cyt, dnr])).toBe(7 * DAY);
  });
  it('cycles repeat every interval (start to start)', () => {
    const a = expandSchedule([line({ count: 2 })], { start: 0, cycles: 3, interval: 28 * DAY });
    expect(a.map((x) => x.start / DAY)).toEqual([0, 1, 28, 29, 56, 57]);
    expect(a.map((x) => x.cycle)).toEqual([0, 0, 1, 1, 2, 2]);
  });
  it('a gap is the rest between the end of one cycle and the next start', () => {
    const a = expandSchedule([line({ count: 2 })], { start: 10 * DAY, cycles: 2, gap: 5 * DAY });
    // the cycle ends after 2 days, so the next starts 2 + 5 days later
    expect(a.map((x) => x.start / DAY)).toEqual([10, 11, 17, 18]);
  });
  it("without interval or gap, the regimen's cycle length applies (else the span of one cycle)", () => {
    expect(expandSchedule([line({ count: 1 })], { start: 0, cycles: 2, cycleLength: 21 * DAY }).map((x) => x.start / DAY)).toEqual([0, 21]);
    expect(expandSchedule([line({ count: 2 })], { start: 0, cycles: 2 }).map((x) => x.start / DAY)).toEqual([0, 1, 2, 3]);
  });
  it('refuses overlapping cycles and giving both interval and gap', () => {
    expect(() => expandSchedule([cyt], { start: 0, cycles: 2, interval: 5 * DAY })).toThrow('cycles overlap: each cycle lasts 7 day but cycles start every 5 day');
    expect(() => expandSchedule([cyt], { start: 0, cycles: 2, interval: 28 * DAY, gap: 7 * DAY })).toThrow('give either interval (start to start) or gap (rest between cycles), not both');
  });
});

describe('overlapping doses', () => {
  it('back-to-back infusions of one drug do not overlap; an infusion starting inside another does', () => {
    const back = expandSchedule([line({})], { start: 0, cycles: 1 });
    expect(infusionOverlaps(back)).toEqual([]);
    const a = expandSchedule([line({ count: 1, duration: 36 * 60 })], { start: 0, cycles: 1 });
    const b = expandSchedule([line({ count: 1 })], { start: DAY, cycles: 1 });
    const o = infusionOverlaps([...a, ...b]);
    expect(o).toHaveLength(1);
    expect(o[0].drug).toBe('d');
    expect(o[0].second.start).toBe(DAY);
  });
  it('boluses may coincide with anything, and infusions of different drugs may overlap', () => {
    const infusion = expandSchedule([line({ count: 1, duration: 7 * DAY })], { start: 0, cycles: 1 });
    const boluses = expandSchedule([line({ route: 'bolus', duration: 0, count: 3 })], { start: 0, cycles: 1 });
    const other = expandSchedule([line({ drug: 'x', count: 1, duration: 7 * DAY })], { start: 0, cycles: 1 });
    expect(infusionOverlaps([...infusion, ...boluses, ...boluses, ...other])).toEqual([]);
  });
});
