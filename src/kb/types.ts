/**
 * Types and controlled vocabularies of the nichesim knowledge base (KB).
 *
 * The KB is a cited fact base of cell–cell interactions and therapies of the
 * bone-marrow tumour microenvironment. It is written as YAML (`kb/*.yaml`),
 * validated with the zod schemas in `schema.ts` and loaded with
 * `parseKnowledgeBase` from `load.ts`. This module has no runtime dependencies
 * and works in Node and in browser workers.
 */

/** Current KB file-format version; every KB file must carry `kb: 1`. */
export const KB_FORMAT_VERSION = 1 as const;

/**
 * Normalised cell (node) keys. Models cite these in rules, filters match them,
 * and the interaction network uses them as node ids.
 *
 * A few keys are not cells but are needed as interaction endpoints:
 * `chemotherapy` (a drug-induced stress acting on stroma), `ECM` (matrix
 * deposited in fibrosis), `extracellular` (the soluble pool of a factor, e.g.
 * CSF-1 cleared by macrophages or given as a recombinant protein) and
 * `microenvironment` (the source is the malignant niche as a whole and is not
 * resolved to a cell type).
 */
export const CELL_KEYS = [
  // stroma
  'MSC',
  'CAF',
  'osteoblast',
  'adipocyte',
  'fibrocyte',
  'endothelial cell',
  // myeloid / immune
  'monocyte',
  'macrophage',
  'M1',
  'M2',
  'TAM',
  'nurse-like cell',
  'MDSC',
  'T cell',
  'Treg',
  // normal haematopoiesis
  'HSPC',
  'erythroblast',
  'megakaryocyte',
  // malignant
  'AML blast',
  'LSC',
  'ALL blast',
  'CLL cell',
  'CML cell',
  'myeloma cell',
  'lymphoma cell',
  'HRS cell',
  'MDS clone',
  'MPN clone',
  'tumour cell',
  // non-cell endpoints
  'chemotherapy',
  'ECM',
  'extracellular',
  'microenvironment',
] as const;

/** A normalised cell (node) key; see {@link CELL_KEYS}. */
export type CellKey = (typeof CELL_KEYS)[number];

/** Cell keys that denote malignant cells (useful to split pro/anti-tumour loops). */
export const MALIGNANT_CELL_KEYS: readonly CellKey[] = [
  'AML blast',
  'LSC',
  'ALL blast',
  'CLL cell',
  'CML cell',
  'myeloma cell',
  'lymphoma cell',
  'HRS cell',
  'MDS clone',
  'MPN clone',
  'tumour cell',
];

/** Cell keys that denote monocyte/macrophage states (the myeloid compartment). */
export const MACROPHAGE_FAMILY_KEYS: readonly CellKey[] = [
  'monocyte',
  'macrophage',
  'M1',
  'M2',
  'TAM',
  'nurse-like cell',
];

/**
 * Normalised mediator keys: the signal an interaction travels by. Soluble
 * factors, surface ligands and three non-soluble channels: `contact` (adhesion
 * or unresolved contact-dependent signals), `exosomes` (extracellular vesicles
 * and their cargo) and `mitochondria` (organelle transfer). `unresolved` marks
 * associations whose mediator is unknown.
 */
export const MEDIATOR_KEYS = [
  'PGE2',
  'TSG-6',
  'IL-6',
  'IL-10',
  'IDO',
  'TNF',
  'IFN-gamma',
  'IL-1beta',
  'IL-4',
  'IL-8',
  'CCL2',
  'CCL3',
  'CCL4',
  'CXCL12',
  'CSF-1',
  'TGF-beta',
  'OSM',
  'BAFF',
  'HGF',
  'GDF15',
  'galectin-3',
  'ARG2',
  'MIF',
  'CD47',
  'calreticulin',
  'sCD14',
  'S100A8/A9',
  'VEGF',
  'VLA-4',
  'ROS',
  'STING',
  'ECM',
  'mitochondria',
  'contact',
  'exosomes',
  'efferocytosis',
  'unresolved',
] as const;

/** A normalised mediator key; see {@link MEDIATOR_KEYS}. */
export type MediatorKey = (typeof MEDIATOR_KEYS)[number];

/** Disease tags used by interactions (and therapies). */
export const DISEASES = [
  'AML',
  'MDS',
  'CML',
  'ALL',
  'CLL',
  'MM',
  'lymphoma',
  'MPN',
  'non-malignant',
] as const;

/** A disease tag; see {@link DISEASES}. */
export type Disease = (typeof DISEASES)[number];

/** Disease tags allowed on therapies: the interaction tags plus `solid tumour`. */
export const THERAPY_DISEASES = [...DISEASES, 'solid tumour'] as const;

/** A therapy disease tag; see {@link THERAPY_DISEASES}. */
export type TherapyDisease = (typeof THERAPY_DISEASES)[number];

/** Sign of an interaction's effect on its `behaviour`. */
export const DIRECTIONS = ['increases', 'decreases', 'mixed'] as const;

/** `increases` (+), `decreases` (−) or `mixed` (context-dependent or opposite effects). */
export type Direction = (typeof DIRECTIONS)[number];

