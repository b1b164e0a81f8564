/**
 * The interaction network of the KB: nodes are normalised cells (and,
 * optionally, mediators), edges are interactions (source → target). Exports
 * to Cytoscape.js elements JSON and to GraphML.
 */
import { filterInteractions, type InteractionFilter } from './query.js';
import {
  CONFIDENCES,
  MALIGNANT_CELL_KEYS,
  type CellKey,
  type Confidence,
  type Direction,
  type Interaction,
  type KnowledgeBase,
} from './types.js';

/** Options of the network builders. */
export interface NetworkOptions {
  /**
   * Merge interactions with the same source, target, mediator and direction
   * into one edge (its `ids` lists all; confidence is the highest). Default false.
   */
  aggregate?: boolean;
  /**
   * Add mediator nodes (`mediator:<key>`) and route each interaction as
   * source → mediator → target. Default false.
   */
  mediatorNodes?: boolean;
}

/** A network node. */
export interface NetworkNode {
  /** Node id: the cell key, or `mediator:<key>` for mediator nodes. */
  id: string;
  /** Display label. */
  label: string;
  /** `cell` or `mediator`. */
  kind: 'cell' | 'mediator';
  /** True for malignant cell keys. */
  malignant: boolean;
  /** Number of incident edges. */
  degree: number;
}

/** A network edge (one interaction, or several when aggregated). */
export interface NetworkEdge {
  /** Edge id: the interaction id, or ids joined with '+' when aggregated. */
  id: string;
  /** Source node id. */
  source: string;
  /** Target node id. */
  target: string;
  /** Label: the mediator key. */
  label: string;
  /** Mediator key. */
  mediator: string;
  /** Direction of the effect. */
  direction: Direction;
  /** +1 increases, −1 decreases, 0 mixed. */
  sign: 1 | -1 | 0;
  /** Behaviour tag(s) (joined with '; ' when aggregated). */
  behaviour: string;
  /** Highest confidence among merged interactions. */
  confidence: Confidence;
  /** Interaction ids behind the edge. */
  ids: string[];
  /** Union of disease tags. */
  diseases: string[];
  /** Whether this edge is a leg through a mediator node (`in`: source→mediator, `out`: mediator→target). */
  leg?: 'in' | 'out';
}

/** The network: nodes and edges. */
export interface Network {
  /** Nodes, sorted by id. */
  nodes: NetworkNode[];
  /** Edges, in KB order. */
  edges: NetworkEdge[];
}

/** Sign of a direction: increases +1, decreases −1, mixed 0. */
export function directionSign(d: Direction): 1 | -1 | 0 {
  return d === 'increases' ? 1 : d === 'decreases' ? -1 : 0;
}

const higher = (a: Confidence, b: Confidence): Confidence =>
  CONFIDENCES.indexOf(a) <= CONFIDENCES.indexOf(b) ? a : b;

function edgeOf(i: Interaction, source: string, target: string, leg?: 'in' | 'out'): NetworkEdge {
  return {
    id: leg ? `${i.id}:${leg}` : i.id,
    source,
    target,
    label: i.mediator_key,
    mediator: i.mediator_key,
    direction: i.direction,
    sign: directionSign(i.direction),
    behaviour: i.behaviour,
    confidence: i.confidence,
    ids: [i.id],
    diseases: [...i.diseases],
    ...(leg ? { leg } : {}),
  };
}

/** Builds the network of the (optionally filtered) interactions. */
export function buildNetwork(kb: KnowledgeBase, filter?: InteractionFilter, options: NetworkOptions = {}): Network {
  const interactions = filterInteractions(kb, filter ?? {});
  let edges: NetworkEdge[] = [];
  for (const i of interactions) {
    if (options.mediatorNodes) {
      const m = `mediator:${i.mediator_key}`;
      edges.push(edgeOf(i, i.source, m, 'in'), edgeOf(i, m, i.target, 'out'));
    } else {
      edges.push(edgeOf(i, i.source, i.target));
    }
  }

  if (options.aggregate) {
    const merged = new Map<string, NetworkEdge>();
    for (const e of edges) {
      const key = [e.source, e.target, e.mediator, e.direction, e.leg ?? ''].join('\u0000');
      const prev = merged.get(key);
      if (!prev) {
        merged.set(key, { ...e, ids: [...e.ids], diseases: [...e.diseases] });
        continue;
      }
      prev.ids.push(...e.ids);
      prev.id = prev.leg ? `${prev.ids.join('+')}:${prev.leg}` : prev.ids.join('+');
      prev.confidence = higher(prev.confidence, e.confidence);
      if (!prev.behaviour.split('; ').includes(e.behaviour)) prev.behaviour += `; ${e.behaviour}`;
      for (const d of e.diseases) if (!prev.diseases.includes(d)) prev.diseases.push(d);
    }
    edges = [...merged.values()];
  }

  const degree = new Map<string, number>();
  for (const e of edges) {
    degree.set(e.source, (degree.get(e.source) ?? 0) + 1);
    degree.set(e.target, (degree.get(e.target) ?? 0) + 1);
  }
  const nodes: NetworkNode[] = [...degree.keys()].sort().map((id) => {
    const isMediator = id.startsWith('mediator:');
    return {
      id,
      label: isMediator ? id.slice('mediator:'.length) : id,
      kind: isMediator ? 'mediator' : 'cell',
      malignant: !isMediator && MALIGNANT_CELL_KEYS.includes(id as CellKey),
      degree: degree.get(id) ?? 0,
    };
  });
  return { nodes, edges };
}

