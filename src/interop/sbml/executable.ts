/**
 * The meaning of an SBML model as an executable ODE system with events (layer 5, no Node-only API).
 *
 * Values live in one Float64Array `v` of slots: one per compartment (size), species, parameter,
 * species reference (stoichiometry), reaction (rate of its kinetic law) and local parameter.
 * Derivatives live in `d` (same slots). Compiled closures read these arrays directly.
 *
 * Species quantities. A species slot stores its amount, except for a species with
 * hasOnlySubstanceUnits=false whose value is set by a rate or assignment rule: those rules define
 * its concentration, which is then what the slot stores ("stored as concentration"). In mathematics
 * a species denotes its concentration (amount / compartment size) unless hasOnlySubstanceUnits is
 * true. A reaction's rate is in substance per time: it changes amounts, d(amount)/dt = cf · Σ ν·rate,
 * with cf the species' (or model's) conversion factor. When a compartment's size changes (by a rule
 * or an event), amounts are kept and concentrations follow.
 *
 * Evaluation order. Assignment rules, stoichiometries given by math, reaction rates and
 * derivatives are "nodes" sorted once by their dependencies (an SBML model may not have cycles
 * among them). Initial values are computed the same way, with initial assignments taking
 * precedence over declared values (and assignment rules holding at t0 too).
 *
 * Algebraic rules are solved by Newton's method for the variables they determine (each rule is
 * matched to one variable nothing else sets). delay(x, d) evaluates x at the state of t − d,
 * recorded by the simulator (history.ts).
 *
 * Fast reactions are kept at equilibrium: the state is projected onto their equilibrium at t0,
 * after events and wherever it leaves it (a switching rate law), and between those times their
 * fluxes are whatever keeps their rates at zero (index reduction).
 *
 * Not supported (clear error naming the element and line): rateOf of an assignment-rule variable.
 */
import type { OdeSystem } from '../../engines/ode/solvers/types.js';
import { compileMath, type Fn, type MathResolver } from './compileMath.js';
import type { SbmlDocument, SbmlEvent, SbmlRule, SbmlSpecies } from './document.js';
import { SbmlError, type SourceLocation } from './errors.js';
import type { Lambda, MathNode } from './math.js';
import { compileDual, hasOpaqueParts, inlineFunctions, namesIn } from './dual.js';
import { luFactor, luSolve } from '../../engines/ode/solvers/linalg.js';
import type { DelayHistory } from './history.js';

/**
 * Solves M·u = b in place (u holds b on entry): by LU when M is well conditioned relative to
 * `scale` (a typical size of M's entries squared), else by Tikhonov-regularised least squares
 * (MᵀM + εI)·u = Mᵀb, which approximates the minimum-norm solution and stays bounded where M
 * becomes singular (e.g. a fast reaction whose rate no longer depends on what it changes).
 */
function solveLeastSquares(M: Float64Array, m: number, piv: Int32Array, u: Float64Array, scale = 0): void {
  const A = Float64Array.from(M);
  let tr = 0;
  for (let i = 0; i < m * m; i++) tr += M[i] * M[i];
  const typical = Math.max(scale, tr / m);
  if (luFactor(A, m, piv)) {
    let minPivot = Infinity;
    for (let i = 0; i < m; i++) minPivot = Math.min(minPivot, Math.abs(A[i * m + i]));
    if (minPivot > 1e-6 * Math.sqrt(typical)) {
      luSolve(A, m, piv, u);
      if (u.every((x) => Number.isFinite(x))) return;
    }
  }
  const b = Float64Array.from(u);
  const N = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      let x = 0;
      for (let k = 0; k < m; k++) x += M[k * m + i] * M[k * m + j];
      N[i * m + j] = x;
    }
  }
  const eps = 1e-12 * (typical || 1);
  for (let i = 0; i < m; i++) {
    N[i * m + i] += eps;
    let x = 0;
    for (let k = 0; k < m; k++) x += M[k * m + i] * b[k];
    u[i] = x;
  }
  if (luFactor(N, m, piv)) luSolve(N, m, piv, u);
  else u.fill(0);
}

/** Steps of the analytic Jacobian: per node (in evaluation order) its gradient buffer and terms. */
interface JacobianPlan {
  steps: Array<{ buf: Float64Array; terms: Array<{ fn: Fn; state: number; src: Float64Array | null }> }>;
  /** Gradient buffer of each state's derivative (row i of the Jacobian). */
  rows: Float64Array[];
}

export type SymbolKind = 'compartment' | 'species' | 'parameter' | 'speciesReference' | 'reaction' | 'localParameter';

/** One model quantity and how it is determined. */
export interface SbmlSymbol {
  id: string;
  kind: SymbolKind;
  slot: number;
  loc: SourceLocation;
  /** Declared constant (species, compartment, parameter, species reference). */
  constant: boolean;
  /** What determines the value over time. */
  rule: 'assignment' | 'rate' | 'algebraic' | null;
  /** Species changed by reactions (not boundary, not constant, no rule). */
  reactionChanged: boolean;
  /** Species: its compartment. */
  compartment: SbmlSymbol | null;
  hasOnlySubstanceUnits: boolean;
  /** Species whose slot holds the concentration (see the file comment). */
  storedAsConc: boolean;
  boundaryCondition: boolean;
  /** Index in the ODE state vector, or -1. */
  stateIndex: number;
}

/** A compiled event. */
export interface CompiledEvent {
  id: string;
  index: number;
  loc: SourceLocation;
  trigger: Fn;
  initialValue: boolean;
  persistent: boolean;
  delay: Fn | null;
  priority: Fn | null;
  useValuesFromTriggerTime: boolean;
  /** Targets and value closures (value in the target's mathematical units). */
  assignments: Array<{ target: SbmlSymbol; value: Fn }>;
}

/** Options of {@link SbmlSystem}. */
export interface SbmlSystemOptions {
  /**
   * Values replacing the declared values before the run (parameters, compartment sizes, species
   * initial quantities in the species' mathematical units, stoichiometries). An override wins over
   * an initial assignment of the same symbol. A symbol set by an assignment rule cannot be overridden.
   */
  parameters?: Record<string, number>;
}

interface Node {
  key: number;
  deps: Set<number>;
  run: () => void;
  label: string;
  loc: SourceLocation;
  /**
   * Partial derivatives of the node's value with respect to the slots it reads (value keys, or
   * nSlots + slot for derivatives), for the analytic Jacobian; null when not differentiable.
   * Built lazily by `partials()`.
   */
  grad?: () => Array<{ key: number; fn: Fn }> | null;
}

/** An SBML model compiled for simulation. One instance per run (it holds the run's values). */
export class SbmlSystem implements OdeSystem {
  readonly n: number;
  readonly v: Float64Array;
  readonly d: Float64Array;
  readonly env = { t: 0 };
  readonly symbols = new Map<string, SbmlSymbol>();
  readonly slots: SbmlSymbol[] = [];
  /** Slot of each state component (length n; a model without ODE states has one dummy state). */
  readonly stateSlots: Int32Array;
  readonly stateSymbols: SbmlSymbol[];
  readonly events: CompiledEvent[] = [];
  readonly constraints: Array<{ check: Fn; message: string; loc: SourceLocation }> = [];
  readonly warnings: string[];
  /** Per-state absolute-tolerance scale (compartment size for species whose amount is stored but whose concentration matters). */
  readonly stateScale: Float64Array;
  /** True when the right-hand side does not read time (lets Rodas4 skip ∂f/∂t). */
  readonly autonomous: boolean;

