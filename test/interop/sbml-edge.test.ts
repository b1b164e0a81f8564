/**
 * Edge cases that broke peer simulators (issue 5, item 6) and the importer's error messages.
 * Self-contained: the models are written here, no fixtures needed.
 */
import { describe, expect, it } from 'vitest';
import { readSbml } from '../../src/interop/sbml/document.js';
import { SbmlError } from '../../src/interop/sbml/errors.js';
import { SbmlSystem } from '../../src/interop/sbml/executable.js';
import { SbmlSimulation } from '../../src/interop/sbml/simulator.js';
import { simulateSbml, uniformGrid } from '../../src/interop/sbml/timecourse.js';

const L3 = 'xmlns="http://www.sbml.org/sbml/level3/version2/core" level="3" version="2"';
const MATH = 'xmlns="http://www.w3.org/1998/Math/MathML"';
const TIME = '<csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/time"> time </csymbol>';

/** dS/dt = -k S (rate rule), S(0) = 1, plus extra parameters/events/initial assignments. */
function decayModel(extra: { params?: string; events?: string; ias?: string; header?: string } = {}): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<sbml ${extra.header ?? L3}>
  <model id="decay">
    <listOfParameters>
      <parameter id="S" value="1" constant="false"/>
      <parameter id="k" value="0.5" constant="true"/>
      ${extra.params ?? ''}
    </listOfParameters>
    ${extra.ias ? `<listOfInitialAssignments>${extra.ias}</listOfInitialAssignments>` : ''}
    <listOfRules>
      <rateRule variable="S"><math ${MATH}><apply><times/><cn>-1</cn><ci>k</ci><ci>S</ci></apply></math></rateRule>
    </listOfRules>
    ${extra.events ? `<listOfEvents>${extra.events}</listOfEvents>` : ''}
  </model>
