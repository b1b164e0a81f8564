/** The evidence of the selected interactions: statement, confidence and cited references. */
import { citationLinks, referenceText } from '../../../../src/kb/query.js';
import type { Interaction } from '../../../../src/kb/types.js';
import { DIRECTION_MARK } from './graph.js';

/** Props of {@link EvidencePanel}. */
export interface EvidencePanelProps {
  /** The selected interactions (empty: a hint is shown). */
  interactions: Interaction[];
}

/** One interaction's evidence card. */
function EvidenceCard({ i }: { i: Interaction }) {
  const links = citationLinks(i);
  const unlinked = i.references.filter((r) => !r.pmid && !r.doi && !r.pmcid);
  return (
    <article class="ns-net-card" data-id={i.id}>
      <h4>
        <span class="ns-net-id">{i.id}</span> {i.source} → {i.target} <span class="ns-net-muted">via {i.mediator_key}</span>
      </h4>
      <p class="ns-net-statement">{i.effect}</p>
      <dl>
        <dt>Effect</dt>
        <dd class={`ns-net-dir-${i.direction}`}>
          {DIRECTION_MARK[i.direction]} {i.behaviour}
        </dd>
        <dt>Confidence</dt>
        <dd>{i.confidence}</dd>
        <dt>Evidence</dt>
        <dd>
          {i.evidence_type}
          {i.evidence_detail ? `: ${i.evidence_detail}` : ''}
        </dd>
        <dt>Diseases</dt>
        <dd>{i.diseases.join(', ')}</dd>
        <dt>Source cell</dt>
        <dd>{i.source_cell}</dd>
        <dt>Mediator</dt>
        <dd>
          {i.mediator}
          {i.receptor_pathway ? ` (${i.receptor_pathway})` : ''}
        </dd>
        <dt>Target cell</dt>
        <dd>{i.target_cell}</dd>
        {i.note ? (
          <>
            <dt>Note</dt>
            <dd>{i.note}</dd>
          </>
        ) : null}
      </dl>
      <h5>References</h5>
      <ul class="ns-net-refs">
        {links.map((l) => (
          <li key={l.url}>
            <a href={l.url} target="_blank" rel="noopener noreferrer">
              {l.label}
            </a>
          </li>
        ))}
        {unlinked.map((r) => (
          <li key={r.text}>{referenceText(r)}</li>
        ))}
      </ul>
    </article>
  );
}

/** Panel listing the evidence of every selected interaction (announced politely on change). */
export function EvidencePanel({ interactions }: EvidencePanelProps) {
  return (
    <section class="ns-net-evidence" data-testid="network-evidence" aria-live="polite" aria-label="Evidence">
      <h3>Evidence</h3>
      {interactions.length === 0 ? (
        <p class="ns-net-muted">Select an edge in the graph or an interaction in the table to see its evidence.</p>
      ) : (
        interactions.map((i) => <EvidenceCard key={i.id} i={i} />)
      )}
    </section>
  );
}
