/** PhysiCell names to nichesim identifiers (letters, digits, _), unique in one namespace. */
import { RESERVED_NAMES } from '../../vocabulary/signals.js';

export class NameTable {
  /** original PhysiCell name -> nichesim identifier */
  readonly substrates = new Map<string, string>();
  readonly cellTypes = new Map<string, string>();
  /** PhysiCell cell type ID -> original name */
  readonly cellTypeIds = new Map<string, string>();
  private readonly used = new Set<string>();

  add(kind: 'substrate' | 'cellType', original: string): string {
    let base = original.trim().replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
    if (base === '') base = kind === 'substrate' ? 'substrate' : 'cell_type';
    if (!/^[A-Za-z]/.test(base)) base = (kind === 'substrate' ? 's_' : 't_') + base;
    if (RESERVED_NAMES.has(base) || RESERVED_NAMES.has(base.toLowerCase())) base = `${base}_`;
    let id = base;
    for (let k = 2; this.used.has(id.toLowerCase()); k++) id = `${base}_${k}`;
    this.used.add(id.toLowerCase());
    (kind === 'substrate' ? this.substrates : this.cellTypes).set(original, id);
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
