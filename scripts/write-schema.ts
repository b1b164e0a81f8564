/**
 * Writes the JSON Schema of the model format to schema/nichesim-model.schema.json, for editor
 * completion (e.g. `# yaml-language-server: $schema=../schema/nichesim-model.schema.json`).
 * A test fails when the committed file is out of date: run `npm run schema` after changing
 * src/model/schema.ts.
 */
import { writeFileSync } from 'node:fs';
import { modelJsonSchemaText } from '../src/model/jsonSchema.js';

writeFileSync('schema/nichesim-model.schema.json', modelJsonSchemaText());
console.log('wrote schema/nichesim-model.schema.json');
