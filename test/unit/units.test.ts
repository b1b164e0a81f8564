import { describe, expect, it } from 'vitest';
import {
  DIMENSIONLESS,
  DIMENSIONS,
  UNITS,
  UnitError,
  convert,
  describeDimension,
  formatQuantity,
  makeDimension,
  parseQuantity,
  parseUnit,
  sameDimension,
  toCanonical,
  type Dimension,
} from '../../src/units/index.js';

const dim = (d: Partial<Dimension>): Dimension => makeDimension(d);
const conv = (value: number, from: string, to: string): number => convert(value, parseUnit(from), parseUnit(to));
const catchErr = (f: () => unknown): UnitError => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UnitError);
    return e as UnitError;
  }
  throw new Error('expected a UnitError');
};

describe('parseUnit: families', () => {
  it('time, with aliases', () => {
    const cases: Array<[string[], number]> = [
      [['s', 'sec', 'second', 'seconds'], 1 / 60],
      [['min', 'minute', 'minutes'], 1],
      [['h', 'hr', 'hour', 'hours'], 60],
      [['d', 'day', 'days'], 1440],
      [['week', 'weeks', 'wk'], 10080],
      [['month', 'months'], 30.4375 * 1440],
      [['year', 'yr'], 365.25 * 1440],
    ];
    for (const [names, factor] of cases) {
      for (const n of names) {
        const u = parseUnit(n);
        expect(u.factor, n).toBe(factor);
        expect(u.dimension).toEqual(DIMENSIONS.time);
        expect(u.text).toBe(n);
      }
    }
  });

  it('length', () => {
    for (const n of ['um', 'micron', 'microns', 'micrometre', 'micrometer', 'µm', 'μm']) {
      expect(parseUnit(n).factor, n).toBe(1);
      expect(parseUnit(n).dimension).toEqual(DIMENSIONS.length);
    }
    expect(parseUnit('nm').factor).toBe(1e-3);
    expect(parseUnit('mm').factor).toBe(1e3);
    expect(parseUnit('cm').factor).toBe(1e4);
    expect(parseUnit('m').factor).toBe(1e6);
  });

  it('volume', () => {
    const v: Record<string, number> = { L: 1e15, mL: 1e12, uL: 1e9, 'µL': 1e9, nL: 1e6, pL: 1e3, fL: 1, ml: 1e12 };
    for (const [n, f] of Object.entries(v)) {
      expect(parseUnit(n).factor, n).toBe(f);
      expect(parseUnit(n).dimension).toEqual(DIMENSIONS.volume);
    }
    expect(conv(1, 'um^3', 'fL')).toBe(1);
    expect(conv(1, 'mm^3', 'uL')).toBe(1);
  });

  it('mass', () => {
    const v: Record<string, number> = { kg: 1e12, g: 1e9, mg: 1e6, ug: 1e3, 'µg': 1e3, ng: 1, pg: 1e-3 };
    for (const [n, f] of Object.entries(v)) {
      expect(parseUnit(n).factor, n).toBe(f);
      expect(parseUnit(n).dimension).toEqual(DIMENSIONS.mass);
    }
  });

  it('amount and molar', () => {
    const a: Record<string, number> = { mol: 1e9, mmol: 1e6, umol: 1e3, nmol: 1, pmol: 1e-3 };
    for (const [n, f] of Object.entries(a)) {
      expect(parseUnit(n).factor, n).toBe(f);
      expect(parseUnit(n).dimension).toEqual(DIMENSIONS.amount);
    }
    for (const n of ['M', 'mM', 'uM', 'µM', 'nM', 'pM']) {
      expect(parseUnit(n).dimension, n).toEqual(dim({ amount: 1, length: -3 }));
    }
    expect(conv(1, 'M', 'mol/L')).toBe(1);
    expect(conv(1, 'nM', 'nmol/L')).toBe(1);
    expect(conv(0.3, 'uM', 'nM')).toBe(300);
    expect(conv(1, 'mM', 'pM')).toBe(1e9);
    expect(conv(2, 'pM', 'pmol/L')).toBe(2);
  });

  it('cells and dimensionless', () => {
    expect(parseUnit('cells').dimension).toEqual(DIMENSIONS.cells);
    expect(parseUnit('cell').factor).toBe(1);
    for (const n of ['1', '', 'dimensionless', 'none', 'fold', '  ']) {
      expect(parseUnit(n).dimension, `'${n}'`).toEqual(DIMENSIONLESS);
      expect(parseUnit(n).factor).toBe(1);
    }
    expect(parseUnit('%').factor).toBe(0.01);
    expect(conv(50, '%', '1')).toBe(0.5);
  });
});

