/**
 * Run controls: engine, seed, end time, start / pause / step / reset, speed, and the run's
 * status and wall time.
 */
import type { RunData } from '../../state/runClient.js';
import { ABM_DEFAULT_DAYS, type AppState } from '../../state/useApp.js';
import { maxDays } from '../../state/runLimits.js';

/** Chunk-size multipliers offered by the speed control. */
export const SPEEDS = [0.25, 0.5, 1, 2, 4, 10];

/** The speed control's words for a chunk-size multiplier. */
export function speedLabel(s: number): string {
  if (s === 1) return '1× (default)';
  return s < 1 ? `${s}× (smoother)` : `${s}× faster steps`;
}

/** Props of {@link RunControls}. */
export interface RunControlsProps {
  app: AppState;
  run: RunData;
}

function days(min: number): string {
  return String(Number((min / 1440).toPrecision(4)));
}

/** The toolbar of the Run view. */
export function RunControls({ app, run }: RunControlsProps) {
  const { options, client, current } = app;
  const sbml = current.kind === 'sbml';
  const active = run.phase === 'running' || run.phase === 'paused';
  const engine = sbml ? 'ode' : options.engine;
  const defaultDays = sbml ? (current.sbml.end * current.sbml.secondsPerUnit) / 86400 : options.engine === 'abm' ? ABM_DEFAULT_DAYS : current.loaded.model.tEnd / 1440;
  const onStart = () => (run.phase === 'paused' ? client.resume() : app.startRun());
  const onStep = () => {
    if (run.phase === 'paused') client.step();
    else if (!active) {
      app.startRun(true);
      client.step();
    }
  };
  return (
    <div class="toolbar" role="group" aria-label="Run controls">
      <div class="field">
        <label for="engine-select">Engine</label>
        <select
          id="engine-select"
          data-testid="engine-select"
          value={sbml ? 'ode' : options.engine}
          disabled={sbml || active}
          onChange={(e) => app.setOptions({ engine: (e.target as HTMLSelectElement).value as 'ode' | 'abm' })}
        >
          <option value="ode">mean-field (ODE)</option>
          <option value="abm">spatial 2D (agents)</option>
        </select>
      </div>
      <div class="field">
        <label for="seed-input">Seed</label>
        <input
          id="seed-input"
          data-testid="seed-input"
          type="number"
          step="1"
          min="0"
          value={options.seed}
          disabled={active}
          onInput={(e) => {
            const v = Number((e.target as HTMLInputElement).value);
            if (Number.isInteger(v) && v >= 0) app.setOptions({ seed: v });
          }}
        />
      </div>
      <div class="field">
        <label for="tend-input">End (days)</label>
        <input
          id="tend-input"
          data-testid="tend-input"
          class="tend-input"
          type="text"
          inputMode="decimal"
          placeholder={`${Number(defaultDays.toPrecision(4))} (default)`}
          title={`End time in days; empty for the default (${Number(defaultDays.toPrecision(4))} days). At most ${maxDays(engine)} days on this engine.`}
          value={options.tEndText}
          disabled={active}
          aria-invalid={app.endCheck.ok ? undefined : true}
          aria-describedby={app.endCheck.ok ? undefined : 'tend-error'}
          onInput={(e) => app.setOptions({ tEndText: (e.target as HTMLInputElement).value })}
        />
      </div>
      {!app.endCheck.ok && (
        <p id="tend-error" class="param-error tend-error" role="alert" data-testid="tend-error">
          End (days): {app.endCheck.error}.
        </p>
      )}
      <div class="buttons">
        <button type="button" class="primary" data-testid="run-start" onClick={onStart} disabled={run.phase === 'running' || !app.canRun}>
          {run.phase === 'paused' ? 'Resume' : 'Run'}
        </button>
        <button type="button" data-testid="run-pause" onClick={() => client.pause()} disabled={run.phase !== 'running'}>
          Pause
        </button>
        <button type="button" data-testid="run-step" onClick={onStep} disabled={run.phase === 'running' || !app.canRun} title="Advance one chunk">
          Step
        </button>
        <button type="button" data-testid="run-reset" onClick={() => client.reset()} disabled={run.phase === 'idle'}>
          Reset
        </button>
      </div>
      <div class="field">
        <label for="run-speed">Speed</label>
        <select
          id="run-speed"
          data-testid="run-speed"
          value={String(options.speed)}
          onChange={(e) => {
            const v = Number((e.target as HTMLSelectElement).value);
            app.setOptions({ speed: v });
            client.setSpeed(v);
          }}
        >
          {SPEEDS.map((s) => (
            <option key={s} value={String(s)}>
              {speedLabel(s)}
            </option>
          ))}
        </select>
      </div>
      <div class="status" aria-live="polite">
        <span class={`badge ${run.phase}`} data-testid="run-status">
          {run.phase}
        </span>
        <span class="small" data-testid="run-progress">
          {run.phase !== 'idle' && run.tEnd > 0 && `day ${days(run.t)} of ${days(run.tEnd)}`}
          {run.phase !== 'idle' && ` · wall ${(run.wallMs / 1000).toFixed(2)} s`}
          {run.status && run.status !== 'ok' && ` · stopped: ${run.status}`}
        </span>
      </div>
      {!sbml && options.engine === 'abm' && (app.tEndDays ?? ABM_DEFAULT_DAYS) > 2 && (
        <p class="small note">The spatial engine takes about half a minute of computing per simulated day (more as cells multiply); {app.tEndDays} days will take a while. Pause or Reset stops it.</p>
      )}
      {app.modelNotes.map((n, i) => (
        <p key={i} class="small note" data-testid="model-note">
          {n}
        </p>
      ))}
      {Object.keys(app.paramWarnings).length > 0 && (
        <p class="small note" data-testid="param-range-note">
          Outside their ranges (used as typed): {Object.entries(app.paramWarnings).map(([name]) => name).join(', ')}.
        </p>
      )}
      {(Object.keys(app.paramErrors).length > 0 || app.compileProblems.length > 0) && (
        <p class="param-error" role="alert">
          Fix the parameter values on the Model tab before running.
        </p>
      )}
    </div>
  );
}
