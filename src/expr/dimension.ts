/** Dimensional analysis of expressions. */
import {
  type Dimension,
  DIMENSIONLESS,
  describeDimension,
  divideDimensions,
  isDimensionless,
  isIntegerDimension,
  multiplyDimensions,
  powDimension,
  sameDimension,
} from '../units/dimension.js';
import { type Expr, ExprError } from './ast.js';
import { freeVariables, evaluateExpr } from './compile.js';
import { exprToString } from './print.js';

/**
 * Infers the dimension of an expression.
 * Rules: literals are dimensionless; `*` and `/` add/subtract exponents; `+`, `-`, min, max
 * need equal dimensions; `^` and pow(): with a dimensionless base any dimensionless exponent,
 * otherwise the exponent must be constant (literals only, e.g. `2`, `-1`, `(1/2)`) and give
 * integer exponents; exp, log, log10 need a dimensionless argument; sqrt halves exponents
 * (they must be even); abs, floor, ceil keep the dimension; hill(x, h, n): x and h equal,
 * n dimensionless, result dimensionless.
 * @param dims dimension of each variable; returning undefined raises an error.
 * @throws ExprError (with `.pos` of the offending node), e.g.
 *   "'+' needs operands of the same dimension, got time and mass/volume",
 *   "no dimension known for variable 'x'".
 */
export function dimensionOf(e: Expr, dims: (name: string) => Dimension | undefined): Dimension {
  const same = (what: string, a: Dimension, b: Dimension, pos: number): void => {
    if (!sameDimension(a, b)) {
      throw new ExprError(
        `${what} needs operands of the same dimension, got ${describeDimension(a)} and ${describeDimension(b)}`,
        pos,
        'convert one side or multiply by a constant that carries the missing units',
      );
    }
  };
  const dimensionless = (what: string, d: Dimension, pos: number): void => {
    if (!isDimensionless(d)) {
      throw new ExprError(`${what} needs a dimensionless argument, got ${describeDimension(d)}`, pos, 'divide by a reference value of the same dimension');
    }
  };
  const power = (base: Dimension, exponent: Expr, expDim: Dimension, pos: number): Dimension => {
    dimensionless('the exponent of a power', expDim, exponent.pos);
    if (isDimensionless(base)) return DIMENSIONLESS;
    if (freeVariables(exponent).length > 0) {
      throw new ExprError(
        `the exponent of a power of ${describeDimension(base)} must be a number, got '${exprToString(exponent)}'`,
        exponent.pos,
        'only dimensionless bases may have variable exponents',
      );
    }
    const p = evaluateExpr(exponent, {});
    const raw = powDimension(base, p);
    const rounded = powDimension(raw, 1);
    for (const k of Object.keys(rounded) as (keyof Dimension)[]) {
      const r = Math.round(rounded[k]);
      if (Math.abs(rounded[k] - r) < 1e-9) rounded[k] = r + 0;
    }
    if (!isIntegerDimension(rounded)) {
      throw new ExprError(
        `(${describeDimension(base)})^${p} does not have integer exponents`,
        pos,
        'powers of dimensioned quantities must give whole-number exponents',
      );
    }
    return rounded;
  };
  const dim = (n: Expr): Dimension => {
    switch (n.kind) {
      case 'num':
        return DIMENSIONLESS;
      case 'var': {
        const d = dims(n.name);
        if (!d) throw new ExprError(`no dimension known for variable '${n.name}'`, n.pos);
        return d;
      }
      case 'unary':
        return dim(n.arg);
      case 'binary': {
        const l = dim(n.left);
        const r = dim(n.right);
        switch (n.op) {
          case '+':
          case '-':
            same(`'${n.op}'`, l, r, n.pos);
            return l;
          case '*':
            return multiplyDimensions(l, r);
          case '/':
            return divideDimensions(l, r);
          case '^':
            return power(l, n.right, r, n.pos);
        }
        throw new ExprError(`unsupported operator '${(n as { op: string }).op}'`, (n as Expr).pos);
      }
      case 'call': {
        const ds = n.args.map(dim);
        switch (n.fn) {
          case 'exp':
          case 'log':
          case 'log10':
            dimensionless(`'${n.fn}'`, ds[0], n.pos);
            return DIMENSIONLESS;
          case 'abs':
          case 'floor':
          case 'ceil':
            return ds[0];
          case 'sqrt': {
            const h = powDimension(ds[0], 0.5);
            if (!isIntegerDimension(h)) {
              throw new ExprError(`'sqrt' needs even exponents, got ${describeDimension(ds[0])}`, n.pos);
            }
            return h;
          }
          case 'min':
          case 'max':
            for (let i = 1; i < ds.length; i++) same(`'${n.fn}'`, ds[0], ds[i], n.pos);
            return ds[0];
          case 'pow':
            return power(ds[0], n.args[1], ds[1], n.pos);
          case 'hill':
            same(`'hill'`, ds[0], ds[1], n.pos);
            dimensionless(`the Hill coefficient of 'hill'`, ds[2], n.args[2].pos);
            return DIMENSIONLESS;
        }
      }
    }
    throw new ExprError(`unsupported expression node`, -1);
  };
  return dim(e);
}
