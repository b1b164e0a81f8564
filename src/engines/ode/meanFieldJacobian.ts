/**
 * Analytic Jacobian of the mean-field ODE system (layer 3), see meanField.ts for the equations.
 *
 * f(y) = F(y, b(y)): the right-hand side F depends on the state directly (cell numbers, contact
 * probabilities, concentrations) and through the behaviours b that carry rules, b = B(signals(y)).
 * By the chain rule
 *
 *   ∂f/∂y = ∂F/∂y |_(b fixed)  +  Σ_r  ∂F/∂b_r · ∂b_r/∂y,
 *
 * where r runs over the behaviours that carry rules (all other behaviours are constants).
 *
 * 1. Direct part ∂F/∂y at fixed b, term by term of meanField.ts:
 *    - linear rates: ∂(b N_i)/∂N_i = b; clearance ∂(A_i/τ)/∂A_i = 1/τ; birth at
 *      r_eff = r / (1 + r d) for a type with a division delay d > 0 (r itself for d = 0);
 *    - live interactions, flux r N_i p(n_ij) with n_ij = pos(N_j) c_ij and p(n) = 1 − exp(−n):
 *      ∂/∂N_i = r p, ∂/∂N_j = r N_i exp(−n_ij) c_ij;
 *    - dead-cell phagocytosis, F = e N_i p(n_A) with n_A = Σ_j pos(A_j) c_ij, split with weights
 *      w_j = pos(A_j) c_ij / n_A: ∂(F w_j)/∂N_i = e p w_j and
 *      ∂(F w_j)/∂A_k = c_ik [w_j (e N_i exp(−n_A) − F/n_A) + δ_jk F/n_A]; same for necrotic pools;
 *    - secretion/uptake N_i (V_i/V)[S (T − ρ) − U ρ] + N_i E / V, dead uptake
 *      (A_i + X_i)(V_i/V) 0.1 U0 ρ, decay and Dirichlet exchange: linear in each factor.
 * 2. Behaviour part: for a behaviour with base b0, up terms (limit M) and down terms (limit m),
 *      U = b0 + (M − b0) H(S_up),  B = U + (m − U) H(S_dn),  H(S) = S/(1+S),  H'(S) = 1/(1+S)²,
 *    so ∂B/∂x_k = (1 − H(S_dn)) (M − b0) H'(S_up) T_k'(x_k) for an up term and
 *    (m − U) H'(S_dn) T_k'(x_k) for a down term, with T(x) = (x/h)^n, T'(x) = n (x/h)^(n−1) / h.
 *    Signals are linear in y (substrate = ρ_s; contact with j = pos(N_j) c_ij; contact with live
 *    / dead cells = sums of those; pressure = Σ (pos(N_j) + pos(A_j) + pos(X_j)) V_j / V / 0.74);
 *    volume, time and the dead flag do not depend on y. ∂F/∂b_r is the coefficient of b_r in F
 *    (e.g. N_i for cycle entry, N_i (V_i/V)(T − ρ) for secretion, −N_i p(n_ij) for phagocytosis);
 *    for cycle entry with a division delay d > 0 it carries the chain factor
 *    d r_eff/d r = 1/(1 + r d)², i.e. N_i / (1 + r d)².
 *
 * Kinks (where the right-hand side switches a term off) take the derivative of the switched-off
 * side, which is what the right-hand side computes there: pos(x) has derivative 0 at x <= 0; a
 * Hill term has derivative 0 at x <= 0 and, for h = 0, everywhere (it is a step: 0 or +Infinity);
 * a saturated sum (S = +Infinity) has H' = 0; dead-cell phagocytosis with n_A = 0 or a rate <= 0
 * is skipped by the right-hand side and contributes 0.
 *
 * Units: row i, column j of the Jacobian is in (unit of y_i)/(unit of y_j)/min.
 *
 * This module also defines the flat tables (MeanFieldTables) and work arrays (MeanFieldWork) that
 * meanField.ts builds and fills, so that it does not import meanField.ts (no import cycle).
 */

/**
 * What a behaviour slot does in the equations, for the Jacobian's ∂f/∂b (assigned by meanField.ts).
 * @internal
 */
export const SlotKind = {
  /** No effect on the mean-field equations (motility, chemotaxis, self-transformation). */
  none: 0,
  cycleEntry: 1,
  apoptosis: 2,
  necrosis: 3,
  influx: 4,
  secretion: 5,
  secretionTarget: 6,
  uptake: 7,
  export: 8,
  transformTo: 9,
  phagocytose: 10,
  attack: 11,
  phagocytoseApoptotic: 12,
  phagocytoseNecrotic: 13,
} as const;

