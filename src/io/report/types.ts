/** Input types of the report builder (kept apart so that the builder's modules share them without cycles). */
import type { SimulationResult } from '../../results/result.js';

/** One model rule in words, with the knowledge-base evidence that supports it. */
export interface ReportRule {
  /** The rule as an English sentence, e.g. "M2 macrophages secrete IL-10." */
  sentence: string;
  /** The cell type the rule belongs to (used for grouping). */
  cellType: string;
  /** KB entries: id, formatted citation and links (PubMed, DOI, ...). */
  evidence: Array<{ id: string; citation: string; links: Array<{ label: string; url: string }> }>;
}

/** The interaction network: cell types / mediators as nodes, signed interactions as edges. */
export interface ReportNetwork {
  nodes: Array<{ id: string; label: string; group?: string }>;
  /** sign: 1 increases, -1 decreases, 0 mixed; label names the mediator (e.g. "IL-6"). */
  edges: Array<{ id: string; source: string; target: string; label: string; sign: 1 | -1 | 0; evidenceIds: string[] }>;
}

/** Everything the report shows. */
export interface ReportInput {
  /** e.g. "AML niche (default scenario)". */
  title: string;
  /** Model description, plain text (blank lines separate paragraphs). */
  description?: string;
  result: SimulationResult;
  /** Endpoints, e.g. {"blasts at day 180": 1.2e5, "M2 fraction at day 180": 0.71}. */
  summary: Record<string, number | string>;
  rules: ReportRule[];
  network: ReportNetwork;
  warnings?: string[];
  /**
   * Animation of the spatial engine's snapshots, shown in the "Space" section: the GIF as base64
   * (no data-URI prefix) and a caption explaining what it shows (see `reportAnimation` in
   * `src/io/spatial`). Omitted for non-spatial runs, which then have no "Space" section.
   */
  animation?: { gifBase64: string; caption: string };
}
