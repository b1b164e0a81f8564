/**
 * Limits that keep the browser responsive: the longest end time each engine runs in the app,
 * the largest number of output rows sent to the plots, and the checks of typed end times and
 * dosing schedules.
 */

/** Longest end time (days) of a mean-field (or SBML) run in the app: 100 years. */
export const ODE_MAX_DAYS = 36_500;
/** Longest end time (days) of a spatial run in the app (about half a minute of computing per simulated day, more as cells multiply). */
export const ABM_MAX_DAYS = 30;
/** At most about this many output rows per run: the output interval grows with the end time. */
export const MAX_PLOT_ROWS = 2000;
/** Most treatment cycles of a custom therapy arm. */
export const MAX_CYCLES = 1000;

/** The longest end time (days) of an engine in the app. */
export function maxDays(engine: 'ode' | 'abm'): number {
  return engine === 'abm' ? ABM_MAX_DAYS : ODE_MAX_DAYS;
}

/** A typed end time checked: the days (null for the model's default) or the reason it is refused. */
export type EndCheck = { ok: true; days: number | null } | { ok: false; error: string };

/** Checks a typed end time (days) for an engine. Empty means the default. */
export function checkEndDays(text: string, engine: 'ode' | 'abm'): EndCheck {
  const t = text.trim();
  if (t === '') return { ok: true, days: null };
  const v = Number(t);
  if (!Number.isFinite(v)) return { ok: false, error: `'${t}' is not a number of days` };
  if (v <= 0) return { ok: false, error: `the end time must be more than 0 days (got ${t}); leave the field empty for the model's default` };
  const max = maxDays(engine);
  if (v > max) {
    return {
      ok: false,
      error:
        engine === 'abm'
          ? `the spatial engine runs at most ${max} days in the browser (${t} asked); use the command line (nichesim run --engine abm) for longer runs`
          : `the app runs at most ${max} days (100 years; ${t} asked); use the command line for longer runs`,
    };
  }
  return { ok: true, days: v };
}

/**
 * An output interval (min) that keeps a run to at most about MAX_PLOT_ROWS rows: the model's
 * interval times a whole factor.
 */
export function boundedOutputInterval(modelInterval: number, tEnd: number): number {
  if (!(modelInterval > 0) || !(tEnd > 0)) return modelInterval;
  const rows = tEnd / modelInterval;
  return rows <= MAX_PLOT_ROWS ? modelInterval : modelInterval * Math.ceil(rows / MAX_PLOT_ROWS);
}

/** Checks the cycles of a custom arm: a whole number from 1 to MAX_CYCLES. Returns the error or null. */
export function checkCycles(cycles: number): string | null {
  if (!Number.isInteger(cycles) || cycles < 1) return 'cycles must be a whole number >= 1';
  if (cycles > MAX_CYCLES) return `at most ${MAX_CYCLES} cycles (${cycles} asked); administrations after the end time are not given anyway`;
  return null;
}

/**
 * How many of a schedule's cycles fall at or before the end time (days): those after it are
 * not given. At least 1, so that an arm keeps its intervention.
 */
export function cyclesBefore(start: number, cycles: number, interval: number, endDays: number): number {
  if (cycles <= 1 || !(interval > 0)) return cycles;
  const fit = Math.floor((endDays - start) / interval + 1e-9) + 1;
  return Math.max(1, Math.min(cycles, fit));
}
