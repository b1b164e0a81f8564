/**
 * Every shipped model loads, cites existing knowledge-base entries in every rule, carries a
 * source for every parameter and a range for every estimate, and runs to its end.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkEvidence } from '../../src/compile/evidence.js';
import { loadKnowledgeBase, loadModelFile } from '../../src/io/load.js';
import { simulate } from '../../src/simulate.js';

const kb = loadKnowledgeBase();
const models = readdirSync('models').filter((f) => f.endsWith('.yaml'));

describe.each(models)('models/%s', (file) => {
  const loaded = loadModelFile(join('models', file));
  it('loads without warnings', () => {
    expect(loaded.warnings).toEqual([]);
  });
  it('every rule cites at least one existing knowledge-base entry', () => {
    expect(loaded.model.rules.length).toBeGreaterThan(0);
    for (const r of loaded.model.rules) expect(r.evidence.length).toBeGreaterThan(0);
    expect(checkEvidence(loaded.model, kb, file)).toEqual([]);
  });
  it('every parameter has a source, and every estimate a range that holds its value', () => {
    for (const p of Object.values(loaded.model.parameters)) {
      expect(p.source.length, p.name).toBeGreaterThan(3);
      if (p.estimate) {
        expect(p.range, p.name).not.toBeNull();
        expect(p.value).toBeGreaterThanOrEqual(p.range![0]);
        expect(p.value).toBeLessThanOrEqual(p.range![1]);
      }
    }
  });
  it('runs to its end time with status ok and no negative cell numbers beyond round-off', () => {
    const r = simulate(loaded.model);
    expect(r.status).toBe('ok');
    for (const c of r.columns.filter((c) => c.kind === 'cells')) for (const v of r.series[c.name]) expect(v).toBeGreaterThan(-1e-6);
  });
});

describe('the evidence check itself', () => {
  it('reports a rule citing an unknown id, at the rule', () => {
    const loaded = loadModelFile('models/aml-niche.yaml');
    const model = structuredClone(loaded.model);
    model.rules[0].evidence = ['I999'];
    const problems = checkEvidence(model, kb, 'models/aml-niche.yaml');
    expect(problems).toHaveLength(1);
    expect(problems[0].message).toBe("unknown evidence id 'I999'");
    expect(problems[0].line).toBe(loaded.model.rules[0].line);
  });
  it('reports a rule citing nothing', () => {
    const model = structuredClone(loadModelFile('models/aml-niche.yaml').model);
    model.rules[3].evidence = [];
    expect(checkEvidence(model, kb, 'x.yaml').map((p) => p.message)).toEqual(['the rule cites no evidence']);
  });
});