/**
 * The compiled model flattened into typed arrays, shared by the right-hand side and the Jacobian.
 * Index conventions: i, j cell types (0..nT-1), s substrates (0..nS-1), r responses (behaviours
 * that carry rules, 0..R-1, grouped by cell type), k rule terms (0..K-1, grouped by response:
 * first the "increases" terms, then the "decreases" terms, each in canonical order).
 * @internal
 */
export interface MeanFieldTables {
  /** Numbers of cell types, substrates, state components, behaviour slots, signal slots. */
  readonly nT: number;
  readonly nS: number;
  readonly n: number;
  readonly nB: number;
  readonly nSig: number;
  /** Niche volume V (um^3). */
  readonly nicheVolume: number;
  /** [nT*nT] row i, column j: (4/3)π(r_i + r_j)^3 / V (neighbours per cell of type j). */
  readonly contactVolume: Float64Array;
  /** [nT] cell volume V_i (um^3). */
  readonly volume: Float64Array;
  /** [nT] ∂pressure/∂(any pool of type j) = V_j / V / 0.74 (1/cell). */
  readonly pressurePerCell: Float64Array;
  /**
   * [nT] time from cycle entry to division d (min, 0 = none): the birth term uses
   * r_eff = r / (1 + r d), r the cycle entry behaviour, when d > 0 (r itself when d = 0).
   */
  readonly divisionDelay: Float64Array;
  /** [nT] apoptotic and necrotic clearance times (min). */
  readonly apoptoticClearanceTime: Float64Array;
  readonly necroticClearanceTime: Float64Array;
  /** [nT*nB] base behaviour vectors (Layout units), row i = cell type i. */
  readonly base: Float64Array;
  /** [nS] decay rate λ_s (1/min), Dirichlet exchange rate k^D (1/min, 0 = none), boundary value ρ^D. */
  readonly decayRate: Float64Array;
  readonly exchange: Float64Array;
  readonly boundaryValue: Float64Array;
  /** [nT+1] responses of type i are r in [respStart[i], respStart[i+1]). */
  readonly respStart: Int32Array;
  /** [R] behaviour slot (Layout index) of response r. */
  readonly respSlot: Int32Array;
  /** [R] {@link SlotKind} of the slot and its argument (substrate s or target type j, else 0). */
  readonly respKind: Int32Array;
  readonly respArg: Int32Array;
  /** [R] base value b0, up limit M and down limit m (behaviour unit). */
  readonly respBase: Float64Array;
  readonly respUpLimit: Float64Array;
  readonly respDownLimit: Float64Array;
  /** [R+1] terms of response r are k in [termStart[r], termStart[r+1]); "decreases" from downStart[r]. */
  readonly termStart: Int32Array;
  readonly downStart: Int32Array;
  /** [K] signal slot, half-max h (signal unit, >= 0) and Hill power n (> 0) of term k. */
  readonly termSignal: Int32Array;
  readonly termHalfMax: Float64Array;
  readonly termHillPower: Float64Array;
  /** Behaviour slots of the first transform-to (stride 3: transform, phagocytose, attack per type). */
  readonly slotTransform0: number;
  /** Behaviour slots of dead-cell phagocytosis. */
  readonly slotEatApoptotic: number;
  readonly slotEatNecrotic: number;
  /**
   * Per-type lists of what can be nonzero (a nonzero base value or a rule on the slot), so the
   * right-hand side and the Jacobian skip terms that are identically zero. Type i's entries are
   * [xStart[i], xStart[i+1]) of the list, in increasing order:
   *   transform*: target types j != i of transform-to; interaction*: target types j of
   *   phagocytose or attack; substrate*: substrates s with secretion, uptake or export;
   *   signal*: the signal slots other than substrates read by the type's rules (substrate
   *   signals are read from y directly).
   */
  readonly transformStart: Int32Array;
  readonly transformTarget: Int32Array;
  readonly interactionStart: Int32Array;
  readonly interactionTarget: Int32Array;
  readonly substrateStart: Int32Array;
  readonly substrateIndex: Int32Array;
  readonly signalStart: Int32Array;
  readonly signalSlot: Int32Array;
  /**
   * [R+1], [..] the state components the behaviour of response r can depend on (through the
   * signals its rules read): supportIndex[supportStart[r] .. supportStart[r+1]), ascending.
   */
  readonly supportStart: Int32Array;
  readonly supportIndex: Int32Array;
  /** [nT] 1 when the type may phagocytose dead cells (apoptotic or necrotic). */
  readonly eatsDead: Uint8Array;
  /** Whether any rule reads the pressure signal. */
  readonly needsPressure: boolean;
  /** Signal slots. */
  readonly sigContactLive: number;
  readonly sigContactDead: number;
  readonly sigPressure: number;
  readonly sigVolume: number;
  readonly sigTime: number;
  readonly sigDead: number;
}