</sbml>`;
}

function event(id: string, trigger: string, assignments: Array<[string, string]>, attrs = 'initialValue="false" persistent="true"', delay = ''): string {
  return `<event id="${id}" useValuesFromTriggerTime="true">
    <trigger ${attrs}><math ${MATH}>${trigger}</math></trigger>${delay}
    <listOfEventAssignments>${assignments.map(([v, m]) => `<eventAssignment variable="${v}"><math ${MATH}>${m}</math></eventAssignment>`).join('')}</listOfEventAssignments>
  </event>`;
}

function series(tc: ReturnType<typeof simulateSbml>, id: string): Float64Array {
  const j = tc.variables.findIndex((v) => v.id === id);
  return tc.values[j];
}

describe('SBML edge cases', () => {
  it('an event whose trigger is true at t0 (time >= 0) fires at t0 when initialValue is false, not when true', () => {
    const xml = decayModel({
      params: '<parameter id="fired" value="0" constant="false"/><parameter id="notFired" value="0" constant="false"/>',
      events:
        event('atStart', `<apply><geq/>${TIME}<cn>0</cn></apply>`, [['fired', '<cn>1</cn>'], ['S', '<cn>2</cn>']], 'initialValue="false" persistent="true"') +
        event('never', `<apply><geq/>${TIME}<cn>0</cn></apply>`, [['notFired', '<cn>1</cn>']], 'initialValue="true" persistent="true"'),
    });
    const tc = simulateSbml(xml, { times: uniformGrid(0, 2, 4), variables: ['S', 'fired', 'notFired'] });
    expect(tc.status).toBe('ok');
    // The state reported at t0 is the state after the events at t0.
    expect(series(tc, 'fired')[0]).toBe(1);
    expect(series(tc, 'S')[0]).toBe(2);
    expect(series(tc, 'notFired').every((x) => x === 0)).toBe(true);
    for (let k = 0; k < tc.times.length; k++) expect(series(tc, 'S')[k]).toBeCloseTo(2 * Math.exp(-0.5 * tc.times[k]), 7);
    // In SBML Level 2 a trigger true at t0 never fires (no initialValue attribute).
    const l2 = xml
      .replace(L3, 'xmlns="http://www.sbml.org/sbml/level2/version4" level="2" version="4"')
      .replace(/ initialValue="(true|false)" persistent="true"/g, '');
    const tc2 = simulateSbml(l2, { times: uniformGrid(0, 2, 4), variables: ['S', 'fired'] });
    expect(series(tc2, 'fired').every((x) => x === 0)).toBe(true);
    expect(series(tc2, 'S')[0]).toBe(1);
  });

  it('a trigger reads a parameter changed before the run (initial assignment, or an override)', () => {
    const xml = decayModel({
      params:
        '<parameter id="threshold" value="0.5" constant="false"/><parameter id="level" value="0.5" constant="true"/>' +
        '<parameter id="tFire" value="-1" constant="false"/>',
      // threshold is reassigned from `level` before the run; the trigger reads threshold.
      ias: `<initialAssignment symbol="threshold"><math ${MATH}><ci>level</ci></math></initialAssignment>`,
      events: event('cross', '<apply><lt/><ci>S</ci><ci>threshold</ci></apply>', [['tFire', TIME]], 'initialValue="true" persistent="true"'),
    });
    const times = uniformGrid(0, 10, 10);
    const base = simulateSbml(xml, { times, variables: ['tFire'] });
    expect(series(base, 'tFire')[10]).toBeCloseTo(Math.log(2) / 0.5, 7);
    // Changing `level` before the run moves the crossing: S < 0.25 at t = ln 4 / k.
    const moved = simulateSbml(xml, { times, variables: ['tFire', 'threshold'], parameters: { level: 0.25 } });
    expect(series(moved, 'threshold')[0]).toBe(0.25);
    expect(series(moved, 'tFire')[10]).toBeCloseTo(Math.log(4) / 0.5, 7);
    // Overriding the trigger's parameter directly wins over its initial assignment.
    const direct = simulateSbml(xml, { times, variables: ['tFire'], parameters: { threshold: 0.125 } });
    expect(series(direct, 'tFire')[10]).toBeCloseTo(Math.log(8) / 0.5, 7);
    // An override that makes the trigger true at t0: initialValue="true" means it does not fire at t0,
    // and it never becomes false -> true afterwards.
    const atStart = simulateSbml(xml, { times, variables: ['tFire'], parameters: { threshold: 2 } });
    expect(series(atStart, 'tFire')[10]).toBe(-1);
  });

  it('grids of 300 and 301 points: exact end time, the right number of rows, identical values at shared times', () => {
    const xml = decayModel();
    const g300 = uniformGrid(0, 10, 299);
    const g301 = uniformGrid(0, 10, 300);
    expect(g300.length).toBe(300);
    expect(g301.length).toBe(301);
    expect(g300[299]).toBe(10);
    expect(g301[300]).toBe(10);
    const a = simulateSbml(xml, { times: g300, variables: ['S'] });
    const b = simulateSbml(xml, { times: g301, variables: ['S'] });
    expect(a.values[0].length).toBe(300);
    expect(b.values[0].length).toBe(301);
    for (const tc of [a, b]) {
      tc.times.forEach((t, k) => expect(Math.abs(tc.values[0][k] - Math.exp(-0.5 * t))).toBeLessThan(1e-7 * Math.exp(-0.5 * t)));
    }
    // Steps do not depend on the output grid: the value at t = 10 is bit-identical.
    expect(Object.is(a.values[0][299], b.values[0][300])).toBe(true);
  });

  it('stepping in chunks gives bit-identical values to one call, events included', () => {
    const xml = decayModel({
      params: '<parameter id="resets" value="0" constant="false"/>',
      events:
        event('refill', '<apply><lt/><ci>S</ci><cn>0.3</cn></apply>', [['S', '<cn>1</cn>'], ['resets', '<apply><plus/><ci>resets</ci><cn>1</cn></apply>']], 'initialValue="true" persistent="true"') +
        event('kick', `<apply><gt/>${TIME}<cn>3.3</cn></apply>`, [['k', '<cn>0.8</cn>']], 'initialValue="true" persistent="true"', `<delay><math ${MATH}><cn>0.25</cn></math></delay>`),
    });
    const doc = readSbml(xml.replace('<parameter id="k" value="0.5" constant="true"/>', '<parameter id="k" value="0.5" constant="false"/>'));
    const run = (outputs: number[]) => {
      const sys = new SbmlSystem(doc);
      const sim = new SbmlSimulation(sys, 0, { hmax: 0.5 });
      const out = new Map<number, [number, number]>();
      for (const t of outputs) {
        expect(sim.advanceTo(t)).toBe('ok');
        out.set(t, [sys.value('S'), sys.value('resets')]);
      }
      return out;
    };
    const one = run([20]);
    const grid = run(Array.from({ length: 201 }, (_, i) => i / 10));
    const chunks = run([1.7, 3.55, 3.55, 7, 12.25, 20]);
    expect(one.get(20)![1]).toBeGreaterThan(2);
    expect(Object.is(one.get(20)![0], grid.get(20)![0])).toBe(true);
    expect(Object.is(one.get(20)![0], chunks.get(20)![0])).toBe(true);
    expect(one.get(20)![1]).toBe(chunks.get(20)![1]);
    expect(Object.is(grid.get(7)![0], chunks.get(7)![0])).toBe(true);
    expect(grid.get(7)![1]).toBe(chunks.get(7)![1]);
  });

  it('a 2.5e-14 L compartment with concentration species: tolerances do not swallow the dynamics', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<sbml ${L3}>
  <model id="tiny" substanceUnits="mole" timeUnits="second" volumeUnits="litre" extentUnits="mole">
    <listOfCompartments><compartment id="cell" spatialDimensions="3" size="2.5e-14" constant="true"/></listOfCompartments>
    <listOfSpecies>
      <species id="A" compartment="cell" initialConcentration="1e-3" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>
      <species id="B" compartment="cell" initialConcentration="0" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>
    </listOfSpecies>
    <listOfParameters><parameter id="k" value="0.7" constant="true"/></listOfParameters>
    <listOfReactions>
      <reaction id="conv" reversible="false">
        <listOfReactants><speciesReference species="A" stoichiometry="1" constant="true"/></listOfReactants>
        <listOfProducts><speciesReference species="B" stoichiometry="1" constant="true"/></listOfProducts>
        <kineticLaw><math ${MATH}><apply><times/><ci>k</ci><ci>A</ci><ci>cell</ci></apply></math></kineticLaw>
      </reaction>
    </listOfReactions>
  </model>
</sbml>`;
    const times = uniformGrid(0, 10, 100);
    const tc = simulateSbml(xml, { times, variables: [{ id: 'A', mode: 'concentration' }, { id: 'B', mode: 'concentration' }, { id: 'A', mode: 'amount' }] });
    expect(tc.status).toBe('ok');
    times.forEach((t, k) => {
      const a = 1e-3 * Math.exp(-0.7 * t);
      expect(Math.abs(tc.values[0][k] - a) / a).toBeLessThan(1e-6);
      expect(Math.abs(tc.values[1][k] - (1e-3 - a))).toBeLessThan(1e-6 * 1e-3);
      expect(Math.abs(tc.values[2][k] - a * 2.5e-14) / (a * 2.5e-14)).toBeLessThan(1e-6);
    });
  });
});

