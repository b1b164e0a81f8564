/**
 * The JSON Schema of the model file format, generated from the zod schema (layer 1).
 */
import { z } from 'zod';
import { ModelInput } from './schema.js';

/** JSON Schema (draft 2020-12) text of a model file, stable across runs (2-space indented). */
export function modelJsonSchemaText(): string {
  const schema = z.toJSONSchema(ModelInput, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  const out = {
    $id: 'nichesim-model.schema.json',
    title: 'nichesim model',
    description: 'A nichesim niche model: substrates, cell types, rules citing the knowledge base, parameters with sources.',
    ...schema,
  };
  return JSON.stringify(out, null, 2) + '\n';
}
