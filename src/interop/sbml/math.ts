/**
 * The MathML subset of SBML (Level 2 and 3 core) as a small AST (layer 5, no Node-only API).
 *
 * Covered: cn (real, integer, e-notation, rational, INF/NaN), ci, csymbol time / avogadro / delay /
 * rateOf, apply with the arithmetic, relational, logical, exponential, rounding and trigonometric
 * operators of SBML MathML (incl. L3V2's max, min, rem, quotient, implies), root with degree, log
 * with logbase, piecewise/piece/otherwise, the constants true, false, pi, exponentiale, infinity,
 * notanumber, semantics (first child; annotations ignored) and lambda with bvar (function
 * definitions). Anything else is an error naming the element and its line.
 *
 * Booleans and numbers share one representation (true = 1, false = 0; any non-zero number is true),
 * as SBML allows (tag BoolNumericSwap of the test suite).
 */
import { SbmlError, type SourceLocation } from './errors.js';
import { childElements, localName, textOf, type Element, parseXmlDouble } from './xml.js';

export const MATHML_NS = 'http://www.w3.org/1998/Math/MathML';

/** Operators of `apply`. */
export type MathOp =
  | 'plus' | 'minus' | 'times' | 'divide' | 'power' | 'root' | 'abs' | 'exp' | 'ln' | 'log'
  | 'floor' | 'ceiling' | 'factorial' | 'max' | 'min' | 'rem' | 'quotient'
  | 'sin' | 'cos' | 'tan' | 'sec' | 'csc' | 'cot'
  | 'sinh' | 'cosh' | 'tanh' | 'sech' | 'csch' | 'coth'
  | 'arcsin' | 'arccos' | 'arctan' | 'arcsec' | 'arccsc' | 'arccot'
  | 'arcsinh' | 'arccosh' | 'arctanh' | 'arcsech' | 'arccsch' | 'arccoth'
  | 'eq' | 'neq' | 'gt' | 'lt' | 'geq' | 'leq'
  | 'and' | 'or' | 'xor' | 'not' | 'implies';

const OPS = new Set<string>([
  'plus', 'minus', 'times', 'divide', 'power', 'root', 'abs', 'exp', 'ln', 'log',
  'floor', 'ceiling', 'factorial', 'max', 'min', 'rem', 'quotient',
  'sin', 'cos', 'tan', 'sec', 'csc', 'cot', 'sinh', 'cosh', 'tanh', 'sech', 'csch', 'coth',
  'arcsin', 'arccos', 'arctan', 'arcsec', 'arccsc', 'arccot',
  'arcsinh', 'arccosh', 'arctanh', 'arcsech', 'arccsch', 'arccoth',
  'eq', 'neq', 'gt', 'lt', 'geq', 'leq', 'and', 'or', 'xor', 'not', 'implies',
]);

/** Operators taking exactly one argument. */
const UNARY = new Set<string>([
  'abs', 'exp', 'ln', 'floor', 'ceiling', 'factorial', 'not',
  'sin', 'cos', 'tan', 'sec', 'csc', 'cot', 'sinh', 'cosh', 'tanh', 'sech', 'csch', 'coth',
  'arcsin', 'arccos', 'arctan', 'arcsec', 'arccsc', 'arccot',
  'arcsinh', 'arccosh', 'arctanh', 'arcsech', 'arccsch', 'arccoth',
]);
/** Operators taking exactly two arguments. */
const BINARY = new Set<string>(['divide', 'power', 'rem', 'quotient', 'implies', 'neq']);

export const CSYMBOL_TIME = 'http://www.sbml.org/sbml/symbols/time';
export const CSYMBOL_DELAY = 'http://www.sbml.org/sbml/symbols/delay';
export const CSYMBOL_AVOGADRO = 'http://www.sbml.org/sbml/symbols/avogadro';
export const CSYMBOL_RATEOF = 'http://www.sbml.org/sbml/symbols/rateOf';

/** Avogadro's number as SBML Level 3 (Versions 1 and 2) defines it (CODATA 2006), not the 2019 SI value. */
export const AVOGADRO = 6.02214179e23;

export type MathNode =
  | { kind: 'num'; value: number }
  | { kind: 'ci'; name: string; loc: SourceLocation }
  | { kind: 'time' }
  | { kind: 'avogadro' }
  | { kind: 'apply'; op: MathOp; args: MathNode[]; loc: SourceLocation }
  | { kind: 'call'; name: string; args: MathNode[]; loc: SourceLocation }
  | { kind: 'piecewise'; pieces: Array<{ value: MathNode; cond: MathNode }>; otherwise: MathNode | null }
  | { kind: 'delay'; expr: MathNode; delay: MathNode; loc: SourceLocation }
  | { kind: 'rateOf'; target: string; loc: SourceLocation };

/** A function definition's lambda: parameter names and body. */
export interface Lambda {
  params: string[];
  body: MathNode;
}

function elLoc(el: Element): SourceLocation {
  return { line: el.lineNumber, column: el.columnNumber, element: `<${el.nodeName}>` };
}

