/**
 * The shipped files the app offers (models, knowledge base, scenarios, interventions), bundled as
 * text at build time so the app needs no server. Keys are project-relative paths
 * ('models/aml-niche.yaml'), which is what scenarios' relative `model:` and `use:` references
 * resolve against.
 */
const raw = import.meta.glob(['../../models/*.yaml', '../../kb/*.yaml', '../../scenarios/*.yaml', '../../interventions/*.yaml'], {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;

/** Shipped files by project-relative path, e.g. 'models/aml-niche.yaml'. */
export const SHIPPED: ReadonlyMap<string, string> = new Map(Object.entries(raw).map(([k, v]) => [k.replace(/^(\.\.\/)+/, ''), v]));

/** The default model's path (the built-in default scenario of the CLI). */
export const DEFAULT_MODEL = 'models/aml-niche.yaml';

/** Paths of the shipped files under one folder ('models', 'scenarios', ...), sorted. */
export function shippedIn(folder: 'models' | 'kb' | 'scenarios' | 'interventions'): string[] {
  return [...SHIPPED.keys()].filter((k) => k.startsWith(folder + '/')).sort();
}