/** Kind of evidence behind an interaction (its strongest or most relevant line). */
export const EVIDENCE_TYPES = [
  'in vitro',
  'mouse',
  'human',
  'mouse + in vitro',
  'clinical',
  'review',
  'model',
] as const;

/** Evidence category; see {@link EVIDENCE_TYPES}. */
export type EvidenceType = (typeof EVIDENCE_TYPES)[number];

/** Confidence in an entry. Entries whose source was not verified are `low`. */
export const CONFIDENCES = ['high', 'medium', 'low'] as const;

/** Confidence level; see {@link CONFIDENCES}. */
export type Confidence = (typeof CONFIDENCES)[number];

/** A literature reference. At least `text` is given; `pmid`, `pmcid`, `doi` when known. */
export interface Reference {
  /** PubMed id, digits only, e.g. "19098906". */
  pmid?: string;
  /** PubMed Central id, e.g. "PMC3255583". */
  pmcid?: string;
  /** DOI without the resolver prefix, e.g. "10.1182/blood-2018-03-838946". */
  doi?: string;
  /** Short human-readable citation, e.g. "Nemeth 2009 Nat Med". */
  text: string;
}

/** A cited, directed interaction between two cell types (an edge of the niche network). */
export interface Interaction {
  /** Stable id `I` + three digits (I001…); models cite it. */
  id: string;
  /** Free-text source cell (with state/context). */
  source_cell: string;
  /** Normalised source cell key. */
  source: CellKey;
  /** Free-text mediator. */
  mediator: string;
  /** Normalised mediator key. */
  mediator_key: MediatorKey;
  /** Receptor or pathway on the target (free text). */
  receptor_pathway: string;
  /** Free-text target cell. */
  target_cell: string;
  /** Normalised target cell key. */
  target: CellKey;
  /** Short sentence describing the effect. */
  effect: string;
  /** Sign of the change of `behaviour` in the target. */
  direction: Direction;
  /** Short tag of what changes, e.g. "M2 polarization", "phagocytosis". */
  behaviour: string;
  /** Disease tags where the interaction was shown (non-malignant = other models). */
  diseases: Disease[];
  /** Evidence category. */
  evidence_type: EvidenceType;
  /** Optional detail of the evidence (systems, cohort sizes). */
  evidence_detail?: string;
  /** Supporting references (at least one). */
  references: Reference[];
  /** Confidence in the interaction. */
  confidence: Confidence;
  /** Optional remark (caveats, reversal experiments, modelling hints). */
  note?: string;
}

/** One pharmacokinetic quantity: a point value and/or a range, with unit. */
export interface PkValue {
  /** Point estimate (median/mean/typical). */
  value?: number;
  /** Reported range [low, high]. */
  range?: [number, number];
  /** Unit, e.g. "h", "d", "min", "uM", "ng/mL", "ug/mL". */
  unit: string;
  /** Context (dose, population, regimen). */
  note?: string;
  /** True when the number was not confirmed from a primary source. */
  unverified?: boolean;
}

/** Structured pharmacokinetics of a therapy (all fields optional). */
export interface Pk {
  /** Usual dose / schedule (free text). */
  dose?: string;
  /** Elimination (terminal) half-life. */
  half_life?: PkValue;
  /** Peak concentration (steady state unless noted). */
  cmax?: PkValue;
  /** Steady-state concentration under continuous infusion. */
  css?: PkValue;
  /** Trough concentration at steady state. */
  trough?: PkValue;
  /** Time to peak. */
  tmax?: PkValue;
  /** Effective in-vitro concentration (IC50/EC50) where no clinical PK exists. */
  potency?: PkValue;
  /** Further PK or efficacy numbers in words. */
  other?: string;
  /** Sources of the PK numbers. */
  references: Reference[];
}

/** A therapy or tool compound with its niche-relevant mechanism and PK. */
export interface Therapy {
  /** Stable id `T` + three digits (T001…). */
  id: string;
  /** Agent name(s). */
  agent: string;
  /** Drug class. */
  class: string;
  /** Molecular or cellular target. */
  target: string;
  /** Mechanism in the niche (own words). */
  mechanism: string;
  /** Disease tags. */
  diseases: TherapyDisease[];
  /** Development/approval status and clinical notes. */
  status: string;
  /** Structured PK, where numbers exist. */
  pk?: Pk;
  /** Supporting references (at least one). */
  references: Reference[];
  /** Confidence in the entry. */
  confidence: Confidence;
  /** Interaction ids this therapy acts on. */
  related_interactions: string[];
  /** Optional remark. */
  note?: string;
}

/** Any KB entry. */
export type KbEntry = Interaction | Therapy;

/** The loaded knowledge base. */
export interface KnowledgeBase {
  /** All interactions, in file order. */
  interactions: Interaction[];
  /** All therapies, in file order. */
  therapies: Therapy[];
  /** Every entry by id (ids are unique across the KB). */
  byId: Map<string, Interaction | Therapy>;
}

/** Type guard: is this KB entry an interaction? */
export function isInteraction(entry: KbEntry): entry is Interaction {
  return 'source' in entry && 'target' in entry && 'mediator_key' in entry;
}

/** Type guard: is this KB entry a therapy? */
export function isTherapy(entry: KbEntry): entry is Therapy {
  return 'agent' in entry && 'mechanism' in entry;
}
