/** Filter controls of the network view: disease, cell and mediator selects, mediator-node toggle. */
import { useId } from 'preact/hooks';
import type { FilterVocabulary, NetworkFilterState } from './graph.js';

/** Props of {@link NetworkFilters}. */
export interface NetworkFiltersProps {
  vocabulary: FilterVocabulary;
  value: NetworkFilterState;
  onChange(next: NetworkFilterState): void;
}

/** One labelled select with an "all" option. */
function FilterSelect(props: { label: string; testId: string; options: string[]; value: string; onChange(v: string): void }) {
  const id = useId();
  return (
    <div class="ns-net-field">
      <label for={id}>{props.label}</label>
      <select id={id} data-testid={props.testId} value={props.value} onChange={(e) => props.onChange((e.currentTarget as HTMLSelectElement).value)}>
        <option value="">all</option>
        {props.options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The filter bar; every change is reported as a whole new state. */
export function NetworkFilters({ vocabulary, value, onChange }: NetworkFiltersProps) {
  const toggleId = useId();
  const isFiltered = value.disease !== '' || value.cell !== '' || value.mediator !== '';
  return (
    <div class="ns-net-filters" role="group" aria-label="Filter interactions">
      <FilterSelect label="Disease" testId="network-filter-disease" options={vocabulary.diseases} value={value.disease} onChange={(disease) => onChange({ ...value, disease })} />
      <FilterSelect label="Cell" testId="network-filter-cell" options={vocabulary.cells} value={value.cell} onChange={(cell) => onChange({ ...value, cell })} />
      <FilterSelect label="Mediator" testId="network-filter-mediator" options={vocabulary.mediators} value={value.mediator} onChange={(mediator) => onChange({ ...value, mediator })} />
      <div class="ns-net-field ns-net-check">
        <input
          id={toggleId}
          type="checkbox"
          data-testid="network-mediator-nodes"
          checked={value.mediatorNodes}
          onChange={(e) => onChange({ ...value, mediatorNodes: (e.currentTarget as HTMLInputElement).checked })}
        />
        <label for={toggleId}>Mediators as nodes</label>
      </div>
      <button type="button" class="ns-net-button" disabled={!isFiltered} onClick={() => onChange({ ...value, disease: '', cell: '', mediator: '' })}>
        Clear filters
      </button>
    </div>
  );
}
