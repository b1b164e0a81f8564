/**
 * Seeded random streams (layer 0). nichesim uses counter-based generators only: a random number
 * is a pure function of (seed, stream, entity, step, draw), see philox.ts.
 */
export * from './philox.js';
