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
 *   (cycle_i is the cycle entry rate r, or r / (1 + r d_i) for a type with a division delay
 *   d_i > 0: the exponential rate with PhysiCell's mean cycle time 1/r + d_i.)
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
 *
 * Implementation: the constructor flattens the compiled model into typed arrays
 * ({@link MeanFieldTables}); `rhs` and `jacobian` only read those tables and write preallocated
 * work arrays (no allocation per call). Only behaviours that carry rules are re-evaluated per
 * call; the others keep their base values. The Jacobian is analytic (meanFieldJacobian.ts).
 */
import type { CompiledModel } from '../../compile/compile.js';
import { Layout } from '../../compile/layout.js';
import { concentration } from '../../pk/pk.js';
import { MeanFieldJacobian, type MeanFieldTables, type MeanFieldWork, SlotKind } from './meanFieldJacobian.js';
import type { OdeSystem } from './solvers/types.js';

/** Close-packing volume fraction of equal spheres, used to scale the mean-field pressure. */
export const CLOSE_PACKING_FRACTION = 0.74;

/** Which part of the equations a behaviour slot acts on, and its substrate or target index. */
function slotKind(slot: number, owner: number, nS: number, nT: number): [number, number] {
  if (slot === Layout.CYCLE_ENTRY) return [SlotKind.cycleEntry, 0];
  if (slot === Layout.APOPTOSIS) return [SlotKind.apoptosis, 0];
  if (slot === Layout.NECROSIS) return [SlotKind.necrosis, 0];
  if (slot === Layout.INFLUX) return [SlotKind.influx, 0];
  if (slot < 7) return [SlotKind.none, 0];
  if (slot < 7 + 5 * nS) {
    const s = Math.floor((slot - 7) / 5);
    const kinds = [SlotKind.secretion, SlotKind.secretionTarget, SlotKind.uptake, SlotKind.export, SlotKind.none];
    return [kinds[(slot - 7) % 5], s];
  }
  const t0 = 7 + 5 * nS;
  if (slot < t0 + 3 * nT) {
    const j = Math.floor((slot - t0) / 3);
    const kind = [SlotKind.transformTo, SlotKind.phagocytose, SlotKind.attack][(slot - t0) % 3];
    // The right-hand side ignores a transformation into the cell's own type.
    if (kind === SlotKind.transformTo && j === owner) return [SlotKind.none, 0];
    return [kind, j];
  }
  if (slot === t0 + 3 * nT) return [SlotKind.phagocytoseApoptotic, 0];
  if (slot === t0 + 3 * nT + 1) return [SlotKind.phagocytoseNecrotic, 0];
  return [SlotKind.none, 0];
}

/** Flattens a compiled model into {@link MeanFieldTables}. */
function buildTables(model: CompiledModel): MeanFieldTables {
  const L = model.layout;
  const nT = model.cellTypes.length;
  const nS = model.substrates.length;
  const nB = L.nBehaviours;
  const V = model.nicheVolume;
  const contactVolume = new Float64Array(nT * nT);
  for (let i = 0; i < nT; i++) {
    for (let j = 0; j < nT; j++) {
      const r = model.cellTypes[i].radius + model.cellTypes[j].radius;
      contactVolume[i * nT + j] = ((4 / 3) * Math.PI * r * r * r) / V;
    }
  }
  const exchange = new Float64Array(nS);
  const boundaryValue = new Float64Array(nS);
  const Lside = Math.cbrt(V);
  model.substrates.forEach((s, k) => {
    if (s.dirichletBoundary?.enabled) {
      exchange[k] = (3 * Math.PI * Math.PI * s.diffusionCoefficient) / (Lside * Lside);
      boundaryValue[k] = s.dirichletBoundary.value;
    }
  });
  const base = new Float64Array(nT * nB);
  model.cellTypes.forEach((c, i) => base.set(c.base, i * nB));

  const R = model.cellTypes.reduce((a, c) => a + c.responses.length, 0);
  const K = model.cellTypes.reduce((a, c) => a + c.responses.reduce((b, r) => b + r.up.length + r.down.length, 0), 0);
  const respStart = new Int32Array(nT + 1);
  const respSlot = new Int32Array(R);
  const respKind = new Int32Array(R);
  const respArg = new Int32Array(R);
  const respBase = new Float64Array(R);
  const respUpLimit = new Float64Array(R);
  const respDownLimit = new Float64Array(R);
  const termStart = new Int32Array(R + 1);
  const downStart = new Int32Array(R);
  const termSignal = new Int32Array(K);
  const termHalfMax = new Float64Array(K);
  const termHillPower = new Float64Array(K);
  let r = 0;
  let k = 0;
  model.cellTypes.forEach((c, i) => {
    respStart[i] = r;
    for (const resp of c.responses) {
      respSlot[r] = resp.behaviour;
      [respKind[r], respArg[r]] = slotKind(resp.behaviour, i, nS, nT);
      respBase[r] = c.base[resp.behaviour];
      respUpLimit[r] = resp.upLimit;
      respDownLimit[r] = resp.downLimit;
      termStart[r] = k;
      for (const t of resp.up) {
        termSignal[k] = t.signal;
        termHalfMax[k] = t.halfMax;
        termHillPower[k++] = t.hillPower;
      }
      downStart[r] = k;
      for (const t of resp.down) {
        termSignal[k] = t.signal;
        termHalfMax[k] = t.halfMax;
        termHillPower[k++] = t.hillPower;
      }
      r++;
    }
  });
  respStart[nT] = r;
  termStart[R] = k;

  // Active lists: slots with a nonzero base value or a rule.
  const active = (i: number, slot: number): boolean => base[i * nB + slot] !== 0 || model.cellTypes[i].responses.some((q) => q.behaviour === slot);
  const lists = (pick: (i: number) => number[]): [Int32Array, Int32Array] => {
    const start = new Int32Array(nT + 1);
    const items: number[] = [];
    for (let i = 0; i < nT; i++) {
      start[i] = items.length;
      items.push(...pick(i));
    }
    start[nT] = items.length;
    return [start, Int32Array.from(items)];
  };
  const types = [...Array(nT).keys()];
  const subs = [...Array(nS).keys()];
  const [transformStart, transformTarget] = lists((i) => types.filter((j) => j !== i && active(i, L.transformTo(j))));
  const [interactionStart, interactionTarget] = lists((i) => types.filter((j) => active(i, L.phagocytose(j)) || active(i, L.attack(j))));
  const [substrateStart, substrateIndex] = lists((i) => subs.filter((q) => active(i, L.secretion(q)) || active(i, L.uptake(q)) || active(i, L.export(q))));
  const [signalStart, signalSlot] = lists((i) => {
    const used = new Set<number>();
    for (let q = respStart[i]; q < respStart[i + 1]; q++) for (let t = termStart[q]; t < termStart[q + 1]; t++) used.add(termSignal[t]);
    return [...used].filter((slot) => slot >= nS).sort((a, b) => a - b); // rules read substrates from y
  });
  // State components each signal slot depends on (the same for every cell type).
  const signalSupport = (slot: number): number[] => {
    if (slot < nS) return [3 * nT + slot];
    if (slot < nS + nT) return [slot - nS];
    if (slot === L.signalContactLive) return types;
    if (slot === L.signalContactDead) return [...types.map((j) => nT + j), ...types.map((j) => 2 * nT + j)];
    if (slot === L.signalPressure) return [...Array(3 * nT).keys()];
    return []; // volume, time, dead
  };
  const supportStart = new Int32Array(R + 1);
  const support: number[] = [];
  for (let q = 0; q < R; q++) {
    supportStart[q] = support.length;
    const set = new Set<number>();
    for (let t = termStart[q]; t < termStart[q + 1]; t++) for (const k of signalSupport(termSignal[t])) set.add(k);
    support.push(...[...set].sort((a, b) => a - b));
  }
  supportStart[R] = support.length;
  const eatsDead = Uint8Array.from(types, (i) => (active(i, L.phagocytoseApoptotic) || active(i, L.phagocytoseNecrotic) ? 1 : 0));

  return {
    nT,
    nS,
    n: 3 * nT + nS,
    nB,
    nSig: L.nSignals,
    nicheVolume: V,
    contactVolume,
    volume: Float64Array.from(model.cellTypes, (c) => c.volume),
    pressurePerCell: Float64Array.from(model.cellTypes, (c) => c.volume / V / CLOSE_PACKING_FRACTION),
    divisionDelay: Float64Array.from(model.cellTypes, (c) => c.divisionDelay),
    apoptoticClearanceTime: Float64Array.from(model.cellTypes, (c) => c.apoptoticClearanceTime),
    necroticClearanceTime: Float64Array.from(model.cellTypes, (c) => c.necroticClearanceTime),
    base,
    decayRate: Float64Array.from(model.substrates, (s) => s.decayRate),
    exchange,
    boundaryValue,
    respStart,
    respSlot,
    respKind,
    respArg,
    respBase,
    respUpLimit,
    respDownLimit,
    termStart,
    downStart,
    termSignal,
    termHalfMax,
    termHillPower,
    transformStart,
    transformTarget,
    interactionStart,
    interactionTarget,
    substrateStart,
    substrateIndex,
    signalStart,
    signalSlot,
    supportStart,
    supportIndex: Int32Array.from(support),
    eatsDead,
    needsPressure: signalSlot.includes(L.signalPressure),
    slotTransform0: L.transformTo(0),
    slotEatApoptotic: L.phagocytoseApoptotic,
    slotEatNecrotic: L.phagocytoseNecrotic,
    sigContactLive: L.signalContactLive,
    sigContactDead: L.signalContactDead,
    sigPressure: L.signalPressure,
    sigVolume: L.signalVolume,
    sigTime: L.signalTime,
    sigDead: L.signalDead,
  };
}

/**
 * The mean-field ODE system of a compiled model: right-hand side, analytic Jacobian and helpers.
 *
 * `rhs(t, y, dy)` writes f(t, y) (state units per minute); `jacobian(t, y, jac)` writes the dense
 * row-major n×n matrix jac[i*n + j] = ∂f_i/∂y_j (1/min in the units of row i over column j).
 * Neither allocates; both may be called with any y (negative components count as 0 in rates).
 */
export class MeanFieldSystem implements OdeSystem {
  readonly n: number;
  readonly nT: number;
  readonly nS: number;
  /**
   * True when no rule reads the time signal and no drug follows a plasma PK profile: f then does
   * not depend explicitly on t (infusion
   * rates change only between integrations, at breakpoints), so Rosenbrock methods skip their
   * finite-difference ∂f/∂t, which would be exactly zero. Results are unchanged.
   */
  readonly autonomous: boolean;
  /** Infusion rate per substrate (substrate unit / min), set by the engine between breakpoints. */
  readonly infusion: Float64Array;
  /** Flattened model (read-only). @internal */
  readonly tables: MeanFieldTables;
  private readonly m: CompiledModel;
  private readonly work: MeanFieldWork;
  /** Per-type copies handed out by `evaluateBehaviours`. */
  private readonly behaviourViews: Float64Array[];
  private readonly analyticJacobian: MeanFieldJacobian;

  constructor(model: CompiledModel) {
    this.m = model;
    const tb = buildTables(model);
    this.tables = tb;
    this.nT = tb.nT;
    this.nS = tb.nS;
    this.n = tb.n;
    this.infusion = new Float64Array(this.nS);
    const R = tb.respSlot.length;
    this.work = {
      sig: new Float64Array(tb.nT * tb.nSig),
      beh: tb.base.slice(),
      sumUp: new Float64Array(R),
      sumDown: new Float64Array(R),
      upValue: new Float64Array(R),
    };
    this.behaviourViews = model.cellTypes.map(() => new Float64Array(tb.nB));
    this.pkSubstrate = Int32Array.from(model.pharmacokinetics.map((p) => model.layout.substrate(p.substrate)));
    this.autonomous = !tb.termSignal.includes(tb.sigTime) && model.pharmacokinetics.length === 0;
    this.analyticJacobian = new MeanFieldJacobian(tb, this.work);
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
   * Evaluates the behaviour vectors of every cell type for state y at time t and returns them
   * (one Float64Array of length nBehaviours per cell type, Layout units). Exposed so the engine
   * and tests can read behaviours (e.g. M2 polarisation rates). The arrays are owned by this
   * object and overwritten by the next call.
   */
  evaluateBehaviours(t: number, y: Float64Array): Float64Array[] {
    this.updateBehaviours(t, y);
    const nB = this.tables.nB;
    for (let i = 0; i < this.nT; i++) this.behaviourViews[i].set(this.work.beh.subarray(i * nB, (i + 1) * nB));
    return this.behaviourViews;
  }

  /**
   * Computes, at (t, y), the signals read by rules (work.sig) and the behaviours that carry rules
   * (work.beh, with work.sumUp/sumDown/upValue). Same arithmetic, in the same order, as
   * `evaluateResponse` (responses.ts) on the full signal vector, so values are bit-identical to it.
   */
  private updateBehaviours(t: number, y: Float64Array): void {
    const tb = this.tables;
    const w = this.work;
    const { nT, nS, nSig, nB } = tb;
    const sig = w.sig;
    const beh = w.beh;
    const cv = tb.contactVolume;
    const signalStart = tb.signalStart;
    const signalSlot = tb.signalSlot;
    const respStart = tb.respStart;
    const respBase = tb.respBase;
    const respSlot = tb.respSlot;
    const respUpLimit = tb.respUpLimit;
    const respDownLimit = tb.respDownLimit;
    const termStart = tb.termStart;
    const downStart = tb.downStart;
    const termSignal = tb.termSignal;
    const termHalfMax = tb.termHalfMax;
    const termHillPower = tb.termHillPower;
    const sumUpOut = w.sumUp;
    const sumDownOut = w.sumDown;
    const upValueOut = w.upValue;
    const sigLive = tb.sigContactLive;
    const sigDead = tb.sigContactDead;
    const sigPressure = tb.sigPressure;
    const sigVolume = tb.sigVolume;
    const sigTime = tb.sigTime;
    let pressure = 0;
    if (tb.needsPressure) {
      let packed = 0;
      for (let i = 0; i < nT; i++) packed += (pos(y[i]) + pos(y[nT + i]) + pos(y[2 * nT + i])) * tb.volume[i];
      pressure = packed / tb.nicheVolume / CLOSE_PACKING_FRACTION;
    }
    const s0 = 3 * nT;
    for (let i = 0; i < nT; i++) {
      const o = i * nSig;
      const ci = i * nT;
      for (let q = signalStart[i], qEnd = signalStart[i + 1]; q < qEnd; q++) {
        const slot = signalSlot[q];
        let x: number;
        if (slot < nS + nT) x = pos(y[slot - nS]) * cv[ci + slot - nS];
        else if (slot === sigLive) {
          x = 0;
          for (let j = 0; j < nT; j++) x += pos(y[j]) * cv[ci + j];
        } else if (slot === sigDead) {
          x = 0;
          for (let j = 0; j < nT; j++) x += (pos(y[nT + j]) + pos(y[2 * nT + j])) * cv[ci + j];
        } else if (slot === sigPressure) x = pressure;
        else if (slot === sigVolume) x = tb.volume[i];
        else if (slot === sigTime) x = t;
        else x = 0; // dead, apoptotic, necrotic: the pools of live cells are alive; damage: no per-cell damage here
        sig[o + slot] = x;
      }
      for (let r = respStart[i], rEnd = respStart[i + 1]; r < rEnd; r++) {
        const b0 = respBase[r];
        let value = b0;
        const k0 = termStart[r];
        const kd = downStart[r];
        const k1 = termStart[r + 1];
        // Sums of Hill terms (x/h)^n, with hillTerm's edge cases (responses.ts) inlined:
        // 0 for x <= 0 or NaN, +Infinity for h = 0.
        let sumUp = 0;
        let sumDown = 0;
        for (let k = k0; k < k1; k++) {
          const si = termSignal[k];
          const x = si < nS ? y[s0 + si] : sig[o + si];
          if (!(x > 0)) continue;
          const h = termHalfMax[k];
          let term: number;
          if (h === 0) term = Infinity;
          else {
            const p = termHillPower[k];
            const ratio = x / h;
            term = p === 1 ? ratio : p === 2 ? ratio * ratio : Math.pow(ratio, p);
          }
          if (k < kd) sumUp += term;
          else sumDown += term;
        }
        if (kd > k0) value = b0 + (respUpLimit[r] - b0) * (sumUp === Infinity ? 1 : sumUp / (1 + sumUp));
        upValueOut[r] = value;
        if (k1 > kd) value = value + (respDownLimit[r] - value) * (sumDown === Infinity ? 1 : sumDown / (1 + sumDown));
        sumUpOut[r] = sumUp;
        sumDownOut[r] = sumDown;
        beh[i * nB + respSlot[r]] = value;
      }
    }
  }

  /**
   * Right-hand side f(t, y) into dy (length n; cells/min and substrate unit/min).
   * Terms are accumulated in a fixed order, so results are reproducible bit for bit.
   */
  rhs(t: number, y: Float64Array, dy: Float64Array): void {
    this.updateBehaviours(t, y);
    const tb = this.tables;
    const { nT, nS, nB } = tb;
    const V = tb.nicheVolume;
    const cv = tb.contactVolume;
    const beh = this.work.beh;
    const base = tb.base;
    const tr0 = tb.slotTransform0;
    const s0 = 3 * nT;
    dy.fill(0);
    for (let i = 0; i < nT; i++) {
      const o = i * nB;
      const ci = i * nT;
      const N = pos(y[i]);
      const A = pos(y[nT + i]);
      const X = pos(y[2 * nT + i]);
      // Birth: cycle entry r, or r_eff = r / (1 + r d) with a division delay d > 0 (computed only
      // then, so models without a delay are unchanged bit for bit).
      let birth = beh[o + Layout.CYCLE_ENTRY];
      const delay = tb.divisionDelay[i];
      if (delay > 0) birth = birth / (1 + birth * delay);
      dy[i] += (birth - beh[o + Layout.APOPTOSIS] - beh[o + Layout.NECROSIS]) * N + beh[o + Layout.INFLUX];
      dy[nT + i] += beh[o + Layout.APOPTOSIS] * N - A / tb.apoptoticClearanceTime[i];
      dy[2 * nT + i] += beh[o + Layout.NECROSIS] * N - X / tb.necroticClearanceTime[i];
      for (let q = tb.transformStart[i], qEnd = tb.transformStart[i + 1]; q < qEnd; q++) {
        const j = tb.transformTarget[q];
        const f = beh[o + tr0 + 3 * j] * N;
        if (f !== 0) {
          dy[i] -= f;
          dy[j] += f;
        }
      }
      // Interactions with live targets: phagocytosis removes the target, an attack kills it.
      for (let q = tb.interactionStart[i], qEnd = tb.interactionStart[i + 1]; q < qEnd; q++) {
        const j = tb.interactionTarget[q];
        const eat = beh[o + tr0 + 3 * j + 1];
        const kill = beh[o + tr0 + 3 * j + 2];
        if (eat === 0 && kill === 0) continue;
        const n = pos(y[j]) * cv[ci + j];
        const p = -Math.expm1(-n);
        dy[j] -= (eat + kill) * N * p;
        dy[nT + j] += kill * N * p;
      }
      // Phagocytosis of dead cells, shared among dead pools by their expected contact.
      if (tb.eatsDead[i] !== 0) {
        const eatA = beh[o + tb.slotEatApoptotic];
        const eatX = beh[o + tb.slotEatNecrotic];
        if (eatA > 0 || eatX > 0) {
          let nA = 0;
          let nX = 0;
          for (let j = 0; j < nT; j++) {
            const c = cv[ci + j];
            nA += pos(y[nT + j]) * c;
            nX += pos(y[2 * nT + j]) * c;
          }
          if (nA > 0 && eatA > 0) {
            const flux = eatA * N * -Math.expm1(-nA);
            for (let j = 0; j < nT; j++) dy[nT + j] -= (flux * pos(y[nT + j]) * cv[ci + j]) / nA;
          }
          if (nX > 0 && eatX > 0) {
            const flux = eatX * N * -Math.expm1(-nX);
            for (let j = 0; j < nT; j++) dy[2 * nT + j] -= (flux * pos(y[2 * nT + j]) * cv[ci + j]) / nX;
          }
        }
      }
      // Secretion and uptake (live cells), uptake at 0.1x of the base rate (dead cells).
      const volume = tb.volume[i];
      const liveFraction = (N * volume) / V;
      const deadFraction = ((A + X) * volume) / V;
      for (let q = tb.substrateStart[i], qEnd = tb.substrateStart[i + 1]; q < qEnd; q++) {
        const s = tb.substrateIndex[q];
        const rho = y[s0 + s];
        const b = o + 7 + 5 * s; // secretion; +1 target, +2 uptake, +3 export
        const S = beh[b];
        const U = beh[b + 2];
        const E = beh[b + 3];
        if (S !== 0 || U !== 0) dy[s0 + s] += liveFraction * (S * (beh[b + 1] - rho) - U * rho);
        if (E !== 0) dy[s0 + s] += (N * E) / V;
        const U0 = base[b + 2];
        if (U0 !== 0 && deadFraction > 0) dy[s0 + s] -= deadFraction * 0.1 * U0 * rho;
      }
    }
    for (let s = 0; s < nS; s++) {
      const rho = y[s0 + s];
      dy[s0 + s] += -tb.decayRate[s] * rho + tb.exchange[s] * (tb.boundaryValue[s] - rho) + this.infusion[s];
    }
    // Drugs given to the patient: the niche follows the plasma concentration (closed-form PK).
    const pks = this.m.pharmacokinetics;
    for (let k = 0; k < pks.length; k++) {
      const p = pks[k];
      const s = this.pkSubstrate[k];
      dy[s0 + s] += p.exchange * (p.factor * concentration(p, p.administrations, t) - y[s0 + s]);
    }
  }

  /** Substrate index of each pharmacokinetics entry. */
  private readonly pkSubstrate: Int32Array;

  /**
   * Analytic Jacobian ∂f/∂y at (t, y) into jac (dense row-major, length n*n, overwritten; see
   * meanFieldJacobian.ts for what is differentiated and how). At the kinks of the model (a pool
   * or a signal at exactly 0, a dead-cell phagocytosis rate at 0) it takes the derivative of the
   * side the right-hand side computes there: 0 for pos(x) and Hill terms at x <= 0.
   */
  jacobian(t: number, y: Float64Array, jac: Float64Array): void {
    this.updateBehaviours(t, y);
    this.analyticJacobian.evaluate(y, jac);
    const s0 = 3 * this.nT;
    const pks = this.m.pharmacokinetics;
    for (let k = 0; k < pks.length; k++) {
      const d = s0 + this.pkSubstrate[k];
      jac[d * this.n + d] -= pks[k].exchange;
    }
  }
}

/** Negative values (round-off of the integrator) count as zero in rates. */
function pos(x: number): number {
  return x > 0 ? x : 0;
}
