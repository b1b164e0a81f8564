/** Canonical text form of an AST. */
import { type Expr, ExprError } from './ast.js';

const ADD = 1;
const MUL = 2;
const UNARY = 3;
const POW = 4;
const ATOM = 5;

function precedence(e: Expr): number {
  switch (e.kind) {
    case 'num':
      return e.value < 0 || Object.is(e.value, -0) ? UNARY : ATOM;
    case 'var':
    case 'call':
      return ATOM;
    case 'unary':
      return UNARY;
    case 'binary':
      return e.op === '^' ? POW : e.op === '*' || e.op === '/' ? MUL : ADD;
  }
}

function formatNum(value: number, pos: number): string {
  if (!Number.isFinite(value)) throw new ExprError(`cannot print the non-finite number ${value}`, pos);
  if (value < 0 || Object.is(value, -0)) return `-${String(-value)}`;
  return String(value);
}

/**
 * Canonical text with minimal parentheses: spaces around + - * /, none around ^,
 * calls as `f(a, b)`, numbers in JS `String(number)` form (e.g. "1e-7", "1.5e+21").
 * Round trip: parseExpr(exprToString(e)) has the same structure as `e` (positions aside) for
 * every AST the parser can produce. A negative `num` node (never produced by the parser) prints
 * as "-2", which parses back as unary minus of 2.
 * @throws ExprError for non-finite numeric literals.
 */
export function exprToString(e: Expr): string {
  const wrap = (child: Expr, needParens: boolean): string => (needParens ? `(${exprToString(child)})` : exprToString(child));
  switch (e.kind) {
    case 'num':
      return formatNum(e.value, e.pos);
    case 'var':
      return e.name;
    case 'call':
      return `${e.fn}(${e.args.map(exprToString).join(', ')})`;
    case 'unary':
      return `-${wrap(e.arg, precedence(e.arg) < UNARY)}`;
    case 'binary': {
      if (e.op === '^') {
        return `${wrap(e.left, precedence(e.left) <= POW)}^${wrap(e.right, precedence(e.right) < UNARY)}`;
      }
      const p = e.op === '*' || e.op === '/' ? MUL : ADD;
      return `${wrap(e.left, precedence(e.left) < p)} ${e.op} ${wrap(e.right, precedence(e.right) <= p)}`;
    }
  }
}