describe('parseUnit: compound expressions', () => {
  const cases: Array<[string, number, Partial<Dimension>]> = [
    ['um^2/min', 1, { length: 2, time: -1 }],
    ['1/min', 1, { time: -1 }],
    ['1/day', 1 / 1440, { time: -1 }],
    ['min^-1', 1, { time: -1 }],
    ['h^-1', 1 / 60, { time: -1 }],
    ['min**-1', 1, { time: -1 }],
    ['min^(-1)', 1, { time: -1 }],
    ['cells/mm^3', 1e-9, { cells: 1, length: -3 }],
    ['ng/mL', 1e-12, { mass: 1, length: -3 }],
    ['ng/mL/min', 1e-12, { mass: 1, length: -3, time: -1 }],
    ['ng/(mL*min)', 1e-12, { mass: 1, length: -3, time: -1 }],
    ['ng/(mL min)', 1e-12, { mass: 1, length: -3, time: -1 }],
    ['ng/(mL.min)', 1e-12, { mass: 1, length: -3, time: -1 }],
    ['um^3', 1, { length: 3 }],
    ['cells/min', 1, { cells: 1, time: -1 }],
    ['cells/h', 1 / 60, { cells: 1, time: -1 }],
    ['mg/m^2', 1e-6, { mass: 1, length: -2 }],
    ['mg/kg', 1e-6, { }],
    ['mg*kg^-1', 1e-6, {}],
    ['um2/min', 1, { length: 2, time: -1 }],
    ['s-1', 60, { time: -1 }],
    ['µm²', 1, { length: 2 }],
    ['s⁻¹', 60, { time: -1 }],
    ['nM/h', 1e-15 / 60, { amount: 1, length: -3, time: -1 }],
    ['Hours', 60, { time: 1 }],
  ];
  for (const [text, factor, d] of cases) {
    it(text, () => {
      const u = parseUnit(text);
      expect(u.factor).toBeCloseTo(factor, 15 - Math.round(Math.log10(factor)));
      expect(u.factor / factor).toBeCloseTo(1, 12);
      expect(u.dimension).toEqual(dim(d));
    });
  }
});

describe('convert', () => {
  it('uses exact factors', () => {
    expect(conv(1, 'day', 'min')).toBe(1440);
    expect(conv(48, 'h', 'day')).toBe(2);
    expect(conv(1, 'week', 'h')).toBe(168);
    expect(conv(1, 'year', 'day')).toBe(365.25);
    expect(conv(1, 'month', 'day')).toBe(30.4375);
    expect(conv(90, 's', 'min')).toBe(1.5);
    expect(conv(1, 'cm^2/s', 'um^2/min')).toBe(6e9);
    expect(conv(1e-4, 'cm^2/s', 'um^2/min')).toBe(6e5);
    expect(convert(1e-6, parseUnit('cm^2/s'), UNITS.um2PerMin)).toBe(6000);
    expect(conv(1, '1/s', '1/min')).toBe(60);
    expect(conv(1, '1/day', '1/h')).toBe(1 / 24);
    expect(conv(1, 'cells/uL', 'cells/mm^3')).toBe(1);
    expect(conv(1e6, 'cells/mL', 'cells/um^3')).toBe(1e-6);
    expect(conv(10, 'ng/mL', 'pg/mL')).toBe(10000);
    expect(conv(1, 'ug/mL', 'mg/L')).toBe(1);
    expect(conv(1, 'mm', 'um')).toBe(1000);
    expect(conv(5, 'um', 'nm')).toBe(5000);
  });

  it('refuses incompatible dimensions', () => {
    const e = catchErr(() => conv(1, 'ng/mL', 'min'));
    expect(e.message).toBe("cannot convert 'ng/mL' (mass/volume) to 'min' (time)");
    expect(catchErr(() => conv(1, 'nM', 'ng/mL')).message).toBe(
      "cannot convert 'nM' (amount/volume) to 'ng/mL' (mass/volume)",
    );
  });
});

