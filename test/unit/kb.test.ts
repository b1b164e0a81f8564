import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import {
  CELL_KEYS,
  KbError,
  MEDIATOR_KEYS,
  buildNetwork,
  citationLinks,
  citationText,
  filterInteractions,
  isInteraction,
  isTherapy,
  parseKnowledgeBase,
  toCytoscapeJson,
  toGraphML,
  type Interaction,
  type KnowledgeBase,
} from '../../src/kb/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const read = (p: string) => readFileSync(join(root, p), 'utf8');
const files = ['kb/interactions.yaml', 'kb/therapies.yaml'].map((path) => ({ path, text: read(path) }));
const kb: KnowledgeBase = parseKnowledgeBase(files);

const domain = '/work/shared/domain';
const tsvIds = (name: string): string[] => {
  let text: string;
  try {
    text = readFileSync(join(domain, name), 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .slice(1)
    .filter((l) => l.trim())
    .map((l) => l.split('\t')[0]);
};

/** Asserts that `fn` throws a KbError and returns it. */
function kbError(fn: () => unknown): KbError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(KbError);
    return e as KbError;
  }
  throw new Error('expected a KbError');
}

const GOOD_ENTRY = `  - id: I900
    source_cell: MSC
    source: MSC
    mediator: PGE2
    mediator_key: PGE2
    receptor_pathway: EP4
    target_cell: macrophage
    target: macrophage
    effect: test effect.
    direction: increases
    behaviour: M2 polarization
    diseases: [non-malignant]
    evidence_type: in vitro
    references:
      - {pmid: "1", text: Test 2000}
    confidence: high
`;

describe('shipped knowledge base', () => {
  it('loads with enough interactions and all therapies', () => {
    expect(kb.interactions.length).toBeGreaterThanOrEqual(90);
    expect(kb.therapies.length).toBeGreaterThanOrEqual(40);
    expect(kb.byId.size).toBe(kb.interactions.length + kb.therapies.length);
    expect(isInteraction(kb.byId.get('I019')!)).toBe(true);
    expect(isTherapy(kb.byId.get('T001')!)).toBe(true);
  });

  it('contains every id of interactions.tsv and therapies.tsv', () => {
    const ids = tsvIds('interactions.tsv');
    if (ids.length > 0) {
      expect(ids.length).toBe(97);
      for (const id of ids) expect(kb.byId.has(id), id).toBe(true);
    } else {
      for (let n = 1; n <= 97; n++) expect(kb.byId.has(`I${String(n).padStart(3, '0')}`)).toBe(true);
    }
    const therapyRows = tsvIds('therapies.tsv');
    if (therapyRows.length > 0) expect(kb.therapies.length).toBe(therapyRows.length);
    kb.therapies.forEach((t, i) => expect(t.id).toBe(`T${String(i + 1).padStart(3, '0')}`));
  });

  it('gives every entry at least one reference with pmid, doi or text', () => {
    for (const e of [...kb.interactions, ...kb.therapies]) {
      expect(e.references.length, e.id).toBeGreaterThan(0);
      for (const r of e.references) expect(Boolean(r.pmid || r.doi || r.text), e.id).toBe(true);
    }
  });

  it('marks entries with unverified references or notes as low confidence', () => {
    for (const i of kb.interactions) {
      const flagged = i.references.some((r) => /unverified/i.test(r.text)) || /unverified/i.test(i.note ?? '');
      if (flagged) expect(i.confidence, i.id).toBe('low');
    }
    for (const t of kb.therapies) {
      if (t.references.every((r) => /unverified/i.test(r.text))) expect(t.confidence, t.id).toBe('low');
    }
  });

  it('uses only controlled cell and mediator keys', () => {
    for (const i of kb.interactions) {
      expect(CELL_KEYS).toContain(i.source);
      expect(CELL_KEYS).toContain(i.target);
      expect(MEDIATOR_KEYS).toContain(i.mediator_key);
    }
  });

  it('links therapies only to existing interactions', () => {
    for (const t of kb.therapies) {
      for (const id of t.related_interactions) expect(isInteraction(kb.byId.get(id)!), `${t.id}->${id}`).toBe(true);
    }
  });

  it('has structured PK for the baseline drugs', () => {
    const cytarabine = kb.therapies.find((t) => t.agent.startsWith('Cytarabine'))!;
    expect(cytarabine.pk?.css).toMatchObject({ value: 0.3, unit: 'uM' });
    const dauno = kb.therapies.find((t) => t.agent === 'Daunorubicin')!;
    expect(dauno.pk?.half_life).toMatchObject({ value: 18.5, unit: 'h' });
    expect(dauno.pk?.references.length).toBeGreaterThan(0);
  });
});

