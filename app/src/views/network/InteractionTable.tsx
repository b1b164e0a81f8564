/**
 * The keyboard-accessible counterpart of the graph: a table of the visible interactions, each
 * with a button that selects it (and its edge in the graph).
 */
import { useEffect, useRef } from 'preact/hooks';
import type { Interaction } from '../../../../src/kb/types.js';
import { DIRECTION_MARK } from './graph.js';

/** Props of {@link InteractionTable}. */
export interface InteractionTableProps {
  interactions: Interaction[];
  /** Selected interaction ids. */
  selected: string[];
  onSelect(ids: string[]): void;
}

/** Table of interactions; the selected rows are highlighted and scrolled into view. */
export function InteractionTable({ interactions, selected, onSelect }: InteractionTableProps) {
  const bodyRef = useRef<HTMLTableSectionElement>(null);
  useEffect(() => {
    const row = bodyRef.current?.querySelector<HTMLTableRowElement>('tr.ns-net-row-selected');
    row?.scrollIntoView({ block: 'nearest' });
  }, [selected]);
  return (
    <div class="ns-net-table-wrap" data-testid="network-table">
      <table class="ns-net-table">
        <caption>
          Visible interactions ({interactions.length}); choose one to see its evidence
        </caption>
        <thead>
          <tr>
            <th scope="col">Id</th>
            <th scope="col">Source</th>
            <th scope="col">Mediator</th>
            <th scope="col">Target</th>
            <th scope="col">Effect</th>
            <th scope="col">Confidence</th>
          </tr>
        </thead>
        <tbody ref={bodyRef}>
          {interactions.map((i) => {
            const isSel = selected.includes(i.id);
            return (
              <tr key={i.id} class={isSel ? 'ns-net-row-selected' : undefined} data-id={i.id}>
                <td>
                  <button type="button" class="ns-net-link" aria-pressed={isSel} onClick={() => onSelect(isSel ? [] : [i.id])} title={i.effect}>
                    {i.id}
                  </button>
                </td>
                <td>{i.source}</td>
                <td>{i.mediator_key}</td>
                <td>{i.target}</td>
                <td class={`ns-net-dir-${i.direction}`}>
                  {DIRECTION_MARK[i.direction]} <span class="ns-net-muted">{i.behaviour}</span>
                </td>
                <td>{i.confidence}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