/** Element children that are MathML content (skips annotations inside semantics elsewhere). */
function mathChildren(el: Element): Element[] {
  return childElements(el);
}

/**
 * Reads the single expression inside a `<math>` element.
 * @returns null when `<math>` is empty.
 * @throws SbmlError for unknown or malformed MathML.
 */
export function readMath(mathEl: Element): MathNode | null {
  const kids = mathChildren(mathEl);
  if (kids.length === 0) return null;
  if (kids.length > 1) throw new SbmlError('invalid', '<math> must contain exactly one expression', elLoc(mathEl));
  return readNode(kids[0]);
}

/** Reads a `<math>` whose content is a `<lambda>` (a function definition). */
export function readLambda(mathEl: Element): Lambda | null {
  const kids = mathChildren(mathEl);
  if (kids.length === 0) return null;
  let el = kids[0];
  if (localName(el) === 'semantics') el = semanticsContent(el);
  if (localName(el) !== 'lambda') {
    throw new SbmlError('invalid', `a function definition must be a <lambda>, found <${el.nodeName}>`, elLoc(el));
  }
  const params: string[] = [];
  let body: MathNode | null = null;
  for (const c of childElements(el)) {
    const name = localName(c);
    if (name === 'bvar') {
      const ci = childElements(c).find((x) => localName(x) === 'ci');
      if (!ci) throw new SbmlError('invalid', '<bvar> must contain a <ci>', elLoc(c));
      params.push(textOf(ci).trim());
    } else if (body === null) {
      body = readNode(c);
    } else {
      throw new SbmlError('invalid', '<lambda> has more than one body expression', elLoc(c));
    }
  }
  if (body === null) {
    // L3V2 allows a lambda without a body; calling it is undefined.
    body = { kind: 'num', value: NaN };
  }
  return { params, body };
}

function semanticsContent(el: Element): Element {
  const kids = childElements(el).filter((c) => {
    const n = localName(c);
    return n !== 'annotation' && n !== 'annotation-xml';
  });
  if (kids.length !== 1) throw new SbmlError('invalid', '<semantics> must contain one expression', elLoc(el));
  return kids[0];
}

function readCn(el: Element): number {
  const type = (el.getAttribute('type') ?? 'real').trim();
  const parts: string[] = [];
  let cur = '';
  let sawSep = false;
  for (let n = el.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 1) {
      if (localName(n as Element) === 'sep') {
        parts.push(cur);
        cur = '';
        sawSep = true;
      } else {
        throw new SbmlError('invalid', `unexpected <${n.nodeName}> inside <cn>`, elLoc(el));
      }
    } else if (n.nodeType === 3 || n.nodeType === 4) {
      cur += n.nodeValue ?? '';
    }
  }
  parts.push(cur);
  const num = (s: string): number => {
    const x = parseXmlDouble(s);
    if (x === null) throw new SbmlError('invalid', `<cn> content "${s.trim()}" is not a number`, elLoc(el));
    return x;
  };
  if (type === 'e-notation') {
    if (!sawSep || parts.length !== 2) throw new SbmlError('invalid', '<cn type="e-notation"> needs mantissa <sep/> exponent', elLoc(el));
    return num(`${parts[0].trim()}e${parts[1].trim()}`);
  }
  if (type === 'rational') {
    if (!sawSep || parts.length !== 2) throw new SbmlError('invalid', '<cn type="rational"> needs numerator <sep/> denominator', elLoc(el));
    return num(parts[0]) / num(parts[1]);
  }
  if (type === 'real' || type === 'integer' || type === 'double') {
    if (sawSep) throw new SbmlError('invalid', `<cn type="${type}"> cannot contain <sep/>`, elLoc(el));
    return num(parts[0]);
  }
  throw new SbmlError('unsupported', `<cn type="${type}"> is not supported`, elLoc(el));
}

/** Reads one MathML content element. */
export function readNode(el: Element): MathNode {
  const name = localName(el);
  switch (name) {
    case 'cn':
      return { kind: 'num', value: readCn(el) };
    case 'ci':
      return { kind: 'ci', name: textOf(el).trim(), loc: elLoc(el) };
    case 'true':
      return { kind: 'num', value: 1 };
    case 'false':
      return { kind: 'num', value: 0 };
    case 'pi':
      return { kind: 'num', value: Math.PI };
    case 'exponentiale':
      return { kind: 'num', value: Math.E };
    case 'infinity':
      return { kind: 'num', value: Infinity };
    case 'notanumber':
      return { kind: 'num', value: NaN };
    case 'semantics':
      return readNode(semanticsContent(el));
    case 'csymbol': {
      const url = (el.getAttribute('definitionURL') ?? '').trim();
      if (url === CSYMBOL_TIME) return { kind: 'time' };
      if (url === CSYMBOL_AVOGADRO) return { kind: 'avogadro' };
      if (url === CSYMBOL_DELAY || url === CSYMBOL_RATEOF) {
        throw new SbmlError('invalid', `csymbol ${url} must be the operator of an <apply>`, elLoc(el));
      }
      throw new SbmlError('unsupported', `csymbol with definitionURL "${url}" is not supported`, elLoc(el));
    }
    case 'piecewise':
      return readPiecewise(el);
    case 'apply':
      return readApply(el);
    case 'lambda':
      throw new SbmlError('invalid', '<lambda> is only allowed in a function definition', elLoc(el));
    default:
      throw new SbmlError('unsupported', `MathML element <${el.nodeName}> is not supported`, elLoc(el));
  }
}

