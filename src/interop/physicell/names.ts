/**
 * PhysiCell names to nichesim identifiers (letters, digits, _), unique in one namespace shared by
 * substrates, cell types and user parameters (layer 5, no Node-only API).
 *
 * The mapping: runs of other characters become `_` ("pro-inflammatory factor" ->
 * "pro_inflammatory_factor"), leading/trailing `_` are dropped, a name that does not start with a
 * letter gets a prefix (`s_`, `t_`, `p_`), a reserved word gets a trailing `_`, and a name already
 * taken (case-insensitively) gets `_2`, `_3`, ... in the order the names are added. The exporter
 * uses `preview` with the same order to choose PhysiCell names that map back to the same
 * identifiers.
 */
import { RESERVED_NAMES } from '../../vocabulary/signals.js';

export type NameKind = 'substrate' | 'cellType' | 'parameter';

const PREFIX: Record<NameKind, string> = { substrate: 's_', cellType: 't_', parameter: 'p_' };
const EMPTY: Record<NameKind, string> = { substrate: 'substrate', cellType: 'cell_type', parameter: 'parameter' };

export class NameTable {
  /** original PhysiCell name -> nichesim identifier */
  readonly substrates = new Map<string, string>();
  readonly cellTypes = new Map<string, string>();
  readonly parameters = new Map<string, string>();
  /** PhysiCell cell type ID -> original name */
  readonly cellTypeIds = new Map<string, string>();
  private readonly used = new Set<string>();

  /** The identifier `add(kind, original)` would give now, without adding it. */
  preview(kind: NameKind, original: string): string {
    let base = original.trim().replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
    if (base === '') base = EMPTY[kind];
    if (!/^[A-Za-z]/.test(base)) base = PREFIX[kind] + base;
    if (RESERVED_NAMES.has(base) || RESERVED_NAMES.has(base.toLowerCase())) base = `${base}_`;
    let id = base;
    for (let k = 2; this.used.has(id.toLowerCase()); k++) id = `${base}_${k}`;
    return id;
  }

  /** Adds a PhysiCell name and returns its nichesim identifier. */
  add(kind: NameKind, original: string): string {
    const id = this.preview(kind, original);
    this.used.add(id.toLowerCase());
    (kind === 'substrate' ? this.substrates : kind === 'cellType' ? this.cellTypes : this.parameters).set(original, id);
    return id;
  }

  substrateIds(): string[] {
    return [...this.substrates.values()];
  }

  cellTypeIdents(): string[] {
    return [...this.cellTypes.values()];
  }

  /** A cell type by PhysiCell name or numeric ID. */
  cellType(nameOrId: string): string | undefined {
    const byName = this.cellTypes.get(nameOrId);
    if (byName) return byName;
    const name = this.cellTypeIds.get(nameOrId);
    return name === undefined ? undefined : this.cellTypes.get(name);
  }
}
