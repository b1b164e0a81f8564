/**
 * The architecture, checked on the source text (docs/ARCHITECTURE in ../shared/design):
 * imports point down the layers only, no circular imports, the core uses no Node-only API,
 * no Math.random in the engines, and no evaluation of text as code anywhere.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const sources = files('src');
const importsOf = (file: string): string[] => {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm)) out.push(m[1]);
  for (const m of text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) out.push(m[1]);
  return out;
};
const resolveLocal = (from: string, spec: string) => normalize(join(dirname(from), spec.replace(/\.js$/, '.ts')));

/** Layer of a source file, from ARCHITECTURE.md (lower layers may not import higher ones). */
function layer(file: string): number {
  const rel = relative('src', file).split(/[\\/]/);
  const top = rel.length > 1 ? rel[0] : rel[0].replace(/\.ts$/, '');
  const table: Record<string, number> = {
    random: 0, palette: 0, units: 0, expr: 0, results: 0, version: 0, vocabulary: 0, pk: 0,
    model: 1, kb: 1,
    compile: 2,
    engines: 3, pde: 3,
    simulate: 4, scenarios: 4, analysis: 4,
    io: 5, interop: 5,
    index: 6,
  };
  const l = table[top];
  if (l === undefined) throw new Error(`no layer declared for ${file} (add '${top}' to the table in this test)`);
  return l;
}

describe('architecture', () => {
  it('imports point down the layers (or stay within one)', () => {
    const bad: string[] = [];
    for (const f of sources) {
      for (const spec of importsOf(f)) {
        if (!spec.startsWith('.')) continue;
        const target = resolveLocal(f, spec);
        if (layer(target) > layer(f)) bad.push(`${f} (layer ${layer(f)}) imports ${target} (layer ${layer(target)})`);
      }
    }
    expect(bad).toEqual([]);
  });
  it('has no circular imports', () => {
    const graph = new Map(sources.map((f) => [normalize(f), importsOf(f).filter((s) => s.startsWith('.')).map((s) => resolveLocal(f, s))]));
    const state = new Map<string, 'visiting' | 'done'>();
    const cycles: string[] = [];
    const visit = (f: string, stack: string[]) => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'visiting') {
        cycles.push([...stack.slice(stack.indexOf(f)), f].join(' -> '));
        return;
      }
      state.set(f, 'visiting');
      for (const g of graph.get(f) ?? []) visit(g, [...stack, f]);
      state.set(f, 'done');
    };
    for (const f of graph.keys()) visit(f, []);
    expect(cycles).toEqual([]);
  });
  it('the core (everything but src/io) uses no Node-only API', () => {
    const bad: string[] = [];
    for (const f of sources) {
      if (f.startsWith(join('src', 'io'))) continue;
      const text = readFileSync(f, 'utf8');
      for (const spec of importsOf(f)) if (spec.startsWith('node:') || ['fs', 'path', 'os', 'child_process', 'worker_threads'].includes(spec)) bad.push(`${f} imports ${spec}`);
      if (/\bprocess\.(env|argv|exit|stdout|stderr|cwd)/.test(text)) bad.push(`${f} uses process`);
      if (/\brequire\(/.test(text)) bad.push(`${f} uses require`);
    }
    expect(bad).toEqual([]);
  });
  it('no Math.random, eval or new Function anywhere in src/ (randomness is seeded; text is never run)', () => {
    const bad: string[] = [];
    for (const f of sources) {
      const text = readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
      if (/Math\.random\s*\(/.test(text)) bad.push(`${f}: Math.random`);
      if (/\beval\s*\(/.test(text)) bad.push(`${f}: eval`);
      if (/new\s+Function\s*\(/.test(text)) bad.push(`${f}: new Function`);
    }
    expect(bad).toEqual([]);
  });
});
