/**
 * Thin layer over @xmldom/xmldom for the SBML reader (layer 5, no Node-only API): parsing with
 * line/column reporting, element children, typed attribute access and locations for messages.
 */
import { DOMParser, type Element, type Node } from '@xmldom/xmldom';
import { SbmlError, type SourceLocation } from './errors.js';

export type { Element } from '@xmldom/xmldom';

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const CDATA_SECTION_NODE = 4;

/**
 * Parses XML text into a DOM element tree (the document element is returned).
 * @throws SbmlError kind 'xml' naming the line and column of the first well-formedness error.
 */
export function parseXml(text: string): Element {
  const start = text.replace(/^\uFEFF/, '').trimStart();
  if (!start.startsWith('<')) {
    const first = start.split(/\r?\n/, 1)[0].slice(0, 40);
    throw new SbmlError('not-sbml', `this is not SBML (not even XML): the text starts with "${first}"`, { line: 1, column: 1 });
  }
  let firstError: { message: string; line?: number; column?: number } | null = null;
  let doc;
  try {
    doc = new DOMParser({
      locator: true,
      onError: (level, msg) => {
        // Warnings (e.g. unknown entities in attributes) do not make a document unusable; errors do.
        if (level === 'warning') return;
        throw new Error(msg);
      },
    }).parseFromString(text, 'text/xml');
  } catch (e) {
    const err = e as { message?: string; locator?: { lineNumber?: number; columnNumber?: number } };
    const raw = String(err.message ?? e);
    firstError = {
      message: cleanParserMessage(raw),
      line: err.locator?.lineNumber,
      column: err.locator?.columnNumber,
    };
  }
  if (firstError) {
    throw new SbmlError('xml', `malformed XML: ${firstError.message}`, { line: firstError.line, column: firstError.column });
  }
  const root = doc?.documentElement;
  if (!root) throw new SbmlError('xml', 'malformed XML: the text has no root element');
  return root;
}

/** Removes xmldom's decorations (locator suffixes, "Reporting fatalError ... caused") from a message. */
function cleanParserMessage(msg: string): string {
  let m = msg.replace(/\n?@#\[line:\d+,col:\d+\]/g, '');
  const caused = /caused (?:Error: )?([\s\S]*)$/.exec(m);
  if (caused) m = caused[1];
  return m.replace(/\s+/g, ' ').trim();
}

/** The element children of `el`, in document order. */
export function childElements(el: Element): Element[] {
  const out: Element[] = [];
  for (let n: Node | null = el.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === ELEMENT_NODE) out.push(n as Element);
  }
  return out;
}

/** The concatenated text content of `el`'s direct text and CDATA children. */
export function textOf(el: Element): string {
  let s = '';
  for (let n: Node | null = el.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === TEXT_NODE || n.nodeType === CDATA_SECTION_NODE) s += n.nodeValue ?? '';
  }
  return s;
}

/** Local name of an element (without prefix). */
export function localName(el: Element): string {
  return el.localName ?? el.nodeName;
}

/** Location of an element for messages: line, column and `<tag id="...">`. */
export function loc(el: Element): SourceLocation {
  const id = el.getAttribute('id') ?? el.getAttribute('variable') ?? el.getAttribute('symbol') ?? el.getAttribute('species');
  const attr = el.hasAttribute('id') ? 'id' : el.hasAttribute('variable') ? 'variable' : el.hasAttribute('symbol') ? 'symbol' : 'species';
  return {
    line: el.lineNumber,
    column: el.columnNumber,
    element: id ? `<${el.nodeName} ${attr}="${id}">` : `<${el.nodeName}>`,
  };
}

/** An attribute's value, or null when absent. */
export function attr(el: Element, name: string): string | null {
  return el.hasAttribute(name) ? el.getAttribute(name) : null;
}

/** A required string attribute. */
export function reqAttr(el: Element, name: string): string {
  const v = attr(el, name);
  if (v === null || v.trim() === '') throw new SbmlError('invalid', `missing required attribute '${name}'`, loc(el));
  return v.trim();
}

/** A numeric attribute (XML Schema double: also INF, -INF, NaN), or null when absent. */
export function numAttr(el: Element, name: string): number | null {
  const v = attr(el, name);
  if (v === null) return null;
  const x = parseXmlDouble(v);
  if (x === null) throw new SbmlError('invalid', `attribute ${name}="${v}" is not a number`, loc(el));
  return x;
}

/** A boolean attribute ('true'/'false'/'1'/'0'), or `dflt` when absent. */
export function boolAttr(el: Element, name: string, dflt: boolean): boolean;
export function boolAttr(el: Element, name: string, dflt: null): boolean | null;
export function boolAttr(el: Element, name: string, dflt: boolean | null): boolean | null {
  const v = attr(el, name);
  if (v === null) return dflt;
  const t = v.trim();
  if (t === 'true' || t === '1') return true;
  if (t === 'false' || t === '0') return false;
  throw new SbmlError('invalid', `attribute ${name}="${v}" is not a boolean (true/false)`, loc(el));
}

/** Parses an XML Schema double (decimal, exponent, INF, -INF, NaN); null when not a number. */
export function parseXmlDouble(text: string): number | null {
  const t = text.trim();
  if (t === '') return null;
  const u = t.toUpperCase();
  if (u === 'INF' || u === '+INF' || u === 'INFINITY' || u === '+INFINITY') return Infinity;
  if (u === '-INF' || u === '-INFINITY') return -Infinity;
  if (u === 'NAN') return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return null;
  return Number(t);
}