/**
 * Mutable per-call work arrays shared by the right-hand side and the Jacobian (preallocated).
 * @internal
 */
export interface MeanFieldWork {
  /** [nT*nSig] signals at the last evaluated state, row i = what a cell of type i senses; only the
   * slots in MeanFieldTables.signalSlot are kept up to date (substrates are read from y). */
  readonly sig: Float64Array;
  /** [nT*nB] behaviours at the last evaluated state (slots without rules hold their base). */
  readonly beh: Float64Array;
  /** [R] per response: S_up and S_dn (sums of Hill terms, may be +Infinity; 0 when there are no
   * such terms) and U = b0 + (M − b0) H(S_up) (behaviour unit). */
  readonly sumUp: Float64Array;
  readonly sumDown: Float64Array;
  readonly upValue: Float64Array;
}

const K_CYCLE = SlotKind.cycleEntry;
const K_APOPTOSIS = SlotKind.apoptosis;
const K_NECROSIS = SlotKind.necrosis;
const K_INFLUX = SlotKind.influx;
const K_SECRETION = SlotKind.secretion;
const K_TARGET = SlotKind.secretionTarget;
const K_UPTAKE = SlotKind.uptake;
const K_EXPORT = SlotKind.export;
const K_TRANSFORM = SlotKind.transformTo;
const K_PHAGOCYTOSE = SlotKind.phagocytose;
const K_ATTACK = SlotKind.attack;
const K_EAT_APOPTOTIC = SlotKind.phagocytoseApoptotic;
const K_EAT_NECROTIC = SlotKind.phagocytoseNecrotic;

/**
 * Evaluates the analytic Jacobian of a mean-field system from its tables and the work arrays its
 * right-hand side fills (signals, behaviours and Hill sums at the current state).
 *
 * Work arrays (preallocated, no allocation per call; the hot loops call no helper functions with
 * floating-point arguments, which V8 would box): the gradient ∂b_r/∂y of one behaviour [n], and
 * the rows of F that contain b_r with their coefficients ∂F/∂b_r [n each].
 */
export class MeanFieldJacobian {
  private readonly tb: MeanFieldTables;
  private readonly work: MeanFieldWork;
  /** [n] gradient of one behaviour with respect to y (behaviour unit per state unit). */
  private readonly grad: Float64Array;
  /** [n] rows of F containing the current behaviour, and ∂F_row/∂b (row unit/min per behaviour unit). */
  private readonly rows: Int32Array;
  private readonly rowFactor: Float64Array;

  /**
   * @param tables the system's tables
   * @param work   the system's work arrays; `evaluate` reads them, so they must hold the
   *               signals and behaviours at the state passed to `evaluate`
   */
  constructor(tables: MeanFieldTables, work: MeanFieldWork) {
    this.tb = tables;
    this.work = work;
    this.grad = new Float64Array(tables.n);
    this.rows = new Int32Array(tables.n);
    this.rowFactor = new Float64Array(tables.n);
  }

  /**
   * Writes ∂f/∂y at y into jac (row-major n×n, overwritten; entry [i*n + j] = ∂f_i/∂y_j).
   * @param y   state (length n), the one the work arrays were last evaluated at
   * @param jac output, length n*n
   */
  evaluate(y: Float64Array, jac: Float64Array): void {
    jac.fill(0);
    this.direct(y, jac);
    this.throughBehaviours(y, jac);
  }