function readPiecewise(el: Element): MathNode {
  const pieces: Array<{ value: MathNode; cond: MathNode }> = [];
  let otherwise: MathNode | null = null;
  for (const c of childElements(el)) {
    const n = localName(c);
    if (n === 'piece') {
      const kids = childElements(c);
      if (kids.length !== 2) throw new SbmlError('invalid', '<piece> must contain a value and a condition', elLoc(c));
      pieces.push({ value: readNode(kids[0]), cond: readNode(kids[1]) });
    } else if (n === 'otherwise') {
      const kids = childElements(c);
      if (kids.length !== 1) throw new SbmlError('invalid', '<otherwise> must contain one expression', elLoc(c));
      otherwise = readNode(kids[0]);
    } else {
      throw new SbmlError('invalid', `unexpected <${c.nodeName}> inside <piecewise>`, elLoc(c));
    }
  }
  return { kind: 'piecewise', pieces, otherwise };
}

function readApply(el: Element): MathNode {
  const kids = childElements(el);
  if (kids.length === 0) throw new SbmlError('invalid', 'empty <apply>', elLoc(el));
  const head = kids[0];
  const headName = localName(head);
  const rest = kids.slice(1);
  const args: MathNode[] = [];
  let degree: MathNode | null = null;
  let logbase: MathNode | null = null;
  for (const c of rest) {
    const n = localName(c);
    if (n === 'degree' || n === 'logbase') {
      const q = childElements(c);
      if (q.length !== 1) throw new SbmlError('invalid', `<${n}> must contain one expression`, elLoc(c));
      if (n === 'degree') degree = readNode(q[0]);
      else logbase = readNode(q[0]);
    } else if (n === 'bvar') {
      throw new SbmlError('unsupported', '<bvar> is only supported in function definitions', elLoc(c));
    } else {
      args.push(readNode(c));
    }
  }
  const l = elLoc(el);
  if (headName === 'ci') {
    return { kind: 'call', name: textOf(head).trim(), args, loc: l };
  }
  if (headName === 'csymbol') {
    const url = (head.getAttribute('definitionURL') ?? '').trim();
    if (url === CSYMBOL_DELAY) {
      if (args.length !== 2) throw new SbmlError('invalid', 'delay() takes two arguments', l);
      return { kind: 'delay', expr: args[0], delay: args[1], loc: l };
    }
    if (url === CSYMBOL_RATEOF) {
      if (args.length !== 1 || args[0].kind !== 'ci') throw new SbmlError('invalid', 'rateOf() takes one identifier', l);
      return { kind: 'rateOf', target: args[0].name, loc: l };
    }
    throw new SbmlError('unsupported', `csymbol function with definitionURL "${url}" is not supported`, elLoc(head));
  }
  if (!OPS.has(headName)) {
    throw new SbmlError('unsupported', `MathML operator <${head.nodeName}> is not supported`, elLoc(head));
  }
  const op = headName as MathOp;
  if (degree && op !== 'root') throw new SbmlError('invalid', '<degree> is only allowed with <root>', l);
  if (logbase && op !== 'log') throw new SbmlError('invalid', '<logbase> is only allowed with <log>', l);
  if (op === 'root') {
    if (args.length !== 1) throw new SbmlError('invalid', '<root> takes one argument', l);
    return { kind: 'apply', op, args: [degree ?? { kind: 'num', value: 2 }, args[0]], loc: l };
  }
  if (op === 'log') {
    if (args.length !== 1) throw new SbmlError('invalid', '<log> takes one argument', l);
    return { kind: 'apply', op, args: [logbase ?? { kind: 'num', value: 10 }, args[0]], loc: l };
  }
  if (UNARY.has(op) && args.length !== 1) throw new SbmlError('invalid', `<${op}> takes one argument, got ${args.length}`, l);
  if (BINARY.has(op) && args.length !== 2) throw new SbmlError('invalid', `<${op}> takes two arguments, got ${args.length}`, l);
  if (op === 'minus' && (args.length < 1 || args.length > 2)) throw new SbmlError('invalid', `<minus> takes one or two arguments, got ${args.length}`, l);
  return { kind: 'apply', op, args, loc: l };
}

/** Calls `fn` on every node of the tree (pre-order). */
export function walk(node: MathNode, fn: (n: MathNode) => void): void {
  fn(node);
  switch (node.kind) {
    case 'apply':
    case 'call':
      for (const a of node.args) walk(a, fn);
      break;
    case 'piecewise':
      for (const p of node.pieces) {
        walk(p.value, fn);
        walk(p.cond, fn);
      }
      if (node.otherwise) walk(node.otherwise, fn);
      break;
    case 'delay':
      walk(node.expr, fn);
      walk(node.delay, fn);
      break;
    default:
      break;
  }
}
