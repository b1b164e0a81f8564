/**
 * The network view: the knowledge base's interaction graph (cells and mediators as nodes,
 * interactions as edges coloured by direction) drawn with Cytoscape.js, filters by disease,
 * cell and mediator, a keyboard-accessible table of the visible interactions, and the evidence
 * (statement, confidence, PubMed/DOI links) of the selected edge or row.
 */
import cytoscape, { type Core } from 'cytoscape';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { KnowledgeBase } from '../../../../src/kb/types.js';
import { DIRECTION_COLORS, LEG_IN_COLOR, NETWORK_LAYOUT, NETWORK_STYLE } from './cyStyle.js';
import { EvidencePanel } from './EvidencePanel.js';
import { ALL_FILTER, buildGraph, filterVocabulary, type NetworkFilterState } from './graph.js';
import { InteractionTable } from './InteractionTable.js';
import { NetworkFilters } from './NetworkFilters.js';
import './network.css';

/** Props of {@link NetworkView}. */
export interface NetworkViewProps {
  /** The parsed knowledge base (e.g. `knowledgeBase()` from app/src/core.ts). */
  kb: KnowledgeBase;
}

/** A key of the edge encodings shown above the graph. */
function EdgeKey({ mediatorNodes }: { mediatorNodes: boolean }) {
  return (
    <ul class="ns-net-key" aria-label="Edge key">
      <li>
        <span class="ns-net-key-line" style={{ borderColor: DIRECTION_COLORS.increases }} aria-hidden="true" /> → increases
      </li>
      <li>
        <span class="ns-net-key-line" style={{ borderColor: DIRECTION_COLORS.decreases }} aria-hidden="true" /> ⊣ decreases
      </li>
      <li>
        <span class="ns-net-key-line ns-net-key-dashed" style={{ borderColor: DIRECTION_COLORS.mixed }} aria-hidden="true" /> ◇ mixed
      </li>
      {mediatorNodes ? (
        <li>
          <span class="ns-net-key-line" style={{ borderColor: LEG_IN_COLOR }} aria-hidden="true" /> cell → mediator (secretes / presents)
        </li>
      ) : null}
    </ul>
  );
}

/** Renders the KB interaction network (see the module comment). */
export function NetworkView({ kb }: NetworkViewProps) {
  const [filter, setFilter] = useState<NetworkFilterState>(ALL_FILTER);
  const [selected, setSelected] = useState<string[]>([]);
  const containerRef = useRef<HTMLDivElement>(null);
  const cyRef = useRef<Core | null>(null);
  const vocabulary = useMemo(() => filterVocabulary(kb), [kb]);
  const graph = useMemo(() => buildGraph(kb, filter), [kb, filter]);

  // Create Cytoscape once; taps on edges select their interactions, taps elsewhere clear.
  useEffect(() => {
    const container = containerRef.current!;
    const cy = cytoscape({
      container,
      style: NETWORK_STYLE,
      elements: [],
      boxSelectionEnabled: false,
      minZoom: 0.2,
      maxZoom: 4,
    });
    cy.on('tap', 'edge', (e) => setSelected([...(e.target.data('ids') as string[])]));
    cy.on('tap', (e) => {
      if (e.target === cy || e.target.isNode?.()) setSelected([]);
    });
    const ro = new ResizeObserver(() => cy.resize());
    ro.observe(container);
    cyRef.current = cy;
    return () => {
      ro.disconnect();
      cy.destroy();
      cyRef.current = null;
    };
  }, []);

  // Rebuild the graph when the filter changes; drop selections that are no longer visible.
  useEffect(() => {
    const cy = cyRef.current;
    const container = containerRef.current;
    if (!cy || !container) return;
    cy.batch(() => {
      cy.elements().remove();
      cy.add(graph.elements);
    });
    cy.layout(NETWORK_LAYOUT).run();
    container.dataset.nodes = String(cy.nodes().length);
    container.dataset.edges = String(cy.edges().length);
    setSelected((sel) => {
      const kept = sel.filter((id) => graph.edgesOf.has(id));
      return kept.length === sel.length ? sel : kept;
    });
  }, [graph]);

  // Mirror the selection on the graph's edges.
  useEffect(() => {
    const cy = cyRef.current;
    if (!cy) return;
    cy.batch(() => {
      cy.elements(':selected').unselect();
      for (const id of selected) for (const edgeId of graph.edgesOf.get(id) ?? []) cy.getElementById(edgeId).select();
    });
  }, [selected, graph]);

  const selectedInteractions = useMemo(() => graph.interactions.filter((i) => selected.includes(i.id)), [graph, selected]);
  const mediatorCount = useMemo(() => graph.elements.filter((e) => e.group === 'nodes' && e.data.kind === 'mediator').length, [graph]);

  return (
    <section class="ns-net" aria-label="Interaction network of the knowledge base">
      <NetworkFilters vocabulary={vocabulary} value={filter} onChange={setFilter} />
      <p class="ns-net-summary" role="status">
        {graph.interactions.length} interactions: {graph.nodeCount - mediatorCount} cells
        {filter.mediatorNodes ? `, ${mediatorCount} mediators` : ''}, {graph.edgeCount} edges
      </p>
      <EdgeKey mediatorNodes={filter.mediatorNodes} />
      <div class="ns-net-main">
        <div
          ref={containerRef}
          class="ns-net-graph"
          data-testid="network-graph"
          role="img"
          aria-label={`Network graph of ${graph.interactions.length} interactions; the table below lists them for keyboard and screen-reader use`}
        />
        <EvidencePanel interactions={selectedInteractions} />
      </div>
      {graph.interactions.length === 0 ? <p class="ns-net-muted">No interaction matches these filters.</p> : null}
      <InteractionTable interactions={graph.interactions} selected={selected} onSelect={setSelected} />
    </section>
  );
}
