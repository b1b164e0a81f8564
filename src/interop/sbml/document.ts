/**
 * Reads an SBML document (Level 2 Versions 1-5, Level 3 Versions 1-2, core) into plain data
 * (layer 5, no Node-only API). No semantics are applied here beyond the defaults of each Level
 * and Version; see executable.ts for the meaning.
 *
 * Nothing is silently dropped: every core element is either read or rejected with an error naming
 * it and its line. Elements without effect on a simulation (notes, annotations, unit definitions,
 * compartment and species types) are skipped. Elements of SBML Level 3 packages are rejected when
 * the document declares the package `required="true"`, and skipped with a warning otherwise (the
 * package declares that the core model's mathematics do not depend on it).
 */
import { SbmlError, type SourceLocation } from './errors.js';
import { MATHML_NS, readLambda, readMath, type Lambda, type MathNode } from './math.js';
import { attr, boolAttr, childElements, loc, localName, numAttr, parseXml, reqAttr, type Element } from './xml.js';

export interface SbmlCompartment {
  id: string;
  /** Declared size, or null when absent. */
  size: number | null;
  spatialDimensions: number;
  constant: boolean;
  loc: SourceLocation;
}

export interface SbmlSpecies {
  id: string;
  compartment: string;
  initialAmount: number | null;
  initialConcentration: number | null;
  hasOnlySubstanceUnits: boolean;
  boundaryCondition: boolean;
  constant: boolean;
  /** Id of the parameter that converts reaction extent to this species' substance (L3). */
  conversionFactor: string | null;
  loc: SourceLocation;
}

export interface SbmlParameter {
  id: string;
  value: number | null;
  constant: boolean;
  loc: SourceLocation;
}

export interface SbmlInitialAssignment {
  symbol: string;
  math: MathNode | null;
  loc: SourceLocation;
}

export interface SbmlRule {
  kind: 'assignment' | 'rate' | 'algebraic';
  /** Target symbol (null for algebraic rules). */
  variable: string | null;
  math: MathNode | null;
  loc: SourceLocation;
}

export interface SbmlSpeciesReference {
  species: string;
  /** L3 (and L2V2+) id, usable in mathematics as the stoichiometry. */
  id: string | null;
  stoichiometry: number | null;
  constant: boolean;
  /** L2 stoichiometryMath. */
  stoichiometryMath: MathNode | null;
  loc: SourceLocation;
}

export interface SbmlReaction {
  id: string;
  reversible: boolean;
  fast: boolean;
  reactants: SbmlSpeciesReference[];
  products: SbmlSpeciesReference[];
  modifiers: string[];
  kineticLaw: { math: MathNode | null; localParameters: SbmlParameter[]; loc: SourceLocation } | null;
  loc: SourceLocation;
}

export interface SbmlEventAssignment {
  variable: string;
  math: MathNode | null;
  loc: SourceLocation;
}

export interface SbmlEvent {
  id: string | null;
  trigger: { math: MathNode | null; initialValue: boolean; persistent: boolean; loc: SourceLocation } | null;
  delay: MathNode | null;
  priority: MathNode | null;
  useValuesFromTriggerTime: boolean;
  assignments: SbmlEventAssignment[];
  loc: SourceLocation;
}

export interface SbmlFunctionDefinition {
  id: string;
  lambda: Lambda | null;
  loc: SourceLocation;
}

export interface SbmlConstraint {
  math: MathNode | null;
  message: string;
  loc: SourceLocation;
}

export interface SbmlUnitDefinition {
  id: string;
  units: Array<{ kind: string; exponent: number; scale: number; multiplier: number }>;
}

export interface SbmlDocument {
  level: number;
  version: number;
  id: string | null;
  name: string | null;
  /** Model-wide conversion factor (L3). */
  conversionFactor: string | null;
  /** Model time units attribute (L3), or null. */
  timeUnits: string | null;
  unitDefinitions: SbmlUnitDefinition[];
  functionDefinitions: SbmlFunctionDefinition[];
  compartments: SbmlCompartment[];
  species: SbmlSpecies[];
  parameters: SbmlParameter[];
  initialAssignments: SbmlInitialAssignment[];
  rules: SbmlRule[];
  constraints: SbmlConstraint[];
  reactions: SbmlReaction[];
  events: SbmlEvent[];
  /** Things skipped that a user may want to know about (ignored optional packages, ...). */
  warnings: string[];
}

const SBML_NS_L2 = /^http:\/\/www\.sbml\.org\/sbml\/level2(\/version(\d+))?$/;
const SBML_NS_L3 = /^http:\/\/www\.sbml\.org\/sbml\/level3\/version(\d+)\/core$/;
const XHTML_NS = 'http://www.w3.org/1999/xhtml';

