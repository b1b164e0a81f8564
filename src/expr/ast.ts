/**
 * Expression AST. Every node carries `pos`, the 0-based character offset of the node in the
 * source text (for a binary node: the operator; for a call: the function name).
 * The union is designed to grow (comparison operators, `piecewise`) for SBML import.
 */

/** Unary operators. */
export type UnaryOp = '-';

/** Arithmetic binary operators. '^' is power (right-associative). */
export type BinaryOp = '+' | '-' | '*' | '/' | '^';

/** Whitelisted function names (see FUNCTIONS in functions.ts). */
export type FunctionName =
  | 'exp'
  | 'log'
  | 'log10'
  | 'sqrt'
  | 'abs'
  | 'min'
  | 'max'
  | 'pow'
  | 'floor'
  | 'ceil'
  | 'hill';

/** A numeric literal (the parser only produces finite, non-negative values). */
export interface NumExpr {
  kind: 'num';
  value: number;
  pos: number;
}

/** A variable reference (identifier: letters, digits, '_', not starting with a digit). */
export interface VarExpr {
  kind: 'var';
  name: string;
  pos: number;
}

/** Unary minus. */
export interface UnaryExpr {
  kind: 'unary';
  op: UnaryOp;
  arg: Expr;
  pos: number;
}

/** Binary operation. */
export interface BinaryExpr {
  kind: 'binary';
  op: BinaryOp;
  left: Expr;
  right: Expr;
  pos: number;
}

/** Call of a whitelisted function (arity is checked by the parser). */
export interface CallExpr {
  kind: 'call';
  fn: FunctionName;
  args: Expr[];
  pos: number;
}

/** An expression node. */
export type Expr = NumExpr | VarExpr | UnaryExpr | BinaryExpr | CallExpr;

/**
 * Error from parsing, compiling, evaluating or dimension-checking an expression.
 * `pos` is the 0-based offset in the source text of the offending token/node (-1 if unknown);
 * `hint` is a suggestion for the user ('' if none).
 */
export class ExprError extends Error {
  /** 0-based character offset of the problem in the source text, -1 if not applicable. */
  readonly pos: number;
  /** A suggestion for the user; '' when there is none. */
  readonly hint: string;
  constructor(message: string, pos: number, hint = '') {
    super(message);
    this.name = 'ExprError';
    this.pos = pos;
    this.hint = hint;
  }
}