  private readonly doc: SbmlDocument;
  private readonly functions: Map<string, Lambda | null>;
  private readonly nSlots: number;
  private runtime: Array<() => void> = [];
  private initRuns: Array<() => void> = [];
  private curDeps: Set<number> = new Set();
  private localScope: Map<string, SbmlSymbol> | null = null;
  private readonly rules = new Map<string, SbmlRule>();
  private readonly localValues: Array<[number, number]> = [];
  /** Variables determined by algebraic rules (matched one to one with `algebraicRules`). */
  private algebraicSymbols: SbmlSymbol[] = [];
  private algebraicRules: SbmlRule[] = [];
  private residuals: Fn[] = [];
  /**
   * Fast reactions (at equilibrium): their rate slot and, per affected state, the stoichiometry
   * slot, sign and conversion-factor slot (-1 when none).
   */
  private readonly fast: Array<{ id: string; rateSlot: number; loc: SourceLocation; terms: Array<{ state: number; stoichSlot: number; sign: number; cfSlot: number }> }> = [];
  /** Message of the last failed equilibration of the fast reactions (empty when it worked). */
  fastFailure = '';
  /** Whether the model uses the delay csymbol, and the smallest constant delay (bounds the step). */
  hasDelay = false;
  minConstantDelay = Infinity;
  /** The simulation's past, set by the simulator when the model uses delay(). */
  history: DelayHistory | null = null;
  private delayDepth = 0;
  private delayScratch: Array<{ y: Float64Array; v: Float64Array; d: Float64Array }> = [];
  /** Message of the last failed algebraic solve (empty when it converged). */
  algebraicFailure = '';
  private runtimeNodes: Node[] = [];
  /** Analytic Jacobian plan (null: not built yet; false: not available). */
  private jacPlan: JacobianPlan | false | null = null;
  private usesTime = false;

