/**
 * Physical units: dimensions, unit parsing, conversion to the simulator's canonical units
 * (min, um, um^2/min, 1/min, um^3, cells, cells/min) and display formatting.
 */
export * from './dimension.js';
export * from './units.js';
export * from './format.js';
export * from './suggest.js';