describe('parseUnit errors', () => {
  it('names the unknown token and suggests', () => {
    const e = catchErr(() => parseUnit('ng/mn'));
    expect(e.message).toBe("unknown unit 'mn' in 'ng/mn'; did you mean 'min'?");
    expect(e.hint).toBe("did you mean 'min'?");
    expect(catchErr(() => parseUnit('hourz')).message).toBe("unknown unit 'hourz' in 'hourz'; did you mean 'hour' or 'hours'?");
    expect(catchErr(() => parseUnit('cels/min')).message).toBe("unknown unit 'cels' in 'cels/min'; did you mean 'cells'?");
  });

  it('lists known units when nothing is close', () => {
    const e = catchErr(() => parseUnit('furlong'));
    expect(e.message).toBe("unknown unit 'furlong' in 'furlong'");
    expect(e.hint).toMatch(/^known units: time ms, s, min, h, d, week, month, year; length nm, um/);
  });

  it('syntax errors', () => {
    expect(catchErr(() => parseUnit('ng//mL')).message).toBe("unexpected '/' in 'ng//mL'");
    expect(catchErr(() => parseUnit('ng/')).message).toBe("unexpected end of unit 'ng/'");
    expect(catchErr(() => parseUnit('2 min')).message).toBe("unexpected number '2' in '2 min'");
    expect(catchErr(() => parseUnit('(ng/mL')).message).toBe("missing ')' in '(ng/mL'");
    expect(catchErr(() => parseUnit('min^x')).message).toBe("unexpected 'x' in 'min^x'");
    expect(catchErr(() => parseUnit('ng;mL')).message).toBe("unexpected character ';' in 'ng;mL'");
  });

  it('is case-sensitive for short names', () => {
    expect(parseUnit('mM').dimension).toEqual(dim({ amount: 1, length: -3 }));
    expect(parseUnit('mm').dimension).toEqual(DIMENSIONS.length);
    expect(catchErr(() => parseUnit('MG')).message).toBe("unknown unit 'MG' in 'MG'; did you mean 'mg'?");
  });
});

describe('parseQuantity', () => {
  it('parses number + unit', () => {
    const q = parseQuantity('48 h')!;
    expect(q.value).toBe(48);
    expect(q.unit.text).toBe('h');
    expect(toCanonical(q, DIMENSIONS.time, 'duration')).toBe(2880);
    expect(parseQuantity('2 day')!.unit.factor).toBe(1440);
    const d = parseQuantity('1e5 um^2/min')!;
    expect(d.value).toBe(1e5);
    expect(d.unit.dimension).toEqual(DIMENSIONS.diffusion);
    expect(parseQuantity('0.3 uM')!.value).toBe(0.3);
    const r = parseQuantity('-1.5e-3 1/min')!;
    expect(r.value).toBe(-1.5e-3);
    expect(r.unit.dimension).toEqual(DIMENSIONS.rate);
    expect(parseQuantity('48h')!.unit.factor).toBe(60);
    expect(parseQuantity('.5 d')!.value).toBe(0.5);
    expect(parseQuantity('+2E+3 cells')!.value).toBe(2000);
    expect(parseQuantity('0.1/h')!.unit.dimension).toEqual(DIMENSIONS.rate);
    expect(parseQuantity('  7  ')).toEqual({ value: 7, unit: parseUnit('') });
  });

  it('dimensionless bare numbers', () => {
    const q = parseQuantity('5')!;
    expect(q.value).toBe(5);
    expect(q.unit.dimension).toEqual(DIMENSIONLESS);
    expect(q.unit.text).toBe('');
    expect(parseQuantity('25 %')!.value * parseQuantity('25 %')!.unit.factor).toBe(0.25);
  });

  it('returns null when the text does not start with a number', () => {
    expect(parseQuantity('k_on * x')).toBeNull();
    expect(parseQuantity('h')).toBeNull();
    expect(parseQuantity('')).toBeNull();
    expect(parseQuantity('(2) h')).toBeNull();
    expect(parseQuantity('-x')).toBeNull();
  });

  it('throws when a number is followed by a bad unit, or for non-finite numbers', () => {
    expect(catchErr(() => parseQuantity('2 dya')).message).toBe("unknown unit 'dya' in 'dya'; did you mean 'day'?");
    expect(catchErr(() => parseQuantity('NaN')).message).toBe("not a finite number: 'NaN'");
    expect(catchErr(() => parseQuantity('Infinity h')).message).toBe("not a finite number: 'Infinity h'");
    expect(catchErr(() => parseQuantity('-Infinity')).message).toBe("not a finite number: '-Infinity'");
    expect(catchErr(() => parseQuantity('1e400 h')).message).toBe("not a finite number: '1e400'");
  });
});

