/** Recursive-descent parser for model expressions. Produces an AST; never evaluates text. */
import { closestNames, didYouMean } from '../units/suggest.js';
import { type BinaryOp, type Expr, ExprError } from './ast.js';
import { FUNCTIONS, FUNCTION_NAMES, isFunctionName } from './functions.js';

type TokKind = 'num' | 'ident' | 'op' | 'lparen' | 'rparen' | 'comma' | 'end';
interface Tok {
  kind: TokKind;
  text: string;
  pos: number;
}

const OPERAND_HINT = "expected a number, a variable, a function call or '('";
const OPERATOR_HINT = 'expected an operator (+ - * / ^) or the end of the expression';

function column(pos: number): number {
  return pos + 1;
}

function tokenize(text: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const start = i;
    const isDigit = (ch: string | undefined): boolean => ch !== undefined && ch >= '0' && ch <= '9';
    if (isDigit(c) || (c === '.' && isDigit(text[i + 1]))) {
      while (isDigit(text[i])) i++;
      if (text[i] === '.') {
        i++;
        while (isDigit(text[i])) i++;
      }
      if (text[i] === 'e' || text[i] === 'E') {
        let j = i + 1;
        if (text[j] === '+' || text[j] === '-') j++;
        if (isDigit(text[j])) {
          while (isDigit(text[j])) j++;
          i = j;
        }
      }
      toks.push({ kind: 'num', text: text.slice(start, i), pos: start });
    } else if (/[A-Za-z_]/.test(c)) {
      while (i < n && /[A-Za-z0-9_]/.test(text[i])) i++;
      toks.push({ kind: 'ident', text: text.slice(start, i), pos: start });
    } else if (c === '+' || c === '-' || c === '*' || c === '/' || c === '^') {
      toks.push({ kind: 'op', text: c, pos: start });
      i++;
    } else if (c === '(') {
      toks.push({ kind: 'lparen', text: c, pos: start });
      i++;
    } else if (c === ')') {
      toks.push({ kind: 'rparen', text: c, pos: start });
      i++;
    } else if (c === ',') {
      toks.push({ kind: 'comma', text: c, pos: start });
      i++;
    } else {
      throw new ExprError(
        `unexpected character '${c}' at column ${column(start)}`,
        start,
        'expressions may contain numbers, names, + - * / ^, parentheses, commas and function calls',
      );
    }
  }
  toks.push({ kind: 'end', text: '', pos: n });
  return toks;
}

class Parser {
  private i = 0;
  constructor(private readonly toks: Tok[]) {}

  private peek(): Tok {
    return this.toks[this.i];
  }

  private next(): Tok {
    return this.toks[this.i++];
  }

  private fail(t: Tok, hint: string): never {
    if (t.kind === 'end') throw new ExprError(`unexpected end of expression at column ${column(t.pos)}`, t.pos, hint);
    throw new ExprError(`unexpected '${t.text}' at column ${column(t.pos)}`, t.pos, hint);
  }

  parseAll(): Expr {
    const e = this.additive();
    const t = this.peek();
    if (t.kind !== 'end') this.fail(t, t.kind === 'rparen' ? "this ')' has no matching '('" : OPERATOR_HINT);
    return e;
  }

  private additive(): Expr {
    let left = this.multiplicative();
    for (;;) {
      const t = this.peek();
      if (t.kind === 'op' && (t.text === '+' || t.text === '-')) {
        this.next();
        const right = this.multiplicative();
        left = { kind: 'binary', op: t.text as BinaryOp, left, right, pos: t.pos };
      } else {
        return left;
      }
    }
  }

