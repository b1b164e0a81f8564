/**
 * The cell types and substrates of a model, with units.
 */
import type { Model, Value } from '../../../../src/model/model.js';
import { formatNumber } from '../../../../src/units/index.js';

/** A value as text: a number (with its unit) or the expression it is computed from. */
export function showValue(v: Value, unit: string, factor = 1): string {
  if (typeof v === 'number') return `${formatNumber(v * factor)}${unit ? ' ' + unit : ''}`;
  return `${v.expr}${v.scale !== 1 ? ` × ${formatNumber(v.scale * factor)}` : ''}${unit ? ` (${unit})` : ''}`;
}

/** Tables of the cell types and the substrates. */
export function ModelTables({ model }: { model: Model }) {
  const described = model.cellTypes.some((c) => c.description);
  return (
    <>
      <section aria-labelledby="cell-types-title">
        <h3 id="cell-types-title">Cell types ({model.cellTypes.length})</h3>
        <table class="data" data-testid="cell-types">
          <thead>
            <tr>
              <th scope="col">name</th>
              <th scope="col">initial number</th>
              <th scope="col">volume</th>
              {described && <th scope="col">description</th>}
            </tr>
          </thead>
          <tbody>
            {model.cellTypes.map((c) => (
              <tr key={c.name}>
                <th scope="row">
                  {c.label}
                  {c.label !== c.name && <div class="muted small">{c.name}</div>}
                </th>
                <td>{showValue(c.initialNumber, 'cells')}</td>
                <td>{showValue(c.volume, 'um^3')}</td>
                {described && <td class="small">{c.description}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="substrates-title">
        <h3 id="substrates-title">Substrates ({model.substrates.length})</h3>
        <table class="data" data-testid="substrates">
          <thead>
            <tr>
              <th scope="col">name</th>
              <th scope="col">unit</th>
              <th scope="col">diffusion coefficient</th>
              <th scope="col">decay rate</th>
              <th scope="col">initial</th>
            </tr>
          </thead>
          <tbody>
            {model.substrates.map((s) => (
              <tr key={s.name}>
                <th scope="row">
                  {s.label}
                  {s.label !== s.name && <div class="muted small">{s.name}</div>}
                </th>
                <td>{s.unit}</td>
                <td>{showValue(s.diffusionCoefficient, 'um^2/min')}</td>
                <td>{showValue(s.decayRate, '1/day', 1440)}</td>
                <td>{showValue(s.initialCondition, s.unit)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}
