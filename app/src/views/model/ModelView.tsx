/**
 * The Model view: pick a shipped model or a loaded file; its cell types, substrates (with
 * units), rules as sentences with their citations, and its editable parameters. Load problems
 * are shown with their file, line, column and fix.
 */
import { shippedIn } from '../../assets.js';
import type { AppState } from '../../state/useApp.js';
import { sourceFile, scenarioOf } from '../../state/modelSource.js';
import { DiagnosticList } from '../common/DiagnosticList.js';
import { ParameterTable } from './ParameterTable.js';
import { RuleList } from './RuleList.js';
import { ModelTables } from './ModelTables.js';

/** Props of {@link ModelView}. */
export interface ModelViewProps {
  app: AppState;
}

/** The Model view. */
export function ModelView({ app }: ModelViewProps) {
  const { current } = app;
  const models = shippedIn('models');
  const value = current.source.kind === 'shipped' ? `shipped:${current.source.path}` : `user:${sourceFile(current.source)}`;
  const onPick = (v: string) => {
    if (v.startsWith('shipped:')) app.selectSource({ kind: 'shipped', path: v.slice('shipped:'.length) }, 'model');
    else {
      const src = app.userSources.find((s) => `user:${sourceFile(s)}` === v);
      if (src) app.selectSource(src, 'model');
    }
  };
  const scenario = scenarioOf(current);
  const shippedScenario = current.source.kind === 'shipped' && !models.includes(current.source.path);
  return (
    <div class="model-view">
      <div class="row">
        <label for="model-select">Model</label>
        <select id="model-select" data-testid="model-select" value={value} onChange={(e) => onPick((e.target as HTMLSelectElement).value)}>
          <optgroup label="Shipped models">
            {models.map((p) => (
              <option key={p} value={`shipped:${p}`}>
                {p}
              </option>
            ))}
            {shippedScenario && <option value={value}>{sourceFile(current.source)}</option>}
          </optgroup>
          {app.userSources.length > 0 && (
            <optgroup label="Loaded files">
              {app.userSources.map((s) => (
                <option key={sourceFile(s)} value={`user:${sourceFile(s)}`}>
                  {sourceFile(s).replace(/^user\//, '')}
                </option>
              ))}
            </optgroup>
          )}
        </select>
        <span class="muted">Load your own on the Files tab.</span>
      </div>
      {app.failure && app.failure.origin !== 'files' && (
        <div class="error-panel" role="alert" data-testid="model-error">
          <h3>The model could not be loaded{app.failure.origin === 'url' ? ' from the link' : ''}; the previous model is kept</h3>
          <DiagnosticList diagnostics={app.failure.diagnostics} texts={app.failure.texts} />
        </div>
      )}
      <div class="model-grid">
        <div class="model-main">
          {current.kind === 'sbml' ? (
            <section aria-labelledby="sbml-title">
              <h2 id="sbml-title">{current.doc.name ?? current.doc.id ?? current.file}</h2>
              <p>
                SBML Level {current.doc.level} Version {current.doc.version}: {current.doc.species.length} species, {current.doc.reactions.length} reactions, {current.doc.parameters.length} parameters,{' '}
                {current.doc.events.length} events. Time unit: {current.sbml.secondsPerUnit} s. It runs on the SBML time-course simulator (the mean-field integrators).
              </p>
            </section>
          ) : (
            <>
              <h2>{current.loaded.model.title || current.loaded.model.name}</h2>
              {current.loaded.model.description && <p class="description">{current.loaded.model.description}</p>}
              {scenario && (
                <p class="muted">
                  Scenario {scenario.name} ({scenario.disease || 'no disease tag'}): {scenario.interventions.map((i) => i.title).join(', ') || 'no intervention'}.
                </p>
              )}
            </>
          )}
          {app.loadWarnings.length > 0 && (
            <details class="warnings">
              <summary>{app.loadWarnings.length} import warnings</summary>
              <ul>
                {app.loadWarnings.map((w, i) => (
                  <li key={i}>{w}</li>
                ))}
              </ul>
            </details>
          )}
          {current.kind === 'nichesim' && current.loaded.warnings.length > 0 && (
            <details class="warnings">
              <summary>{current.loaded.warnings.length} model warnings</summary>
              <DiagnosticList diagnostics={current.loaded.warnings} texts={new Map([[current.file, current.text]])} />
            </details>
          )}
          {current.kind === 'nichesim' && <ModelTables model={current.loaded.model} />}
          {current.kind === 'nichesim' && <RuleList model={current.loaded.model} overrides={app.overrides} />}
        </div>
        <div class="model-side">
          <ParameterTable app={app} />
        </div>
      </div>
    </div>
  );
}
