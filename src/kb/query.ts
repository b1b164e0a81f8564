/**
 * Queries over a loaded knowledge base: filtering interactions and rendering
 * citations as text or links.
 */
import type { Confidence, Direction, Interaction, KbEntry, KnowledgeBase, Reference } from './types.js';

/** Criteria for {@link filterInteractions}; all given criteria must match (AND). */
export interface InteractionFilter {
  /**
   * Cell: matches the normalised `source` or `target` key exactly, or occurs
   * in the free-text `source_cell`/`target_cell` (case-insensitive).
   */
  cell?: string;
  /** Mediator: equals `mediator_key` or occurs in the free-text `mediator` (case-insensitive). */
  mediator?: string;
  /** Disease tag, e.g. "CLL" (case-insensitive, exact tag). */
  disease?: string;
  /** Free text searched in every text field, including references (case-insensitive). */
  text?: string;
  /** Only these directions. */
  direction?: Direction | Direction[];
  /** Minimum confidence (high > medium > low). */
  minConfidence?: Confidence;
  /** Only these ids. */
  ids?: string[];
}

const CONFIDENCE_RANK: Record<Confidence, number> = { low: 0, medium: 1, high: 2 };

/** Numeric rank of a confidence (low 0, medium 1, high 2). */
export function confidenceRank(c: Confidence): number {
  return CONFIDENCE_RANK[c];
}

const lc = (s: string) => s.toLowerCase();

function entryText(i: Interaction): string {
  const refs = i.references.map((r) => [r.text, r.pmid, r.pmcid, r.doi].filter(Boolean).join(' '));
  return lc(
    [
      i.id,
      i.source_cell,
      i.source,
      i.mediator,
      i.mediator_key,
      i.receptor_pathway,
      i.target_cell,
      i.target,
      i.effect,
      i.direction,
      i.behaviour,
      i.diseases.join(' '),
      i.evidence_type,
      i.evidence_detail ?? '',
      i.note ?? '',
      ...refs,
    ].join('\n'),
  );
}

/** Does one interaction satisfy the filter? */
export function matchesInteraction(i: Interaction, filter: InteractionFilter = {}): boolean {
  if (filter.cell !== undefined) {
    const q = lc(filter.cell.trim());
    const ok =
      lc(i.source) === q ||
      lc(i.target) === q ||
      lc(i.source_cell).includes(q) ||
      lc(i.target_cell).includes(q);
    if (!ok) return false;
  }
  if (filter.mediator !== undefined) {
    const q = lc(filter.mediator.trim());
    if (!(lc(i.mediator_key) === q || lc(i.mediator).includes(q))) return false;
  }
  if (filter.disease !== undefined) {
    const q = lc(filter.disease.trim());
    if (!i.diseases.some((d) => lc(d) === q)) return false;
  }
  if (filter.text !== undefined) {
    if (!entryText(i).includes(lc(filter.text.trim()))) return false;
  }
  if (filter.direction !== undefined) {
    const dirs = Array.isArray(filter.direction) ? filter.direction : [filter.direction];
    if (!dirs.includes(i.direction)) return false;
  }
  if (filter.minConfidence !== undefined && CONFIDENCE_RANK[i.confidence] < CONFIDENCE_RANK[filter.minConfidence]) {
    return false;
  }
  if (filter.ids !== undefined && !filter.ids.includes(i.id)) return false;
  return true;
}

/** Interactions of the KB matching the filter (all when the filter is empty), in KB order. */
export function filterInteractions(kb: KnowledgeBase, filter: InteractionFilter = {}): Interaction[] {
  return kb.interactions.filter((i) => matchesInteraction(i, filter));
}

/** One reference as text, e.g. "Nemeth 2009 Nat Med, PMID 19098906". */
export function referenceText(r: Reference): string {
  const parts = [r.text];
  if (r.pmid) parts.push(`PMID ${r.pmid}`);
  if (r.pmcid) parts.push(r.pmcid);
  if (r.doi) parts.push(`doi ${r.doi}`);
  return parts.join(', ');
}

/** All references of an entry as one string, separated by "; ". */
export function citationText(entry: KbEntry | { references: Reference[] }): string {
  return entry.references.map(referenceText).join('; ');
}

/** A clickable citation link. */
export interface CitationLink {
  /** Short label, e.g. "Nemeth 2009 Nat Med (PMID 19098906)". */
  label: string;
  /** PubMed, PMC or doi.org URL. */
  url: string;
}

/**
 * Links for an entry's references: PubMed (`https://pubmed.ncbi.nlm.nih.gov/<pmid>/`),
 * DOI (`https://doi.org/<doi>`) and PMC. References without identifiers give no link.
 */
export function citationLinks(entry: KbEntry | { references: Reference[] }): CitationLink[] {
  const links: CitationLink[] = [];
  for (const r of entry.references) {
    if (r.pmid) links.push({ label: `${r.text} (PMID ${r.pmid})`, url: `https://pubmed.ncbi.nlm.nih.gov/${r.pmid}/` });
    if (r.doi) links.push({ label: `${r.text} (doi ${r.doi})`, url: `https://doi.org/${r.doi}` });
    if (r.pmcid) {
      links.push({ label: `${r.text} (${r.pmcid})`, url: `https://www.ncbi.nlm.nih.gov/pmc/articles/${r.pmcid}/` });
    }
  }
  return links;
}