  constructor(doc: SbmlDocument, options: SbmlSystemOptions = {}) {
    this.doc = doc;
    this.warnings = [...doc.warnings];
    this.functions = new Map(doc.functionDefinitions.map((f) => [f.id, f.lambda]));
    this.resolver.functions = this.functions;
    for (const f of doc.functionDefinitions) {
      if (!f.lambda) this.warnings.push(`function definition '${f.id}' has no MathML`);
    }

    // 1. Symbols and slots.
    const add = (id: string, kind: SymbolKind, loc: SourceLocation, constant: boolean, global = true): SbmlSymbol => {
      if (global && (this.symbols.has(id) || this.functions.has(id))) {
        throw new SbmlError('invalid', `identifier '${id}' is defined twice`, loc);
      }
      const s: SbmlSymbol = {
        id, kind, slot: this.slots.length, loc, constant, rule: null, reactionChanged: false, compartment: null,
        hasOnlySubstanceUnits: false, storedAsConc: false, boundaryCondition: false, stateIndex: -1,
      };
      this.slots.push(s);
      if (global) this.symbols.set(id, s);
      return s;
    };
    for (const c of doc.compartments) add(c.id, 'compartment', c.loc, c.constant);
    for (const s of doc.species) {
      const sym = add(s.id, 'species', s.loc, s.constant);
      sym.hasOnlySubstanceUnits = s.hasOnlySubstanceUnits;
      sym.boundaryCondition = s.boundaryCondition;
    }
    for (const p of doc.parameters) add(p.id, 'parameter', p.loc, p.constant);
    const localScopes: Array<Map<string, SbmlSymbol>> = [];
    const srefSyms: SbmlSymbol[][] = [];
    for (const r of doc.reactions) {
      add(r.id, 'reaction', r.loc, false);
      const refs: SbmlSymbol[] = [];
      for (const sr of [...r.reactants, ...r.products]) {
        const id = sr.id ?? `${r.id}:${sr.species}#${refs.length}`;
        refs.push(add(id, 'speciesReference', sr.loc, sr.constant, sr.id !== null));
      }
      srefSyms.push(refs);
      const scope = new Map<string, SbmlSymbol>();
      for (const lp of r.kineticLaw?.localParameters ?? []) {
        if (scope.has(lp.id)) throw new SbmlError('invalid', `local parameter '${lp.id}' is defined twice in reaction '${r.id}'`, lp.loc);
        scope.set(lp.id, add(lp.id, 'localParameter', lp.loc, true, false));
      }
      localScopes.push(scope);
    }
    this.nSlots = this.slots.length;
    this.v = new Float64Array(this.nSlots);
    this.d = new Float64Array(this.nSlots);

    // Species compartments and conversion factors.
    const speciesDecl = new Map<string, SbmlSpecies>(doc.species.map((s) => [s.id, s]));
    for (const s of doc.species) {
      const c = this.symbols.get(s.compartment);
      if (!c || c.kind !== 'compartment') throw new SbmlError('invalid', `species '${s.id}' refers to unknown compartment '${s.compartment}'`, s.loc);
      this.symbols.get(s.id)!.compartment = c;
    }
    const checkCf = (id: string | null, loc: SourceLocation): void => {
      if (id === null) return;
      const p = this.symbols.get(id);
      if (!p || p.kind !== 'parameter') throw new SbmlError('invalid', `conversion factor '${id}' is not a parameter`, loc);
    };
    checkCf(doc.conversionFactor, { element: '<model>' });
    for (const s of doc.species) checkCf(s.conversionFactor, s.loc);

    // 2. Rules.
    const algebraicRules: SbmlRule[] = [];
    for (const rule of doc.rules) {
      if (rule.kind === 'algebraic') {
        if (rule.math === null) this.warnings.push(`an algebraic rule (line ${rule.loc.line}) has no MathML and has no effect`);
        else algebraicRules.push(rule);
        continue;
      }
      const id = rule.variable!;
      const sym = this.symbols.get(id);
      if (!sym) throw new SbmlError('invalid', `rule for unknown variable '${id}'`, rule.loc);
      if (sym.kind === 'reaction') throw new SbmlError('invalid', `a rule cannot set the reaction '${id}'`, rule.loc);
      if (sym.constant) throw new SbmlError('invalid', `a rule cannot set '${id}', which is declared constant`, rule.loc);
      if (this.rules.has(id)) throw new SbmlError('invalid', `'${id}' is the variable of more than one rule`, rule.loc);
      if (rule.math === null) {
        this.warnings.push(`the ${rule.kind} rule for '${id}' (line ${rule.loc.line}) has no MathML and has no effect`);
        // A rate rule without math still makes the variable non-constant but unchanging.
        continue;
      }
      this.rules.set(id, rule);
      sym.rule = rule.kind;
      if (sym.kind === 'species' && !sym.hasOnlySubstanceUnits) sym.storedAsConc = true;
    }

    // 3. Reactions: which species they change.
    doc.reactions.forEach((r) => {
      for (const sr of [...r.reactants, ...r.products]) {
        const s = this.symbols.get(sr.species);
        if (!s || s.kind !== 'species') throw new SbmlError('invalid', `reaction '${r.id}' refers to unknown species '${sr.species}'`, sr.loc);
        if (!s.boundaryCondition && !s.constant) {
          if (s.rule) throw new SbmlError('invalid', `species '${s.id}' is changed by reaction '${r.id}' and also set by a ${s.rule} rule (it must have boundaryCondition="true")`, sr.loc);
          s.reactionChanged = true;
        }
      }
      for (const m of r.modifiers) {
        const s = this.symbols.get(m);
        if (!s || s.kind !== 'species') throw new SbmlError('invalid', `reaction '${r.id}' has unknown modifier '${m}'`, r.loc);
      }
    });

    // 3b. Algebraic rules: each determines one variable that nothing else determines.
    this.algebraicSymbols = this.matchAlgebraic(algebraicRules, srefSyms.flat());

    // 4. ODE states.
    const states: SbmlSymbol[] = [];
    for (const s of this.slots) {
      if (s.rule === 'rate' || (s.kind === 'species' && s.reactionChanged)) {
        s.stateIndex = states.length;
        states.push(s);
      }
    }
    this.stateSymbols = states;
    this.n = Math.max(1, states.length);
    this.stateSlots = new Int32Array(this.n).fill(-1);
    states.forEach((s, i) => (this.stateSlots[i] = s.slot));
    this.stateScale = new Float64Array(this.n).fill(1);

    // 5. Runtime nodes.
    const resolverFor = (scope: Map<string, SbmlSymbol> | null): MathResolver => {
      this.localScope = scope;
      return this.resolver;
    };
    const nodes: Node[] = [];
    const compileIn = (math: MathNode, scope: Map<string, SbmlSymbol> | null = null): { fn: Fn; deps: Set<number> } => {
      this.curDeps = new Set();
      const fn = compileMath(math, resolverFor(scope));
      this.localScope = null;
      return { fn, deps: this.curDeps };
    };
    const assignNodes = new Map<string, Node>();
    for (const [id, rule] of this.rules) {
      if (rule.kind !== 'assignment') continue;
      const sym = this.symbols.get(id)!;
      const { fn, deps } = compileIn(rule.math!);
      const node: Node = { key: sym.slot, deps, run: this.storeRun(sym, fn, deps), label: `assignment rule for '${id}'`, loc: rule.loc };
      const math = rule.math!;
      node.grad = () => this.partials(math, null);
      nodes.push(node);
      assignNodes.set(id, node);
    }
    // Stoichiometries given by L2 stoichiometryMath.
    const stoichMathNodes = new Map<number, Node>();
    doc.reactions.forEach((r, ri) => {
      [...r.reactants, ...r.products].forEach((sr, k) => {
        const sym = srefSyms[ri][k];
        if (sr.stoichiometryMath) {
          if (sym.rule) throw new SbmlError('invalid', `species reference '${sym.id}' has both stoichiometryMath and a rule`, sr.loc);
          const { fn, deps } = compileIn(sr.stoichiometryMath);
          const v = this.v;
          const slot = sym.slot;
          const node: Node = { key: slot, deps, run: () => void (v[slot] = fn()), label: `stoichiometryMath of '${sr.species}' in reaction '${r.id}'`, loc: sr.loc };
          const math = sr.stoichiometryMath;
          node.grad = () => this.partials(math, null);
          nodes.push(node);
          stoichMathNodes.set(slot, node);
        }
      });
    });
    // Reaction rates.
    const reactionNodes: Node[] = [];
    doc.reactions.forEach((r, ri) => {
      const sym = this.symbols.get(r.id)!;
      const v = this.v;
      const slot = sym.slot;
      let node: Node;
      if (!r.kineticLaw || !r.kineticLaw.math) {
        this.warnings.push(`reaction '${r.id}' (line ${r.loc.line}) has no kinetic law${r.kineticLaw ? ' MathML' : ''}: its rate is taken as 0`);
        node = { key: slot, deps: new Set(), run: () => void (v[slot] = 0), label: `kinetic law of '${r.id}'`, loc: r.loc, grad: () => [] };
      } else {
        const { fn, deps } = compileIn(r.kineticLaw.math, localScopes[ri]);
        node = { key: slot, deps, run: () => void (v[slot] = fn()), label: `kinetic law of '${r.id}'`, loc: r.kineticLaw.loc };
        const math = r.kineticLaw.math;
        const scope = localScopes[ri];
        node.grad = () => this.partials(math, scope);
      }
      nodes.push(node);
      reactionNodes.push(node);
    });
    // Derivatives.
    const derivNodes: Node[] = [];
    for (const s of states) {
      const key = this.nSlots + s.slot;
      const d = this.d;
      const slot = s.slot;
      if (s.rule === 'rate') {
        const rule = this.rules.get(s.id)!;
        const { fn, deps } = compileIn(rule.math!);
        const math = rule.math!;
        derivNodes.push({ key, deps, run: () => void (d[slot] = fn()), label: `rate rule for '${s.id}'`, loc: rule.loc, grad: () => this.partials(math, null) });
        continue;
      }
      // Reaction-changed species.
      const terms: Array<{ rate: number; stoich: number; sign: number }> = [];
      const deps = new Set<number>();
      const decl = speciesDecl.get(s.id)!;
      const cfId = decl.conversionFactor ?? doc.conversionFactor;
      const cfSlot = cfId ? this.symbols.get(cfId)!.slot : -1;
      doc.reactions.forEach((r, ri) => {
        const rs = this.symbols.get(r.id)!;
        [...r.reactants, ...r.products].forEach((sr, k) => {
          if (sr.species !== s.id) return;
          const ss = srefSyms[ri][k];
          const sign = k < r.reactants.length ? -1 : 1;
          if (r.fast) {
            // Fast reactions act through the equilibrium correction (applyFast), not as rates.
            let fr = this.fast.find((f) => f.rateSlot === rs.slot);
            if (!fr) this.fast.push((fr = { id: r.id, rateSlot: rs.slot, loc: r.loc, terms: [] }));
            fr.terms.push({ state: s.stateIndex, stoichSlot: ss.slot, sign, cfSlot });
            return;
          }
          terms.push({ rate: rs.slot, stoich: ss.slot, sign });
          deps.add(rs.slot);
          deps.add(ss.slot);
        });
      });
      if (cfSlot >= 0) deps.add(cfSlot);
      const v = this.v;
      const nt = terms.length;
      const rateS = Int32Array.from(terms.map((t) => t.rate));
      const stS = Int32Array.from(terms.map((t) => t.stoich));
      const sg = Float64Array.from(terms.map((t) => t.sign));
      const run = (): void => {
        let sum = 0;
        for (let i = 0; i < nt; i++) sum += sg[i] * v[stS[i]] * v[rateS[i]];
        d[slot] = cfSlot >= 0 ? sum * v[cfSlot] : sum;
      };
      const grad = (): Array<{ key: number; fn: Fn }> => {
        const out: Array<{ key: number; fn: Fn }> = [];
        for (let i = 0; i < nt; i++) {
          const r = rateS[i];
          const st = stS[i];
          const g = sg[i];
          out.push({ key: r, fn: cfSlot >= 0 ? () => g * v[st] * v[cfSlot] : () => g * v[st] });
          out.push({ key: st, fn: cfSlot >= 0 ? () => g * v[r] * v[cfSlot] : () => g * v[r] });
        }
        if (cfSlot >= 0) {
          out.push({
            key: cfSlot,
            fn: () => {
              let sum = 0;
              for (let i = 0; i < nt; i++) sum += sg[i] * v[stS[i]] * v[rateS[i]];
              return sum;
            },
          });
        }
        return out;
      };
      derivNodes.push({ key, deps, run, label: `reactions changing '${s.id}'`, loc: s.loc, grad });
    }
    nodes.push(...derivNodes);
    const ordered = this.order(nodes, null, 'the rules and reactions');
    this.runtime = ordered.map((nd) => nd.run);
    this.runtimeNodes = ordered;
    this.residuals = this.algebraicRules.map((r) => compileIn(r.math!).fn);
    // The right-hand side is autonomous when no rule, rate or kinetic law reads time, directly or
    // through delay() (events change parameters only between integrations).
    this.autonomous = !this.usesTime && !this.hasDelay;

    // 6. Initial values.
    const overrides = options.parameters ?? {};
    for (const id of Object.keys(overrides)) {
      const sym = this.symbols.get(id);
      if (!sym) throw new SbmlError('invalid', `cannot set '${id}': no such symbol in the model`);
      if (sym.rule === 'assignment') throw new SbmlError('invalid', `cannot set '${id}': its value is given by an assignment rule`, sym.loc);
      if (sym.kind === 'reaction') throw new SbmlError('invalid', `cannot set '${id}': it is a reaction`, sym.loc);
    }
    const ias = new Map<string, { math: MathNode; loc: SourceLocation }>();
    for (const ia of doc.initialAssignments) {
      const sym = this.symbols.get(ia.symbol);
      if (!sym) throw new SbmlError('invalid', `initial assignment to unknown symbol '${ia.symbol}'`, ia.loc);
      if (sym.kind === 'reaction') throw new SbmlError('invalid', `an initial assignment cannot set the reaction '${ia.symbol}'`, ia.loc);
      if (ias.has(ia.symbol)) throw new SbmlError('invalid', `'${ia.symbol}' has more than one initial assignment`, ia.loc);
      if (sym.rule === 'assignment') throw new SbmlError('invalid', `'${ia.symbol}' has both an initial assignment and an assignment rule`, ia.loc);
      if (ia.math === null) {
        this.warnings.push(`the initial assignment to '${ia.symbol}' (line ${ia.loc.line}) has no MathML and has no effect`);
        continue;
      }
      ias.set(ia.symbol, { math: ia.math, loc: ia.loc });
    }
    const initNodes: Node[] = [];
    const v = this.v;
    for (const sym of this.slots) {
      if (sym.kind === 'reaction' || sym.kind === 'localParameter') continue;
      const slot = sym.slot;
      if (sym.id in overrides && this.symbols.get(sym.id) === sym) {
        const x = overrides[sym.id];
        const deps = new Set<number>();
        const fn: Fn = () => x;
        initNodes.push({ key: slot, deps, run: this.storeRun(sym, fn, deps), label: `value of '${sym.id}'`, loc: sym.loc });
        continue;
      }
      const ia = this.symbols.get(sym.id) === sym ? ias.get(sym.id) : undefined;
      if (ia) {
        const { fn, deps } = compileIn(ia.math);
        initNodes.push({ key: slot, deps, run: this.storeRun(sym, fn, deps), label: `initial assignment to '${sym.id}'`, loc: ia.loc });
        continue;
      }
      const an = this.symbols.get(sym.id) === sym ? assignNodes.get(sym.id) : undefined;
      if (an) {
        initNodes.push(an);
        continue;
      }
      const sm = stoichMathNodes.get(slot);
      if (sm) {
        initNodes.push(sm);
        continue;
      }
      initNodes.push(this.declaredNode(sym));
    }
    doc.reactions.forEach((r, ri) => {
      for (const lp of r.kineticLaw?.localParameters ?? []) {
        const s = localScopes[ri].get(lp.id)!;
        this.localValues.push([s.slot, lp.value ?? NaN]);
        if (lp.value === null) this.warnings.push(`local parameter '${lp.id}' of reaction '${r.id}' has no value`);
      }
    });
    initNodes.push(...reactionNodes, ...derivNodes);
    this.initRuns = this.order(initNodes, new Set(initNodes.filter((nd) => nd.key < this.nSlots).map((nd) => nd.key)), 'the initial assignments and rules').map((nd) => nd.run);

    // 7. Events.
    doc.events.forEach((e, i) => this.events.push(this.compileEvent(e, i, compileIn)));

    // Quantities that only events change, recorded after each event for delay().
    const evSlots = new Set<number>();
    for (const e of this.events) for (const a of e.assignments) if (a.target.stateIndex < 0) evSlots.add(a.target.slot);
    this.eventSlots = Int32Array.from(evSlots);

    // 8. Constraints (checked at output times; a violation is reported as a warning).
    for (const c of doc.constraints) {
      if (!c.math) {
        this.warnings.push(`a constraint (line ${c.loc.line}) has no MathML and is not checked`);
        continue;
      }
      this.constraints.push({ check: compileIn(c.math).fn, message: c.message, loc: c.loc });
    }
  }

