/**
 * Located problems (file:line:column, field, message, fix), each with the offending line of
 * its file when the text is at hand, and a caret under the column.
 */
import type { Diagnostic } from '../../../../src/model/diagnostics.js';
import { whereOf } from '../../state/diagnostics.js';

/** Props of {@link DiagnosticList}. */
export interface DiagnosticListProps {
  diagnostics: Diagnostic[];
  /** File texts by file name, to quote the line of each problem. */
  texts?: ReadonlyMap<string, string>;
}

function excerpt(d: Diagnostic, texts?: ReadonlyMap<string, string>): string | null {
  if (d.line === null || !texts) return null;
  const text = texts.get(d.file);
  if (text === undefined) return null;
  const line = text.split(/\r?\n/)[d.line - 1];
  if (line === undefined) return null;
  const col = Math.max(1, d.column ?? 1);
  return `${String(d.line).padStart(4)} | ${line}\n     | ${' '.repeat(col - 1)}^`;
}

/** The problems as a list. */
export function DiagnosticList({ diagnostics, texts }: DiagnosticListProps) {
  return (
    <ul class="diagnostics">
      {diagnostics.map((d, i) => {
        const ex = excerpt(d, texts);
        return (
          <li key={i} class={`diagnostic ${d.severity}`}>
            <div>
              <code class="where">{whereOf(d)}</code>
              {d.line !== null && (
                <span class="sr-only">
                  {' '}
                  (line {d.line}, column {d.column ?? 1})
                </span>
              )}{' '}
              <strong>{d.severity}</strong>
              {d.path ? <span class="field"> {d.path}</span> : null}: {d.message}
            </div>
            {ex && <pre class="excerpt">{ex}</pre>}
            {d.hint && <div class="hint">fix: {d.hint}</div>}
          </li>
        );
      })}
    </ul>
  );
}