  /** Part 1: ∂F/∂y with the behaviours held fixed (adds into jac). */
  private direct(y: Float64Array, jac: Float64Array): void {
    const tb = this.tb;
    const beh = this.work.beh;
    const { nT, nS, n, nB } = tb;
    const V = tb.nicheVolume;
    const cv = tb.contactVolume;
    const tr0 = tb.slotTransform0;
    const s0 = 3 * nT;
    for (let i = 0; i < nT; i++) {
      const o = i * nB;
      const ci = i * nT;
      const N = pos(y[i]);
      const dN = y[i] > 0 ? 1 : 0;
      const dA = y[nT + i] > 0 ? 1 : 0;
      const dX = y[2 * nT + i] > 0 ? 1 : 0;
      const rowN = i * n;
      const rowA = (nT + i) * n;
      const rowX = (2 * nT + i) * n;
      const apo = beh[o + 1];
      const nec = beh[o + 2];
      // Birth at r_eff = r / (1 + r d) with a division delay d > 0 (as the right-hand side).
      let birth = beh[o];
      const delay = tb.divisionDelay[i];
      if (delay > 0) birth = birth / (1 + birth * delay);
      jac[rowN + i] += (birth - apo - nec) * dN;
      jac[rowA + i] += apo * dN;
      jac[rowA + nT + i] -= dA / tb.apoptoticClearanceTime[i];
      jac[rowX + i] += nec * dN;
      jac[rowX + 2 * nT + i] -= dX / tb.necroticClearanceTime[i];
      if (dN !== 0) {
        for (let q = tb.transformStart[i], qEnd = tb.transformStart[i + 1]; q < qEnd; q++) {
          const j = tb.transformTarget[q];
          const tr = beh[o + tr0 + 3 * j];
          jac[rowN + i] -= tr;
          jac[j * n + i] += tr;
        }
      }
      // Live interactions: dy[j] -= (eat + kill) N_i p(n_ij), dy[nT + j] += kill N_i p(n_ij).
      for (let q = tb.interactionStart[i], qEnd = tb.interactionStart[i + 1]; q < qEnd; q++) {
        const j = tb.interactionTarget[q];
        const eat = beh[o + tr0 + 3 * j + 1];
        const kill = beh[o + tr0 + 3 * j + 2];
        if (eat === 0 && kill === 0) continue;
        const c = cv[ci + j];
        const nij = pos(y[j]) * c;
        const p = -Math.expm1(-nij);
        const rowJ = j * n;
        const rowJA = (nT + j) * n;
        jac[rowJ + i] -= (eat + kill) * p * dN;
        jac[rowJA + i] += kill * p * dN;
        if (y[j] > 0) {
          const dp = Math.exp(-nij) * c * N; // ∂(N_i p(n_ij))/∂N_j
          jac[rowJ + j] -= (eat + kill) * dp;
          jac[rowJA + j] += kill * dp;
        }
      }
      // Dead-cell phagocytosis, pool by pool (off = nT apoptotic, 2nT necrotic), only where the
      // right-hand side computes it (rate e > 0 and contact nP > 0):
      // dy[off + j] -= F w_j with F = e N_i p(nP), w_j = pos(y[off + j]) c_ij / nP.
      if (tb.eatsDead[i] !== 0) {
        for (let pool = 1; pool <= 2; pool++) {
          const off = pool * nT;
          const eat = beh[o + (pool === 1 ? tb.slotEatApoptotic : tb.slotEatNecrotic)];
          if (!(eat > 0)) continue;
          let nP = 0;
          for (let j = 0; j < nT; j++) nP += pos(y[off + j]) * cv[ci + j];
          if (!(nP > 0)) continue;
          const p = -Math.expm1(-nP);
          const Fn = (eat * N * p) / nP; // F / nP
          const G = eat * N * Math.exp(-nP) - Fn; // ∂F/∂nP − F/nP
          for (let j = 0; j < nT; j++) {
            const row = (off + j) * n;
            const w = (pos(y[off + j]) * cv[ci + j]) / nP;
            jac[row + i] -= eat * p * w * dN;
            for (let k = 0; k < nT; k++) {
              if (!(y[off + k] > 0)) continue;
              jac[row + off + k] -= cv[ci + k] * (w * G + (j === k ? Fn : 0));
            }
          }
        }
      }
      // Secretion, uptake and export of live cells; uptake at 0.1x of the base rate by dead cells.
      const vf = tb.volume[i] / V; // ∂(live fraction)/∂N_i
      const liveFraction = (N * tb.volume[i]) / V;
      const deadFraction = ((pos(y[nT + i]) + pos(y[2 * nT + i])) * tb.volume[i]) / V;
      for (let q = tb.substrateStart[i], qEnd = tb.substrateStart[i + 1]; q < qEnd; q++) {
        const s = tb.substrateIndex[q];
        const rho = y[s0 + s];
        const b = o + 7 + 5 * s; // secretion; +1 target, +2 uptake, +3 export
        const S = beh[b];
        const U = beh[b + 2];
        const E = beh[b + 3];
        const row = (s0 + s) * n;
        if (S !== 0 || U !== 0) {
          jac[row + s0 + s] -= liveFraction * (S + U);
          jac[row + i] += dN * vf * (S * (beh[b + 1] - rho) - U * rho);
        }
        if (E !== 0) jac[row + i] += (dN * E) / V;
        const U0 = tb.base[b + 2];
        if (U0 !== 0 && deadFraction > 0) {
          jac[row + s0 + s] -= deadFraction * 0.1 * U0;
          const c = vf * 0.1 * U0 * rho;
          jac[row + nT + i] -= dA * c;
          jac[row + 2 * nT + i] -= dX * c;
        }
      }
    }
    for (let s = 0; s < nS; s++) jac[(s0 + s) * n + s0 + s] -= tb.decayRate[s] + tb.exchange[s];
  }