  /** Resolver used while compiling (reads this.localScope and records dependencies in this.curDeps). */
  private readonly resolver: MathResolver & { functions: ReadonlyMap<string, Lambda | null> } = {
    functions: new Map(),
    symbol: (name: string) => {
      const local = this.localScope?.get(name);
      const sym = local ?? this.symbols.get(name);
      if (!sym) return null;
      return this.reader(sym);
    },
    time: () => {
      this.usesTime = true;
      const env = this.env;
      return () => env.t;
    },
    rateOf: (name: string, loc: SourceLocation) => this.rateOfReader(name, loc),
    delay: (expr: MathNode, delayNode: MathNode, _loc: SourceLocation, compile: (n: MathNode) => Fn) => {
      this.hasDelay = true;
      // What the delayed expression reads is read in the past: not a dependency of the present.
      const saved = this.curDeps;
      this.curDeps = new Set();
      const xFn = compile(expr);
      this.curDeps = saved;
      const dFn = compile(delayNode);
      if (delayNode.kind === 'num' && delayNode.value > 0) this.minConstantDelay = Math.min(this.minConstantDelay, delayNode.value);
      // "Simple" when it reads only states, constants and time: the past state suffices, no rule
      // has to be re-evaluated.
      let simple = !hasOpaqueParts(inlineFunctions(expr, this.functions));
      if (simple) {
        for (const name of namesIn(inlineFunctions(expr, this.functions))) {
          const sym = this.localScope?.get(name) ?? this.symbols.get(name);
          if (sym && sym.kind !== 'localParameter' && (sym.rule === 'assignment' || sym.rule === 'algebraic' || sym.kind === 'reaction' || (sym.kind === 'speciesReference' && !sym.constant))) simple = false;
        }
      }
      return () => this.delayed(xFn, dFn(), simple);
    },
  };

  /** Closure reading a symbol's value in mathematical units. */
  private reader(sym: SbmlSymbol): Fn {
    const v = this.v;
    const s = sym.slot;
    this.curDeps.add(s);
    if (sym.kind === 'species' && !sym.hasOnlySubstanceUnits && !sym.storedAsConc) {
      const c = sym.compartment!.slot;
      this.curDeps.add(c);
      return () => v[s] / v[c];
    }
    return () => v[s];
  }

  private rateOfReader(name: string, loc: SourceLocation): Fn {
    // A local parameter never changes (and shadows a global of the same id).
    if (this.localScope?.has(name)) return () => 0;
    const sym = this.symbols.get(name);
    if (!sym) throw new SbmlError('invalid', `rateOf of unknown identifier '${name}'`, loc);
    const d = this.d;
    const v = this.v;
    if (sym.rule === 'assignment') {
      throw new SbmlError('unsupported', `rateOf('${name}') of a variable set by an assignment rule is not supported`, loc);
    }
    if (sym.stateIndex < 0) return () => 0;
    const s = sym.slot;
    this.curDeps.add(this.nSlots + s);
    const inner = this.rateOfInner(sym, s, d, v, loc);
    // Before t0, seen through delay(), nothing changes.
    return () => (this.preHistory > 0 ? 0 : inner());
  }

  private rateOfInner(sym: SbmlSymbol, s: number, d: Float64Array, v: Float64Array, loc: SourceLocation): Fn {
    if (sym.kind === 'species' && sym.reactionChanged && !sym.hasOnlySubstanceUnits) {
      // d[S]/dt = (dA/dt - [S] dV/dt) / V.
      const comp = sym.compartment!;
      const c = comp.slot;
      this.curDeps.add(c);
      if (comp.rule === 'assignment') {
        throw new SbmlError('unsupported', `rateOf('${sym.id}') of a species in a compartment set by an assignment rule is not supported`, loc);
      }
      if (comp.stateIndex >= 0) {
        this.curDeps.add(this.nSlots + c);
        return () => (d[s] - (v[s] / v[c]) * d[c]) / v[c];
      }
      return () => d[s] / v[c];
    }
    return () => d[s];
  }

  /** A node body that stores `fn()` (mathematical units) into the symbol's slot. */
  private storeRun(sym: SbmlSymbol, fn: Fn, deps: Set<number>): () => void {
    const v = this.v;
    const s = sym.slot;
    if (sym.kind === 'species' && !sym.hasOnlySubstanceUnits && !sym.storedAsConc) {
      const c = sym.compartment!.slot;
      deps.add(c);
      return () => void (v[s] = fn() * v[c]);
    }
    return () => void (v[s] = fn());
  }

  /** Initial value from the declaration (attributes and SBML defaults). */
  private declaredNode(sym: SbmlSymbol): Node {
    const v = this.v;
    const s = sym.slot;
    const deps = new Set<number>();
    const label = `declared value of '${sym.id}'`;
    if (sym.kind === 'compartment') {
      const c = this.doc.compartments.find((x) => x.id === sym.id)!;
      let size = c.size;
      if (size === null) {
        size = 1;
        const used = this.doc.species.some((sp) => sp.compartment === c.id && !sp.hasOnlySubstanceUnits);
        if (used && c.spatialDimensions !== 0) this.warnings.push(`compartment '${c.id}' has no size: 1 is used`);
      }
      const x = size;
      return { key: s, deps, run: () => void (v[s] = x), label, loc: sym.loc };
    }
    if (sym.kind === 'parameter') {
      const p = this.doc.parameters.find((x) => x.id === sym.id)!;
      if (p.value === null && !sym.rule) this.warnings.push(`parameter '${p.id}' has no value and nothing sets it (NaN is used)`);
      const x = p.value ?? NaN;
      return { key: s, deps, run: () => void (v[s] = x), label, loc: sym.loc };
    }
    if (sym.kind === 'speciesReference') {
      const sr = this.findSpeciesReference(sym);
      const x = sr?.stoichiometry ?? 1;
      return { key: s, deps, run: () => void (v[s] = x), label, loc: sym.loc };
    }
    // Species.
    const sp = this.doc.species.find((x) => x.id === sym.id)!;
    const c = sym.compartment!.slot;
    if (sp.initialAmount !== null) {
      const a = sp.initialAmount;
      if (sym.storedAsConc) {
        deps.add(c);
        return { key: s, deps, run: () => void (v[s] = a / v[c]), label, loc: sym.loc };
      }
      return { key: s, deps, run: () => void (v[s] = a), label, loc: sym.loc };
    }
    if (sp.initialConcentration !== null) {
      const x = sp.initialConcentration;
      if (sym.storedAsConc) return { key: s, deps, run: () => void (v[s] = x), label, loc: sym.loc };
      deps.add(c);
      return { key: s, deps, run: () => void (v[s] = x * v[c]), label, loc: sym.loc };
    }
    if (!sym.rule) this.warnings.push(`species '${sp.id}' has no initial amount or concentration and nothing sets it (NaN is used)`);
    return { key: s, deps, run: () => void (v[s] = NaN), label, loc: sym.loc };
  }

