/**
 * Safe arithmetic expressions for user models: parse text to a validated AST, then compile the
 * AST to closures (never eval/new Function), print it back, and check its physical dimension.
 */
export * from './ast.js';
export * from './functions.js';
export * from './parse.js';
export * from './compile.js';
export * from './print.js';
export * from './dimension.js';
