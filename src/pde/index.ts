/**
 * nichesim's diffusion–decay microenvironment (layer 3, no Node-only API): a uniform Cartesian
 * voxel mesh ({@link createMesh}) and a BioFVM-class implicit LOD solver with per-substrate
 * Dirichlet conditions, cell/bulk sources and sinks, and gradients ({@link createMicroenvironment}).
 * Units: um, min, um^2/min, 1/min; densities in each substrate's own unit.
 * Reference: Ghaffarizadeh, Friedman, Macklin (2016) Bioinformatics 32(8):1256, doi:10.1093/bioinformatics/btv730.
 */
export * from './mesh.js';
export * from './microenvironment.js';
