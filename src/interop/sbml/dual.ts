/**
 * Forward-mode automatic differentiation of the MathML AST (layer 5, no Node-only API), for the
 * analytic Jacobian of an imported SBML model.
 *
 * `compileDual(node, inputs)` returns a closure that computes the value of the expression and,
 * in the same pass, its gradient with respect to the k identifiers in `inputs` (written into the
 * returned `g`, one slot per input). Each AST node owns a preallocated gradient buffer, so an
 * evaluation allocates nothing; subtrees that read no input are compiled value-only.
 *
 * Piecewise-constant operators (comparisons, logic, floor, ceiling, factorial, rem, quotient)
 * have gradient 0; piecewise, max and min take the gradient of the branch they select.
 * delay() and rateOf() are not differentiated (`hasOpaqueParts`; callers fall back to finite
 * differences). Function calls must be inlined first (`inlineFunctions`).
 */
import { compileMath, type Fn, type MathResolver } from './compileMath.js';
import { SbmlError } from './errors.js';
import type { Lambda, MathNode } from './math.js';

/** Replaces calls of function definitions by their bodies with the arguments substituted. */
export function inlineFunctions(node: MathNode, functions: ReadonlyMap<string, Lambda | null>, depth = 0): MathNode {
  const rec = (n: MathNode) => inlineFunctions(n, functions, depth);
  switch (node.kind) {
    case 'apply':
      return { ...node, args: node.args.map(rec) };
    case 'piecewise':
      return {
        kind: 'piecewise',
        pieces: node.pieces.map((p) => ({ value: rec(p.value), cond: rec(p.cond) })),
        otherwise: node.otherwise ? rec(node.otherwise) : null,
      };
    case 'delay':
      return { ...node, expr: rec(node.expr), delay: rec(node.delay) };
    case 'call': {
      const f = functions.get(node.name);
      if (!f || f.params.length !== node.args.length) throw new SbmlError('invalid', `cannot inline function '${node.name}'`, node.loc);
      if (depth > 64) throw new SbmlError('invalid', `function '${node.name}' is recursive or nested too deeply`, node.loc);
      const args = node.args.map(rec);
      const map = new Map(f.params.map((p, i) => [p, args[i]]));
      return inlineFunctions(substitute(f.body, map), functions, depth + 1);
    }
    default:
      return node;
  }
}

function substitute(node: MathNode, map: ReadonlyMap<string, MathNode>): MathNode {
  const rec = (n: MathNode) => substitute(n, map);
  switch (node.kind) {
    case 'ci':
      return map.get(node.name) ?? node;
    case 'apply':
    case 'call':
      return { ...node, args: node.args.map(rec) };
    case 'piecewise':
      return {
        kind: 'piecewise',
        pieces: node.pieces.map((p) => ({ value: rec(p.value), cond: rec(p.cond) })),
        otherwise: node.otherwise ? rec(node.otherwise) : null,
      };
    case 'delay':
      return { ...node, expr: rec(node.expr), delay: rec(node.delay) };
    default:
      return node;
  }
}

/** Whether the tree contains delay() or rateOf(), which are not differentiated. */
export function hasOpaqueParts(node: MathNode): boolean {
  switch (node.kind) {
    case 'delay':
    case 'rateOf':
      return true;
    case 'apply':
    case 'call':
      return node.args.some(hasOpaqueParts);
    case 'piecewise':
      return node.pieces.some((p) => hasOpaqueParts(p.value) || hasOpaqueParts(p.cond)) || (node.otherwise !== null && hasOpaqueParts(node.otherwise));
    default:
      return false;
  }
}

/** Identifiers (ci names) read by a tree. */
export function namesIn(node: MathNode, out: Set<string> = new Set()): Set<string> {
  switch (node.kind) {
    case 'ci':
      out.add(node.name);
      break;
    case 'apply':
    case 'call':
      for (const a of node.args) namesIn(a, out);
      break;
    case 'piecewise':
      for (const p of node.pieces) {
        namesIn(p.value, out);
        namesIn(p.cond, out);
      }
      if (node.otherwise) namesIn(node.otherwise, out);
      break;
    case 'delay':
      namesIn(node.expr, out);
      namesIn(node.delay, out);
      break;
    default:
      break;
  }
  return out;
}

/** A compiled dual expression: `f()` returns the value and fills `g` (null: gradient is zero). */
export interface Dual {
  f: Fn;
  g: Float64Array | null;
}

/**
 * Compiles `node` (function calls inlined, no delay/rateOf) into a value-and-gradient closure.
 * @param inputs identifier → index in the gradient (identifiers not listed are constants)
 * @param k number of inputs
 * @param r resolver for values (as for compileMath)
 */