  /**
   * Part 2: Σ_r ∂F/∂b_r · ∂b_r/∂y over the behaviours that carry rules (adds into jac). For each
   * response: (a) ∂b_r/∂y into grad, on the response's support only; (b) the rows of F that
   * contain b_r with their coefficients; (c) jac[row, support] += coefficient · grad[support].
   */
  private throughBehaviours(y: Float64Array, jac: Float64Array): void {
    const tb = this.tb;
    const { sig, beh, sumUp, sumDown, upValue } = this.work;
    const { nT, nS, n, nB, nSig } = tb;
    const V = tb.nicheVolume;
    const cv = tb.contactVolume;
    const pressurePerCell = tb.pressurePerCell;
    const supportStart = tb.supportStart;
    const supportIndex = tb.supportIndex;
    const s0 = 3 * nT;
    const g = this.grad;
    const rows = this.rows;
    const rowFactor = this.rowFactor;
    for (let i = 0; i < nT; i++) {
      const o = i * nSig;
      const ci = i * nT;
      const N = pos(y[i]);
      const liveFraction = (N * tb.volume[i]) / V;
      for (let r = tb.respStart[i], rEnd = tb.respStart[i + 1]; r < rEnd; r++) {
        const kind = tb.respKind[r];
        if (kind === SlotKind.none) continue;
        // (b) Rows of F containing b_r, and ∂F_row/∂b_r.
        const arg = tb.respArg[r];
        let nRows = 0;
        switch (kind) {
          case K_CYCLE: {
            // ∂(r_eff N)/∂r = N / (1 + r d)^2 with a division delay d > 0 (r_eff = r / (1 + r d)).
            const delay = tb.divisionDelay[i];
            let f = N;
            if (delay > 0) {
              const q = 1 + beh[i * nB] * delay;
              f = N / (q * q);
            }
            rows[nRows] = i;
            rowFactor[nRows++] = f;
            break;
          }
          case K_APOPTOSIS:
          case K_NECROSIS:
            rows[nRows] = i;
            rowFactor[nRows++] = -N;
            rows[nRows] = (kind === K_APOPTOSIS ? nT : 2 * nT) + i;
            rowFactor[nRows++] = N;
            break;
          case K_INFLUX:
            rows[nRows] = i;
            rowFactor[nRows++] = 1;
            break;
          case K_SECRETION: // ∂/∂S of N (V_i/V) S (T − ρ)
            rows[nRows] = s0 + arg;
            rowFactor[nRows++] = liveFraction * (beh[i * nB + 8 + 5 * arg] - y[s0 + arg]);
            break;
          case K_TARGET: // ∂/∂T of N (V_i/V) S (T − ρ)
            rows[nRows] = s0 + arg;
            rowFactor[nRows++] = liveFraction * beh[i * nB + 7 + 5 * arg];
            break;
          case K_UPTAKE: // ∂/∂U of −N (V_i/V) U ρ
            rows[nRows] = s0 + arg;
            rowFactor[nRows++] = -liveFraction * y[s0 + arg];
            break;
          case K_EXPORT: // ∂/∂E of N E / V
            rows[nRows] = s0 + arg;
            rowFactor[nRows++] = N / V;
            break;
          case K_TRANSFORM:
            rows[nRows] = i;
            rowFactor[nRows++] = -N;
            rows[nRows] = arg;
            rowFactor[nRows++] = N;
            break;
          case K_PHAGOCYTOSE:
          case K_ATTACK: {
            const p = -Math.expm1(-(pos(y[arg]) * cv[ci + arg]));
            rows[nRows] = arg;
            rowFactor[nRows++] = -N * p;
            if (kind === K_ATTACK) {
              rows[nRows] = nT + arg;
              rowFactor[nRows++] = N * p;
            }
            break;
          }
          case K_EAT_APOPTOTIC:
          case K_EAT_NECROTIC: {
            // ∂/∂e of −e N p(nP) w_j, only where the right-hand side computes it (e > 0, nP > 0).
            const apoptotic = kind === K_EAT_APOPTOTIC;
            const off = apoptotic ? nT : 2 * nT;
            if (!(beh[i * nB + (apoptotic ? tb.slotEatApoptotic : tb.slotEatNecrotic)] > 0)) break;
            let nP = 0;
            for (let j = 0; j < nT; j++) nP += pos(y[off + j]) * cv[ci + j];
            if (!(nP > 0)) break;
            const f = (N * -Math.expm1(-nP)) / nP;
            for (let j = 0; j < nT; j++) {
              rows[nRows] = off + j;
              rowFactor[nRows++] = -f * pos(y[off + j]) * cv[ci + j];
            }
            break;
          }
        }
        if (nRows === 0) continue;
        // (a) ∂B/∂T_k for the up and down Hill terms (0 when a sum is saturated: 1/(1+∞) = 0).
        const k0 = tb.termStart[r];
        const kd = tb.downStart[r];
        const k1 = tb.termStart[r + 1];
        const qDown = 1 / (1 + sumDown[r]); // 1 − H(S_dn); 1 without down terms
        const qUp = 1 / (1 + sumUp[r]);
        const cUp = kd > k0 ? qDown * (tb.respUpLimit[r] - tb.respBase[r]) * qUp * qUp : 0;
        const cDown = k1 > kd ? (tb.respDownLimit[r] - upValue[r]) * qDown * qDown : 0;
        if (cUp === 0 && cDown === 0) continue;
        const m0 = supportStart[r];
        const m1 = supportStart[r + 1];
        for (let m = m0; m < m1; m++) g[supportIndex[m]] = 0;
        let any = false;
        for (let k = k0; k < k1; k++) {
          const c = k < kd ? cUp : cDown;
          if (c === 0) continue;
          const si = tb.termSignal[k];
          const x = si < nS ? y[s0 + si] : sig[o + si];
          const h = tb.termHalfMax[k];
          if (!(x > 0) || h === 0) continue;
          const pw = tb.termHillPower[k];
          const a = c * (pw === 1 ? 1 / h : pw === 2 ? (2 * (x / h)) / h : (pw * Math.pow(x / h, pw - 1)) / h);
          if (a === 0) continue;
          any = true;
          // a · ∂(signal si of a cell of type i)/∂y; signals are linear in pos(y).
          if (si < nS) {
            g[s0 + si] += a;
          } else if (si < nS + nT) {
            const j = si - nS;
            if (y[j] > 0) g[j] += a * cv[ci + j];
          } else if (si === tb.sigContactLive) {
            for (let j = 0; j < nT; j++) if (y[j] > 0) g[j] += a * cv[ci + j];
          } else if (si === tb.sigContactDead) {
            for (let j = 0; j < nT; j++) {
              if (y[nT + j] > 0) g[nT + j] += a * cv[ci + j];
              if (y[2 * nT + j] > 0) g[2 * nT + j] += a * cv[ci + j];
            }
          } else if (si === tb.sigPressure) {
            for (let j = 0; j < nT; j++) {
              const d = a * pressurePerCell[j];
              if (y[j] > 0) g[j] += d;
              if (y[nT + j] > 0) g[nT + j] += d;
              if (y[2 * nT + j] > 0) g[2 * nT + j] += d;
            }
          }
          // volume, time and the dead flag do not depend on y.
        }
        if (!any) continue;
        // (c) jac[row, :] += ∂F_row/∂b_r · ∂b_r/∂y.
        for (let q = 0; q < nRows; q++) {
          const f = rowFactor[q];
          if (f === 0) continue;
          const ro = rows[q] * n;
          for (let m = m0; m < m1; m++) {
            const k = supportIndex[m];
            jac[ro + k] += f * g[k];
          }
        }
      }
    }
  }
}

/** max(x, 0): negative values (round-off) count as zero, as in the right-hand side. */
function pos(x: number): number {
  return x > 0 ? x : 0;
}
