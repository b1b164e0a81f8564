/**
 * zod schemas of the KB file format. Every object is strict: unknown keys are
 * errors (catches typos such as `confidance:`). The loader (`load.ts`) turns
 * zod issues into {@link KbError}s with file/line/column.
 */
import { z } from 'zod';
import {
  CELL_KEYS,
  CONFIDENCES,
  DIRECTIONS,
  DISEASES,
  EVIDENCE_TYPES,
  MEDIATOR_KEYS,
  THERAPY_DISEASES,
  type Interaction,
  type Pk,
  type PkValue,
  type Reference,
  type Therapy,
} from './types.js';

/** Pattern of interaction ids (I001…). */
export const INTERACTION_ID_RE = /^[IM]\d{3}$/;
/** Pattern of therapy ids (T001…). */
export const THERAPY_ID_RE = /^T\d{3}$/;

const nonEmpty = (what: string) =>
  z.string().trim().min(1, { error: `${what} must be a non-empty string` });

/** Schema of a {@link Reference}. */
export const ReferenceSchema = z.strictObject({
  pmid: z
    .string()
    .regex(/^\d{1,9}$/, { error: 'pmid must be digits only, e.g. "19098906" (quote it as a string)' })
    .optional(),
  pmcid: z
    .string()
    .regex(/^PMC\d+$/, { error: 'pmcid must look like "PMC3255583"' })
    .optional(),
  doi: z
    .string()
    .regex(/^10\.\d{4,9}\/\S+$/, {
      error: 'doi must start with "10." and have no resolver prefix, e.g. "10.1182/blood-2018-03-838946"',
    })
    .optional(),
  text: nonEmpty('text'),
});

const references = z.array(ReferenceSchema).min(1, { error: 'at least one reference is required' });

/** Schema of an {@link Interaction}. */
export const InteractionSchema = z.strictObject({
  id: z.string().regex(INTERACTION_ID_RE, { error: 'interaction ids look like "I001" (I + three digits; M + three digits for modelling assumptions)' }),
  source_cell: nonEmpty('source_cell'),
  source: z.enum(CELL_KEYS),
  mediator: nonEmpty('mediator'),
  mediator_key: z.enum(MEDIATOR_KEYS),
  receptor_pathway: nonEmpty('receptor_pathway'),
  target_cell: nonEmpty('target_cell'),
  target: z.enum(CELL_KEYS),
  effect: nonEmpty('effect'),
  direction: z.enum(DIRECTIONS),
  behaviour: nonEmpty('behaviour'),
  diseases: z.array(z.enum(DISEASES)).min(1, { error: 'at least one disease tag is required' }),
  evidence_type: z.enum(EVIDENCE_TYPES),
  evidence_detail: nonEmpty('evidence_detail').optional(),
  references,
  confidence: z.enum(CONFIDENCES),
  note: nonEmpty('note').optional(),
});

/** Schema of a {@link PkValue}: needs `value`, `range` or both. */
export const PkValueSchema = z
  .strictObject({
    value: z.number().optional(),
    range: z.tuple([z.number(), z.number()]).optional(),
    unit: nonEmpty('unit'),
    note: nonEmpty('note').optional(),
    unverified: z.boolean().optional(),
  })
  .refine((v) => v.value !== undefined || v.range !== undefined, {
    error: 'a PK value needs "value: <number>" or "range: [low, high]"',
  })
  .refine((v) => v.range === undefined || v.range[0] <= v.range[1], {
    error: 'range must be [low, high] with low <= high',
    path: ['range'],
  });

/** Schema of {@link Pk}. */
export const PkSchema = z.strictObject({
  dose: nonEmpty('dose').optional(),
  half_life: PkValueSchema.optional(),
  cmax: PkValueSchema.optional(),
  css: PkValueSchema.optional(),
  trough: PkValueSchema.optional(),
  tmax: PkValueSchema.optional(),
  potency: PkValueSchema.optional(),
  other: nonEmpty('other').optional(),
  references,
});

/** Schema of a {@link Therapy}. */
export const TherapySchema = z.strictObject({
  id: z.string().regex(THERAPY_ID_RE, { error: 'therapy ids look like "T001" (T + three digits)' }),
  agent: nonEmpty('agent'),
  class: nonEmpty('class'),
  target: nonEmpty('target'),
  mechanism: nonEmpty('mechanism'),
  diseases: z.array(z.enum(THERAPY_DISEASES)).min(1, { error: 'at least one disease tag is required' }),
  status: nonEmpty('status'),
  pk: PkSchema.optional(),
  references,
  confidence: z.enum(CONFIDENCES),
  related_interactions: z.array(
    z.string().regex(INTERACTION_ID_RE, { error: 'related_interactions holds interaction ids like "I019"' }),
  ),
  note: nonEmpty('note').optional(),
});

/**
 * Schema of one KB file: `kb: 1` plus `interactions:` and/or `therapies:`.
 * (The presence of at least one list is checked by the loader, which gives a
 * clearer message.)
 */
export const KbFileSchema = z.strictObject({
  kb: z.literal(1, { error: 'kb must be 1 (the only KB format version this loader reads)' }),
  interactions: z.array(InteractionSchema).optional(),
  therapies: z.array(TherapySchema).optional(),
});

/** Parsed (validated) content of one KB file. */
export type KbFile = z.infer<typeof KbFileSchema>;

// Compile-time checks that the schemas and the hand-written types agree.
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;
/** @internal */
export type _SchemaTypeChecks = [
  Assert<Equal<z.infer<typeof ReferenceSchema>, Reference>>,
  Assert<Equal<z.infer<typeof InteractionSchema>, Interaction>>,
  Assert<Equal<z.infer<typeof PkValueSchema>, PkValue>>,
  Assert<Equal<z.infer<typeof PkSchema>, Pk>>,
  Assert<Equal<z.infer<typeof TherapySchema>, Therapy>>,
];