describe('queries', () => {
  const ids = (list: Interaction[]) => list.map((i) => i.id);

  it('filters by mediator (key or free text, case-insensitive)', () => {
    expect(ids(filterInteractions(kb, { mediator: 'PGE2' }))).toContain('I001');
    expect(ids(filterInteractions(kb, { mediator: 'pge2' }))).toContain('I001');
    expect(ids(filterInteractions(kb, { mediator: 'IFN-gamma' }))).toEqual(expect.arrayContaining(['I020', 'I096']));
  });

  it('filters by disease', () => {
    const cll = filterInteractions(kb, { disease: 'cll' });
    expect(cll.length).toBeGreaterThan(0);
    expect(cll.some((i) => i.source === 'nurse-like cell' || i.target === 'nurse-like cell')).toBe(true);
    expect(cll.every((i) => i.diseases.includes('CLL'))).toBe(true);
  });

  it('filters by cell as source or target', () => {
    const nlc = filterInteractions(kb, { cell: 'Nurse-like cell' });
    expect(ids(nlc)).toEqual(expect.arrayContaining(['I030', 'I031', 'I055']));
    const msc = filterInteractions(kb, { cell: 'MSC' });
    expect(msc.every((i) => i.source === 'MSC' || i.target === 'MSC' || /msc/i.test(i.source_cell + i.target_cell))).toBe(true);
    expect(ids(msc)).toEqual(expect.arrayContaining(['I001', 'I019']));
  });

  it('filters by free text and combines criteria', () => {
    expect(ids(filterInteractions(kb, { text: 'nanotube' }))).toEqual(expect.arrayContaining(['I013', 'I077']));
    const r = filterInteractions(kb, { cell: 'AML blast', mediator: 'CD47', minConfidence: 'high' });
    expect(ids(r)).toEqual([]); // I042 is from LSC, I043 is medium
    expect(ids(filterInteractions(kb, { cell: 'LSC', mediator: 'CD47' }))).toEqual(['I042']);
    expect(filterInteractions(kb).length).toBe(kb.interactions.length);
  });

  it('renders citations as text and links', () => {
    const i001 = kb.byId.get('I001')!;
    expect(citationText(i001)).toBe('Nemeth 2009 Nat Med, PMID 19098906');
    expect(citationLinks(i001)).toEqual([
      { label: 'Nemeth 2009 Nat Med (PMID 19098906)', url: 'https://pubmed.ncbi.nlm.nih.gov/19098906/' },
    ]);
    const i034 = kb.byId.get('I034')!;
    expect(citationLinks(i034)[0].url).toBe('https://doi.org/10.1126/sciadv.adf8522');
    expect(citationText({ references: [{ text: 'A', pmid: '1', doi: '10.1/x' }, { text: 'B' }] })).toBe(
      'A, PMID 1, doi 10.1/x; B',
    );
  });
});

