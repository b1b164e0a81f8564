/**
 * Nelder-Mead (Rosenbrock, a quadratic, failed evaluations), survival statistics on the
 * Freireich 6-MP leukaemia data, Wilson intervals, and endpoint extraction.
 */
import { describe, expect, it } from 'vitest';
import { extractEndpoints, parseEndpointText } from '../../src/analysis/endpoints.js';
import { nelderMead } from '../../src/analysis/optimize.js';
import { kaplanMeier, logRank, survivalAt, wilsonInterval } from '../../src/analysis/survival.js';
import type { SimulationResult } from '../../src/results/result.js';

describe('Nelder-Mead', () => {
  it('finds the Rosenbrock minimum (1, 1) from (-1.2, 1) to 1e-6', () => {
    const r = nelderMead((x) => 100 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2, [-1.2, 1]);
    expect(r.converged).toBe(true);
    expect(Math.abs(r.x[0] - 1)).toBeLessThan(1e-6);
    expect(Math.abs(r.x[1] - 1)).toBeLessThan(1e-6);
    expect(r.f).toBeLessThan(1e-12);
    expect(r.evaluations).toBeLessThan(600);
  });
  it('finds the minimum of a coupled 5-D quadratic (adaptive coefficients) to 1e-6', () => {
    // f = Σ (i+1)(x_i - i)² + 0.5 (x_0)(x_1 - 1): minimum at (0, 1, 2, 3, 4), value 0
    const f = (x: Float64Array) => x.reduce((s, v, i) => s + (i + 1) * (v - i) ** 2, 0) + 0.5 * x[0] * (x[1] - 1);
    const r = nelderMead(f, [5, 5, 5, 5, 5], { maxEvaluations: 5000 });
    expect(r.converged).toBe(true);
    r.x.forEach((v, i) => expect(Math.abs(v - i)).toBeLessThan(1e-6));
  });
  it('treats failed (non-finite) evaluations as bad points and keeps going', () => {
    const f = (x: Float64Array) => (x[0] < 0.5 ? NaN : (x[0] - 2) ** 2 + (x[1] + 1) ** 2);
    const r = nelderMead(f, [1, 1], { step: 0.3 });
    expect(r.x[0]).toBeCloseTo(2, 5);
    expect(r.x[1]).toBeCloseTo(-1, 5);
  });
  it('reports a budget stop', () => {
    const r = nelderMead((x) => 100 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2, [-1.2, 1], { maxEvaluations: 20 });
    expect(r.converged).toBe(false);
    expect(r.message).toMatch(/budget 20/);
  });
});

describe('survival statistics (Freireich et al. 1963 6-MP leukaemia remission data)', () => {
  const mp = [6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35];
  const mpEvent = [1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0].map(Boolean);
  const placebo = [1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23];
  it('Kaplan-Meier estimates, Greenwood-based band and median match the textbook values', () => {
    const km = kaplanMeier(mp, mpEvent);
    const at = (t: number) => survivalAt(km, t);
    expect(at(6)).toBeCloseTo(0.857, 3);
    expect(at(7)).toBeCloseTo(0.807, 3);
    expect(at(10)).toBeCloseTo(0.753, 3);
    expect(at(13)).toBeCloseTo(0.69, 3);
    expect(at(16)).toBeCloseTo(0.627, 3);
    expect(at(22)).toBeCloseTo(0.538, 3);
    expect(at(23)).toBeCloseTo(0.448, 3);
    expect(km.median).toBe(23);
    expect(km.events).toBe(9);
    const s6 = km.steps.find((s) => s.t === 6)!;
    expect(s6.atRisk).toBe(21);
    expect(s6.events).toBe(3);
    expect(s6.censored).toBe(1);
    // log-log 95% interval at t = 6 (R survfit conf.type = "log-log"): 0.620 to 0.952
    expect(s6.lo).toBeCloseTo(0.62, 2);
    expect(s6.hi).toBeCloseTo(0.952, 2);
  });
  it('log-rank test of 6-MP against placebo: chi-square 16.79, p = 4.2e-5', () => {
    const r = logRank(placebo, placebo.map(() => true), mp, mpEvent);
    expect(r.chi2).toBeCloseTo(16.79, 1);
    expect(r.p).toBeGreaterThan(3e-5);
    expect(r.p).toBeLessThan(5e-5);
  });
  it('Wilson score intervals', () => {
    const w = wilsonInterval(0, 30);
    expect(w.hi).toBeCloseTo(3.841458820694124 / (30 + 3.841458820694124), 10);
    const v = wilsonInterval(28, 30);
    expect(v.lo).toBeCloseTo(0.7868, 3);
    expect(v.hi).toBeCloseTo(0.9815, 3);
  });
});

describe('endpoints', () => {
  const times = Float64Array.from([0, 1, 2, 3, 4], (d) => d * 1440);
  const result = (status: SimulationResult['status'] = 'ok'): SimulationResult => ({
    status,
    message: null,
    times,
    columns: [{ name: 'AML_blast', kind: 'cells', unit: 'cells' }],
    series: { AML_blast: Float64Array.from([10, 20, 40, 30, 50]) },
    manifest: {} as SimulationResult['manifest'],
  });
  it('parses the endpoint texts', () => {
    expect(parseEndpointText('AML_blast at day 180')).toEqual({ name: 'AML_blast at day 180', column: 'AML_blast', stat: 'at', day: 180 });
    expect(parseEndpointText('M2 fraction  final')).toMatchObject({ column: 'M2 fraction', stat: 'final' });
    expect(parseEndpointText('AUC AML_blast (dead)')).toMatchObject({ column: 'AML_blast (dead)', stat: 'auc' });
    expect(parseEndpointText('peak macrophages')).toMatchObject({ stat: 'max' });
    expect(parseEndpointText('time to AML_blast>=1e3')).toMatchObject({ column: 'AML_blast', stat: 'time_to', threshold: 1000, direction: 'above' });
    expect(parseEndpointText('blasts please')).toHaveProperty('error');
  });
  it('computes values, interpolates, and marks thresholds not reached as censored (null)', () => {
    const defs = ['AML_blast at day 1.5', 'AML_blast final', 'max AML_blast', 'min AML_blast', 'AUC AML_blast', 'mean AML_blast', 'time to AML_blast >= 35', 'time to AML_blast >= 100', 'time to AML_blast <= 10'].map((t) => {
      const d = parseEndpointText(t);
      if ('error' in d) throw new Error(d.error);
      return d;
    });
    const v = extractEndpoints(result(), defs);
    expect(v).toEqual([30, 50, 50, 10, 15 + 30 + 35 + 40, 30, 1.75, null, 0]);
    // a run that stopped early: 'final' and AUC are unknown (NaN), a threshold not reached is unknown too
    const w = extractEndpoints(result('maxSteps'), defs);
    expect(Number.isNaN(w[1])).toBe(true);
    expect(Number.isNaN(w[4])).toBe(true);
    expect(Number.isNaN(w[7])).toBe(true);
  });
});
