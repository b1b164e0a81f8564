/**
 * The rules of a model as English sentences, grouped by cell type, each with the knowledge-base
 * entries it cites and their PubMed / DOI links.
 */
import { useMemo } from 'preact/hooks';
import { compileModel, type CompiledModel } from '../../../../src/compile/compile.js';
import { ruleSentences } from '../../../../src/compile/english.js';
import { citationLinks } from '../../../../src/kb/query.js';
import type { Model } from '../../../../src/model/model.js';
import { knowledgeBase } from '../../core.js';

/** Props of {@link RuleList}. */
export interface RuleListProps {
  model: Model;
  /** Parameter values in use (base units), so the sentences show the values of the next run. */
  overrides: Record<string, number>;
}

function compileOrNull(model: Model, overrides: Record<string, number>): CompiledModel | null {
  try {
    return compileModel(model, overrides);
  } catch {
    try {
      return compileModel(model);
    } catch {
      return null;
    }
  }
}

/** Evidence ids with their citation links. */
function Evidence({ ids }: { ids: string[] }) {
  const kb = knowledgeBase();
  return (
    <ul class="evidence">
      {ids.map((id) => {
        const entry = kb.byId.get(id);
        if (!entry) return <li key={id}>{id} (not in the knowledge base)</li>;
        const links = citationLinks(entry);
        const what = 'effect' in entry ? entry.effect : entry.agent;
        return (
          <li key={id}>
            <span class="kb-id">{id}</span> {what}
            {links.length > 0 && ': '}
            {links.map((l, i) => (
              <span key={l.url}>
                {i > 0 && '; '}
                <a href={l.url} target="_blank" rel="noopener noreferrer">
                  {l.label}
                </a>
              </span>
            ))}
          </li>
        );
      })}
    </ul>
  );
}

/** The rules, grouped by cell type. */
export function RuleList({ model, overrides }: RuleListProps) {
  const compiled = useMemo(() => compileOrNull(model, overrides), [model, overrides]);
  if (!compiled) return <p>The rules cannot be shown: the model does not compile.</p>;
  const sentences = ruleSentences(model, compiled);
  const byType = new Map<string, typeof sentences>();
  for (const s of sentences) byType.set(s.cellType, [...(byType.get(s.cellType) ?? []), s]);
  const labels = new Map(model.cellTypes.map((c) => [c.name, c.label]));
  return (
    <section aria-labelledby="rules-title" data-testid="rules">
      <h3 id="rules-title">Rules ({sentences.length})</h3>
      {[...byType.entries()].map(([type, list]) => (
        <details key={type} open={byType.size <= 3}>
          <summary>
            {labels.get(type) ?? type} ({list.length})
          </summary>
          <ol class="rules">
            {list.map((r, i) => (
              <li key={i}>
                <p class="sentence">{r.sentence}</p>
                <Evidence ids={r.evidence} />
              </li>
            ))}
          </ol>
        </details>
      ))}
    </section>
  );
}