describe('loader errors', () => {
  const file = (body: string) => [{ path: 'bad.yaml', text: `kb: 1\ninteractions:\n${body}` }];

  it('accepts the minimal good entry', () => {
    expect(parseKnowledgeBase(file(GOOD_ENTRY)).interactions).toHaveLength(1);
  });

  it('reports a missing field with line and column', () => {
    const e = kbError(() => parseKnowledgeBase(file(GOOD_ENTRY.replace('    confidence: high\n', ''))));
    expect(e.path).toBe('interactions[0].confidence');
    expect([e.file, e.line, e.column]).toEqual(['bad.yaml', 3, 5]);
    expect(e.message).toBe(
      'bad.yaml:3:5: interactions[0].confidence: missing required field "confidence": expected one of high | medium | low. ' +
        'Add the field to this entry.',
    );
  });

  it('reports a wrong enum value with a suggestion', () => {
    const e = kbError(() => parseKnowledgeBase(file(GOOD_ENTRY.replace('confidence: high', 'confidence: hgh'))));
    expect(e.path).toBe('interactions[0].confidence');
    expect([e.line, e.column]).toEqual([18, 17]);
    expect(e.message).toBe(
      'bad.yaml:18:17: interactions[0].confidence: invalid value "hgh": expected one of high | medium | low. ' +
        'Did you mean "high"?',
    );
  });

  it('reports an unknown key at the key itself', () => {
    const e = kbError(() => parseKnowledgeBase(file(GOOD_ENTRY.replace('    confidence: high\n', '    confidence: high\n    confidance: low\n'))));
    expect(e.path).toBe('interactions[0].confidance');
    expect([e.line, e.column]).toEqual([19, 5]);
    expect(e.message).toMatch(/^bad\.yaml:19:5: interactions\[0\]\.confidance: unknown key "confidance": allowed keys are id, source_cell, /);
    expect(e.message).toMatch(/Did you mean "confidence"\?$/);
  });

  it('reports duplicate ids across files with both locations', () => {
    const a = { path: 'a.yaml', text: `kb: 1\ninteractions:\n${GOOD_ENTRY}` };
    const b = { path: 'b.yaml', text: `kb: 1\ninteractions:\n${GOOD_ENTRY}` };
    const e = kbError(() => parseKnowledgeBase([a, b]));
    expect(e.message).toBe(
      'b.yaml:3:9: interactions[0].id: duplicate id "I900": already defined at a.yaml:3:9. ' +
        'Ids must be unique across all KB files; give this entry an unused id.',
    );
  });

  it('reports a wrong scalar type with a quoting hint', () => {
    const e = kbError(() => parseKnowledgeBase(file(GOOD_ENTRY.replace('{pmid: "1", text', '{pmid: 1, text'))));
    expect(e.message).toBe(
      'bad.yaml:17:16: interactions[0].references[0].pmid: expected a string, got the number 1. Quote it: pmid: "1".',
    );
  });

  it('reports all problems, sorted by position', () => {
    const body = GOOD_ENTRY.replace('direction: increases', 'direction: up').replace('source: MSC', 'source: stem cell');
    const e = kbError(() => parseKnowledgeBase(file(body)));
    expect(e.issues.map((i) => i.path)).toEqual(['interactions[0].source', 'interactions[0].direction']);
    expect(e.message.split('\n')).toHaveLength(2);
  });

  it('rejects files without a KB list, without kb: 1, or with bad YAML', () => {
    expect(kbError(() => parseKnowledgeBase([{ path: 'x.yaml', text: 'kb: 1\nfoo: []\n' }])).message).toBe(
      'x.yaml:1:1: not a KB file: expected a top-level "interactions:" or "therapies:" list (plus "kb: 1"). Add one of these keys.',
    );
    expect(kbError(() => parseKnowledgeBase([{ path: 'x.yaml', text: `interactions:\n${GOOD_ENTRY}` }])).message).toBe(
      'x.yaml:1:1: kb: missing required field "kb": expected 1. Add "kb: 1" at the top of the file.',
    );
    const syntax = kbError(() => parseKnowledgeBase([{ path: 'x.yaml', text: 'kb: 1\ninteractions: [\n' }]));
    expect(syntax.message).toMatch(/^x\.yaml:\d+:\d+: YAML syntax error: /);
  });

  it('rejects therapies that cite unknown interactions', () => {
    const text = `kb: 1
therapies:
  - id: T900
    agent: X
    class: Y
    target: Z
    mechanism: does things.
    diseases: [AML]
    status: preclinical
    references: [{text: Ref 2000}]
    confidence: low
    related_interactions: [I999]
`;
    const e = kbError(() => parseKnowledgeBase([{ path: 't.yaml', text }]));
    expect(e.message).toBe(
      't.yaml:12:28: therapies[0].related_interactions[0]: unknown interaction id "I999": ' +
        'no loaded interaction has this id. Fix the id or add the interaction.',
    );
  });
});

