/**
 * Compiles the MathML AST (math.ts) into closures (layer 5, no Node-only API; no eval).
 *
 * A closure takes no argument and reads the model's values through the resolver given at compile
 * time (typically closures over one Float64Array of slot values). Booleans are numbers (1/0); a
 * condition is true when non-zero. Function definitions are inlined: the body is compiled with
 * its parameters bound to the argument closures.
 */
import { SbmlError, type SourceLocation } from './errors.js';
import { AVOGADRO, type Lambda, type MathNode } from './math.js';

/** A compiled expression. */
export type Fn = () => number;

/** How identifiers, csymbols and function calls are resolved during compilation. */
export interface MathResolver {
  /** Closure reading identifier `name` (null when unknown). */
  symbol(name: string, loc: SourceLocation): Fn | null;
  /** Closure reading the simulation time. */
  time(): Fn;
  /** Closure for rateOf(name). */
  rateOf(name: string, loc: SourceLocation): Fn;
  /** Closure for delay(expr, d). */
  delay(expr: MathNode, delay: MathNode, loc: SourceLocation, compile: (n: MathNode) => Fn): Fn;
  /** Function definitions by id. */
  functions: ReadonlyMap<string, Lambda | null>;
}

const MAX_INLINE_DEPTH = 64;

/** Compiles `node`; `bound` holds lambda parameters in scope. */
export function compileMath(node: MathNode, r: MathResolver, bound: ReadonlyMap<string, Fn> = new Map(), depth = 0): Fn {
  const rec = (n: MathNode): Fn => compileMath(n, r, bound, depth);
  switch (node.kind) {
    case 'num': {
      const x = node.value;
      return () => x;
    }
    case 'time':
      return r.time();
    case 'avogadro':
      return () => AVOGADRO;
    case 'ci': {
      const b = bound.get(node.name);
      if (b) return b;
      const s = r.symbol(node.name, node.loc);
      if (s) return s;
      if (r.functions.has(node.name)) {
        throw new SbmlError('invalid', `function '${node.name}' is used without arguments`, node.loc);
      }
      throw new SbmlError('invalid', `unknown identifier '${node.name}'`, node.loc);
    }
    case 'rateOf':
      return r.rateOf(node.target, node.loc);
    case 'delay':
      return r.delay(node.expr, node.delay, node.loc, rec);
    case 'piecewise': {
      const vals = node.pieces.map((p) => rec(p.value));
      const conds = node.pieces.map((p) => rec(p.cond));
      const other = node.otherwise ? rec(node.otherwise) : () => NaN;
      const n = vals.length;
      if (n === 1) {
        const v0 = vals[0];
        const c0 = conds[0];
        return () => (c0() !== 0 ? v0() : other());
      }
      return () => {
        for (let i = 0; i < n; i++) if (conds[i]() !== 0) return vals[i]();
        return other();
      };
    }
    case 'call': {
      if (!r.functions.has(node.name)) {
        throw new SbmlError('invalid', `unknown function '${node.name}'`, node.loc);
      }
      const lambda = r.functions.get(node.name);
      if (!lambda) throw new SbmlError('invalid', `function '${node.name}' has no definition (no MathML) and cannot be called`, node.loc);
      if (lambda.params.length !== node.args.length) {
        throw new SbmlError('invalid', `function '${node.name}' takes ${lambda.params.length} argument(s), called with ${node.args.length}`, node.loc);
      }
      if (depth >= MAX_INLINE_DEPTH) throw new SbmlError('invalid', `function '${node.name}' is recursive or nested too deeply`, node.loc);
      const args = node.args.map(rec);
      // The body sees only its parameters (SBML forbids other identifiers in a lambda).
      const inner = new Map<string, Fn>();
      lambda.params.forEach((p, i) => inner.set(p, args[i]));
      return compileMath(lambda.body, r, inner, depth + 1);
    }
    case 'apply':
      return compileApply(node.op, node.args.map(rec), node.loc);
  }
}

function factorial(x: number): number {
  if (!(x >= 0)) return NaN;
  if (Number.isInteger(x)) {
    if (x > 170) return Infinity;
    let f = 1;
    for (let i = 2; i <= x; i++) f *= i;
    return f;
  }
  return gamma(x + 1);
}

/** Lanczos approximation of Γ(x) (g = 7, n = 9), for non-integer factorials. */
function gamma(x: number): number {
  if (x < 0.5) return Math.PI / (Math.sin(Math.PI * x) * gamma(1 - x));
  const g = 7;
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  x -= 1;
  let a = c[0];
  const t = x + g + 0.5;
  for (let i = 1; i < g + 2; i++) a += c[i] / (x + i);
  return Math.sqrt(2 * Math.PI) * Math.pow(t, x + 0.5) * Math.exp(-t) * a;
}

function root(n: number, x: number): number {
  if (n === 2) return Math.sqrt(x);
  if (n === 3) return Math.cbrt(x);
  if (x < 0 && Number.isInteger(n) && Math.abs(n) % 2 === 1) return -Math.pow(-x, 1 / n);
  return Math.pow(x, 1 / n);
}

