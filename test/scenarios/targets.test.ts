/**
 * Literature targets: every shipped target passes (at least 15), each can fail, and removing the
 * mechanism a target rests on makes it fail.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkTargets, defaultTargetFiles } from '../../src/io/scenarios/index.js';
import type { Model, Rule } from '../../src/model/model.js';
import type { TargetOutcome } from '../../src/scenarios/index.js';

const files = defaultTargetFiles('targets');
const target = (id: string) => join('targets', `${id.replace(/_/g, '-')}.yaml`);

describe('the shipped literature targets', () => {
  const outcomes = checkTargets(files);
  it('there are at least 15, with distinct ids, each with a citation and a mechanism', () => {
    expect(outcomes.length).toBeGreaterThanOrEqual(15);
    expect(new Set(outcomes.map((o) => o.id)).size).toBe(outcomes.length);
    for (const o of outcomes) {
      expect(o.references.length, o.id).toBeGreaterThan(0);
      expect(o.mechanism.length, o.id).toBeGreaterThan(20);
    }
    expect(outcomes.filter((o) => o.kind === 'value').length).toBeGreaterThanOrEqual(5);
    expect(outcomes.filter((o) => o.kind === 'direction').length).toBeGreaterThanOrEqual(10);
  });
  it('all pass, with their measured values', () => {
    const failed = outcomes.filter((o) => !o.pass).map((o) => `${o.id}: ${o.error ?? o.measuredText} (expected ${o.expected})`);
    expect(failed).toEqual([]);
    for (const o of outcomes) expect(Number.isFinite(o.measured), o.id).toBe(true);
  });
  it('target file names follow their ids', () => {
    for (const o of outcomes) expect(o.file.endsWith(target(o.id)), o.id).toBe(true);
  });
});

/** A model mutation that removes the rules matching a predicate. */
const withoutRules = (pred: (r: Rule) => boolean) => (m: Model) => ({ ...m, rules: m.rules.filter((r) => !pred(r)) });
const substrateSignal = (r: Rule, s: string) => r.signal.kind === 'substrate' && r.signal.substrate === s;
const failures = (ids: string[], mutate: (m: Model) => Model): TargetOutcome[] => checkTargets(ids.map(target), { mutate });

describe('a target fails when its mechanism is removed', () => {
  it('without stromal protection rules, stromal protection no longer raises the surviving fraction', () => {
    const [o] = failures(['stromal_protection_cytarabine'], withoutRules((r) => r.cellType === 'AML_blast' && r.behaviour.kind === 'apoptosis' && r.direction === 'decreases' && (substrateSignal(r, 'CXCL12') || r.signalText === 'contact with MSC')));
    expect(o.pass).toBe(false);
    expect(o.relativeChange).toBeCloseTo(0, 6);
  });
  it('without the pexidartinib rules, CSF1R inhibition no longer lowers TAMs', () => {
    const [o] = failures(['csf1ri_lowers_tams'], withoutRules((r) => substrateSignal(r, 'pexidartinib')));
    expect(o.pass).toBe(false);
  });
  it('without macrophage phagocytosis of live blasts, anti-CD47 no longer lowers burden and depleting macrophages no longer raises it', () => {
    const noLivePhagocytosis = (m: Model): Model => {
      const out = withoutRules((r) => r.behaviour.kind === 'phagocytose')(m);
      return { ...out, cellTypes: out.cellTypes.map((c) => ({ ...c, phagocytosis: { ...c.phagocytosis, live: {} } })) };
    };
    const os = failures(['anti_cd47_lowers_burden', 'clodronate_raises_aml_burden'], noLivePhagocytosis);
    expect(os.map((o) => [o.id, o.pass])).toEqual([
      ['anti_cd47_lowers_burden', false],
      ['clodronate_raises_aml_burden', false],
    ]);
  });
  it('without plasma PK, the cytarabine steady state is out of range', () => {
    const [o] = failures(['cytarabine_css'], (m) => ({ ...m, pharmacokinetics: [] }));
    expect(o.pass).toBe(false);
    expect(o.measured).toBe(0);
  });
  it('without the rules that PGE2 drives (IL-10 secretion, M2 polarisation), MSC no longer raise macrophage IL-10', () => {
    const [o] = failures(['msc_raise_il10'], withoutRules((r) => substrateSignal(r, 'PGE2')));
    expect(o.pass).toBe(false);
  });
  it('without arginase-2 education, the M2 fraction of AML falls to near the healthy level', () => {
    const [o] = failures(['m2_fraction_aml_vs_healthy'], withoutRules((r) => substrateSignal(r, 'ARG2')));
    expect(o.pass).toBe(false);
  });
});