  private multiplicative(): Expr {
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      if (t.kind === 'op' && (t.text === '*' || t.text === '/')) {
        this.next();
        const right = this.unary();
        left = { kind: 'binary', op: t.text as BinaryOp, left, right, pos: t.pos };
      } else {
        return left;
      }
    }
  }

  private unary(): Expr {
    const t = this.peek();
    if (t.kind === 'op' && t.text === '-') {
      this.next();
      return { kind: 'unary', op: '-', arg: this.unary(), pos: t.pos };
    }
    if (t.kind === 'op' && t.text === '+') {
      this.next();
      return this.unary();
    }
    return this.power();
  }

  private power(): Expr {
    const base = this.primary();
    const t = this.peek();
    if (t.kind === 'op' && t.text === '^') {
      this.next();
      const exponent = this.unary(); // right-associative; allows 2^-1
      return { kind: 'binary', op: '^', left: base, right: exponent, pos: t.pos };
    }
    return base;
  }

  private primary(): Expr {
    const t = this.next();
    switch (t.kind) {
      case 'num': {
        const value = Number(t.text);
        if (!Number.isFinite(value)) {
          throw new ExprError(`number '${t.text}' at column ${column(t.pos)} is too large`, t.pos, 'numbers must be finite');
        }
        return { kind: 'num', value, pos: t.pos };
      }
      case 'ident': {
        if (this.peek().kind === 'lparen') return this.call(t);
        return { kind: 'var', name: t.text, pos: t.pos };
      }
      case 'lparen': {
        const e = this.additive();
        const close = this.next();
        if (close.kind !== 'rparen') {
          if (close.kind === 'end') {
            throw new ExprError(
              `missing ')' for '(' at column ${column(t.pos)}`,
              t.pos,
              "add a closing ')'",
            );
          }
          this.fail(close, `expected ')' to close '(' at column ${column(t.pos)}`);
        }
        return e;
      }
      default:
        this.i--;
        return this.fail(t, OPERAND_HINT);
    }
  }

  private call(name: Tok): Expr {
    const open = this.next(); // '('
    const fn = name.text;
    if (!isFunctionName(fn)) {
      throw new ExprError(
        `unknown function '${fn}' (known: ${FUNCTION_NAMES.join(', ')})`,
        name.pos,
        didYouMean(closestNames(fn, FUNCTION_NAMES)),
      );
    }
    const args: Expr[] = [];
    if (this.peek().kind === 'rparen') {
      this.next();
    } else {
      for (;;) {
        args.push(this.additive());
        const t = this.next();
        if (t.kind === 'comma') continue;
        if (t.kind === 'rparen') break;
        if (t.kind === 'end') {
          throw new ExprError(`missing ')' for '(' at column ${column(open.pos)}`, open.pos, "add a closing ')'");
        }
        this.fail(t, `expected ',' or ')' in the arguments of '${fn}'`);
      }
    }
    const spec = FUNCTIONS[fn];
    if (args.length < spec.minArgs || args.length > spec.maxArgs) {
      const plural = (k: number): string => `${k} argument${k === 1 ? '' : 's'}`;
      const need =
        spec.maxArgs === Infinity
          ? `at least ${plural(spec.minArgs)}`
          : spec.minArgs === spec.maxArgs
            ? plural(spec.minArgs)
            : `${spec.minArgs} to ${plural(spec.maxArgs)}`;
      throw new ExprError(`'${fn}' takes ${need}, got ${args.length}`, name.pos, usage(fn));
    }
    return { kind: 'call', fn, args, pos: name.pos };
  }
}

function usage(fn: string): string {
  switch (fn) {
    case 'min':
    case 'max':
      return `usage: ${fn}(a, b, ...)`;
    case 'pow':
      return 'usage: pow(base, exponent)';
    case 'hill':
      return 'usage: hill(x, halfMax, n) = x^n/(halfMax^n + x^n)';
    default:
      return `usage: ${fn}(x)`;
  }
}

/**
 * Parses expression text into an AST.
 * Grammar (lowest to highest precedence): `+ -` (left), `* /` (left), unary `-`/`+`,
 * `^` (right-associative, binds tighter than unary minus: -2^2 = -4; its exponent may carry
 * a sign: 2^-1), primaries (numbers in JS float syntax, identifiers `[A-Za-z_][A-Za-z0-9_]*`,
 * whitelisted calls `f(a, b)`, parentheses). No implicit multiplication.
 * @throws ExprError with a 1-based column in the message and the 0-based offset in `.pos`, e.g.
 *   "empty expression", "unexpected ')' at column 7", "unexpected end of expression at column 4",
 *   "unexpected character ';' at column 2", "missing ')' for '(' at column 1",
 *   "unknown function 'hil' (known: exp, log, ...)", "'min' takes at least 2 arguments, got 1".
 */
export function parseExpr(text: string): Expr {
  if (text.trim() === '') throw new ExprError('empty expression', 0, 'write a number, a variable or a formula');
  return new Parser(tokenize(text)).parseAll();
}
