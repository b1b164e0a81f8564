/**
 * The one module that turns signals into behaviour values (layer 0, shared by both engines).
 *
 * Semantics follow PhysiCell's signal-behaviour hypothesis rules (the grammar of Johnson et al.,
 * Cell 2025, as implemented in PhysiCell 1.14 `core/PhysiCell_rules.cpp`), see
 * ../../../shared/design/physicell-semantics.md section 3.1:
 *
 * For one behaviour B of one cell type with base value b0 (from the cell definition):
 *   - every "increases" rule i has a signal x_i, half-max h_i, Hill power n_i and saturation s_i;
 *     every "decreases" rule j likewise.
 *   - S_up = Σ_i (x_i / h_i)^n_i,  H_up = S_up / (1 + S_up)         (one generalised Hill over the sum)
 *   - S_dn = Σ_j (x_j / h_j)^n_j,  H_dn = S_dn / (1 + S_dn)
 *   - M = max_i s_i (the up limit), m = min_j s_j (the down limit)
 *   - U = b0 + (M - b0) · H_up
 *   - B = U + (m - U) · H_dn                                          (inhibition is applied last)
 *   With no up rules U = b0; with no down rules B = U.
 *
 * Edge cases, defined here once:
 *   - A signal x <= 0 (or NaN) contributes nothing (PhysiCell: a zero signal contributes nothing;
 *     negative concentrations can only come from round-off and would make x^n undefined).
 *   - half-max h = 0: any positive signal saturates its term (the term is +Infinity, H = 1);
 *     a zero signal still contributes nothing.
 *   - Order independence: terms are summed in a canonical order fixed at compile time (sorted by
 *     signal index, then half-max, then power), so the result is bit-identical whatever the order
 *     of the rules in the file.
 */

/** One rule term, compiled: where its signal lives and its Hill parameters. */
export interface ResponseTerm {
  /** Index of the signal in the engine's signal vector. */
  signal: number;
  /** Half-max, in the signal's unit; >= 0. */
  halfMax: number;
  /** Hill power, > 0 (dimensionless). */
  hillPower: number;
}

/** All rules acting on one behaviour of one cell type, compiled. */
export interface BehaviourResponse {
  /** Index of the behaviour in the cell type's behaviour vector. */
  behaviour: number;
  /** Up terms in canonical order. */
  up: ResponseTerm[];
  /** Down terms in canonical order. */
  down: ResponseTerm[];
  /** Up limit M = max of the up saturation values (unused when `up` is empty). */
  upLimit: number;
  /** Down limit m = min of the down saturation values (unused when `down` is empty). */
  downLimit: number;
}

/**
 * The contribution (x/h)^n of one term; 0 for x <= 0 or NaN; +Infinity for h = 0 and x > 0.
 * @param x signal value (signal unit); @param halfMax h >= 0; @param hillPower n > 0.
 */
export function hillTerm(x: number, halfMax: number, hillPower: number): number {
  if (!(x > 0)) return 0;
  if (halfMax === 0) return Infinity;
  const r = x / halfMax;
  return hillPower === 1 ? r : hillPower === 2 ? r * r : Math.pow(r, hillPower);
}

/** S/(1+S) with S = +Infinity mapped to 1. Dimensionless, in [0, 1]. */
export function saturate(sum: number): number {
  return sum === Infinity ? 1 : sum / (1 + sum);
}

/** Sorts terms into the canonical order used for summation (signal, half-max, power). */
export function canonicalTermOrder(terms: ResponseTerm[]): ResponseTerm[] {
  return [...terms].sort((a, b) => a.signal - b.signal || a.halfMax - b.halfMax || a.hillPower - b.hillPower);
}

/**
 * Evaluates a behaviour from its base value and the current signal vector.
 * @param response compiled rules of the behaviour (terms already in canonical order)
 * @param base b0, the cell definition's value of the behaviour (behaviour unit)
 * @param signals the signal vector, indexed by `ResponseTerm.signal`
 * @returns the behaviour value (behaviour unit)
 */
export function evaluateResponse(response: BehaviourResponse, base: number, signals: Float64Array): number {
  let value = base;
  const up = response.up;
  if (up.length > 0) {
    let s = 0;
    for (let i = 0; i < up.length; i++) {
      const t = up[i];
      s += hillTerm(signals[t.signal], t.halfMax, t.hillPower);
    }
    value = base + (response.upLimit - base) * saturate(s);
  }
  const down = response.down;
  if (down.length > 0) {
    let s = 0;
    for (let i = 0; i < down.length; i++) {
      const t = down[i];
      s += hillTerm(signals[t.signal], t.halfMax, t.hillPower);
    }
    value = value + (response.downLimit - value) * saturate(s);
  }
  return value;
}

/** Plain description of one rule for building a response (before index resolution). */
export interface RuleForResponse {
  signal: number;
  direction: 'increases' | 'decreases';
  saturation: number;
  halfMax: number;
  hillPower: number;
}

/**
 * Groups rules on one behaviour into a BehaviourResponse with limits and canonical order.
 * M = max of up saturations, m = min of down saturations (PhysiCell >= 1.13 semantics, where
 * rows no longer overwrite each other). Throws RangeError for an empty rule list.
 */
export function buildResponse(behaviour: number, rules: RuleForResponse[]): BehaviourResponse {
  if (rules.length === 0) throw new RangeError(`buildResponse: behaviour ${behaviour} has no rules`);
  const up: ResponseTerm[] = [];
  const down: ResponseTerm[] = [];
  let upLimit = -Infinity;
  let downLimit = Infinity;
  for (const r of rules) {
    const term = { signal: r.signal, halfMax: r.halfMax, hillPower: r.hillPower };
    if (r.direction === 'increases') {
      up.push(term);
      upLimit = Math.max(upLimit, r.saturation);
    } else {
      down.push(term);
      downLimit = Math.min(downLimit, r.saturation);
    }
  }
  return { behaviour, up: canonicalTermOrder(up), down: canonicalTermOrder(down), upLimit, downLimit };
}