  private findSpeciesReference(sym: SbmlSymbol) {
    for (const r of this.doc.reactions) {
      for (const sr of [...r.reactants, ...r.products]) if (sr.loc === sym.loc) return sr;
    }
    return null;
  }

  /**
   * Sorts nodes so that each runs after the nodes producing what it reads.
   * @param roots keys that must be computed (null: all nodes); other nodes run only if needed.
   */
  private order(nodes: Node[], roots: Set<number> | null, what: string): Node[] {
    const producer = new Map<number, Node>();
    for (const nd of nodes) producer.set(nd.key, nd);
    const out: Node[] = [];
    const state = new Map<Node, 1 | 2>();
    const stack: Node[] = [];
    const visit = (nd: Node): void => {
      const st = state.get(nd);
      if (st === 2) return;
      if (st === 1) {
        const cyc = stack.slice(stack.indexOf(nd)).map((x) => x.label);
        throw new SbmlError('invalid', `${what} depend on each other in a cycle: ${[...cyc, nd.label].join(' → ')}`, nd.loc);
      }
      state.set(nd, 1);
      stack.push(nd);
      for (const k of nd.deps) {
        const p = producer.get(k);
        if (p && p !== nd) visit(p);
        else if (p === nd && nd.key < this.nSlots) {
          throw new SbmlError('invalid', `${nd.label} depends on itself`, nd.loc);
        }
      }
      stack.pop();
      state.set(nd, 2);
      out.push(nd);
    };
    for (const nd of nodes) if (roots === null || roots.has(nd.key)) visit(nd);
    return out;
  }

  private compileEvent(e: SbmlEvent, index: number, compileIn: (m: MathNode) => { fn: Fn; deps: Set<number> }): CompiledEvent {
    const id = e.id ?? `event ${index + 1}`;
    let trigger: Fn = () => 0;
    if (e.trigger?.math) trigger = compileIn(e.trigger.math).fn;
    else this.warnings.push(`event '${id}' (line ${e.loc.line}) has no trigger MathML and never fires`);
    const assignments: CompiledEvent['assignments'] = [];
    for (const a of e.assignments) {
      const target = this.symbols.get(a.variable);
      if (!target) throw new SbmlError('invalid', `event assignment to unknown variable '${a.variable}'`, a.loc);
      if (target.kind === 'reaction') throw new SbmlError('invalid', `an event cannot assign the reaction '${a.variable}'`, a.loc);
      if (target.constant) throw new SbmlError('invalid', `an event cannot assign '${a.variable}', which is declared constant`, a.loc);
      if (target.rule === 'assignment') throw new SbmlError('invalid', `an event cannot assign '${a.variable}', which is set by an assignment rule`, a.loc);
      if (!a.math) {
        this.warnings.push(`the event assignment to '${a.variable}' (line ${a.loc.line}) has no MathML and has no effect`);
        continue;
      }
      assignments.push({ target, value: compileIn(a.math).fn });
    }
    return {
      id,
      index,
      loc: e.loc,
      trigger,
      initialValue: e.trigger?.initialValue ?? true,
      persistent: e.trigger?.persistent ?? true,
      delay: e.delay ? compileIn(e.delay).fn : null,
      priority: e.priority ? compileIn(e.priority).fn : null,
      useValuesFromTriggerTime: e.useValuesFromTriggerTime,
      assignments,
    };
  }

  /** Sets `v` to the initial values at time t0 (event handling at t0 is the simulator's job). */
  initialize(t0: number): void {
    this.t0 = t0;
    this.env.t = t0;
    this.v.fill(0);
    this.d.fill(0);
    for (const [slot, x] of this.localValues) this.v[slot] = x;
    for (const run of this.initRuns) run();
    this.refresh();
    this.equilibrate();
    this.recordDiscrete(t0);
    this.stateSymbols.forEach((s, i) => {
      if (s.kind === 'species' && !s.storedAsConc && !s.hasOnlySubstanceUnits) {
        const size = Math.abs(this.v[s.compartment!.slot]);
        this.stateScale[i] = Number.isFinite(size) && size > 0 ? size : 1;
      }
    });
  }

  /**
   * Partial derivatives of `math` (in its scope) with respect to the slots it reads, or null
   * when it contains delay() or rateOf().
   */
  private partials(math: MathNode, scope: Map<string, SbmlSymbol> | null): Array<{ key: number; fn: Fn }> | null {
    const inl = inlineFunctions(math, this.functions);
    if (hasOpaqueParts(inl)) return null;
    const inputs = new Map<string, number>();
    const syms: SbmlSymbol[] = [];
    for (const name of namesIn(inl)) {
      if (scope?.has(name)) continue; // local parameters are constant
      const sym = this.symbols.get(name);
      if (!sym) continue;
      inputs.set(name, syms.length);
      syms.push(sym);
    }
    if (syms.length === 0) return [];
    this.localScope = scope;
    this.curDeps = new Set();
    const dual = compileDual(inl, inputs, syms.length, this.resolver);
    this.localScope = null;
    const g = dual.g;
    if (g === null) return [];
    // The node's closure evaluates value and gradient once; the first partial triggers it.
    const f = dual.f;
    // A first pseudo-partial (key -1) evaluates value and gradient; the others read the gradient.
    const out: Array<{ key: number; fn: Fn }> = [{ key: -1, fn: f }];
    const v = this.v;
    syms.forEach((sym, i) => {
      const gi: Fn = () => g[i];
      const s = sym.slot;
      if (sym.kind === 'species' && !sym.hasOnlySubstanceUnits && !sym.storedAsConc) {
        const c = sym.compartment!.slot;
        out.push({ key: s, fn: () => gi() / v[c] });
        out.push({ key: c, fn: () => (-g[i] * v[s]) / (v[c] * v[c]) });
      } else {
        out.push({ key: s, fn: gi });
      }
    });
    return out;
  }

  /** Builds the analytic Jacobian plan, or returns false when some node is not differentiable. */
  private buildJacobianPlan(): JacobianPlan | false {
    // Algebraic variables depend on the state through the Newton solve: use finite differences.
    if (this.algebraicSymbols.length > 0 || this.fast.length > 0) return false;
    const n = this.n;
    const stateIndexOfSlot = new Map<number, number>();
    this.stateSymbols.forEach((s, i) => stateIndexOfSlot.set(s.slot, i));
    const bufOf = new Map<number, Float64Array>();
    const steps: JacobianPlan['steps'] = [];
    for (const nd of this.runtimeNodes) {
      const parts = nd.grad ? nd.grad() : null;
      if (parts === null) return false;
      const buf = new Float64Array(n);
      const terms: JacobianPlan['steps'][number]['terms'] = [];
      for (const p of parts) {
        if (p.key === -1) {
          terms.push({ fn: p.fn, state: -2, src: null });
          continue;
        }
        const j = stateIndexOfSlot.get(p.key);
        if (j !== undefined) terms.push({ fn: p.fn, state: j, src: null });
        else {
          const src = bufOf.get(p.key);
          if (src) terms.push({ fn: p.fn, state: -1, src });
          // else: a constant (or a value changed only by events): no dependence on the state.
        }
      }
      bufOf.set(nd.key, buf);
      steps.push({ buf, terms });
    }
    const rows = this.stateSymbols.map((s) => bufOf.get(this.nSlots + s.slot) ?? new Float64Array(n));
    return { steps, rows };
  }

