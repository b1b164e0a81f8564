/**
 * Turning ASTs into numbers: variable listing, closure compilation and direct evaluation.
 * Only the validated AST is used; no text is ever passed to eval/new Function.
 */
import { closestNames, didYouMean } from '../units/suggest.js';
import { type Expr, ExprError } from './ast.js';
import { FUNCTIONS, applyFunction, hill } from './functions.js';

/** Sorted (code-unit order), de-duplicated names of the variables referenced by `e`. */
export function freeVariables(e: Expr): string[] {
  const out = new Set<string>();
  const walk = (n: Expr): void => {
    switch (n.kind) {
      case 'num':
        return;
      case 'var':
        out.add(n.name);
        return;
      case 'unary':
        walk(n.arg);
        return;
      case 'binary':
        walk(n.left);
        walk(n.right);
        return;
      case 'call':
        n.args.forEach(walk);
        return;
    }
  };
  walk(e);
  return [...out].sort();
}

function unknownVariable(name: string, pos: number, known: Iterable<string>): ExprError {
  const dym = didYouMean(closestNames(name, known));
  return new ExprError(`unknown variable '${name}'${dym ? `; ${dym}` : ''}`, pos, dym);
}

type Fn = (v: Float64Array) => number;
interface Built {
  f: Fn;
  /** Present when the subtree is constant (no variables); then f returns it. */
  c?: number;
}

function constant(c: number): Built {
  return { f: () => c, c };
}

function binaryOp(op: string, a: number, b: number): number {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
    case '^':
      return Math.pow(a, b);
    default:
      throw new ExprError(`unsupported operator '${op}'`, -1);
  }
}

/**
 * Compiles an AST into a fast closure tree. Variable `names[i]` is read from `values[i]`
 * (first occurrence wins if `names` has duplicates). Constant subtrees are folded.
 * @returns `(values: Float64Array) => number`; values shorter than `names` read as undefined → NaN.
 * @throws ExprError "unknown variable 'x'; did you mean 'y'?" when a variable is not in `names`.
 */
export function compileExpr(e: Expr, names: readonly string[]): (values: Float64Array) => number {
  const index = new Map<string, number>();
  names.forEach((n, i) => {
    if (!index.has(n)) index.set(n, i);
  });
  const build = (n: Expr): Built => {
    switch (n.kind) {
      case 'num':
        return constant(n.value);
      case 'var': {
        const i = index.get(n.name);
        if (i === undefined) throw unknownVariable(n.name, n.pos, names);
        return { f: (v) => v[i] };
      }
      case 'unary': {
        const a = build(n.arg);
        if (a.c !== undefined) return constant(-a.c);
        const fa = a.f;
        return { f: (v) => -fa(v) };
      }
      case 'binary': {
        const l = build(n.left);
        const r = build(n.right);
        if (l.c !== undefined && r.c !== undefined) return constant(binaryOp(n.op, l.c, r.c));
        const fl = l.f;
        const fr = r.f;
        switch (n.op) {
          case '+':
            return { f: (v) => fl(v) + fr(v) };
          case '-':
            return { f: (v) => fl(v) - fr(v) };
          case '*':
            return { f: (v) => fl(v) * fr(v) };
          case '/':
            return { f: (v) => fl(v) / fr(v) };
          case '^':
            if (r.c === 2) {
              return {
                f: (v) => {
                  const x = fl(v);
                  return x * x;
                },
              };
            }
            return { f: (v) => Math.pow(fl(v), fr(v)) };
          default:
            throw new ExprError(`unsupported operator '${(n as { op: string }).op}'`, (n as Expr).pos);
        }
      }
      case 'call': {
        const args = n.args.map(build);
        if (args.every((a) => a.c !== undefined)) return constant(applyFunction(n.fn, args.map((a) => a.c as number)));
        const fs = args.map((a) => a.f);
        switch (n.fn) {
          case 'min':
          case 'max': {
            const m = n.fn === 'min' ? Math.min : Math.max;
            if (fs.length === 2) {
              const [a, b] = fs;
              return { f: (v) => m(a(v), b(v)) };
            }
            return {
              f: (v) => {
                let acc = fs[0](v);
                for (let k = 1; k < fs.length; k++) acc = m(acc, fs[k](v));
                return acc;
              },
            };
          }
          case 'pow': {
            const [a, b] = fs;
            return { f: (v) => Math.pow(a(v), b(v)) };
          }
          case 'hill': {
            const [x, h, k] = fs;
            return { f: (v) => hill(x(v), h(v), k(v)) };
          }
          default: {
            const impl = FUNCTIONS[n.fn].impl;
            const [a] = fs;
            return { f: (v) => impl(a(v)) };
          }
        }
      }
    }
  };
  return build(e).f;
}

/**
 * Evaluates an AST directly (slower than {@link compileExpr}; for one-off use).
 * Only own, numeric properties of `env` count as variables ('constructor', '__proto__' etc.
 * are unknown unless `env` defines them itself).
 * @throws ExprError "unknown variable 'x'; did you mean 'y'?" for a missing variable.
 */
export function evaluateExpr(e: Expr, env: Record<string, number>): number {
  const ev = (n: Expr): number => {
    switch (n.kind) {
      case 'num':
        return n.value;
      case 'var': {
        if (!Object.prototype.hasOwnProperty.call(env, n.name) || typeof env[n.name] !== 'number') {
          throw unknownVariable(n.name, n.pos, Object.keys(env));
        }
        return env[n.name];
      }
      case 'unary':
        return -ev(n.arg);
      case 'binary':
        return binaryOp(n.op, ev(n.left), ev(n.right));
      case 'call':
        return applyFunction(n.fn, n.args.map(ev));
    }
  };
  return ev(e);
}
