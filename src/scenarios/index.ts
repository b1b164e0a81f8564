/**
 * Therapies and scenarios (layer 4): the scenario, intervention and target formats, schedule
 * expansion, compilation of a scenario into an ordinary model, endpoints and target checks.
 * Reading files is the job of src/io/scenarios.
 */
export * from './schema.js';
export * from './schedule.js';
export * from './layers.js';
export * from './compile.js';
export * from './endpoints.js';
export * from './targets.js';