  /**
   * Analytic Jacobian ∂f/∂y (row-major n×n) by the chain rule through assignment rules, kinetic
   * laws and stoichiometries; falls back to forward differences when the model contains delay()
   * or rateOf(), or where a partial derivative is not finite.
   */
  jacobian(t: number, y: Float64Array, jac: Float64Array): void {
    if (this.jacPlan === null) this.jacPlan = this.buildJacobianPlan();
    const n = this.n;
    this.load(t, y);
    const plan = this.jacPlan;
    let ok = plan !== false;
    if (plan !== false) {
      for (const st of plan.steps) {
        const buf = st.buf;
        buf.fill(0);
        for (const term of st.terms) {
          const w = term.fn();
          if (w === 0 || term.state === -2) continue;
          if (term.src === null) buf[term.state] += w;
          else {
            const src = term.src;
            for (let j = 0; j < n; j++) buf[j] += w * src[j];
          }
        }
      }
      jac.fill(0);
      plan.rows.forEach((row, i) => jac.set(row, i * n));
      for (let k = 0; k < n * n; k++) {
        if (!Number.isFinite(jac[k])) {
          ok = false;
          break;
        }
      }
    }
    if (!ok) this.finiteDifferenceJacobian(t, y, jac);
  }

  private fdWork: { y: Float64Array; f0: Float64Array; f1: Float64Array } | null = null;
  private finiteDifferenceJacobian(t: number, y: Float64Array, jac: Float64Array): void {
    const n = this.n;
    this.fdWork ??= { y: new Float64Array(n), f0: new Float64Array(n), f1: new Float64Array(n) };
    const { y: yw, f0, f1 } = this.fdWork;
    yw.set(y);
    this.rhs(t, yw, f0);
    for (let j = 0; j < n; j++) {
      const yj = yw[j];
      const scale = Math.max(Math.abs(yj), 1e-5 * this.stateScale[j]);
      let delt = Math.sqrt(2.220446049250313e-16 * scale) * Math.sqrt(scale);
      if (!(delt > 0) || yj + delt === yj) delt = Math.sqrt(2.220446049250313e-16) * Math.max(Math.abs(yj), 1e-300);
      yw[j] = yj + delt;
      delt = yw[j] - yj;
      this.rhs(t, yw, f1);
      for (let i = 0; i < n; i++) jac[i * n + j] = (f1[i] - f0[i]) / delt;
      yw[j] = yj;
    }
    this.load(t, y);
  }

  /**
   * Value of a delayed expression: evaluates `xFn` with the model's state at t − d (from the
   * recorded history; the state at t0 before t0; the current value when there is no history yet).
   * Parameters keep their current values. Nested delays deeper than 4 levels use current values.
   */
  private delayed(xFn: Fn, d: number, simple: boolean): number {
    if (!(d > 0) || this.delayDepth >= 4) return xFn();
    const tNow = this.env.t;
    const tp = tNow - d;
    const depth = this.delayDepth;
    const n = this.n;
    const scratch = (this.delayScratch[depth] ??= { y: new Float64Array(n), v: new Float64Array(this.nSlots), d: new Float64Array(this.nSlots) });
    const v = this.v;
    if (tp < this.t0) {
      // Before the start, the model's values are its initial values as functions of time (an
      // initial assignment may read time), and nothing changes: rateOf is 0.
      this.delayDepth++;
      scratch.v.set(v);
      scratch.d.set(this.d);
      this.env.t = tp;
      this.preHistory++;
      const fastWas = this.fastActive;
      this.fastActive = false; // values only: no fast-flux correction of derivatives
      for (const [slot, x] of this.localValues) v[slot] = x;
      for (const run of this.initRuns) run();
      this.refresh();
      const x = xFn();
      this.preHistory--;
      this.fastActive = fastWas;
      v.set(scratch.v);
      this.d.set(scratch.d);
      this.env.t = tNow;
      this.delayDepth--;
      return x;
    }
    const h = this.history;
    if (h === null || !h.at(tp, scratch.y)) return xFn();
    const ss = this.stateSlots;
    this.delayDepth++;
    scratch.v.set(v);
    if (!simple) scratch.d.set(this.d);
    this.env.t = tp;
    for (let i = 0; i < n; i++) if (ss[i] >= 0) v[ss[i]] = scratch.y[i];
    this.restoreDiscrete(tp);
    const fastWas = this.fastActive;
    this.fastActive = false;
    if (!simple) this.refresh();
    const x = xFn();
    this.fastActive = fastWas;
    v.set(scratch.v);
    if (!simple) this.d.set(scratch.d);
    this.env.t = tNow;
    this.delayDepth--;
    return x;
  }

  /** Slots that only events change (not ODE states), with their values after each event. */
  private eventSlots: Int32Array = new Int32Array(0);
  private discreteTimes: number[] = [];
  private discreteValues: Float64Array[] = [];
  private preHistory = 0;
  private t0 = 0;

  /** Records the values of the event-assigned quantities at time t (for delay()). */
  recordDiscrete(t: number): void {
    if (!this.hasDelay || this.eventSlots.length === 0) return;
    const vals = Float64Array.from(this.eventSlots, (s) => this.v[s]);
    while (this.discreteTimes.length > 0 && this.discreteTimes[this.discreteTimes.length - 1] > t) {
      this.discreteTimes.pop();
      this.discreteValues.pop();
    }
    this.discreteTimes.push(t);
    this.discreteValues.push(vals);
  }