export function compileDual(node: MathNode, inputs: ReadonlyMap<string, number>, k: number, r: MathResolver): Dual {
  const reads = (n: MathNode): boolean => {
    for (const name of namesIn(n)) if (inputs.has(name)) return true;
    return false;
  };
  const rec = (n: MathNode): Dual => {
    if (!reads(n)) return { f: compileMath(n, r), g: null };
    return compileNode(n);
  };
  const compileNode = (n: MathNode): Dual => {
    switch (n.kind) {
      case 'ci': {
        const f = compileMath(n, r);
        const g = new Float64Array(k);
        g[inputs.get(n.name)!] = 1;
        return { f, g };
      }
      case 'piecewise': {
        const vals = n.pieces.map((p) => rec(p.value));
        const conds = n.pieces.map((p) => compileMath(p.cond, r));
        const other = n.otherwise ? rec(n.otherwise) : { f: () => NaN, g: null };
        const g = new Float64Array(k);
        const m = vals.length;
        const f: Fn = () => {
          for (let i = 0; i < m; i++) {
            if (conds[i]() !== 0) {
              const x = vals[i].f();
              const gi = vals[i].g;
              if (gi) g.set(gi);
              else g.fill(0);
              return x;
            }
          }
          const x = other.f();
          if (other.g) g.set(other.g);
          else g.fill(0);
          return x;
        };
        return { f, g };
      }
      case 'apply':
        return compileApplyDual(n.op, n.args.map(rec), n, k, r);
      default:
        throw new SbmlError('unsupported', `cannot differentiate <${n.kind}>`);
    }
  };
  return rec(node);
}

type D = Dual;

