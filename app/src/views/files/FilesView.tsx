/**
 * The Files view: load a model (drag and drop or a file picker: nichesim YAML/JSON models and
 * scenarios, SBML, a PhysiCell project, or a share file), download the results (CSV, JSON with
 * the run manifest) and the model, and save or load the run settings as a share file.
 */
import { useState } from 'preact/hooks';
import { downloadText, runCsv, runJson, stemOf } from '../../state/downloads.js';
import { sourceFile } from '../../state/modelSource.js';
import { encodeHash, shareFileText } from '../../state/share.js';
import type { AppState } from '../../state/useApp.js';
import { useRunData } from '../../state/useRun.js';
import { DiagnosticList } from '../common/DiagnosticList.js';
import { interpretFiles, type NamedText, readFiles } from './loadFiles.js';

/** Props of {@link FilesView}. */
export interface FilesViewProps {
  app: AppState;
}

/** The Files view. */
export function FilesView({ app }: FilesViewProps) {
  const run = useRunData(app.client, 500);
  const [over, setOver] = useState(false);
  const [loaded, setLoaded] = useState<string | null>(null);

  const load = async (list: FileList | File[] | null) => {
    if (!list || list.length === 0) return;
    let files: NamedText[] = [];
    try {
      files = await readFiles(list);
      const what = interpretFiles(files);
      const ok = what.kind === 'share' ? app.applyShare(what.state, 'files') : app.selectSource(what.source, 'files', what.warnings);
      setLoaded(ok ? `Loaded ${files.map((f) => f.name).join(', ')}${what.kind === 'share' ? ' (run settings)' : ''}.` : null);
    } catch (e) {
      setLoaded(null);
      app.reportFailure('files', e, files[0]?.name ?? 'file', new Map(files.map((f) => [f.name, f.text])));
    }
  };

  const model = app.current;
  const hasRows = run.times.length > 0;
  const stem = stemOf(model.kind === 'sbml' ? model.file : model.loaded.model.name);
  const jsonFile = async () => {
    const hash = await encodeHash(app.shareState());
    downloadText(`${stem}-run.json`, runJson(run, { model: sourceFile(model.source), overrides: app.paramTexts, shareUrl: location.href.replace(/#.*$/, '') + hash }), 'application/json');
  };
  const failure = app.failure?.origin === 'files' ? app.failure : null;

  return (
    <div class="files-view">
      <section aria-labelledby="load-title">
        <h2 id="load-title">Load a model</h2>
        <div
          class={`dropzone${over ? ' over' : ''}`}
          data-testid="file-drop"
          onDragOver={(e) => {
            e.preventDefault();
            setOver(true);
          }}
          onDragLeave={() => setOver(false)}
          onDrop={(e) => {
            e.preventDefault();
            setOver(false);
            void load(e.dataTransfer?.files ?? null);
          }}
        >
          <p>Drop files here, or</p>
          <label class="button" for="file-input">
            choose files…
          </label>
          <input
            id="file-input"
            data-testid="file-input"
            class="visually-hidden-input"
            type="file"
            multiple
            accept=".yaml,.yml,.json,.xml,.csv,.txt"
            onChange={(e) => {
              const input = e.target as HTMLInputElement;
              void load(input.files).then(() => (input.value = ''));
            }}
          />
          <p class="small muted">
            A nichesim model or scenario (.yaml, .json); an SBML model (.xml, with its -settings.txt if you have it); a PhysiCell project (settings .xml, rules .csv and cells .csv together); or a run-settings file (.json) saved below.
          </p>
        </div>
        {loaded && (
          <p class="ok" role="status" data-testid="file-loaded">
            {loaded}
          </p>
        )}
        {failure && (
          <div class="error-panel" role="alert" data-testid="file-error">
            <h3>The file could not be loaded; the app keeps the model {sourceFile(model.source)}</h3>
            <DiagnosticList diagnostics={failure.diagnostics} texts={failure.texts} />
          </div>
        )}
      </section>
      <section aria-labelledby="download-title">
        <h2 id="download-title">Download</h2>
        <div class="row wrap">
          <button type="button" data-testid="download-csv" disabled={!hasRows} onClick={() => downloadText(`${stem}-timeseries.csv`, runCsv(run), 'text/csv')}>
            Time series (CSV)
          </button>
          <button type="button" data-testid="download-json" disabled={!hasRows} onClick={() => void jsonFile()}>
            Run with manifest (JSON)
          </button>
          <button
            type="button"
            data-testid="download-model"
            onClick={() => downloadText(model.kind === 'sbml' ? model.file.replace(/^user\//, '') : `${stem}.yaml`, model.text, model.kind === 'sbml' ? 'application/xml' : 'text/yaml')}
          >
            Model ({model.kind === 'sbml' ? 'SBML' : 'YAML'})
          </button>
        </div>
        <p class="small muted">
          {hasRows ? `The last run: ${run.times.length} rows, ${run.columns.length} columns (${run.phase}).` : 'Run the model to download its results.'} The JSON holds the manifest: model hash, nichesim version, seed, every parameter value and the
          engine settings.
        </p>
      </section>
      <section aria-labelledby="share-title">
        <h2 id="share-title">Run settings</h2>
        <p class="small">The model, parameter changes, engine, seed, end time and treatment arms, as a small JSON file (load it above) or as a link (the Share link button at the top).</p>
        <button type="button" data-testid="download-share" onClick={() => downloadText(`${stem}-settings.json`, shareFileText(app.shareState()), 'application/json')}>
          Save run settings (JSON)
        </button>
      </section>
    </div>
  );
}

