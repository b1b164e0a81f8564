/**
 * Cohort statistics (layer 4): Kaplan-Meier estimates with Greenwood variance and log-log
 * confidence bands (Kalbfleisch & Prentice), the log-rank test between two groups, and response
 * rates with Wilson score intervals.
 */
import { chiSquare1Sf, normalQuantile } from './distributions.js';

export interface KmStep {
  /** Time of the step (0 for the first row). */
  t: number;
  atRisk: number;
  events: number;
  censored: number;
  /** Survival (event-free) probability just after t. */
  survival: number;
  lo: number;
  hi: number;
}

export interface KmCurve {
  steps: KmStep[];
  n: number;
  events: number;
  /** Median time to event (first t with S <= 0.5), null if not reached. */
  median: number | null;
}

/**
 * Kaplan-Meier estimate from event times and flags (true = event, false = censored at that time).
 * Censoring at the same time as events counts the events first (the usual convention).
 */
export function kaplanMeier(times: ArrayLike<number>, event: ArrayLike<boolean>, confidence = 0.95): KmCurve {
  const n = times.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => times[a] - times[b]);
  const z = normalQuantile(0.5 + confidence / 2);
  const steps: KmStep[] = [{ t: 0, atRisk: n, events: 0, censored: 0, survival: 1, lo: 1, hi: 1 }];
  let atRisk = n;
  let s = 1;
  let greenwood = 0;
  let totalEvents = 0;
  let median: number | null = null;
  for (let k = 0; k < n; ) {
    const t = times[idx[k]];
    let d = 0;
    let c = 0;
    while (k < n && times[idx[k]] === t) {
      if (event[idx[k]]) d++;
      else c++;
      k++;
    }
    if (d > 0) {
      s *= 1 - d / atRisk;
      if (atRisk > d) greenwood += d / (atRisk * (atRisk - d));
      totalEvents += d;
    }
    let lo = s;
    let hi = s;
    if (s > 0 && s < 1) {
      // log(-log S) band
      const se = Math.sqrt(greenwood) / Math.abs(Math.log(s));
      lo = s ** Math.exp(z * se);
      hi = s ** Math.exp(-z * se);
    } else if (s === 0) {
      lo = 0;
      hi = steps[steps.length - 1].hi;
    }
    if (t === 0 && steps.length === 1) {
      const first = steps[0];
      first.events += d;
      first.censored += c;
      first.survival = s;
      first.lo = lo;
      first.hi = hi;
    } else steps.push({ t, atRisk, events: d, censored: c, survival: s, lo, hi });
    if (median === null && s <= 0.5 && d > 0) median = t;
    atRisk -= d + c;
  }
  return { steps, n, events: totalEvents, median };
}

/** The survival probability of a curve at time t (right-continuous step function). */
export function survivalAt(curve: KmCurve, t: number): number {
  let s = 1;
  for (const st of curve.steps) {
    if (st.t <= t) s = st.survival;
    else break;
  }
  return s;
}

/** Log-rank (Mantel-Cox) test of two groups: chi-square statistic with 1 degree of freedom and its p-value. */
export function logRank(t1: ArrayLike<number>, e1: ArrayLike<boolean>, t2: ArrayLike<number>, e2: ArrayLike<boolean>): { chi2: number; p: number; observed1: number; expected1: number } {
  const all: Array<{ t: number; g: 0 | 1; e: boolean }> = [];
  for (let i = 0; i < t1.length; i++) all.push({ t: t1[i], g: 0, e: e1[i] });
  for (let i = 0; i < t2.length; i++) all.push({ t: t2[i], g: 1, e: e2[i] });
  all.sort((a, b) => a.t - b.t);
  let n1 = t1.length;
  let n2 = t2.length;
  let o1 = 0;
  let ex1 = 0;
  let v = 0;
  for (let k = 0; k < all.length; ) {
    const t = all[k].t;
    let d1 = 0;
    let d2 = 0;
    let c1 = 0;
    let c2 = 0;
    while (k < all.length && all[k].t === t) {
      const r = all[k++];
      if (r.e) r.g === 0 ? d1++ : d2++;
      else r.g === 0 ? c1++ : c2++;
    }
    const d = d1 + d2;
    const n = n1 + n2;
    if (d > 0 && n > 0) {
      o1 += d1;
      ex1 += (d * n1) / n;
      if (n > 1) v += (d * (n1 / n) * (n2 / n) * (n - d)) / (n - 1);
    }
    n1 -= d1 + c1;
    n2 -= d2 + c2;
  }
  const chi2 = v > 0 ? (o1 - ex1) ** 2 / v : 0;
  return { chi2, p: v > 0 ? chiSquare1Sf(chi2) : 1, observed1: o1, expected1: ex1 };
}

/** Wilson score interval of a proportion k / n. */
export function wilsonInterval(k: number, n: number, confidence = 0.95): { p: number; lo: number; hi: number } {
  if (n === 0) return { p: NaN, lo: NaN, hi: NaN };
  const z = normalQuantile(0.5 + confidence / 2);
  const p = k / n;
  const den = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / den;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / den;
  return { p, lo: Math.max(0, centre - half), hi: Math.min(1, centre + half) };
}