describe('SBML Levels and Versions', () => {
  it('reads the same model in Level 2 Versions 1-5 and Level 3 Versions 1-2 alike', () => {
    const l3v2 = decayModel({ params: '<parameter id="hit" value="0" constant="false"/>', events: event('e', `<apply><gt/>${TIME}<cn>1.5</cn></apply>`, [['S', '<cn>1</cn>'], ['hit', '<cn>1</cn>']], 'initialValue="true" persistent="true"') });
    const headers: Record<string, string> = {
      l2v1: 'xmlns="http://www.sbml.org/sbml/level2" level="2" version="1"',
      l2v2: 'xmlns="http://www.sbml.org/sbml/level2/version2" level="2" version="2"',
      l2v3: 'xmlns="http://www.sbml.org/sbml/level2/version3" level="2" version="3"',
      l2v4: 'xmlns="http://www.sbml.org/sbml/level2/version4" level="2" version="4"',
      l2v5: 'xmlns="http://www.sbml.org/sbml/level2/version5" level="2" version="5"',
      l3v1: 'xmlns="http://www.sbml.org/sbml/level3/version1/core" level="3" version="1"',
      l3v2: L3,
    };
    const times = uniformGrid(0, 3, 6);
    const ref = simulateSbml(l3v2, { times, variables: ['S', 'hit'] });
    for (const [lv, header] of Object.entries(headers)) {
      let text = l3v2.replace(L3, header);
      if (lv.startsWith('l2')) text = text.replace(/ initialValue="true" persistent="true"/g, '');
      const doc = readSbml(text);
      expect(`${lv}: L${doc.level}V${doc.version}`).toBe(`${lv}: L${lv[1]}V${lv[3]}`);
      const tc = simulateSbml(doc, { times, variables: ['S', 'hit'] });
      expect(Array.from(tc.values[0]), lv).toEqual(Array.from(ref.values[0]));
      expect(Array.from(tc.values[1]), lv).toEqual(Array.from(ref.values[1]));
    }
    expect(ref.values[1][6]).toBe(1);
  });
});

