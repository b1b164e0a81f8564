/**
 * Adds treatment arms: a shipped scenario (with its title and description), or an intervention
 * from the library on a schedule (start day, cycles, interval).
 */
import { useMemo, useState } from 'preact/hooks';
import { shippedIn } from '../../assets.js';
import { interventionLibrary, loadModelPath } from '../../core.js';
import type { Arm } from '../../state/share.js';
import { checkCycles, MAX_CYCLES } from '../../state/runLimits.js';
import type { LoadedScenario } from '../../../../src/scenarios/index.js';

/** Title and description of a shipped scenario (or the load error). */
function scenarioInfo(path: string): { title: string; description: string } {
  try {
    const s = (loadModelPath(path) as LoadedScenario).scenario;
    return { title: s.title, description: s.description };
  } catch (e) {
    return { title: path, description: e instanceof Error ? e.message : String(e) };
  }
}

/** Props of {@link ArmBuilder}. */
export interface ArmBuilderProps {
  onAdd(arm: Arm): void;
  /** What custom arms treat (a model path). */
  base: string;
}

/** The two ways to add an arm. */
export function ArmBuilder({ onAdd, base }: ArmBuilderProps) {
  const scenarios = shippedIn('scenarios');
  const [path, setPath] = useState('scenarios/aml-anti-cd47.yaml');
  const info = useMemo(() => scenarioInfo(path), [path]);
  const lib = interventionLibrary();
  const names = [...lib.keys()].sort();
  const [iv, setIv] = useState(names.includes('pexidartinib') ? 'pexidartinib' : names[0]);
  const [start, setStart] = useState('14');
  const [cycles, setCycles] = useState('1');
  const [interval, setInterval] = useState('28');
  const nums = { start: Number(start), cycles: Number(cycles), interval: Number(interval) };
  const customError =
    !(nums.start >= 0) ? 'the start day must be a number >= 0' : checkCycles(nums.cycles) !== null ? checkCycles(nums.cycles) : !(nums.interval > 0) ? 'the interval must be a number of days > 0' : null;
  const ivInfo = lib.get(iv);
  return (
    <div class="arm-builder">
      <fieldset>
        <legend>Add a shipped scenario</legend>
        <div class="row">
          <label for="scenario-select">Scenario</label>
          <select id="scenario-select" data-testid="scenario-select" value={path} onChange={(e) => setPath((e.target as HTMLSelectElement).value)}>
            {scenarios.map((p) => (
              <option key={p} value={p}>
                {p.replace(/^scenarios\//, '')}
              </option>
            ))}
          </select>
          <button type="button" data-testid="add-scenario-arm" onClick={() => onAdd({ kind: 'scenario', path })}>
            Add arm
          </button>
        </div>
        <p class="scenario-title">
          <strong>{info.title}</strong>
        </p>
        <p class="small scenario-description">{info.description}</p>
      </fieldset>
      <fieldset>
        <legend>Build a dosing schedule</legend>
        <p class="small muted">Given to {base}.</p>
        <div class="row wrap">
          <label for="iv-select">Intervention</label>
          <select id="iv-select" data-testid="intervention-select" value={iv} onChange={(e) => setIv((e.target as HTMLSelectElement).value)}>
            <option value="none">none (untreated control)</option>
            {names.map((n) => (
              <option key={n} value={n}>
                {lib.get(n)!.input.title}
              </option>
            ))}
          </select>
        </div>
        <div class="row wrap">
          <label for="arm-start">Start (day)</label>
          <input id="arm-start" data-testid="arm-start" type="number" min="0" step="any" value={start} onInput={(e) => setStart((e.target as HTMLInputElement).value)} />
          <label for="arm-cycles">Cycles</label>
          <input id="arm-cycles" data-testid="arm-cycles" type="number" min="1" max={MAX_CYCLES} step="1" value={cycles} onInput={(e) => setCycles((e.target as HTMLInputElement).value)} />
          <label for="arm-interval">Interval (days)</label>
          <input id="arm-interval" data-testid="arm-interval" type="number" min="0" step="any" value={interval} onInput={(e) => setInterval((e.target as HTMLInputElement).value)} />
          <button type="button" data-testid="add-custom-arm" disabled={customError !== null} onClick={() => onAdd({ kind: 'custom', intervention: iv, ...nums })}>
            Add arm
          </button>
        </div>
        {customError && (
          <p class="param-error" role="alert" data-testid="arm-error">
            {customError}
          </p>
        )}
        {ivInfo && iv !== 'none' && <p class="small">{ivInfo.input.mechanism}</p>}
      </fieldset>
    </div>
  );
}
