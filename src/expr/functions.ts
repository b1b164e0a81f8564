/** The fixed whitelist of functions usable in expressions, with arity and implementation. */
import type { FunctionName } from './ast.js';

/** Arity and numeric implementation of one whitelisted function. `maxArgs` is Infinity for variadic min/max. */
export interface FunctionSpec {
  minArgs: number;
  maxArgs: number;
  /** Implementation for the 1-, 2- or 3-argument case (variadic functions fold with the 2-argument form). */
  impl: (...args: number[]) => number;
}

/**
 * hill(x, halfMax, n) = x^n / (halfMax^n + x^n) for x > 0, else 0.
 * Computed as 1 / (1 + (halfMax/x)^n) to avoid overflow of x^n; dimensionless, in [0, 1] for halfMax >= 0.
 */
export function hill(x: number, halfMax: number, n: number): number {
  if (!(x > 0)) return Number.isNaN(x) ? NaN : 0;
  return 1 / (1 + Math.pow(halfMax / x, n));
}

/** The whitelist, keyed by name, in display order. */
export const FUNCTIONS: Readonly<Record<FunctionName, FunctionSpec>> = Object.freeze({
  exp: { minArgs: 1, maxArgs: 1, impl: Math.exp },
  log: { minArgs: 1, maxArgs: 1, impl: Math.log },
  log10: { minArgs: 1, maxArgs: 1, impl: Math.log10 },
  sqrt: { minArgs: 1, maxArgs: 1, impl: Math.sqrt },
  abs: { minArgs: 1, maxArgs: 1, impl: Math.abs },
  min: { minArgs: 2, maxArgs: Infinity, impl: (a: number, b: number) => Math.min(a, b) },
  max: { minArgs: 2, maxArgs: Infinity, impl: (a: number, b: number) => Math.max(a, b) },
  pow: { minArgs: 2, maxArgs: 2, impl: Math.pow },
  floor: { minArgs: 1, maxArgs: 1, impl: Math.floor },
  ceil: { minArgs: 1, maxArgs: 1, impl: Math.ceil },
  hill: { minArgs: 3, maxArgs: 3, impl: hill },
});

/** Names of the whitelisted functions, in display order. */
export const FUNCTION_NAMES: readonly FunctionName[] = Object.freeze(Object.keys(FUNCTIONS) as FunctionName[]);

/** True when `name` is a whitelisted function (own key only: 'constructor', '__proto__' are not). */
export function isFunctionName(name: string): name is FunctionName {
  return Object.prototype.hasOwnProperty.call(FUNCTIONS, name);
}

/** Applies a whitelisted function to already-evaluated arguments (arity assumed checked). */
export function applyFunction(fn: FunctionName, args: readonly number[]): number {
  const spec = FUNCTIONS[fn];
  if (fn === 'min' || fn === 'max') {
    let acc = args[0];
    for (let i = 1; i < args.length; i++) acc = spec.impl(acc, args[i]);
    return acc;
  }
  return spec.impl(...args);
}