/** Reading context: level/version and the package policy. */
interface Ctx {
  level: number;
  version: number;
  coreNs: string;
  /** Package namespace URI → [prefix, required]. */
  packages: Map<string, { prefix: string; required: boolean }>;
  warnings: string[];
  warnedPackages: Set<string>;
}

/**
 * Parses SBML text.
 * @throws SbmlError: 'xml' for malformed XML (with line/column), 'not-sbml' when the root element
 *   is not SBML, 'unsupported' for Level 1, unknown versions and required packages, 'invalid' for
 *   missing required attributes or malformed elements.
 */
export function readSbml(text: string): SbmlDocument {
  const root = parseXml(text);
  if (localName(root) !== 'sbml') {
    throw new SbmlError(
      'not-sbml',
      `this is not SBML: the root element is <${root.nodeName}>${root.namespaceURI ? ` (namespace ${root.namespaceURI})` : ''}, expected <sbml>`,
      { line: root.lineNumber, column: root.columnNumber },
    );
  }
  const ns = root.namespaceURI ?? '';
  let level = Number(attr(root, 'level'));
  let version = Number(attr(root, 'version'));
  const m2 = SBML_NS_L2.exec(ns);
  const m3 = SBML_NS_L3.exec(ns);
  if (ns.startsWith('http://www.sbml.org/sbml/level1')) {
    throw new SbmlError('unsupported', 'SBML Level 1 is not supported; convert the model to Level 2 or 3 (e.g. with libSBML)', loc(root));
  }
  if (!m2 && !m3) {
    throw new SbmlError('not-sbml', `this is not SBML: <sbml> has namespace "${ns}", not an SBML Level 2 or 3 namespace`, loc(root));
  }
  if (m2) {
    level = 2;
    version = m2[2] ? Number(m2[2]) : 1;
    if (version < 1 || version > 5) throw new SbmlError('unsupported', `SBML Level 2 Version ${version} is not supported (1-5 are)`, loc(root));
  } else if (m3) {
    level = 3;
    version = Number(m3[1]);
    if (version < 1 || version > 2) throw new SbmlError('unsupported', `SBML Level 3 Version ${version} is not supported (1-2 are)`, loc(root));
  }
  const ctx: Ctx = { level, version, coreNs: ns, packages: new Map(), warnings: [], warnedPackages: new Set() };
  // Package declarations: xmlns:prefix="uri" with prefix:required="true|false".
  for (let i = 0; i < root.attributes.length; i++) {
    const a = root.attributes.item(i);
    if (!a) continue;
    if (a.prefix === 'xmlns') {
      const prefix = a.localName ?? '';
      const uri = a.value;
      const reqA = root.getAttributeNS(uri, 'required');
      const required = reqA === 'true' || reqA === '1';
      if (/^http:\/\/www\.sbml\.org\/sbml\/level3\/version\d+\//.test(uri)) ctx.packages.set(uri, { prefix, required });
    }
  }
  for (const [uri, p] of ctx.packages) {
    if (p.required) {
      throw new SbmlError(
        'unsupported',
        `the SBML Level 3 package '${p.prefix}' (${uri}) is required by this model and is not supported`,
        loc(root),
      );
    }
  }
  let modelEl: Element | null = null;
  for (const c of childElements(root)) {
    if (skipOrReject(ctx, c)) continue;
    const n = localName(c);
    if (n === 'model') {
      if (modelEl) throw new SbmlError('invalid', 'more than one <model>', loc(c));
      modelEl = c;
    } else if (n !== 'notes' && n !== 'annotation') {
      throw unexpected(c, '<sbml>');
    }
  }
  if (!modelEl) throw new SbmlError('invalid', 'the document has no <model>', loc(root));
  return readModel(ctx, modelEl);
}

function unexpected(el: Element, parent: string): SbmlError {
  return new SbmlError('unsupported', `unexpected element <${el.nodeName}> inside ${parent} (not SBML core; not supported)`, loc(el));
}

/**
 * For an element outside the core namespace: rejects it (package required, or unknown namespace),
 * or skips it with a warning (optional package). Returns true when the element is skipped.
 */
function skipOrReject(ctx: Ctx, el: Element): boolean {
  const ns = el.namespaceURI ?? '';
  if (ns === ctx.coreNs) return false;
  const pkg = ctx.packages.get(ns);
  if (pkg && !pkg.required) {
    if (!ctx.warnedPackages.has(ns)) {
      ctx.warnedPackages.add(ns);
      ctx.warnings.push(`elements of the optional SBML package '${pkg.prefix}' are ignored (first: <${el.nodeName}> at line ${el.lineNumber})`);
    }
    return true;
  }
  throw new SbmlError('unsupported', `element <${el.nodeName}> (namespace ${ns || 'none'}) is not part of SBML core and is not supported`, loc(el));
}

/** Children of a core element, with notes/annotation and optional-package elements dropped. */
function coreChildren(ctx: Ctx, el: Element): Element[] {
  return childElements(el).filter((c) => {
    if (skipOrReject(ctx, c)) return false;
    const n = localName(c);
    return n !== 'notes' && n !== 'annotation';
  });
}

/** The `<math>` child of an element, or null. */
function mathChild(ctx: Ctx, el: Element): MathNode | null {
  let result: MathNode | null = null;
  let seen = false;
  for (const c of childElements(el)) {
    if (localName(c) === 'math' && (c.namespaceURI ?? '') === MATHML_NS) {
      if (seen) throw new SbmlError('invalid', 'more than one <math>', loc(el));
      seen = true;
      result = readMath(c);
    } else if (c.namespaceURI === ctx.coreNs && localName(c) !== 'notes' && localName(c) !== 'annotation') {
      throw unexpected(c, `<${el.nodeName}>`);
    } else if (c.namespaceURI !== ctx.coreNs && c.namespaceURI !== MATHML_NS) {
      skipOrReject(ctx, c);
    } else if (c.namespaceURI === MATHML_NS) {
      throw new SbmlError('invalid', `MathML must be inside <math>, found <${c.nodeName}>`, loc(c));
    }
  }
  return result;
}

function listItems(ctx: Ctx, listEl: Element, item: string): Element[] {
  const out: Element[] = [];
  for (const c of coreChildren(ctx, listEl)) {
    if (localName(c) !== item) throw unexpected(c, `<${listEl.nodeName}>`);
    out.push(c);
  }
  return out;
}

function readModel(ctx: Ctx, m: Element): SbmlDocument {
  const doc: SbmlDocument = {
    level: ctx.level,
    version: ctx.version,
    id: attr(m, 'id'),
    name: attr(m, 'name'),
    conversionFactor: ctx.level >= 3 ? attr(m, 'conversionFactor') : null,
    timeUnits: ctx.level >= 3 ? attr(m, 'timeUnits') : null,
    unitDefinitions: [],
    functionDefinitions: [],
    compartments: [],
    species: [],
    parameters: [],
    initialAssignments: [],
    rules: [],
    constraints: [],
    reactions: [],
    events: [],
    warnings: ctx.warnings,
  };
  for (const list of coreChildren(ctx, m)) {
    const n = localName(list);
    switch (n) {
      case 'listOfFunctionDefinitions':
        for (const f of listItems(ctx, list, 'functionDefinition')) doc.functionDefinitions.push(readFunctionDefinition(ctx, f));
        break;
      case 'listOfUnitDefinitions':
        for (const u of listItems(ctx, list, 'unitDefinition')) doc.unitDefinitions.push(readUnitDefinition(ctx, u));
        break;
      case 'listOfCompartmentTypes':
      case 'listOfSpeciesTypes':
        // L2V2-V4: classification only, no effect on the mathematics.
        break;
      case 'listOfCompartments':
        for (const c of listItems(ctx, list, 'compartment')) doc.compartments.push(readCompartment(ctx, c));
        break;
      case 'listOfSpecies':
        for (const s of listItems(ctx, list, 'species')) doc.species.push(readSpecies(ctx, s));
        break;
      case 'listOfParameters':
        for (const p of listItems(ctx, list, 'parameter')) doc.parameters.push(readParameter(ctx, p, false));
        break;
      case 'listOfInitialAssignments':
        for (const a of listItems(ctx, list, 'initialAssignment')) {
          doc.initialAssignments.push({ symbol: reqAttr(a, 'symbol'), math: mathChild(ctx, a), loc: loc(a) });
        }
        break;
      case 'listOfRules':
        for (const r of coreChildren(ctx, list)) doc.rules.push(readRule(ctx, r));
        break;
      case 'listOfConstraints':
        for (const c of listItems(ctx, list, 'constraint')) doc.constraints.push(readConstraint(ctx, c));
        break;
      case 'listOfReactions':
        for (const r of listItems(ctx, list, 'reaction')) doc.reactions.push(readReaction(ctx, r));
        break;
      case 'listOfEvents':
        for (const e of listItems(ctx, list, 'event')) doc.events.push(readEvent(ctx, e));
        break;
      default:
        throw unexpected(list, '<model>');
    }
  }
  return doc;
}

function readFunctionDefinition(ctx: Ctx, f: Element): SbmlFunctionDefinition {
  let lambda: Lambda | null = null;
  for (const c of childElements(f)) {
    if (localName(c) === 'math' && c.namespaceURI === MATHML_NS) lambda = readLambda(c);
    else if (c.namespaceURI === ctx.coreNs && localName(c) !== 'notes' && localName(c) !== 'annotation') throw unexpected(c, '<functionDefinition>');
    else if (c.namespaceURI !== ctx.coreNs) skipOrReject(ctx, c);
  }
  return { id: reqAttr(f, 'id'), lambda, loc: loc(f) };
}

function readUnitDefinition(ctx: Ctx, u: Element): SbmlUnitDefinition {
  const units: SbmlUnitDefinition['units'] = [];
  for (const list of coreChildren(ctx, u)) {
    if (localName(list) !== 'listOfUnits') throw unexpected(list, '<unitDefinition>');
    for (const x of listItems(ctx, list, 'unit')) {
      units.push({
        kind: reqAttr(x, 'kind'),
        exponent: numAttr(x, 'exponent') ?? 1,
        scale: numAttr(x, 'scale') ?? 0,
        multiplier: numAttr(x, 'multiplier') ?? 1,
      });
    }
  }
  return { id: reqAttr(u, 'id'), units };
}

function noCoreChildren(ctx: Ctx, el: Element): void {
  for (const c of coreChildren(ctx, el)) throw unexpected(c, `<${el.nodeName}>`);
}

function readCompartment(ctx: Ctx, c: Element): SbmlCompartment {
  noCoreChildren(ctx, c);
  const dims = numAttr(c, 'spatialDimensions');
  return {
    id: reqAttr(c, 'id'),
    size: numAttr(c, 'size') ?? (ctx.level === 1 ? numAttr(c, 'volume') : null),
    spatialDimensions: dims ?? 3,
    constant: boolAttr(c, 'constant', true),
    loc: loc(c),
  };
}

function readSpecies(ctx: Ctx, s: Element): SbmlSpecies {
  noCoreChildren(ctx, s);
  const ia = numAttr(s, 'initialAmount');
  const ic = numAttr(s, 'initialConcentration');
  if (ia !== null && ic !== null) {
    throw new SbmlError('invalid', 'a species cannot have both initialAmount and initialConcentration', loc(s));
  }
  return {
    id: reqAttr(s, 'id'),
    compartment: reqAttr(s, 'compartment'),
    initialAmount: ia,
    initialConcentration: ic,
    hasOnlySubstanceUnits: boolAttr(s, 'hasOnlySubstanceUnits', false),
    boundaryCondition: boolAttr(s, 'boundaryCondition', false),
    constant: boolAttr(s, 'constant', false),
    conversionFactor: ctx.level >= 3 ? attr(s, 'conversionFactor') : null,
    loc: loc(s),
  };
}

function readParameter(ctx: Ctx, p: Element, local: boolean): SbmlParameter {
  noCoreChildren(ctx, p);
  return {
    id: reqAttr(p, 'id'),
    value: numAttr(p, 'value'),
    constant: local ? true : boolAttr(p, 'constant', true),
    loc: loc(p),
  };
}

function readRule(ctx: Ctx, r: Element): SbmlRule {
  const n = localName(r);
  const l = loc(r);
  switch (n) {
    case 'assignmentRule':
      return { kind: 'assignment', variable: reqAttr(r, 'variable'), math: mathChild(ctx, r), loc: l };
    case 'rateRule':
      return { kind: 'rate', variable: reqAttr(r, 'variable'), math: mathChild(ctx, r), loc: l };
    case 'algebraicRule':
      return { kind: 'algebraic', variable: null, math: mathChild(ctx, r), loc: l };
    // L2V1 alternative names are not used by L2V1 either; Level 1's specific rules are rejected.
    default:
      throw unexpected(r, '<listOfRules>');
  }
}

function readConstraint(ctx: Ctx, c: Element): SbmlConstraint {
  let math: MathNode | null = null;
  let message = '';
  for (const k of childElements(c)) {
    const n = localName(k);
    if (n === 'math' && k.namespaceURI === MATHML_NS) math = readMath(k);
    else if (n === 'message') message = (k.textContent ?? '').replace(/\s+/g, ' ').trim();
    else if (n === 'notes' || n === 'annotation') continue;
    else if (k.namespaceURI !== ctx.coreNs) skipOrReject(ctx, k);
    else throw unexpected(k, '<constraint>');
  }
  return { math, message, loc: loc(c) };
}

function readSpeciesRef(ctx: Ctx, el: Element): SbmlSpeciesReference {
  let stoichiometryMath: MathNode | null = null;
  for (const c of coreChildren(ctx, el)) {
    if (localName(c) === 'stoichiometryMath' && ctx.level === 2) {
      stoichiometryMath = mathChild(ctx, c);
    } else {
      throw unexpected(c, `<${el.nodeName}>`);
    }
  }
  const st = numAttr(el, 'stoichiometry');
  const constant = ctx.level >= 3 ? boolAttr(el, 'constant', true) : stoichiometryMath === null;
  return {
    species: reqAttr(el, 'species'),
    id: attr(el, 'id'),
    // L2: default stoichiometry 1. L3: no default (a value may come from an assignment).
    stoichiometry: st ?? (ctx.level === 2 && stoichiometryMath === null ? 1 : null),
    constant,
    stoichiometryMath,
    loc: loc(el),
  };
}

function readReaction(ctx: Ctx, r: Element): SbmlReaction {
  const reaction: SbmlReaction = {
    id: reqAttr(r, 'id'),
    reversible: boolAttr(r, 'reversible', true),
    fast: boolAttr(r, 'fast', false),
    reactants: [],
    products: [],
    modifiers: [],
    kineticLaw: null,
    loc: loc(r),
  };
  for (const c of coreChildren(ctx, r)) {
    const n = localName(c);
    if (n === 'listOfReactants') {
      for (const s of listItems(ctx, c, 'speciesReference')) reaction.reactants.push(readSpeciesRef(ctx, s));
    } else if (n === 'listOfProducts') {
      for (const s of listItems(ctx, c, 'speciesReference')) reaction.products.push(readSpeciesRef(ctx, s));
    } else if (n === 'listOfModifiers') {
      for (const s of listItems(ctx, c, 'modifierSpeciesReference')) reaction.modifiers.push(reqAttr(s, 'species'));
    } else if (n === 'kineticLaw') {
      reaction.kineticLaw = readKineticLaw(ctx, c);
    } else {
      throw unexpected(c, '<reaction>');
    }
  }
  return reaction;
}

function readKineticLaw(ctx: Ctx, k: Element): NonNullable<SbmlReaction['kineticLaw']> {
  let math: MathNode | null = null;
  const localParameters: SbmlParameter[] = [];
  for (const c of childElements(k)) {
    const n = localName(c);
    if (n === 'math' && c.namespaceURI === MATHML_NS) {
      math = readMath(c);
    } else if (c.namespaceURI !== ctx.coreNs) {
      skipOrReject(ctx, c);
    } else if (n === 'listOfParameters' && ctx.level === 2) {
      for (const p of listItems(ctx, c, 'parameter')) localParameters.push(readParameter(ctx, p, true));
    } else if (n === 'listOfLocalParameters' && ctx.level >= 3) {
      for (const p of listItems(ctx, c, 'localParameter')) localParameters.push(readParameter(ctx, p, true));
    } else if (n !== 'notes' && n !== 'annotation') {
      throw unexpected(c, '<kineticLaw>');
    }
  }
  return { math, localParameters, loc: loc(k) };
}

function readEvent(ctx: Ctx, e: Element): SbmlEvent {
  // useValuesFromTriggerTime: L2V1-V3 evaluate at trigger time (attribute from L2V4, default true).
  const uvftt = boolAttr(e, 'useValuesFromTriggerTime', true);
  const ev: SbmlEvent = {
    id: attr(e, 'id'),
    trigger: null,
    delay: null,
    priority: null,
    useValuesFromTriggerTime: uvftt,
    assignments: [],
    loc: loc(e),
  };
  for (const c of coreChildren(ctx, e)) {
    const n = localName(c);
    if (n === 'trigger') {
      ev.trigger = {
        math: mathChild(ctx, c),
        // L2 has neither attribute: a trigger true at t0 does not fire, and events are persistent.
        initialValue: ctx.level >= 3 ? boolAttr(c, 'initialValue', true) : true,
        persistent: ctx.level >= 3 ? boolAttr(c, 'persistent', true) : true,
        loc: loc(c),
      };
    } else if (n === 'delay') {
      ev.delay = mathChild(ctx, c);
    } else if (n === 'priority' && ctx.level >= 3) {
      ev.priority = mathChild(ctx, c);
    } else if (n === 'listOfEventAssignments') {
      for (const a of listItems(ctx, c, 'eventAssignment')) {
        ev.assignments.push({ variable: reqAttr(a, 'variable'), math: mathChild(ctx, a), loc: loc(a) });
      }
    } else {
      throw unexpected(c, '<event>');
    }
  }
  return ev;
}

export { XHTML_NS };