  private restoreDiscrete(t: number): void {
    const times = this.discreteTimes;
    if (times.length === 0) return;
    let lo = -1;
    let hi = times.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (times[mid] <= t) lo = mid;
      else hi = mid - 1;
    }
    if (lo < 0) return;
    const vals = this.discreteValues[lo];
    const slots = this.eventSlots;
    for (let k = 0; k < slots.length; k++) this.v[slots[k]] = vals[k];
  }

  /** Copies the state components from `v` into y. */
  readState(y: Float64Array): void {
    const v = this.v;
    for (let i = 0; i < this.n; i++) {
      const s = this.stateSlots[i];
      y[i] = s >= 0 ? v[s] : 0;
    }
  }

  /** Sets time and state, then evaluates every rule, rate and derivative. */
  load(t: number, y: Float64Array): void {
    this.env.t = t;
    const v = this.v;
    const ss = this.stateSlots;
    for (let i = 0; i < this.n; i++) {
      const s = ss[i];
      if (s >= 0) v[s] = y[i];
    }
    this.refresh();
  }

  /**
   * Re-evaluates rules, rates and derivatives at the current `v` (after an event changed it),
   * solving the algebraic rules first when there are any.
   */
  refresh(): void {
    if (this.algebraicSymbols.length > 0) this.solveAlgebraic();
    else {
      const rt = this.runtime;
      for (let i = 0; i < rt.length; i++) rt[i]();
    }
    if (this.fast.length > 0 && this.fastActive) this.applyFast();
  }

  /** False while equilibrating (the correction is only needed for derivatives). */
  private fastActive = true;
  private fastWork: { B: Float64Array; G: Float64Array; M: Float64Array; piv: Int32Array; r0: Float64Array; u: Float64Array; fs: Float64Array } | null = null;

  private getFastWork() {
    const m = this.fast.length;
    const n = this.n;
    return (this.fastWork ??= {
      B: new Float64Array(n * m),
      G: new Float64Array(m * n),
      M: new Float64Array(m * m),
      piv: new Int32Array(m),
      r0: new Float64Array(m),
      u: new Float64Array(m),
      fs: new Float64Array(n),
    });
  }

  /** B[i*m + r]: change of state i per unit extent of fast reaction r (cf · ±stoichiometry). */
  private fillFastStoichiometry(B: Float64Array): void {
    const m = this.fast.length;
    const v = this.v;
    B.fill(0);
    this.fast.forEach((f, r) => {
      for (const t of f.terms) B[t.state * m + r] += t.sign * v[t.stoichSlot] * (t.cfSlot >= 0 ? v[t.cfSlot] : 1);
    });
  }

  /**
   * Adds the fast reactions' fluxes u to the derivatives so that their rates stay at zero
   * (their equilibrium): with G = ∂v_fast/∂y (finite differences), B the fast stoichiometry and
   * f the slow derivatives, (G·B)·u = −G·f.
   */
  private applyFast(): void {
    const m = this.fast.length;
    const n = this.n;
    const v = this.v;
    const d = this.d;
    const ss = this.stateSlots;
    const { B, G, M, piv, r0, u, fs } = this.getFastWork();
    this.fillFastStoichiometry(B);
    for (let i = 0; i < n; i++) fs[i] = ss[i] >= 0 ? d[ss[i]] : 0;
    for (let r = 0; r < m; r++) r0[r] = v[this.fast[r].rateSlot];
    for (let j = 0; j < n; j++) {
      const s = ss[j];
      if (s < 0) continue;
      const yj = v[s];
      let h = 1e-7 * Math.max(Math.abs(yj), 1e-6 * this.stateScale[j]);
      v[s] = yj + h;
      h = v[s] - yj;
      this.runAll();
      for (let r = 0; r < m; r++) G[r * n + j] = (v[this.fast[r].rateSlot] - r0[r]) / h;
      v[s] = yj;
    }
    this.runAll();
    for (let r = 0; r < m; r++) {
      let g = 0;
      for (let j = 0; j < n; j++) g += G[r * n + j] * fs[j];
      u[r] = -g;
      for (let q = 0; q < m; q++) {
        let x = 0;
        for (let j = 0; j < n; j++) x += G[r * n + j] * B[j * m + q];
        M[r * m + q] = x;
      }
    }
    // Distance to the equilibrium (one Newton step, in state units) before M is used.
    let tr = 0;
    for (let i = 0; i < m * m; i++) tr += M[i] * M[i];
    this.fastMScale = Math.max(this.fastMScale, tr / m);
    const delta = Float64Array.from(r0);
    solveLeastSquares(M, m, piv, delta, this.fastMScale);
    let xScale = 0;
    for (let i = 0; i < n; i++) if (ss[i] >= 0) xScale = Math.max(xScale, Math.abs(v[ss[i]]));
    let violated = false;
    for (let i = 0; i < n && !violated; i++) {
      if (ss[i] < 0) continue;
      let x = 0;
      for (let r = 0; r < m; r++) x += B[i * m + r] * delta[r];
      if (Math.abs(x) > 1e-7 * Math.abs(v[ss[i]]) + 1e-10 * xScale) violated = true;
    }
    this.fastOffEquilibrium = violated;
    solveLeastSquares(M, m, piv, u, this.fastMScale);
    for (let i = 0; i < n; i++) {
      if (ss[i] < 0) continue;
      let x = 0;
      for (let r = 0; r < m; r++) x += B[i * m + r] * u[r];
      d[ss[i]] += x;
    }
  }

  /**
   * After `load`/`refresh`: whether the state has left the fast reactions' equilibrium (a rate
   * law switched, or drift); the simulator then locates the time and re-equilibrates there.
   */
  fastOffEquilibrium = false;
  /** Largest mean square entry of G·B seen (the scale for regularising its solve). */
  private fastMScale = 0;

  /**
   * Moves the state onto the equilibrium of the fast reactions (their rates zero), conserving
   * what they conserve: finds extents ξ with v_fast(x + B·ξ) = 0 by Newton's method. Called at
   * t0 and after events. Sets `fastFailure` when it does not converge.
   */
  equilibrate(): void {
    const m = this.fast.length;
    if (m === 0) return;
    const n = this.n;
    const v = this.v;
    const ss = this.stateSlots;
    const { B, M, piv, r0, u } = this.getFastWork();
    this.fastActive = false;
    this.fastFailure = '';
    try {
      this.fillFastStoichiometry(B);
      const x0 = Float64Array.from(ss, (s) => (s >= 0 ? v[s] : 0));
      const xi = new Float64Array(m);
      const r1 = new Float64Array(m);
      const setX = (z: Float64Array) => {
        for (let i = 0; i < n; i++) {
          if (ss[i] < 0) continue;
          let x = x0[i];
          for (let r = 0; r < m; r++) x += B[i * m + r] * z[r];
          v[ss[i]] = x;
        }
        this.refresh();
      };
      const rates = (out: Float64Array) => {
        for (let r = 0; r < m; r++) out[r] = v[this.fast[r].rateSlot];
      };
      // Pseudo-transient continuation: implicit Euler steps of dξ/dt = v_fast(x + B·ξ) with a
      // growing step τ, which becomes Newton's method near the equilibrium. Following the flow selects the equilibrium the fast reactions reach.
      let xScale = 0;
      for (let i = 0; i < n; i++) xScale = Math.max(xScale, Math.abs(x0[i]));
      if (xScale === 0) xScale = 1;
      setX(xi);
      rates(r0);
      const norm = (a: Float64Array) => {
        let q = 0;
        for (let r = 0; r < m; r++) q = Math.max(q, Math.abs(a[r]));
        return q;
      };
      const scale = norm(r0);
      if (scale === 0) return;
      let tau = (1e-3 * xScale) / scale;
      for (let iter = 0; iter < 500; iter++) {
        const rn = norm(r0);
        if (rn === 0) return;
        for (let q = 0; q < m; q++) {
          const z = xi[q];
          let h = 1e-8 * Math.max(Math.abs(z), 1e-6 * xScale);
          xi[q] = z + h;
          h = xi[q] - z;
          setX(xi);
          rates(r1);
          for (let r = 0; r < m; r++) M[r * m + q] = (r1[r] - r0[r]) / h;
          xi[q] = z;
        }
        // (I/τ − J)·Δ = r
        for (let r = 0; r < m; r++) {
          for (let q = 0; q < m; q++) M[r * m + q] = (r === q ? 1 / tau : 0) - M[r * m + q];
          u[r] = r0[r];
        }
        if (!luFactor(M, m, piv)) break;
        luSolve(M, m, piv, u);
        let small = true;
        for (let r = 0; r < m; r++) {
          xi[r] += u[r];
          if (!(Math.abs(u[r]) <= 1e-13 * Math.max(Math.abs(xi[r]), 1e-12 * xScale))) small = false;
        }
        setX(xi);
        rates(r0);
        const rNew = norm(r0);
        if (small && rNew <= 1e-9 * scale) return;
        // Grow τ (at least 2x per step, faster when the residual falls fast); the residual may
        // rise for a while along the flow, so τ only shrinks when it rises steeply.
        tau = rNew <= 2 * rn ? Math.min(tau * Math.max(2, Math.min(100, rn / Math.max(rNew, 1e-300))), 1e300) : tau / 2;
      }
      let rmax = 0;
      for (let r = 0; r < m; r++) rmax = Math.max(rmax, Math.abs(r0[r]));
      if (!(rmax <= 1e-9 * Math.max(scale, 1e-300))) {
        this.fastFailure = `the fast reactions ${this.fast.map((f) => `'${f.id}'`).join(', ')} cannot be brought to equilibrium at t=${this.env.t}`;
      }
    } finally {
      this.fastActive = true;
      this.refresh();
    }
  }

  private runAll(): void {
    const rt = this.runtime;
    for (let i = 0; i < rt.length; i++) rt[i]();
  }

  private algWork: { z: Float64Array; r: Float64Array; r1: Float64Array; J: Float64Array; piv: Int32Array } | null = null;

  /**
   * Solves the algebraic rules for their variables by Newton's method (finite-difference
   * Jacobian, warm start from the current values), then leaves every node evaluated at the
   * solution. On failure the variables are NaN and `algebraicFailure` says why.
   */
  private solveAlgebraic(): void {
    const m = this.algebraicSymbols.length;
    const v = this.v;
    const slots = this.algebraicSymbols.map((s) => s.slot);
    this.algWork ??= { z: new Float64Array(m), r: new Float64Array(m), r1: new Float64Array(m), J: new Float64Array(m * m), piv: new Int32Array(m) };
    const { z, r, r1, J, piv } = this.algWork;
    const res = this.residuals;
    const evalRes = (out: Float64Array) => {
      for (let i = 0; i < m; i++) v[slots[i]] = z[i];
      this.runAll();
      for (let i = 0; i < m; i++) out[i] = res[i]();
    };
    for (let i = 0; i < m; i++) {
      z[i] = v[slots[i]];
      if (!Number.isFinite(z[i])) z[i] = 0;
    }
    this.algebraicFailure = '';
    for (let iter = 0; iter < 100; iter++) {
      evalRes(r);
      let rmax = 0;
      for (let i = 0; i < m; i++) rmax = Math.max(rmax, Math.abs(r[i]));
      if (rmax === 0) return;
      for (let j = 0; j < m; j++) {
        const zj = z[j];
        let h = 1e-7 * Math.max(Math.abs(zj), 1e-7);
        z[j] = zj + h;
        h = z[j] - zj;
        evalRes(r1);
        for (let i = 0; i < m; i++) J[i * m + j] = (r1[i] - r[i]) / h;
        z[j] = zj;
      }
      if (!luFactor(J, m, piv)) {
        this.algebraicFailure = `the algebraic rules cannot be solved for ${this.algebraicSymbols.map((s) => `'${s.id}'`).join(', ')} at t=${this.env.t} (singular system)`;
        break;
      }
      for (let i = 0; i < m; i++) r1[i] = -r[i];
      luSolve(J, m, piv, r1);
      let small = true;
      for (let i = 0; i < m; i++) {
        z[i] += r1[i];
        if (!(Math.abs(r1[i]) <= 1e-13 * Math.max(Math.abs(z[i]), 1e-300) + 1e-300)) small = false;
      }
      if (small) {
        evalRes(r);
        return;
      }
    }
    if (!this.algebraicFailure) {
      // Accept a tiny residual when the iteration stagnates at round-off.
      evalRes(r);
      let ok = true;
      for (let i = 0; i < m; i++) if (!(Math.abs(r[i]) < 1e-9)) ok = false;
      if (ok) return;
      this.algebraicFailure = `Newton's method did not converge for the algebraic rules at t=${this.env.t}`;
    }
    for (let i = 0; i < m; i++) v[slots[i]] = NaN;
    this.runAll();
  }

  /**
   * Matches each algebraic rule to one variable it determines: a non-constant quantity that no
   * other rule, reaction or stoichiometryMath sets and that the rule reads (augmenting paths;
   * variables assigned by events are chosen last).
   */
  private matchAlgebraic(rules: SbmlRule[], srefs: SbmlSymbol[]): SbmlSymbol[] {
    if (rules.length === 0) return [];
    const stoichMath = new Set<SbmlSymbol>();
    for (const r of this.doc.reactions) {
      for (const sr of [...r.reactants, ...r.products]) if (sr.stoichiometryMath) stoichMath.add(srefs.find((x) => x.loc === sr.loc)!);
    }
    const eventAssigned = new Set(this.doc.events.flatMap((e) => e.assignments.map((a) => a.variable)));
    const free = (sym: SbmlSymbol | undefined): sym is SbmlSymbol =>
      !!sym && sym.kind !== 'reaction' && sym.kind !== 'localParameter' && !sym.constant && !sym.rule && !sym.reactionChanged && !stoichMath.has(sym);
    const candidates = rules.map((r) => {
      const names = [...namesIn(inlineFunctions(r.math!, this.functions))];
      const syms = names.map((n) => this.symbols.get(n)).filter(free);
      // Prefer variables that events do not assign.
      return [...new Set(syms)].sort((a, b) => Number(eventAssigned.has(a.id)) - Number(eventAssigned.has(b.id)));
    });
    const owner = new Map<SbmlSymbol, number>();
    const tryAssign = (ri: number, seen: Set<SbmlSymbol>): boolean => {
      for (const s of candidates[ri]) {
        if (seen.has(s)) continue;
        seen.add(s);
        const o = owner.get(s);
        if (o === undefined || tryAssign(o, seen)) {
          owner.set(s, ri);
          return true;
        }
      }
      return false;
    };
    rules.forEach((r, ri) => {
      if (!tryAssign(ri, new Set())) {
        throw new SbmlError('invalid', 'this algebraic rule determines no variable: every quantity it reads is constant or already set by another rule, a reaction or another algebraic rule (the model is overdetermined)', r.loc);
      }
    });
    const out: SbmlSymbol[] = new Array(rules.length);
    for (const [sym, ri] of owner) {
      out[ri] = sym;
      sym.rule = 'algebraic';
    }
    this.algebraicRules = rules;
    return out;
  }

  rhs(t: number, y: Float64Array, dydt: Float64Array): void {
    this.load(t, y);
    const d = this.d;
    const ss = this.stateSlots;
    for (let i = 0; i < this.n; i++) {
      const s = ss[i];
      dydt[i] = s >= 0 ? d[s] : 0;
    }
  }

  /** Writes a value given in the symbol's mathematical units into its slot. */
  assign(sym: SbmlSymbol, x: number): void {
    if (sym.kind === 'species' && !sym.hasOnlySubstanceUnits && !sym.storedAsConc) {
      this.v[sym.slot] = x * this.v[sym.compartment!.slot];
    } else {
      this.v[sym.slot] = x;
    }
  }

  /**
   * Applies simultaneous event assignments (values in the targets' mathematical units, computed
   * before any is applied). Species quantities are amounts at an event: a species concentration
   * is turned into an amount with its compartment's size before the event; a compartment whose
   * size changes keeps the amounts of its species (their concentrations follow).
   */
  applyAssignments(assignments: ReadonlyArray<{ target: SbmlSymbol }>, values: Float64Array): void {
    const v = this.v;
    const n = assignments.length;
    const amounts = new Float64Array(n);
    let changesCompartment = false;
    for (let k = 0; k < n; k++) {
      const t = assignments[k].target;
      if (t.kind === 'species') amounts[k] = t.hasOnlySubstanceUnits ? values[k] : values[k] * v[t.compartment!.slot];
      else if (t.kind === 'compartment') changesCompartment = true;
    }
    let oldSizes: Float64Array | null = null;
    if (changesCompartment) oldSizes = Float64Array.from(this.slots.filter((s) => s.kind === 'compartment').map((s) => v[s.slot]));
    for (let k = 0; k < n; k++) {
      const t = assignments[k].target;
      if (t.kind !== 'species') v[t.slot] = values[k];
    }
    if (oldSizes) {
      // Species stored as concentrations keep their amounts.
      let ci = 0;
      for (const c of this.slots) {
        if (c.kind !== 'compartment') continue;
        const before = oldSizes[ci++];
        const after = v[c.slot];
        if (before === after) continue;
        for (const s of this.slots) {
          if (s.kind === 'species' && s.storedAsConc && s.compartment === c) v[s.slot] = (v[s.slot] * before) / after;
        }
      }
    }
    for (let k = 0; k < n; k++) {
      const t = assignments[k].target;
      if (t.kind === 'species') v[t.slot] = t.storedAsConc ? amounts[k] / v[t.compartment!.slot] : amounts[k];
    }
    this.refresh();
    this.equilibrate();
    this.recordDiscrete(this.env.t);
  }

  /** Current amount of a species. */
  amount(sym: SbmlSymbol): number {
    return sym.storedAsConc ? this.v[sym.slot] * this.v[sym.compartment!.slot] : this.v[sym.slot];
  }

  /** Current concentration of a species. */
  concentration(sym: SbmlSymbol): number {
    return sym.storedAsConc ? this.v[sym.slot] : this.v[sym.slot] / this.v[sym.compartment!.slot];
  }

  /**
   * Current value of an identifier: a species in `mode` (default: as it reads in mathematics), any
   * other symbol its value (reaction: its rate). Throws for unknown ids.
   */
  value(id: string, mode?: 'amount' | 'concentration'): number {
    const sym = this.symbols.get(id);
    if (!sym) throw new SbmlError('invalid', `unknown identifier '${id}'`);
    if (sym.kind === 'species') {
      const m = mode ?? (sym.hasOnlySubstanceUnits ? 'amount' : 'concentration');
      return m === 'amount' ? this.amount(sym) : this.concentration(sym);
    }
    return this.v[sym.slot];
  }
}
