/**
 * The data behind the network view: filter vocabularies present in the KB, and the Cytoscape
 * elements of the filtered interaction graph (built by the core's `toCytoscapeJson`), with
 * deterministic start positions for the layout.
 */
import type { ElementDefinition } from 'cytoscape';
import { toCytoscapeJson } from '../../../../src/kb/network.js';
import { filterInteractions, type InteractionFilter } from '../../../../src/kb/query.js';
import { CELL_KEYS, DISEASES, MEDIATOR_KEYS, type Interaction, type KnowledgeBase } from '../../../../src/kb/types.js';
import { knownCellColor } from '../space/palette.js';

/** The user's filter choices; '' means "all". */
export interface NetworkFilterState {
  disease: string;
  cell: string;
  mediator: string;
  /** Route each interaction through a mediator node (source → mediator → target). */
  mediatorNodes: boolean;
}

/** The initial filter: everything, with mediator nodes. */
export const ALL_FILTER: NetworkFilterState = { disease: '', cell: '', mediator: '', mediatorNodes: true };

/** Values offered by the filter selects: those that occur in the KB, in vocabulary order. */
export interface FilterVocabulary {
  diseases: string[];
  cells: string[];
  mediators: string[];
}

/** The diseases, cells (sources and targets) and mediators used by the KB's interactions. */
export function filterVocabulary(kb: KnowledgeBase): FilterVocabulary {
  const diseases = new Set<string>();
  const cells = new Set<string>();
  const mediators = new Set<string>();
  for (const i of kb.interactions) {
    i.diseases.forEach((d) => diseases.add(d));
    cells.add(i.source);
    cells.add(i.target);
    mediators.add(i.mediator_key);
  }
  return {
    diseases: DISEASES.filter((d) => diseases.has(d)),
    cells: CELL_KEYS.filter((c) => cells.has(c)),
    mediators: MEDIATOR_KEYS.filter((m) => mediators.has(m)),
  };
}

/** The core InteractionFilter of the user's choices. */
export function toInteractionFilter(s: NetworkFilterState): InteractionFilter {
  const f: InteractionFilter = {};
  if (s.disease) f.disease = s.disease;
  if (s.cell) f.cell = s.cell;
  if (s.mediator) f.mediator = s.mediator;
  return f;
}

/** The graph of one filter state. */
export interface GraphModel {
  elements: ElementDefinition[];
  nodeCount: number;
  edgeCount: number;
  /** The interactions shown, in KB order. */
  interactions: Interaction[];
  /** Edge ids drawn for each interaction id (one edge, or two legs through a mediator). */
  edgesOf: Map<string, string[]>;
}

/** Arrow-and-word rendering of a direction (sign not by colour alone). */
export const DIRECTION_MARK: Record<Interaction['direction'], string> = {
  increases: '↑ increases',
  decreases: '⊣ decreases',
  mixed: '± mixed',
};

/** Node fills: cells without a fixed colour (neutral grey), malignant cells (Tol purple, as blasts), mediators. */
const CELL_FILL = '#d0d7de';
const MALIGNANT_FILL = '#AA3377';
const MEDIATOR_FILL = '#fff4d6';

/** The box the start positions fill (the layout's bounding box, see cyStyle.ts). */
export const START_BOX = { w: 760, h: 560 };

/**
 * Builds the Cytoscape elements of the filtered KB graph (edges aggregated by source, target,
 * mediator and direction). Nodes start on a grid (cells first, then mediators, each in id order)
 * so that the layout is deterministic.
 */
export function buildGraph(kb: KnowledgeBase, s: NetworkFilterState): GraphModel {
  const filter = toInteractionFilter(s);
  const json = toCytoscapeJson(kb, filter, { mediatorNodes: s.mediatorNodes, aggregate: true });
  const nodes = json.elements.nodes;
  // Start positions: a grid filling the layout's box, cells first, then mediators (each by id).
  const ordered = [...nodes.filter((n) => n.data.kind === 'cell'), ...nodes.filter((n) => n.data.kind === 'mediator')];
  const cols = Math.max(1, Math.ceil(Math.sqrt((ordered.length * START_BOX.w) / START_BOX.h)));
  const rows = Math.max(1, Math.ceil(ordered.length / cols));
  const elements: ElementDefinition[] = ordered.map((n, k) => {
    const color = n.data.kind === 'mediator' ? MEDIATOR_FILL : (knownCellColor(n.data.id) ?? (n.data.malignant ? MALIGNANT_FILL : CELL_FILL));
    const position = { x: ((k % cols) + 0.5) * (START_BOX.w / cols), y: (Math.floor(k / cols) + 0.5) * (START_BOX.h / rows) };
    return { group: 'nodes', data: { ...n.data, color }, position };
  });
  for (const e of json.elements.edges) elements.push({ group: 'edges', data: { ...e.data, leg: e.data.leg ?? 'direct' } });
  const edgesOf = new Map<string, string[]>();
  for (const e of json.elements.edges) {
    for (const id of e.data.ids) {
      const list = edgesOf.get(id) ?? [];
      list.push(e.data.id);
      edgesOf.set(id, list);
    }
  }
  return {
    elements,
    nodeCount: nodes.length,
    edgeCount: json.elements.edges.length,
    interactions: filterInteractions(kb, filter),
    edgesOf,
  };
}
