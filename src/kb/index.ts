/**
 * Public API of the nichesim knowledge base: types and vocabularies, zod
 * schemas, the text-based loader, queries and network export.
 */
export * from './types.js';
export * from './schema.js';
export * from './load.js';
export * from './query.js';
export * from './network.js';
