/**
 * Endpoints on a hand-made result: interpolation, windows, crossing times, ratios, and the
 * standard comparison metrics.
 */
import { describe, expect, it } from 'vitest';
import type { SimulationResult } from '../../src/results/result.js';
import { evaluateEndpoint, standardMetrics } from '../../src/scenarios/index.js';

const days = [0, 1, 2, 3, 4];
const result = (): SimulationResult => ({
  status: 'ok',
  message: null,
  times: Float64Array.from(days, (d) => d * 1440),
  columns: [
    { name: 'AML_blast', kind: 'cells', unit: 'cells' },
    { name: 'M1', kind: 'cells', unit: 'cells' },
    { name: 'M2', kind: 'cells', unit: 'cells' },
    { name: 'M2_fraction', kind: 'output', unit: 'dimensionless' },
  ],
  series: {
    AML_blast: Float64Array.from([100, 50, 20, 40, 200]),
    M1: Float64Array.from([30, 30, 30, 30, 30]),
    M2: Float64Array.from([10, 10, 30, 30, 90]),
    M2_fraction: Float64Array.from([0.25, 0.25, 0.5, 0.5, 0.75]),
  },
  manifest: { nichesimVersion: 't', modelName: 't', modelHash: 'x', engine: 'ode', engineSettings: {}, seed: 1, parameters: {}, wallMs: 0, startedAt: '' },
});

describe('endpoints', () => {
  const r = result();
  const ev = (e: Parameters<typeof evaluateEndpoint>[0]) => evaluateEndpoint(e, r, 'AML_blast');
  it('value at a day, interpolated between rows; NaN outside the run', () => {
    expect(ev({ kind: 'value', of: 'burden', day: 2 })).toBe(20);
    expect(ev({ kind: 'value', of: 'AML_blast', day: '36 h' })).toBe(35);
    expect(ev({ kind: 'value', of: 'burden', day: 9 })).toBeNaN();
  });
  it('AUC and mean by the trapezoid rule, over a window with interpolated ends', () => {
    expect(ev({ kind: 'auc', of: 'burden' })).toBe(75 + 35 + 30 + 120);
    expect(ev({ kind: 'auc', of: 'burden', from: 1, to: 2 })).toBe(35);
    expect(ev({ kind: 'mean', of: 'burden', from: 0.5, to: 1 })).toBeCloseTo((75 + 50) / 2 / 1, 12);
  });
  it('nadir, peak and their days', () => {
    expect(ev({ kind: 'min', of: 'burden' })).toBe(20);
    expect(ev({ kind: 'min_day', of: 'burden' })).toBe(2);
    expect(ev({ kind: 'max', of: 'burden', to: 3 })).toBe(100);
    expect(ev({ kind: 'max_day', of: 'burden', from: 1 })).toBe(4);
  });
  it('first crossing of a threshold (interpolated), or NaN when never crossed', () => {
    expect(ev({ kind: 'time_to', of: 'burden', threshold: 120, direction: 'above', from: 1 })).toBeCloseTo(3.5, 12);
    expect(ev({ kind: 'time_to', of: 'burden', threshold: 30, direction: 'below' })).toBeCloseTo(1 + 20 / 30, 12);
    expect(ev({ kind: 'time_to', of: 'burden', threshold: 1000 })).toBeNaN();
  });
  it('ratios and differences of endpoints', () => {
    expect(ev({ kind: 'ratio', a: { kind: 'value', of: 'burden', day: 3 }, b: { kind: 'value', of: 'burden', day: 1 } })).toBe(0.8);
    expect(ev({ kind: 'difference', a: { kind: 'value', of: 'M1', day: 0 }, b: { kind: 'value', of: 'M2', day: 0 } })).toBe(20);
  });
  it('standard metrics: burden at days, AUC, threshold, nadir after the first dose, M2 fraction and TAMs', () => {
    const m = standardMetrics(r, 'AML_blast', 1, { days: [1, 4], threshold: 150 });
    expect(m.burden_day_1).toBe(50);
    expect(m.burden_day_4).toBe(200);
    expect(m.burden_auc).toBe(260);
    expect(m.days_to_threshold).toBeCloseTo(3 + 110 / 160, 12);
    expect(m.burden_nadir).toBe(20);
    expect(m.burden_nadir_day).toBe(2);
    expect(m.m2_fraction_end).toBe(0.75);
    expect(m.tam_m2_end).toBe(90);
    expect(m.macrophages_end).toBe(120);
  });
});
