/**
 * A small expression builder that serialises to SBML Level 3 MathML (layer 5, no Node-only API),
 * used by the exporter.
 */

export type Ex =
  | { k: 'num'; v: number }
  | { k: 'ci'; id: string }
  | { k: 'time' }
  | { k: 'op'; op: string; args: Ex[] }
  | { k: 'pw'; pieces: Array<[Ex, Ex]>; otherwise: Ex };

export const num = (v: number): Ex => ({ k: 'num', v });
export const ci = (id: string): Ex => ({ k: 'ci', id });
export const time = (): Ex => ({ k: 'time' });
export const op = (o: string, ...args: Ex[]): Ex => ({ k: 'op', op: o, args });
export const plus = (...a: Ex[]): Ex => (a.length === 0 ? num(0) : a.length === 1 ? a[0] : op('plus', ...a));
export const times = (...a: Ex[]): Ex => (a.length === 0 ? num(1) : a.length === 1 ? a[0] : op('times', ...a));
export const minus = (a: Ex, b: Ex): Ex => op('minus', a, b);
export const neg = (a: Ex): Ex => op('minus', a);
export const divide = (a: Ex, b: Ex): Ex => op('divide', a, b);
export const power = (a: Ex, b: Ex): Ex => op('power', a, b);
export const gt = (a: Ex, b: Ex): Ex => op('gt', a, b);
export const piecewise = (pieces: Array<[Ex, Ex]>, otherwise: Ex): Ex => ({ k: 'pw', pieces, otherwise });
/** max(x, 0), written with piecewise for the widest tool support. */
export const pos = (x: Ex): Ex => piecewise([[x, gt(x, num(0))]], num(0));

function cn(x: number): string {
  if (Number.isNaN(x)) return '<notanumber/>';
  if (x === Infinity) return '<infinity/>';
  if (x === -Infinity) return '<apply><minus/><infinity/></apply>';
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return `<cn type="integer"> ${x} </cn>`;
  const s = String(x);
  const m = /^(-?[\d.]+)e([+-]?\d+)$/.exec(s);
  if (m) return `<cn type="e-notation"> ${m[1]} <sep/> ${Number(m[2])} </cn>`;
  return `<cn> ${s} </cn>`;
}

/** Serialises an expression as MathML content (without the enclosing <math>). */
export function mathml(e: Ex): string {
  switch (e.k) {
    case 'num':
      return cn(e.v);
    case 'ci':
      return `<ci> ${e.id} </ci>`;
    case 'time':
      return '<csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/time"> time </csymbol>';
    case 'op':
      return `<apply><${e.op}/>${e.args.map(mathml).join('')}</apply>`;
    case 'pw':
      return `<piecewise>${e.pieces.map(([v, c]) => `<piece>${mathml(v)}${mathml(c)}</piece>`).join('')}<otherwise>${mathml(e.otherwise)}</otherwise></piecewise>`;
  }
}

/** A complete `<math>` element. */
export function mathElement(e: Ex): string {
  return `<math xmlns="http://www.w3.org/1998/Math/MathML">${mathml(e)}</math>`;
}