describe('SBML DAE and delay features', () => {
  it('solves an algebraic rule for the variable it determines', () => {
    // S decays; T is set by 0 = S + T − 2 (so T = 2 − S).
    const xml = decayModel({ params: '<parameter id="T" value="0" constant="false"/>' }).replace(
      '</listOfRules>',
      `  <algebraicRule><math ${MATH}><apply><minus/><apply><plus/><ci>S</ci><ci>T</ci></apply><cn>2</cn></apply></math></algebraicRule>\n    </listOfRules>`,
    );
    const tc = simulateSbml(xml, { times: uniformGrid(0, 4, 8), variables: ['S', 'T'] });
    expect(tc.status).toBe('ok');
    tc.times.forEach((t, k) => expect(tc.values[1][k]).toBeCloseTo(2 - Math.exp(-0.5 * t), 7));
  });

  it('evaluates delay(x, d) on the recorded past, and on the initial values before t0', () => {
    // y = delay(S, 1): exp(−0.5 (t − 1)) after t = 1, S(0) = 1 before.
    const xml = decayModel({ params: '<parameter id="y" constant="false"/>' }).replace(
      '</listOfRules>',
      `  <assignmentRule variable="y"><math ${MATH}><apply><csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/delay">delay</csymbol><ci>S</ci><cn>1</cn></apply></math></assignmentRule>\n    </listOfRules>`,
    );
    const tc = simulateSbml(xml, { times: uniformGrid(0, 5, 10), variables: ['y'] });
    expect(tc.status).toBe('ok');
    tc.times.forEach((t, k) => expect(tc.values[0][k]).toBeCloseTo(t < 1 ? 1 : Math.exp(-0.5 * (t - 1)), 7));
  });
});