/** Cytoscape.js elements JSON. */
export interface CytoscapeJson {
  /** Elements grouped as nodes and edges, each wrapped in `{ data }`. */
  elements: {
    nodes: Array<{ data: NetworkNode }>;
    edges: Array<{ data: Omit<NetworkEdge, 'leg'> & { leg?: string } }>;
  };
}

/**
 * The network as Cytoscape.js elements JSON
 * (`{ elements: { nodes: [{ data: { id, label, ... } }], edges: [{ data: { id, source, target, label, ... } }] } }`).
 */
export function toCytoscapeJson(kb: KnowledgeBase, filter?: InteractionFilter, options?: NetworkOptions): CytoscapeJson {
  const net = buildNetwork(kb, filter, options);
  return {
    elements: {
      nodes: net.nodes.map((n) => ({ data: { ...n } })),
      edges: net.edges.map((e) => ({ data: { ...e, ids: [...e.ids], diseases: [...e.diseases] } })),
    },
  };
}

/** Escapes text for XML content and attribute values. */
export function xmlEscape(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const NODE_KEYS = [
  ['label', 'string'],
  ['kind', 'string'],
  ['malignant', 'boolean'],
  ['degree', 'int'],
] as const;

const EDGE_KEYS = [
  ['label', 'string'],
  ['mediator', 'string'],
  ['direction', 'string'],
  ['sign', 'int'],
  ['behaviour', 'string'],
  ['confidence', 'string'],
  ['ids', 'string'],
  ['diseases', 'string'],
] as const;

/**
 * The network as a GraphML document (directed graph, key declarations for
 * every node/edge attribute, XML-escaped values). List attributes (`ids`,
 * `diseases`) are written comma-separated.
 */
export function toGraphML(kb: KnowledgeBase, filter?: InteractionFilter, options?: NetworkOptions): string {
  const net = buildNetwork(kb, filter, options);
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" ' +
      'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ' +
      'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
  ];
  for (const [name, type] of NODE_KEYS) {
    out.push(`  <key id="n_${name}" for="node" attr.name="${name}" attr.type="${type}"/>`);
  }
  for (const [name, type] of EDGE_KEYS) {
    out.push(`  <key id="e_${name}" for="edge" attr.name="${name}" attr.type="${type}"/>`);
  }
  out.push('  <graph id="nichesim-kb" edgedefault="directed">');
  for (const n of net.nodes) {
    out.push(`    <node id="${xmlEscape(n.id)}">`);
    out.push(`      <data key="n_label">${xmlEscape(n.label)}</data>`);
    out.push(`      <data key="n_kind">${n.kind}</data>`);
    out.push(`      <data key="n_malignant">${n.malignant}</data>`);
    out.push(`      <data key="n_degree">${n.degree}</data>`);
    out.push('    </node>');
  }
  for (const e of net.edges) {
    out.push(`    <edge id="${xmlEscape(e.id)}" source="${xmlEscape(e.source)}" target="${xmlEscape(e.target)}">`);
    const values: Record<(typeof EDGE_KEYS)[number][0], string> = {
      label: e.label,
      mediator: e.mediator,
      direction: e.direction,
      sign: String(e.sign),
      behaviour: e.behaviour,
      confidence: e.confidence,
      ids: e.ids.join(','),
      diseases: e.diseases.join(','),
    };
    for (const [name] of EDGE_KEYS) out.push(`      <data key="e_${name}">${xmlEscape(values[name])}</data>`);
    out.push('    </edge>');
  }
  out.push('  </graph>', '</graphml>', '');
  return out.join('\n');
}
