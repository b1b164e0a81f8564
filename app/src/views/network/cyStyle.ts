/**
 * Cytoscape stylesheet and layout of the network view. Edge colours and arrow heads follow the
 * CLI report (src/io/report/network.ts, SIGN_STYLE; values copied): increases green with an
 * arrow, decreases red with a flat bar (⊣), mixed grey dashed; so sign is never carried by
 * colour alone.
 */
import type { CoseLayoutOptions, NodeSingular, StylesheetJson } from 'cytoscape';
import { START_BOX } from './graph.js';

/** Edge colours by direction (copied from the report's SIGN_STYLE). */
export const DIRECTION_COLORS = { increases: '#1b7837', decreases: '#c62828', mixed: '#6b6b6b' } as const;

/** Colour of the source → mediator legs (the sign belongs to the mediator → target leg). */
export const LEG_IN_COLOR = '#8c959f';

const SELECT = '#0969da';

/** The stylesheet (nodes: cells as discs, mediators as rounded boxes; edges by direction). */
export const NETWORK_STYLE: StylesheetJson = [
  {
    selector: 'node',
    style: {
      label: 'data(label)',
      'font-size': 11,
      'font-family': 'system-ui, sans-serif',
      color: '#1f2328',
      'text-valign': 'bottom',
      'text-margin-y': 3,
      'text-background-color': '#ffffff',
      'text-background-opacity': 0.85,
      'text-background-padding': '1px',
      'background-color': 'data(color)',
      'border-width': 1.5,
      'border-color': '#3c4046',
      width: 'mapData(degree, 1, 30, 20, 44)',
      height: 'mapData(degree, 1, 30, 20, 44)',
    },
  },
  {
    selector: 'node[kind = "mediator"]',
    style: {
      shape: 'round-rectangle',
      'text-valign': 'center',
      'text-margin-y': 0,
      'text-background-opacity': 0,
      'font-size': 10,
      height: 18,
      width: (n: NodeSingular) => Math.max(26, String(n.data('label')).length * 6.2 + 10),
      'border-color': '#9a6700',
      'border-width': 1,
    },
  },
  {
    selector: 'edge',
    style: {
      width: 1.8,
      'curve-style': 'bezier',
      'line-color': DIRECTION_COLORS.mixed,
      'target-arrow-color': DIRECTION_COLORS.mixed,
      'target-arrow-shape': 'triangle',
      'arrow-scale': 1.1,
      opacity: 0.85,
    },
  },
  { selector: 'edge[direction = "increases"]', style: { 'line-color': DIRECTION_COLORS.increases, 'target-arrow-color': DIRECTION_COLORS.increases } },
  {
    selector: 'edge[direction = "decreases"]',
    style: { 'line-color': DIRECTION_COLORS.decreases, 'target-arrow-color': DIRECTION_COLORS.decreases, 'target-arrow-shape': 'tee' },
  },
  {
    selector: 'edge[direction = "mixed"]',
    style: {
      'line-color': DIRECTION_COLORS.mixed,
      'target-arrow-color': DIRECTION_COLORS.mixed,
      'target-arrow-shape': 'diamond',
      'line-style': 'dashed',
      'line-dash-pattern': [6, 4],
    },
  },
  {
    selector: 'edge[leg = "in"]',
    style: {
      'line-color': LEG_IN_COLOR,
      'target-arrow-color': LEG_IN_COLOR,
      'target-arrow-shape': 'vee',
      'line-style': 'solid',
      width: 1.2,
      'arrow-scale': 0.8,
    },
  },
  {
    selector: 'edge:selected',
    style: { width: 4, opacity: 1, 'underlay-color': SELECT, 'underlay-opacity': 0.35, 'underlay-padding': 4, 'z-index': 10 },
  },
  { selector: 'node:selected', style: { 'border-width': 3, 'border-color': SELECT } },
];

/**
 * Deterministic force-directed layout: starts from the given positions, no randomisation, and a
 * fixed bounding box so that the result does not depend on the container's size (the view is
 * then fitted to the container).
 */
export const NETWORK_LAYOUT: CoseLayoutOptions = {
  name: 'cose',
  randomize: false,
  animate: false,
  fit: true,
  padding: 20,
  boundingBox: { x1: 0, y1: 0, ...START_BOX },
  nodeDimensionsIncludeLabels: true,
  nodeRepulsion: () => 600000,
  idealEdgeLength: () => 30,
  edgeElasticity: () => 30,
  gravity: 80,
  numIter: 1000,
  initialTemp: 200,
  coolingFactor: 0.95,
  minTemp: 1.0,
  componentSpacing: 40,
  nodeOverlap: 30,
};
