import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { modelJsonSchemaText } from '../../src/model/jsonSchema.js';

describe('schema/nichesim-model.schema.json', () => {
  it('is up to date with src/model/schema.ts (run `npm run schema` to refresh it)', () => {
    expect(readFileSync('schema/nichesim-model.schema.json', 'utf8')).toBe(modelJsonSchemaText());
  });
  it('describes the top-level sections and refuses unknown keys', () => {
    const s = JSON.parse(modelJsonSchemaText());
    expect(Object.keys(s.properties)).toEqual(expect.arrayContaining(['nichesim', 'name', 'niche', 'substrates', 'cell_types', 'rules', 'parameters', 'outputs', 'dosing']));
    expect(s.additionalProperties).toBe(false);
    expect(s.required).toEqual(expect.arrayContaining(['nichesim', 'name', 'niche', 'cell_types']));
  });
});