function compileApply(op: string, a: Fn[], loc: SourceLocation): Fn {
  const n = a.length;
  const [a0, a1] = a;
  const unary = (f: (x: number) => number): Fn => () => f(a0());
  switch (op) {
    case 'plus':
      if (n === 0) return () => 0;
      if (n === 1) return a0;
      if (n === 2) return () => a0() + a1();
      if (n === 3) {
        const a2 = a[2];
        return () => a0() + a1() + a2();
      }
      return () => {
        let s = 0;
        for (let i = 0; i < n; i++) s += a[i]();
        return s;
      };
    case 'times':
      if (n === 0) return () => 1;
      if (n === 1) return a0;
      if (n === 2) return () => a0() * a1();
      if (n === 3) {
        const a2 = a[2];
        return () => a0() * a1() * a2();
      }
      return () => {
        let s = 1;
        for (let i = 0; i < n; i++) s *= a[i]();
        return s;
      };
    case 'minus':
      return n === 1 ? () => -a0() : () => a0() - a1();
    case 'divide':
      return () => a0() / a1();
    case 'power':
      return () => Math.pow(a0(), a1());
    case 'root':
      return () => root(a0(), a1());
    case 'abs':
      return unary(Math.abs);
    case 'exp':
      return unary(Math.exp);
    case 'ln':
      return unary(Math.log);
    case 'log':
      return () => {
        const b = a0();
        const x = a1();
        if (b === 10) return Math.log10(x);
        if (b === 2) return Math.log2(x);
        return Math.log(x) / Math.log(b);
      };
    case 'floor':
      return unary(Math.floor);
    case 'ceiling':
      return unary(Math.ceil);
    case 'factorial':
      return unary(factorial);
    case 'max':
      if (n === 0) return () => -Infinity;
      return () => {
        let m = -Infinity;
        for (let i = 0; i < n; i++) {
          const x = a[i]();
          if (Number.isNaN(x)) return NaN;
          if (x > m) m = x;
        }
        return m;
      };
    case 'min':
      if (n === 0) return () => Infinity;
      return () => {
        let m = Infinity;
        for (let i = 0; i < n; i++) {
          const x = a[i]();
          if (Number.isNaN(x)) return NaN;
          if (x < m) m = x;
        }
        return m;
      };
    case 'rem':
      return () => a0() % a1();
    case 'quotient':
      return () => Math.trunc(a0() / a1());
    case 'sin':
      return unary(Math.sin);
    case 'cos':
      return unary(Math.cos);
    case 'tan':
      return unary(Math.tan);
    case 'sec':
      return unary((x) => 1 / Math.cos(x));
    case 'csc':
      return unary((x) => 1 / Math.sin(x));
    case 'cot':
      return unary((x) => 1 / Math.tan(x));
    case 'sinh':
      return unary(Math.sinh);
    case 'cosh':
      return unary(Math.cosh);
    case 'tanh':
      return unary(Math.tanh);
    case 'sech':
      return unary((x) => 1 / Math.cosh(x));
    case 'csch':
      return unary((x) => 1 / Math.sinh(x));
    case 'coth':
      return unary((x) => 1 / Math.tanh(x));
    case 'arcsin':
      return unary(Math.asin);
    case 'arccos':
      return unary(Math.acos);
    case 'arctan':
      return unary(Math.atan);
    case 'arcsec':
      return unary((x) => Math.acos(1 / x));
    case 'arccsc':
      return unary((x) => Math.asin(1 / x));
    case 'arccot':
      return unary((x) => Math.atan(1 / x));
    case 'arcsinh':
      return unary(Math.asinh);
    case 'arccosh':
      return unary(Math.acosh);
    case 'arctanh':
      return unary(Math.atanh);
    case 'arcsech':
      return unary((x) => Math.acosh(1 / x));
    case 'arccsch':
      return unary((x) => Math.asinh(1 / x));
    case 'arccoth':
      return unary((x) => Math.atanh(1 / x));
    case 'eq':
      return chain(a, (x, y) => x === y);
    case 'neq':
      return () => (a0() !== a1() ? 1 : 0);
    case 'gt':
      return chain(a, (x, y) => x > y);
    case 'lt':
      return chain(a, (x, y) => x < y);
    case 'geq':
      return chain(a, (x, y) => x >= y);
    case 'leq':
      return chain(a, (x, y) => x <= y);
    case 'and':
      if (n === 2) return () => (a0() !== 0 && a1() !== 0 ? 1 : 0);
      return () => {
        for (let i = 0; i < n; i++) if (a[i]() === 0) return 0;
        return 1;
      };
    case 'or':
      if (n === 2) return () => (a0() !== 0 || a1() !== 0 ? 1 : 0);
      return () => {
        for (let i = 0; i < n; i++) if (a[i]() !== 0) return 1;
        return 0;
      };
    case 'xor':
      return () => {
        let c = 0;
        for (let i = 0; i < n; i++) if (a[i]() !== 0) c++;
        return c % 2;
      };
    case 'not':
      return () => (a0() === 0 ? 1 : 0);
    case 'implies':
      return () => (a0() === 0 || a1() !== 0 ? 1 : 0);
    default:
      throw new SbmlError('unsupported', `MathML operator <${op}> is not supported`, loc);
  }
}

/** n-ary relational operator: true when every adjacent pair satisfies `cmp`. */
function chain(a: Fn[], cmp: (x: number, y: number) => boolean): Fn {
  const n = a.length;
  if (n < 2) return () => 1;
  if (n === 2) {
    const [a0, a1] = a;
    return () => (cmp(a0(), a1()) ? 1 : 0);
  }
  return () => {
    let prev = a[0]();
    for (let i = 1; i < n; i++) {
      const x = a[i]();
      if (!cmp(prev, x)) return 0;
      prev = x;
    }
    return 1;
  };
}
