/**
 * Links a model's rules to the knowledge base (layer 2): every rule must cite at least one
 * entry, and every cited id must exist.
 */
import type { KnowledgeBase } from '../kb/index.js';
import type { Diagnostic } from '../model/diagnostics.js';
import type { Model } from '../model/model.js';

/**
 * Checks the evidence of every rule against the knowledge base.
 * @returns one error diagnostic per rule without evidence or per unknown id (located by rule line)
 */
export function checkEvidence(model: Model, kb: KnowledgeBase, file: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  model.rules.forEach((r, i) => {
    const where = { severity: 'error' as const, file, line: r.line, column: 1, path: `rules[${i}].evidence` };
    if (r.evidence.length === 0) {
      out.push({ ...where, message: 'the rule cites no evidence', hint: 'add evidence: [<knowledge-base id>], e.g. an interaction id such as I019 (see `nichesim kb`)' });
    }
    for (const id of r.evidence) {
      if (!kb.byId.has(id)) {
        out.push({ ...where, message: `unknown evidence id '${id}'`, hint: 'use an id listed by `nichesim kb`, or add the entry to kb/' });
      }
    }
  });
  return out;
}