describe('network export', () => {
  it('builds Cytoscape JSON with consistent counts', () => {
    const cy = toCytoscapeJson(kb);
    const { nodes, edges } = cy.elements;
    expect(edges).toHaveLength(kb.interactions.length);
    const nodeIds = new Set(nodes.map((n) => n.data.id));
    expect(nodeIds.size).toBe(nodes.length);
    const used = new Set(edges.flatMap((e) => [e.data.source, e.data.target]));
    expect(used).toEqual(nodeIds);
    expect(new Set(edges.map((e) => e.data.id)).size).toBe(edges.length);
    const degreeSum = nodes.reduce((s, n) => s + n.data.degree, 0);
    expect(degreeSum).toBe(2 * edges.length);
    const e001 = edges.find((e) => e.data.id === 'I001')!.data;
    expect(e001).toMatchObject({ source: 'MSC', target: 'macrophage', label: 'PGE2', sign: 1, ids: ['I001'] });
    expect(nodes.find((n) => n.data.id === 'AML blast')!.data.malignant).toBe(true);
  });

  it('filters, aggregates and adds mediator nodes', () => {
    const cll = toCytoscapeJson(kb, { disease: 'CLL' });
    expect(cll.elements.edges).toHaveLength(filterInteractions(kb, { disease: 'CLL' }).length);
    const agg = buildNetwork(kb, undefined, { aggregate: true });
    expect(agg.edges.reduce((s, e) => s + e.ids.length, 0)).toBe(kb.interactions.length);
    expect(agg.edges.length).toBeLessThan(kb.interactions.length);
    const med = buildNetwork(kb, { mediator: 'PGE2' }, { mediatorNodes: true });
    expect(med.edges).toHaveLength(2 * filterInteractions(kb, { mediator: 'PGE2' }).length);
    expect(med.nodes.some((n) => n.id === 'mediator:PGE2' && n.kind === 'mediator')).toBe(true);
  });

  it('writes well-formed GraphML with key declarations', () => {
    const xml = toGraphML(kb);
    const dom = new JSDOM(xml, { contentType: 'application/xml' });
    const doc = dom.window.document;
    expect(doc.getElementsByTagName('parsererror')).toHaveLength(0);
    expect(doc.documentElement.tagName).toBe('graphml');
    const keys = Array.from(doc.getElementsByTagName('key'));
    expect(keys.length).toBeGreaterThanOrEqual(10);
    const cy = toCytoscapeJson(kb);
    expect(doc.getElementsByTagName('node')).toHaveLength(cy.elements.nodes.length);
    expect(doc.getElementsByTagName('edge')).toHaveLength(cy.elements.edges.length);
    const declared = new Set(keys.map((k) => k.getAttribute('id')));
    for (const d of Array.from(doc.getElementsByTagName('data'))) expect(declared.has(d.getAttribute('key'))).toBe(true);
    expect(xml).toContain('<node id="MSC">');
  });

  it('escapes XML special characters', () => {
    const text = `kb: 1\ninteractions:\n${GOOD_ENTRY.replace('behaviour: M2 polarization', 'behaviour: "a <b> & \\"c\\""')}`;
    const small = parseKnowledgeBase([{ path: 'x.yaml', text }]);
    const xml = toGraphML(small);
    expect(xml).toContain('a &lt;b&gt; &amp; &quot;c&quot;');
    const doc = new JSDOM(xml, { contentType: 'application/xml' }).window.document;
    expect(doc.getElementsByTagName('parsererror')).toHaveLength(0);
    const behaviour = Array.from(doc.getElementsByTagName('data')).find((d) => d.getAttribute('key') === 'e_behaviour');
    expect(behaviour?.textContent).toBe('a <b> & "c"');
  });
});
