/**
 * What the time of an SBML model measures (layer 5, no Node-only API).
 */
import type { SbmlDocument } from './document.js';

/**
 * Seconds per model time unit: from the model's timeUnits (Level 3) or the built-in `time` unit
 * (Level 2: seconds unless a unit definition with id "time" redefines it). Null when the model
 * does not say (Level 3 without timeUnits) or the unit is not a time.
 */
export function secondsPerTimeUnit(doc: SbmlDocument): number | null {
  const id = doc.level >= 3 ? doc.timeUnits : 'time';
  if (id === null) return null;
  if (id === 'second') return 1;
  const def = doc.unitDefinitions.find((u) => u.id === id);
  if (!def) return doc.level === 2 && id === 'time' ? 1 : null;
  let seconds = 1;
  let sawSecond = false;
  for (const u of def.units) {
    if (u.kind === 'dimensionless') continue;
    if (u.kind !== 'second' || u.exponent !== 1 || sawSecond) return null;
    sawSecond = true;
    seconds *= u.multiplier * Math.pow(10, u.scale);
  }
  return sawSecond && seconds > 0 ? seconds : null;
}