describe('SBML import errors', () => {
  const catchErr = (f: () => unknown): SbmlError => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(SbmlError);
      return e as SbmlError;
    }
    throw new Error('expected an SbmlError');
  };

  it('says "this is not SBML" for other XML', () => {
    const e = catchErr(() => readSbml('<?xml version="1.0"?>\n<html><body><p>hello</p></body></html>'));
    expect(e.kind).toBe('not-sbml');
    expect(e.message).toMatch(/this is not SBML/);
    expect(e.message).toMatch(/<html>/);
  });

  it('names the line and column of malformed XML', () => {
    const text = `<?xml version="1.0"?>\n<sbml ${L3}>\n  <model id="m">\n    <listOfParameters>\n  </model>\n</sbml>`;
    const e = catchErr(() => readSbml(text));
    expect(e.kind).toBe('xml');
    expect(e.message).toMatch(/malformed XML/);
    // The parser reports the unclosed <listOfParameters> (line 4) that </model> (line 5) does not match.
    expect(e.line).toBe(4);
    expect(e.column).toBeGreaterThan(0);
    expect(e.message).toMatch(/line 4, column \d+: malformed XML: .*listOfParameters.*model/);
    const yaml = catchErr(() => readSbml('nichesim: 1\nname: not xml'));
    expect(yaml.kind).toBe('not-sbml');
    expect(yaml.message).toMatch(/this is not SBML \(not even XML\)/);
  });

  it('rejects unsupported constructs with the element and its line', () => {
    // rateOf of a quantity set by an assignment rule.
    const rateOfAssigned = decayModel({ params: '<parameter id="twice" constant="false"/><parameter id="r" constant="false"/>' }).replace(
      '</listOfRules>',
      `  <assignmentRule variable="twice"><math ${MATH}><apply><times/><cn>2</cn><ci>S</ci></apply></math></assignmentRule>
      <assignmentRule variable="r"><math ${MATH}><apply><csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/rateOf">rateOf</csymbol><ci>twice</ci></apply></math></assignmentRule>
    </listOfRules>`,
    );
    const e1 = catchErr(() => simulateSbml(rateOfAssigned, { times: [0, 1] }));
    expect(e1.kind).toBe('unsupported');
    expect(e1.message).toMatch(/line \d+, column \d+, <apply>: rateOf\('twice'\) of a variable set by an assignment rule is not supported/);

    // An algebraic rule with nothing left to determine.
    const overdetermined = decayModel().replace('</listOfRules>', `  <algebraicRule><math ${MATH}><apply><minus/><ci>k</ci><cn>0.5</cn></apply></math></algebraicRule>\n    </listOfRules>`);
    const e1b = catchErr(() => simulateSbml(overdetermined, { times: [0, 1] }));
    expect(e1b.kind).toBe('invalid');
    expect(e1b.message).toMatch(/line \d+, column \d+, <algebraicRule>: this algebraic rule determines no variable/);

    const unknownElement = decayModel().replace('<listOfRules>', '<listOfWidgets/>\n    <listOfRules>');
    const e2 = catchErr(() => readSbml(unknownElement));
    const line = unknownElement.split('\n').findIndex((l) => l.includes('<listOfWidgets/>')) + 1;
    expect(e2.line).toBe(line);
    expect(e2.message).toMatch(new RegExp(`line ${line}, column \\d+, <listOfWidgets>: unexpected element`));

    const gcd = decayModel().replace('<apply><times/><cn>-1</cn>', '<apply><times/><apply><gcd/><cn>4</cn><cn>6</cn></apply>');
    const e3 = catchErr(() => readSbml(gcd));
    expect(e3.kind).toBe('unsupported');
    expect(e3.message).toMatch(/line \d+, column \d+, <gcd>: MathML operator <gcd> is not supported/);

    const pkg = decayModel({ header: `${L3} xmlns:comp="http://www.sbml.org/sbml/level3/version1/comp/version1" comp:required="true"` });
    const e4 = catchErr(() => readSbml(pkg));
    expect(e4.message).toMatch(/package 'comp'.*required/);

    const unknownId = decayModel().replace('<ci>k</ci>', '<ci>kk</ci>');
    const e5 = catchErr(() => simulateSbml(unknownId, { times: [0, 1] }));
    expect(e5.kind).toBe('invalid');
    expect(e5.message).toMatch(/line \d+, column \d+, <ci>: unknown identifier 'kk'/);
  });

  it('skips optional packages with a warning instead of dropping them silently', () => {
    const layout = decayModel({ header: `${L3} xmlns:layout="http://www.sbml.org/sbml/level3/version1/layout/version1" layout:required="false"` })
      .replace('<listOfRules>', '<layout:listOfLayouts xmlns:layout="http://www.sbml.org/sbml/level3/version1/layout/version1"/>\n    <listOfRules>');
    const tc = simulateSbml(layout, { times: [0, 1], variables: ['S'] });
    expect(tc.warnings.join('\n')).toMatch(/optional SBML package 'layout' are ignored/);
    expect(tc.values[0][1]).toBeCloseTo(Math.exp(-0.5), 8);
  });
});
