/**
 * Editable parameters: a numeric input each, in the unit the model wrote it in, with its range
 * and source. A non-numeric value is shown as an error next to its input and is not used (the
 * run waits); a value outside its range is a warning and is used (as the CLI does). Changes apply
 * to the next run.
 */
import type { AppState } from '../../state/useApp.js';
import { DiagnosticList } from '../common/DiagnosticList.js';

/** Props of {@link ParameterTable}. */
export interface ParameterTableProps {
  app: AppState;
}

/** The parameter inputs. */
export function ParameterTable({ app }: ParameterTableProps) {
  const changed = Object.keys(app.paramTexts).length;
  return (
    <section aria-labelledby="params-title" class="params">
      <div class="row spread">
        <h3 id="params-title">Parameters ({app.params.length})</h3>
        <button type="button" onClick={() => app.params.forEach((p) => app.setParamText(p.name, undefined))} disabled={changed === 0} data-testid="params-reset">
          Reset {changed > 0 ? changed : ''} to the model's values
        </button>
      </div>
      {app.compileProblems.length > 0 && (
        <div class="error-panel" role="alert" data-testid="param-compile-error">
          <h4>The model does not compile with these values</h4>
          <DiagnosticList diagnostics={app.compileProblems} />
        </div>
      )}
      <div class="param-list">
        {app.params.map((p) => {
          const text = app.paramTexts[p.name];
          const error = app.paramErrors[p.name];
          const warning = app.paramWarnings[p.name];
          const id = `param-${p.name}`;
          const errId = `${id}-error`;
          const infoId = `${id}-info`;
          return (
            <div key={p.name} class={`param${error ? ' invalid' : ''}${warning ? ' warned' : ''}${text !== undefined && !error ? ' changed' : ''}`}>
              <label for={id} class="param-name" title={p.description}>
                {p.name}
              </label>
              <div class="param-input">
                <input
                  id={id}
                  data-testid={id}
                  type="text"
                  inputMode="decimal"
                  value={text ?? String(p.value)}
                  aria-invalid={error ? true : undefined}
                  aria-describedby={`${infoId}${error || warning ? ' ' + errId : ''}`}
                  onInput={(e) => {
                    const v = (e.target as HTMLInputElement).value;
                    app.setParamText(p.name, v === String(p.value) ? undefined : v);
                  }}
                />
                <span class="unit">{p.unit}</span>
              </div>
              <div id={infoId} class="param-info small muted">
                {p.range ? `range ${p.range[0]} to ${p.range[1]}${p.unit ? ' ' + p.unit : ''}` : 'no range given'}
                {p.estimate ? ' · estimate' : ''}
                {p.source ? ` · ${p.source}` : ''}
              </div>
              {error && (
                <div id={errId} class="param-error" role="alert" data-testid={`${id}-error`}>
                  {error}
                </div>
              )}
              {warning && (
                <div id={errId} class="param-warning small" role="status" data-testid={`${id}-warning`}>
                  Warning: {warning}
                </div>
              )}
            </div>
          );
        })}
      </div>
    </section>
  );
}
