/**
 * Pharmacokinetics in closed form (layer 0): linear one- and two-compartment models with
 * first-order elimination, given as bolus doses or zero-order (constant-rate) infusions into the
 * central compartment. Linear PK superposes, so the plasma concentration of any schedule is the
 * sum of the responses to its doses (Gibaldi & Perrier, Pharmacokinetics, 2nd ed., ch. 1-2).
 *
 * Every model is written as exponential components: a unit dose put into the central volume
 * gives C(t) = Σ_i c_i · exp(-λ_i t) (per unit amount); c_i in 1/L, λ_i in 1/min.
 *   - one compartment: c = 1/V, λ = k = ln 2 / t½
 *   - two compartments (micro-constants k10, k12, k21, central volume V1): λ1,2 = α, β are the
 *     roots of s² - (k10 + k12 + k21)s + k10·k21 = 0 and
 *     c_α = (α - k21) / (V1 (α - β)),  c_β = (k21 - β) / (V1 (α - β)).
 * A bolus D at time t0 adds D·Σ c_i e^{-λ_i (t-t0)} for t ≥ t0. An infusion at rate R over
 * [t0, t0+T] adds R·Σ (c_i/λ_i)(1 - e^{-λ_i τ}) e^{-λ_i (t - t0 - τ)} with τ = min(t - t0, T),
 * whose plateau for a one-compartment model is R/(k V).
 *
 * Units: time in minutes, amounts in mg, volumes in L, concentrations in mg/L (= ug/mL).
 */

/** A linear PK model as exponential components (see the module comment). */
export interface PkComponents {
  /** Coefficients c_i (1/L). */
  coefficients: number[];
  /** Rates λ_i (1/min), all > 0. */
  rates: number[];
}

/** One-compartment model from half-life (min) and volume of distribution (L). @throws RangeError */
export function oneCompartment(halfLifeMin: number, volumeL: number): PkComponents {
  if (!(halfLifeMin > 0) || !Number.isFinite(halfLifeMin)) throw new RangeError(`half-life must be a positive time, got ${halfLifeMin} min`);
  if (!(volumeL > 0) || !Number.isFinite(volumeL)) throw new RangeError(`volume of distribution must be positive, got ${volumeL} L`);
  return { coefficients: [1 / volumeL], rates: [Math.LN2 / halfLifeMin] };
}

/**
 * Two-compartment model from micro-constants (1/min) and central volume (L).
 * @throws RangeError for non-positive k10 or V1, or negative k12/k21
 */
export function twoCompartment(k10: number, k12: number, k21: number, v1L: number): PkComponents {
  if (!(k10 > 0) || !(v1L > 0)) throw new RangeError(`two-compartment PK needs k10 > 0 and V1 > 0 (got k10=${k10} 1/min, V1=${v1L} L)`);
  if (!(k12 >= 0) || !(k21 >= 0)) throw new RangeError(`two-compartment PK needs k12, k21 >= 0 (got ${k12}, ${k21} 1/min)`);
  if (k12 === 0) return { coefficients: [1 / v1L], rates: [k10] };
  if (!(k21 > 0)) throw new RangeError('two-compartment PK with k12 > 0 needs k21 > 0 (drug would never return from the peripheral compartment)');
  const sum = k10 + k12 + k21;
  const disc = Math.sqrt(sum * sum - 4 * k10 * k21);
  const alpha = (sum + disc) / 2;
  // β = k10·k21/α avoids cancellation when β << α.
  const beta = (k10 * k21) / alpha;
  return {
    coefficients: [(alpha - k21) / (v1L * (alpha - beta)), (k21 - beta) / (v1L * (alpha - beta))],
    rates: [alpha, beta],
  };
}

/** One administration: a bolus (amount mg at `start`) or an infusion (rate mg/min for `duration` min). */
export type Administration =
  | { kind: 'bolus'; start: number; amount: number }
  | { kind: 'infusion'; start: number; rate: number; duration: number };

/**
 * Plasma concentration (mg/L) at time t (min) of a schedule, by superposition.
 * Administrations after t contribute nothing.
 */
export function concentration(pk: PkComponents, doses: readonly Administration[], t: number): number {
  let c = 0;
  for (const d of doses) {
    const dt = t - d.start;
    if (dt < 0) continue;
    for (let i = 0; i < pk.rates.length; i++) {
      const lambda = pk.rates[i];
      const coef = pk.coefficients[i];
      if (d.kind === 'bolus') c += d.amount * coef * Math.exp(-lambda * dt);
      else {
        const tau = Math.min(dt, d.duration);
        c += ((d.rate * coef) / lambda) * -Math.expm1(-lambda * tau) * Math.exp(-lambda * (dt - tau));
      }
    }
  }
  return c;
}

/** Body-size assumptions for converting per-surface or per-weight doses (stated in outputs). */
export interface Patient {
  /** Body-surface area (m^2); default 1.8 m^2, a typical adult. */
  bodySurfaceArea: number;
  /** Body weight (kg); default 70 kg. */
  weight: number;
}

export const TYPICAL_ADULT: Patient = Object.freeze({ bodySurfaceArea: 1.8, weight: 70 });

/**
 * Converts a dose to mg: `mg`, `mg/m^2` (× body-surface area) or `mg/kg` (× weight).
 * @throws RangeError for another unit or a negative dose
 */
export function doseToMg(value: number, unit: 'mg' | 'mg/m^2' | 'mg/kg', patient: Patient = TYPICAL_ADULT): number {
  if (!(value >= 0) || !Number.isFinite(value)) throw new RangeError(`a dose must be a finite amount of 0 or more, got ${value} ${unit}`);
  switch (unit) {
    case 'mg':
      return value;
    case 'mg/m^2':
      return value * patient.bodySurfaceArea;
    case 'mg/kg':
      return value * patient.weight;
    default:
      throw new RangeError(`unknown dose unit '${String(unit)}' (use mg, mg/m^2 or mg/kg)`);
  }
}

/**
 * Converts mg/L to a molar concentration in uM given the molecular weight (g/mol):
 * 1 mg/L = 1000 / MW uM. @throws RangeError for a non-positive molecular weight
 */
export function mgPerLToMicromolar(c: number, molecularWeight: number): number {
  if (!(molecularWeight > 0)) throw new RangeError(`molecular weight must be positive, got ${molecularWeight} g/mol`);
  return (c * 1000) / molecularWeight;
}