/** g = Σ_i w_i · g_i over the non-null gradients (w computed by the caller). */
function compileApplyDual(op: string, a: D[], node: MathNode, k: number, r: MathResolver): D {
  if (a.every((x) => x.g === null)) return { f: compileMath(node, r), g: null };
  const g = new Float64Array(k);
  const n = a.length;
  const [a0, a1] = a;
  /** Unary: value f(x), gradient f'(x)·gx. */
  const unary = (fv: (x: number) => number, fd: (x: number, v: number) => number): D => {
    const ga = a0.g!;
    return {
      f: () => {
        const x = a0.f();
        const v = fv(x);
        const dx = fd(x, v);
        for (let i = 0; i < k; i++) g[i] = dx * ga[i];
        return v;
      },
      g,
    };
  };
  switch (op) {
    case 'plus':
      return {
        f: () => {
          let s = 0;
          g.fill(0);
          for (let j = 0; j < n; j++) {
            s += a[j].f();
            const gj = a[j].g;
            if (gj) for (let i = 0; i < k; i++) g[i] += gj[i];
          }
          return s;
        },
        g,
      };
    case 'minus':
      if (n === 1) {
        const ga = a0.g!;
        return {
          f: () => {
            const x = a0.f();
            for (let i = 0; i < k; i++) g[i] = -ga[i];
            return -x;
          },
          g,
        };
      }
      return {
        f: () => {
          const x = a0.f();
          const y = a1.f();
          const gx = a0.g;
          const gy = a1.g;
          for (let i = 0; i < k; i++) g[i] = (gx ? gx[i] : 0) - (gy ? gy[i] : 0);
          return x - y;
        },
        g,
      };
    case 'times':
      return {
        f: () => {
          let v = 1;
          g.fill(0);
          for (let j = 0; j < n; j++) {
            const x = a[j].f();
            const gj = a[j].g;
            // (v·x)' = v'·x + v·x'
            for (let i = 0; i < k; i++) g[i] = g[i] * x + (gj ? v * gj[i] : 0);
            v *= x;
          }
          return v;
        },
        g,
      };
    case 'divide':
      return {
        f: () => {
          const x = a0.f();
          const y = a1.f();
          const v = x / y;
          const gx = a0.g;
          const gy = a1.g;
          for (let i = 0; i < k; i++) g[i] = ((gx ? gx[i] : 0) - (gy ? v * gy[i] : 0)) / y;
          return v;
        },
        g,
      };
    case 'power':
      return {
        f: () => {
          const x = a0.f();
          const y = a1.f();
          const v = Math.pow(x, y);
          const gx = a0.g;
          const gy = a1.g;
          const dx = gx ? y * Math.pow(x, y - 1) : 0;
          const dy = gy ? v * Math.log(x) : 0;
          for (let i = 0; i < k; i++) {
            let s = 0;
            if (gx && gx[i] !== 0) s += dx * gx[i];
            if (gy && gy[i] !== 0) s += dy * gy[i];
            g[i] = s;
          }
          return v;
        },
        g,
      };
    case 'exp':
      return unary(Math.exp, (_x, v) => v);
    case 'ln':
      return unary(Math.log, (x) => 1 / x);
    case 'abs':
      return unary(Math.abs, (x) => (x > 0 ? 1 : x < 0 ? -1 : 0));
    case 'sin':
      return unary(Math.sin, (x) => Math.cos(x));
    case 'cos':
      return unary(Math.cos, (x) => -Math.sin(x));
    case 'tan':
      return unary(Math.tan, (x) => 1 / (Math.cos(x) * Math.cos(x)));
    case 'sec':
      return unary((x) => 1 / Math.cos(x), (x, v) => v * Math.tan(x));
    case 'csc':
      return unary((x) => 1 / Math.sin(x), (x, v) => -v / Math.tan(x));
    case 'cot':
      return unary((x) => 1 / Math.tan(x), (x) => -1 / (Math.sin(x) * Math.sin(x)));
    case 'sinh':
      return unary(Math.sinh, (x) => Math.cosh(x));
    case 'cosh':
      return unary(Math.cosh, (x) => Math.sinh(x));
    case 'tanh':
      return unary(Math.tanh, (_x, v) => 1 - v * v);
    case 'sech':
      return unary((x) => 1 / Math.cosh(x), (x, v) => -v * Math.tanh(x));
    case 'csch':
      return unary((x) => 1 / Math.sinh(x), (x, v) => -v / Math.tanh(x));
    case 'coth':
      return unary((x) => 1 / Math.tanh(x), (x) => -1 / (Math.sinh(x) * Math.sinh(x)));
    case 'arcsin':
      return unary(Math.asin, (x) => 1 / Math.sqrt(1 - x * x));
    case 'arccos':
      return unary(Math.acos, (x) => -1 / Math.sqrt(1 - x * x));
    case 'arctan':
      return unary(Math.atan, (x) => 1 / (1 + x * x));
    case 'arcsec':
      return unary((x) => Math.acos(1 / x), (x) => 1 / (Math.abs(x) * Math.sqrt(x * x - 1)));
    case 'arccsc':
      return unary((x) => Math.asin(1 / x), (x) => -1 / (Math.abs(x) * Math.sqrt(x * x - 1)));
    case 'arccot':
      return unary((x) => Math.atan(1 / x), (x) => -1 / (1 + x * x));
    case 'arcsinh':
      return unary(Math.asinh, (x) => 1 / Math.sqrt(x * x + 1));
    case 'arccosh':
      return unary(Math.acosh, (x) => 1 / Math.sqrt(x * x - 1));
    case 'arctanh':
      return unary(Math.atanh, (x) => 1 / (1 - x * x));
    case 'arccoth':
      return unary((x) => Math.atanh(1 / x), (x) => 1 / (1 - x * x));
    case 'arcsech':
      return unary((x) => Math.acosh(1 / x), (x) => -1 / (x * Math.sqrt(1 - x * x)));
    case 'arccsch':
      return unary((x) => Math.asinh(1 / x), (x) => -1 / (Math.abs(x) * Math.sqrt(1 + x * x)));
    case 'root':
      // root(degree, x) = x^(1/degree); the degree is taken as constant in the derivative
      // unless it reads an input.
      return {
        f: () => {
          const d = a0.f();
          const x = a1.f();
          const v = d === 2 ? Math.sqrt(x) : d === 3 ? Math.cbrt(x) : x < 0 && Number.isInteger(d) && Math.abs(d) % 2 === 1 ? -Math.pow(-x, 1 / d) : Math.pow(x, 1 / d);
          const gx = a1.g;
          const gd = a0.g;
          const dx = gx ? v / (d * x) : 0;
          const dd = gd ? (-v * Math.log(x)) / (d * d) : 0;
          for (let i = 0; i < k; i++) {
            let s = 0;
            if (gx && gx[i] !== 0) s += dx * gx[i];
            if (gd && gd[i] !== 0) s += dd * gd[i];
            g[i] = s;
          }
          return v;
        },
        g,
      };
    case 'log':
      return {
        f: () => {
          const b = a0.f();
          const x = a1.f();
          const lb = Math.log(b);
          const v = b === 10 ? Math.log10(x) : b === 2 ? Math.log2(x) : Math.log(x) / lb;
          const gb = a0.g;
          const gx = a1.g;
          for (let i = 0; i < k; i++) {
            let s = 0;
            if (gx && gx[i] !== 0) s += gx[i] / (x * lb);
            if (gb && gb[i] !== 0) s -= (v * gb[i]) / (b * lb);
            g[i] = s;
          }
          return v;
        },
        g,
      };
    case 'max':
    case 'min': {
      const isMax = op === 'max';
      return {
        f: () => {
          let best = isMax ? -Infinity : Infinity;
          let at = -1;
          for (let j = 0; j < n; j++) {
            const x = a[j].f();
            if (Number.isNaN(x)) {
              g.fill(0);
              return NaN;
            }
            if (at < 0 || (isMax ? x > best : x < best)) {
              best = x;
              at = j;
            }
          }
          const gs = at >= 0 ? a[at].g : null;
          if (gs) g.set(gs);
          else g.fill(0);
          return best;
        },
        g,
      };
    }
    default: {
      // Piecewise-constant operators: value only, gradient 0.
      const f = compileMath(node, r);
      return { f, g: null };
    }
  }
}
