/**
 * Physical dimensions as integer exponent vectors over the base quantities
 * time, length, mass, amount (mol) and cells.
 */

/**
 * A physical dimension: integer exponents of the base quantities.
 * E.g. a diffusion coefficient is `{ time: -1, length: 2, mass: 0, amount: 0, cells: 0 }`.
 */
export interface Dimension {
  time: number;
  length: number;
  mass: number;
  amount: number;
  cells: number;
}

/** The base quantities, in the order used for display. */
export const BASE_QUANTITIES = ['time', 'length', 'mass', 'amount', 'cells'] as const;

/** Name of one base quantity. */
export type BaseQuantity = (typeof BASE_QUANTITIES)[number];

/** Builds a Dimension from the exponents given (missing ones are 0). Normalises -0 to 0. */
export function makeDimension(exponents: Partial<Dimension> = {}): Dimension {
  return {
    time: (exponents.time ?? 0) + 0,
    length: (exponents.length ?? 0) + 0,
    mass: (exponents.mass ?? 0) + 0,
    amount: (exponents.amount ?? 0) + 0,
    cells: (exponents.cells ?? 0) + 0,
  };
}

/** The dimension of pure numbers (all exponents 0). Frozen. */
export const DIMENSIONLESS: Dimension = Object.freeze(makeDimension());

/** Frequently used dimensions (frozen). `rate` is 1/time, `diffusion` length^2/time, `cellFlux` cells/time. */
export const DIMENSIONS = Object.freeze({
  dimensionless: DIMENSIONLESS,
  time: Object.freeze(makeDimension({ time: 1 })),
  length: Object.freeze(makeDimension({ length: 1 })),
  area: Object.freeze(makeDimension({ length: 2 })),
  volume: Object.freeze(makeDimension({ length: 3 })),
  mass: Object.freeze(makeDimension({ mass: 1 })),
  amount: Object.freeze(makeDimension({ amount: 1 })),
  cells: Object.freeze(makeDimension({ cells: 1 })),
  rate: Object.freeze(makeDimension({ time: -1 })),
  diffusion: Object.freeze(makeDimension({ length: 2, time: -1 })),
  cellFlux: Object.freeze(makeDimension({ cells: 1, time: -1 })),
  cellDensity: Object.freeze(makeDimension({ cells: 1, length: -3 })),
  massConcentration: Object.freeze(makeDimension({ mass: 1, length: -3 })),
  molarConcentration: Object.freeze(makeDimension({ amount: 1, length: -3 })),
});

/** True when all five exponents are equal. */
export function sameDimension(a: Dimension, b: Dimension): boolean {
  return (
    a.time === b.time &&
    a.length === b.length &&
    a.mass === b.mass &&
    a.amount === b.amount &&
    a.cells === b.cells
  );
}

/** True when all exponents are 0. */
export function isDimensionless(d: Dimension): boolean {
  return sameDimension(d, DIMENSIONLESS);
}

/** Product dimension (exponents added). */
export function multiplyDimensions(a: Dimension, b: Dimension): Dimension {
  return makeDimension({
    time: a.time + b.time,
    length: a.length + b.length,
    mass: a.mass + b.mass,
    amount: a.amount + b.amount,
    cells: a.cells + b.cells,
  });
}

/** Quotient dimension (exponents subtracted). */
export function divideDimensions(a: Dimension, b: Dimension): Dimension {
  return makeDimension({
    time: a.time - b.time,
    length: a.length - b.length,
    mass: a.mass - b.mass,
    amount: a.amount - b.amount,
    cells: a.cells - b.cells,
  });
}

/**
 * Dimension raised to power `p` (exponents multiplied by p). The result may have
 * non-integer exponents; check with {@link isIntegerDimension} when that matters.
 */
export function powDimension(a: Dimension, p: number): Dimension {
  return makeDimension({
    time: a.time * p,
    length: a.length * p,
    mass: a.mass * p,
    amount: a.amount * p,
    cells: a.cells * p,
  });
}

/** True when every exponent is an integer. */
export function isIntegerDimension(d: Dimension): boolean {
  return BASE_QUANTITIES.every((q) => Number.isInteger(d[q]));
}

function power(name: string, e: number): string {
  return e === 1 ? name : `${name}^${e}`;
}

/**
 * Human-readable dimension, e.g. "time", "1/time", "length^2/time", "mass/volume",
 * "mass/(volume*time)", "cells/volume", "dimensionless". Length exponents that are
 * multiples of 3 are shown as volume.
 */
export function describeDimension(d: Dimension): string {
  const num: string[] = [];
  const den: string[] = [];
  const add = (name: string, e: number): void => {
    if (e > 0) num.push(power(name, e));
    else if (e < 0) den.push(power(name, -e));
  };
  add('cells', d.cells);
  add('amount', d.amount);
  add('mass', d.mass);
  if (d.length !== 0 && d.length % 3 === 0) add('volume', d.length / 3);
  else add('length', d.length);
  add('time', d.time);
  if (num.length === 0 && den.length === 0) return 'dimensionless';
  const top = num.length === 0 ? '1' : num.join('*');
  if (den.length === 0) return top;
  const bottom = den.length === 1 ? den[0] : `(${den.join('*')})`;
  return `${top}/${bottom}`;
}

const DIMENSION_NAMES: Record<string, string> = {
  dimensionless: "a dimensionless number (e.g. '0.5')",
  time: "a time (e.g. '48 h')",
  length: "a length (e.g. '10 um')",
  'length^2': "an area (e.g. '100 um^2')",
  volume: "a volume (e.g. '2000 um^3')",
  mass: "a mass (e.g. '5 ng')",
  amount: "an amount (e.g. '1 pmol')",
  cells: "a cell count (e.g. '1000 cells')",
  '1/time': "a rate (e.g. '0.1 1/h')",
  'length^2/time': "a diffusion coefficient (e.g. '1e5 um^2/min')",
  'cells/time': "a cell flux (e.g. '10 cells/h')",
  'cells/volume': "a cell density (e.g. '1e4 cells/mm^3')",
  'mass/volume': "a mass concentration (e.g. '10 ng/mL')",
  'amount/volume': "a molar concentration (e.g. '0.3 uM')",
  'mass/(volume*time)': "a production rate (e.g. '1 ng/mL/min')",
  'amount/(volume*time)': "a production rate (e.g. '1 nM/min')",
};

/**
 * What a value of this dimension is called, with an example, for error messages:
 * "a time (e.g. '48 h')", "a rate (e.g. '0.1 1/h')", or
 * "a quantity of dimension mass/length^2" for unnamed dimensions.
 */
export function dimensionNoun(d: Dimension): string {
  const desc = describeDimension(d);
  return DIMENSION_NAMES[desc] ?? `a quantity of dimension ${desc}`;
}
