import { describe, expect, it } from 'vitest';
import { buildResponse, evaluateResponse, hillTerm, saturate, type RuleForResponse } from '../../src/vocabulary/responses.js';

// Values below are computed by hand from the PhysiCell rule semantics documented in
// src/vocabulary/responses.ts: U = b0 + (M - b0) H_up, B = U + (m - U) H_down, H = S/(1+S),
// S = sum of (x/h)^n over the rules of that direction.

const sig = (...xs: number[]) => Float64Array.from(xs);

describe('hillTerm and saturate', () => {
  it('computes (x/h)^n', () => {
    expect(hillTerm(2, 1, 2)).toBe(4);
    expect(hillTerm(1, 2, 3)).toBe(0.125);
    expect(hillTerm(3, 3, 1.5)).toBe(1);
  });
  it('gives nothing for zero, negative and NaN signals', () => {
    expect(hillTerm(0, 1, 2)).toBe(0);
    expect(hillTerm(-1, 1, 2)).toBe(0);
    expect(hillTerm(-1e-300, 1, 0.5)).toBe(0);
    expect(hillTerm(NaN, 1, 2)).toBe(0);
  });
  it('saturates any positive signal when half-max is 0, and a zero signal still gives nothing', () => {
    expect(hillTerm(1e-12, 0, 2)).toBe(Infinity);
    expect(saturate(hillTerm(1e-12, 0, 2))).toBe(1);
    expect(hillTerm(0, 0, 2)).toBe(0);
    expect(saturate(0)).toBe(0);
  });
});

describe('evaluateResponse (PhysiCell semantics)', () => {
  const up = (signal: number, saturation: number, halfMax: number, hillPower: number): RuleForResponse => ({ signal, direction: 'increases', saturation, halfMax, hillPower });
  const down = (signal: number, saturation: number, halfMax: number, hillPower: number): RuleForResponse => ({ signal, direction: 'decreases', saturation, halfMax, hillPower });

  it('one up rule at its half-max gives the midpoint between base and saturation', () => {
    const r = buildResponse(0, [up(0, 10, 2, 3)]);
    expect(evaluateResponse(r, 1, sig(2))).toBeCloseTo(5.5, 14); // 1 + 9 * 0.5
  });
  it('one up rule by hand: x=1, h=2, n=2 -> S=0.25, H=0.2', () => {
    const r = buildResponse(0, [up(0, 6, 2, 2)]);
    expect(evaluateResponse(r, 1, sig(1))).toBeCloseTo(1 + 5 * 0.2, 14);
  });
  it('two up rules combine as one Hill over the summed terms, with the largest saturation', () => {
    // S = (1/1)^1 + (2/4)^2 = 1.25 -> H = 1.25/2.25; M = max(3, 5) = 5
    const r = buildResponse(0, [up(0, 3, 1, 1), up(1, 5, 4, 2)]);
    expect(evaluateResponse(r, 1, sig(1, 2))).toBeCloseTo(1 + 4 * (1.25 / 2.25), 14);
  });
  it('a down rule is applied after the up rules and pulls towards the smallest down saturation', () => {
    // up: S=1 -> H=0.5 -> U = 1 + (5-1)*0.5 = 3; down: S=(3/1)^1=3 -> H=0.75; m = 0.5
    const r = buildResponse(0, [up(0, 5, 1, 1), down(1, 0.5, 1, 1)]);
    expect(evaluateResponse(r, 1, sig(1, 3))).toBeCloseTo(3 + (0.5 - 3) * 0.75, 14);
  });
  it('full inhibition reaches the down limit whatever the up signals', () => {
    const r = buildResponse(0, [up(0, 100, 1, 1), down(1, 0.25, 0, 1)]);
    expect(evaluateResponse(r, 1, sig(1e6, 1))).toBe(0.25);
  });
  it('with zero signals the behaviour keeps its base value', () => {
    const r = buildResponse(0, [up(0, 100, 1, 1), down(1, 0, 1, 4)]);
    expect(evaluateResponse(r, 7, sig(0, 0))).toBe(7);
    expect(evaluateResponse(r, 7, sig(-3, -2))).toBe(7);
  });
  it('half-max 0 gives the saturation value for any positive signal and the base for zero', () => {
    const r = buildResponse(0, [up(0, 9, 0, 2)]);
    expect(evaluateResponse(r, 1, sig(1e-9))).toBe(9);
    expect(evaluateResponse(r, 1, sig(0))).toBe(1);
  });
  it('does not depend on the order of the rules (bit for bit)', () => {
    const rules = [up(0, 3, 0.7, 1.3), up(1, 5, 4.1, 2), up(2, 4, 0.33, 3), down(3, 0.1, 2.2, 1), down(4, 0.3, 0.9, 2.5)];
    const s = sig(0.41, 2.9, 0.17, 1.3, 0.77);
    const reference = evaluateResponse(buildResponse(0, rules), 1.1, s);
    const perms = [
      [4, 3, 2, 1, 0],
      [2, 0, 4, 1, 3],
      [1, 3, 0, 4, 2],
      [3, 4, 1, 2, 0],
    ];
    for (const p of perms) {
      expect(evaluateResponse(buildResponse(0, p.map((i) => rules[i])), 1.1, s)).toBe(reference);
    }
  });
  it('refuses an empty rule list', () => {
    expect(() => buildResponse(3, [])).toThrow(/behaviour 3 has no rules/);
  });
});