describe('dimensions', () => {
  it('describeDimension', () => {
    expect(describeDimension(DIMENSIONLESS)).toBe('dimensionless');
    expect(describeDimension(dim({ time: -1 }))).toBe('1/time');
    expect(describeDimension(dim({ length: 2, time: -1 }))).toBe('length^2/time');
    expect(describeDimension(dim({ mass: 1, length: -3 }))).toBe('mass/volume');
    expect(describeDimension(dim({ mass: 1, length: -3, time: -1 }))).toBe('mass/(volume*time)');
    expect(describeDimension(dim({ cells: 1, length: -3 }))).toBe('cells/volume');
    expect(describeDimension(dim({ length: 3 }))).toBe('volume');
    expect(describeDimension(dim({ mass: 1, length: -2 }))).toBe('mass/length^2');
    expect(describeDimension(dim({ time: -2 }))).toBe('1/time^2');
  });

  it('sameDimension', () => {
    expect(sameDimension(parseUnit('1/day').dimension, parseUnit('min^-1').dimension)).toBe(true);
    expect(sameDimension(parseUnit('ng/mL').dimension, parseUnit('nM').dimension)).toBe(false);
  });

  it('canonical units have factor 1', () => {
    expect(UNITS.minute.factor).toBe(1);
    expect(UNITS.um.factor).toBe(1);
    expect(UNITS.um2PerMin.dimension).toEqual(DIMENSIONS.diffusion);
    expect(UNITS.perMin.dimension).toEqual(DIMENSIONS.rate);
    expect(UNITS.um3.dimension).toEqual(DIMENSIONS.volume);
    expect(UNITS.cells.dimension).toEqual(DIMENSIONS.cells);
    expect(UNITS.cellsPerMin.dimension).toEqual(DIMENSIONS.cellFlux);
    expect(UNITS.dimensionless.dimension).toEqual(DIMENSIONLESS);
    for (const u of Object.values(UNITS)) expect(u.factor).toBe(1);
  });
});

describe('toCanonical', () => {
  it('converts to canonical units', () => {
    expect(toCanonical(parseQuantity('2 day')!, DIMENSIONS.time, 'half-life')).toBe(2880);
    expect(toCanonical(parseQuantity('10 mm')!, DIMENSIONS.length, 'domain')).toBe(10000);
    expect(toCanonical(parseQuantity('1e-6 cm^2/s')!, DIMENSIONS.diffusion, 'D')).toBe(6000);
    expect(toCanonical(parseQuantity('0.5 1/h')!, DIMENSIONS.rate, 'k')).toBe(0.5 / 60);
    expect(toCanonical(parseQuantity('2 pL')!, DIMENSIONS.volume, 'V')).toBe(2000);
    expect(toCanonical(parseQuantity('600 cells/h')!, DIMENSIONS.cellFlux, 'influx')).toBe(10);
    expect(toCanonical(parseQuantity('3')!, DIMENSIONLESS, 'n')).toBe(3);
  });

  it('rejects wrong dimensions with a clear message', () => {
    expect(catchErr(() => toCanonical(parseQuantity('5 ng/mL')!, DIMENSIONS.time, 'half-life')).message).toBe(
      "half-life: expected a time (e.g. '48 h'), got 'ng/mL' (mass/volume)",
    );
    expect(catchErr(() => toCanonical(parseQuantity('5 h')!, DIMENSIONS.rate, '')).message).toBe(
      "expected a rate (e.g. '0.1 1/h'), got 'h' (time)",
    );
    expect(catchErr(() => toCanonical(parseQuantity('5')!, DIMENSIONS.diffusion, 'D')).message).toBe(
      "D: expected a diffusion coefficient (e.g. '1e5 um^2/min'), got a bare number (dimensionless)",
    );
  });
});

describe('formatQuantity', () => {
  it('3 significant digits, engineering notation for large/small', () => {
    expect(formatQuantity(2880, 'min')).toBe('2880 min');
    expect(formatQuantity(1 / 3, '1/h')).toBe('0.333 1/h');
    expect(formatQuantity(123456, 'cells')).toBe('123e3 cells');
    expect(formatQuantity(1.5e6, 'cells')).toBe('1.5e6 cells');
    expect(formatQuantity(4.5e-5, 'uM')).toBe('45e-6 uM');
    expect(formatQuantity(0, 'um')).toBe('0 um');
    expect(formatQuantity(-12.345, '')).toBe('-12.3');
    expect(formatQuantity(2, '1')).toBe('2');
    expect(formatQuantity(NaN, 'h')).toBe('NaN h');
  });
});

describe('hand-made units', () => {
  it('work without ratio and ignore a stale one', () => {
    const perHour = { factor: 1 / 60, dimension: DIMENSIONS.rate, text: '1/h' };
    expect(convert(60, perHour, UNITS.perMin)).toBeCloseTo(1, 15);
    const stale = { ...parseUnit('h'), factor: 1440, text: 'd' };
    expect(convert(1, stale, UNITS.minute)).toBe(1440);
  });
});
