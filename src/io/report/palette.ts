/**
 * Stable categorical colours keyed by name (see src/palette, shared with the spatial frames and
 * the browser app).
 */
export { assignColors, colorFor, fnv1a } from '../../palette/index.js';
