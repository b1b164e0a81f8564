/**
 * The mean-field (well-mixed) form of a compiled niche model as an ODE system (layer 3).
 *
 * State vector y, length 3 nT + nS:
 *   y[i]          live cells of type i (cells)
 *   y[nT + i]     apoptotic cells of type i (cells)
 *   y[2nT + i]    necrotic cells of type i (cells)
 *   y[3nT + s]    concentration of substrate s (its declared unit)
 *
 * Each rate r (1/min) of the cell definitions and rules is a flux r·N, the expectation of the
 * agent engine's per-step event probability 1 - exp(-r dt) (ARCHITECTURE.md, shared semantics).
 * Equations (V = niche volume, V_i cell volume, b_i behaviours of type i from rules):
 *   dN_i/dt = (cycle_i - apoptosis_i - necrosis_i - Σ_j transform_ij) N_i + Σ_j transform_ji N_j
 *             + influx_i - Σ_k eaten_ki - Σ_k killed_ki
 *   dA_i/dt = apoptosis_i N_i + Σ_k killed_ki - A_i / τ_apo,i - phagocytosed apoptotic
 *   dX_i/dt = necrosis_i N_i - X_i / τ_nec,i - phagocytosed necrotic
 *   dρ_s/dt = -λ_s ρ_s + Σ_i N_i (V_i/V) [S_is (T_is - ρ_s) - U_is ρ_s] + Σ_i N_i E_is / V
 *             - Σ_i (A_i + X_i)(V_i/V) 0.1 U_is ρ_s + k_s^D (ρ_s^D - ρ_s) + infusion_s(t)
 *   (the secretion/uptake terms are BioFVM's per-cell source term, Ghaffarizadeh et al. 2016,
 *   doi:10.1093/bioinformatics/btv730; dead cells stop secreting and take up at 0.1x, as in
 *   PhysiCell 1.14.)
 * Mean-field closures of spatial signals (defined here once):
 *   - contact with type j, seen by type i: expected neighbours n_ij = N_j · (4/3)π(r_i + r_j)^3 / V
 *     (cells whose centres lie within touching distance); likewise for dead cells.
 *   - an interaction of rate r between a cell of type i and a neighbour of type j (phagocytose,
 *     attack) happens at flux r · N_i · (1 - exp(-n_ij)): the probability that a cell of type i
 *     has at least one such neighbour (Poisson), so it vanishes with the target population and
 *     each predator acts on at most one target at a time, as in the agent engine.
 *   - pressure = (Σ_i (N_i + A_i + X_i) V_i / V) / 0.74: the cell-volume fraction relative to
 *     close packing (0.74), so a packed niche reads about 1.
 *   - a Dirichlet boundary value ρ^D exchanges with the niche at k^D = 3π² D / L², L = V^(1/3):
 *     the slowest decay rate of diffusion in a cube of side L with a fixed boundary.
 */
import type { CompiledModel } from '../../compile/compile.js';
import { Layout } from '../../compile/layout.js';
import { evaluateResponse } from '../../vocabulary/responses.js';
import type { OdeSystem } from './solvers/types.js';

/** Close-packing volume fraction of equal spheres, used to scale the mean-field pressure. */
export const CLOSE_PACKING_FRACTION = 0.74;

/** Builds the ODE system and a few helpers of a compiled model. */
export class MeanFieldSystem implements OdeSystem {
  readonly n: number;
  readonly nT: number;
  readonly nS: number;
  /** Infusion rate per substrate (substrate unit / min), set by the engine between breakpoints. */
  readonly infusion: Float64Array;
  private readonly m: CompiledModel;
  private readonly contactVolume: Float64Array; // [nT*nT], (4/3)π(r_i+r_j)^3 / V
  private readonly signals: Float64Array[]; // per type
  private readonly behaviours: Float64Array[]; // per type
  private readonly exchange: Float64Array; // k^D per substrate
  private readonly boundaryValue: Float64Array;

  constructor(model: CompiledModel) {
    this.m = model;
    this.nT = model.cellTypes.length;
    this.nS = model.substrates.length;
    this.n = 3 * this.nT + this.nS;
    this.infusion = new Float64Array(this.nS);
    const V = model.nicheVolume;
    this.contactVolume = new Float64Array(this.nT * this.nT);
    for (let i = 0; i < this.nT; i++) {
      for (let j = 0; j < this.nT; j++) {
        const r = model.cellTypes[i].radius + model.cellTypes[j].radius;
        this.contactVolume[i * this.nT + j] = ((4 / 3) * Math.PI * r * r * r) / V;
      }
    }
    this.signals = model.cellTypes.map(() => new Float64Array(model.layout.nSignals));
    this.behaviours = model.cellTypes.map(() => new Float64Array(model.layout.nBehaviours));
    this.exchange = new Float64Array(this.nS);
    this.boundaryValue = new Float64Array(this.nS);
    const L = Math.cbrt(V);
    model.substrates.forEach((s, k) => {
      if (s.dirichletBoundary?.enabled) {
        this.exchange[k] = (3 * Math.PI * Math.PI * s.diffusionCoefficient) / (L * L);
        this.boundaryValue[k] = s.dirichletBoundary.value;
      }
    });
  }

  /** Initial state: initial numbers, no dead cells, initial concentrations. */
  initialState(): Float64Array {
    const y = new Float64Array(this.n);
    this.m.cellTypes.forEach((c, i) => (y[i] = c.initialNumber));
    this.m.substrates.forEach((s, k) => (y[3 * this.nT + k] = s.initialCondition));
    return y;
  }

  /** Names of the state components, for messages and tables. */
  stateNames(): string[] {
    const t = this.m.cellTypes.map((c) => c.name);
    return [...t, ...t.map((n) => `${n} (apoptotic)`), ...t.map((n) => `${n} (necrotic)`), ...this.m.substrates.map((s) => s.name)];
  }

