import { describe, expect, it } from 'vitest';
import { concentration, doseToMg, mgPerLToMicromolar, oneCompartment, twoCompartment } from '../../src/pk/pk.js';

describe('one-compartment PK (closed forms)', () => {
  const pk = oneCompartment(154, 50); // cytarabine-like half-life 154 min, V 50 L
  const k = Math.LN2 / 154;
  it('a bolus decays as D/V exp(-k t), halving every half-life', () => {
    const doses = [{ kind: 'bolus' as const, start: 0, amount: 100 }];
    expect(concentration(pk, doses, 0)).toBeCloseTo(2, 14);
    expect(concentration(pk, doses, 154)).toBeCloseTo(1, 14);
    expect(concentration(pk, doses, 308)).toBeCloseTo(0.5, 14);
    expect(concentration(pk, doses, 77)).toBeCloseTo(2 * Math.exp(-k * 77), 14);
  });
  it('an infusion reaches the plateau C = R/(k V) and decays after it stops', () => {
    const R = 0.25; // mg/min
    const doses = [{ kind: 'infusion' as const, start: 10, rate: R, duration: 7 * 1440 }];
    const plateau = R / (k * 50);
    expect(concentration(pk, doses, 10 + 6 * 1440)).toBeCloseTo(plateau, 12);
    expect(concentration(pk, doses, 10 + 100)).toBeCloseTo(plateau * (1 - Math.exp(-k * 100)), 12);
    const end = concentration(pk, doses, 10 + 7 * 1440);
    expect(concentration(pk, doses, 10 + 7 * 1440 + 154)).toBeCloseTo(end / 2, 12);
    expect(concentration(pk, doses, 5)).toBe(0);
  });
  it('doses superpose', () => {
    const a = [{ kind: 'bolus' as const, start: 0, amount: 10 }];
    const b = [{ kind: 'bolus' as const, start: 60, amount: 30 }];
    expect(concentration(pk, [...a, ...b], 200)).toBeCloseTo(concentration(pk, a, 200) + concentration(pk, b, 200), 14);
  });
  it('refuses non-positive half-life and volume', () => {
    expect(() => oneCompartment(0, 1)).toThrow('half-life must be a positive time, got 0 min');
    expect(() => oneCompartment(10, -1)).toThrow('volume of distribution must be positive, got -1 L');
  });
});

describe('two-compartment PK', () => {
  const k10 = 0.01;
  const k12 = 0.05;
  const k21 = 0.02;
  const pk = twoCompartment(k10, k12, k21, 10);
  it('the exponents are the roots of the characteristic polynomial and C(0) = D/V1', () => {
    const [a, b] = pk.rates;
    expect(a + b).toBeCloseTo(k10 + k12 + k21, 14);
    expect(a * b).toBeCloseTo(k10 * k21, 16);
    expect(concentration(pk, [{ kind: 'bolus', start: 0, amount: 50 }], 0)).toBeCloseTo(5, 13);
  });
  it('agrees with a fine numerical integration of the two-compartment ODEs', () => {
    // dA1/dt = -(k10 + k12) A1 + k21 A2, dA2/dt = k12 A1 - k21 A2, RK4 with a small step.
    let a1 = 50;
    let a2 = 0;
    const h = 0.01;
    const f = (x1: number, x2: number) => [-(k10 + k12) * x1 + k21 * x2, k12 * x1 - k21 * x2];
    for (let t = 0; t < 300 - 1e-9; t += h) {
      const [p1, p2] = f(a1, a2);
      const [q1, q2] = f(a1 + (h / 2) * p1, a2 + (h / 2) * p2);
      const [r1, r2] = f(a1 + (h / 2) * q1, a2 + (h / 2) * q2);
      const [s1, s2] = f(a1 + h * r1, a2 + h * r2);
      a1 += (h / 6) * (p1 + 2 * q1 + 2 * r1 + s1);
      a2 += (h / 6) * (p2 + 2 * q2 + 2 * r2 + s2);
    }
    expect(concentration(pk, [{ kind: 'bolus', start: 0, amount: 50 }], 300)).toBeCloseTo(a1 / 10, 9);
  });
  it('the infusion plateau is R/(k10 V1)', () => {
    const c = concentration(pk, [{ kind: 'infusion', start: 0, rate: 2, duration: 1e5 }], 5e4);
    expect(c).toBeCloseTo(2 / (k10 * 10), 9);
  });
});

describe('dose conversion', () => {
  it('mg/m^2 and mg/kg use the stated body size (1.8 m^2, 70 kg by default)', () => {
    expect(doseToMg(100, 'mg/m^2')).toBeCloseTo(180, 12);
    expect(doseToMg(2, 'mg/kg')).toBe(140);
    expect(doseToMg(3, 'mg')).toBe(3);
    expect(doseToMg(100, 'mg/m^2', { bodySurfaceArea: 2, weight: 80 })).toBe(200);
    expect(() => doseToMg(-1, 'mg')).toThrow('a dose must be a finite amount of 0 or more, got -1 mg');
  });
  it('mg/L to uM with the molecular weight (cytarabine 243.2 g/mol: 73 ng/mL ~ 0.30 uM, Fleming 1995)', () => {
    expect(mgPerLToMicromolar(0.073, 243.2)).toBeCloseTo(0.3, 2);
    expect(() => mgPerLToMicromolar(1, 0)).toThrow('molecular weight must be positive');
  });
});