  /**
   * Fills the signal and behaviour vectors of every cell type for state y at time t.
   * Exposed so the engine and tests can read behaviours (e.g. M2 polarisation rates).
   */
  evaluateBehaviours(t: number, y: Float64Array): Float64Array[] {
    const { nT, nS, m } = this;
    const L = m.layout;
    let packed = 0;
    for (let i = 0; i < nT; i++) {
      packed += (pos(y[i]) + pos(y[nT + i]) + pos(y[2 * nT + i])) * m.cellTypes[i].volume;
    }
    const pressure = packed / m.nicheVolume / CLOSE_PACKING_FRACTION;
    for (let i = 0; i < nT; i++) {
      const sig = this.signals[i];
      for (let s = 0; s < nS; s++) sig[s] = y[3 * nT + s];
      let live = 0;
      let dead = 0;
      for (let j = 0; j < nT; j++) {
        const cv = this.contactVolume[i * nT + j];
        const c = pos(y[j]) * cv;
        sig[nS + j] = c;
        live += c;
        dead += (pos(y[nT + j]) + pos(y[2 * nT + j])) * cv;
      }
      sig[L.signalContactLive] = live;
      sig[L.signalContactDead] = dead;
      sig[L.signalPressure] = pressure;
      sig[L.signalVolume] = m.cellTypes[i].volume;
      sig[L.signalTime] = t;
      sig[L.signalDead] = 0;
      const ct = m.cellTypes[i];
      const b = this.behaviours[i];
      b.set(ct.base);
      const responses = ct.responses;
      for (let r = 0; r < responses.length; r++) {
        const resp = responses[r];
        b[resp.behaviour] = evaluateResponse(resp, ct.base[resp.behaviour], sig);
      }
    }
    return this.behaviours;
  }

  rhs(t: number, y: Float64Array, dy: Float64Array): void {
    const { nT, nS, m } = this;
    const L = m.layout;
    const V = m.nicheVolume;
    const beh = this.evaluateBehaviours(t, y);
    dy.fill(0);
    for (let i = 0; i < nT; i++) {
      const b = beh[i];
      const ct = m.cellTypes[i];
      const N = pos(y[i]);
      const A = pos(y[nT + i]);
      const X = pos(y[2 * nT + i]);
      dy[i] += (b[Layout.CYCLE_ENTRY] - b[Layout.APOPTOSIS] - b[Layout.NECROSIS]) * N + b[Layout.INFLUX];
      dy[nT + i] += b[Layout.APOPTOSIS] * N - A / ct.apoptoticClearanceTime;
      dy[2 * nT + i] += b[Layout.NECROSIS] * N - X / ct.necroticClearanceTime;
      for (let j = 0; j < nT; j++) {
        if (j === i) continue;
        const f = b[L.transformTo(j)] * N;
        if (f !== 0) {
          dy[i] -= f;
          dy[j] += f;
        }
      }
      // Interactions with live targets: phagocytosis removes the target, an attack kills it.
      for (let j = 0; j < nT; j++) {
        const eat = b[L.phagocytose(j)];
        const kill = b[L.attack(j)];
        if (eat === 0 && kill === 0) continue;
        const n = pos(y[j]) * this.contactVolume[i * nT + j];
        const p = -Math.expm1(-n);
        dy[j] -= (eat + kill) * N * p;
        dy[nT + j] += kill * N * p;
      }
      // Phagocytosis of dead cells, shared among dead pools by their expected contact.
      const eatA = b[L.phagocytoseApoptotic];
      const eatX = b[L.phagocytoseNecrotic];
      if (eatA > 0 || eatX > 0) {
        let nA = 0;
        let nX = 0;
        for (let j = 0; j < nT; j++) {
          const cv = this.contactVolume[i * nT + j];
          nA += pos(y[nT + j]) * cv;
          nX += pos(y[2 * nT + j]) * cv;
        }
        if (nA > 0 && eatA > 0) {
          const flux = eatA * N * -Math.expm1(-nA);
          for (let j = 0; j < nT; j++) dy[nT + j] -= (flux * pos(y[nT + j]) * this.contactVolume[i * nT + j]) / nA;
        }
        if (nX > 0 && eatX > 0) {
          const flux = eatX * N * -Math.expm1(-nX);
          for (let j = 0; j < nT; j++) dy[2 * nT + j] -= (flux * pos(y[2 * nT + j]) * this.contactVolume[i * nT + j]) / nX;
        }
      }
      // Secretion and uptake.
      const liveFraction = (N * ct.volume) / V;
      const deadFraction = ((A + X) * ct.volume) / V;
      for (let s = 0; s < nS; s++) {
        const rho = y[3 * nT + s];
        const S = b[L.secretion(s)];
        const U = b[L.uptake(s)];
        const E = b[L.export(s)];
        if (S !== 0 || U !== 0) dy[3 * nT + s] += liveFraction * (S * (b[L.secretionTarget(s)] - rho) - U * rho);
        if (E !== 0) dy[3 * nT + s] += (N * E) / V;
        const U0 = ct.base[L.uptake(s)];
        if (U0 !== 0 && deadFraction > 0) dy[3 * nT + s] -= deadFraction * 0.1 * U0 * rho;
      }
    }
    for (let s = 0; s < nS; s++) {
      const rho = y[3 * nT + s];
      dy[3 * nT + s] += -m.substrates[s].decayRate * rho + this.exchange[s] * (this.boundaryValue[s] - rho) + this.infusion[s];
    }
  }
}

/** Negative values (round-off of the integrator) count as zero in rates. */
function pos(x: number): number {
  return x > 0 ? x : 0;
}
