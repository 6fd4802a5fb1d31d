import * as z from 'zod';
import { busEventSchema, contracts, DETAIL_TYPES, type DetailType } from './contracts.ts';
import { samples } from './samples.ts';

/**
 * The JSON Schema (draft 2020-12) documents of the contracts, for consumers in other languages:
 * one per detail-type, describing the whole event as a rule's target receives it, with the
 * sample event as its `examples`. Written to events/schemas/ by `npm run events:schemas`.
 */

export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

export function schemaFileName(detailType: DetailType): string {
  return `${detailType}.v${contracts[detailType].version}.json`;
}

/** The JSON Schema document of one detail-type's events. */
export function jsonSchemaOf(detailType: DetailType): Record<string, unknown> {
  const { version, description } = contracts[detailType];
  const { $schema: _dialect, ...body } = z.toJSONSchema(busEventSchema(detailType), {
    target: 'draft-2020-12',
  });
  return {
    $schema: JSON_SCHEMA_DIALECT,
    $id: `urn:rectify:events:${detailType}:v${version}`,
    title: `${detailType} v${version}`,
    description,
    ...body,
    examples: [samples[detailType]],
  };
}

/** Every schema file, named and serialised exactly as committed (two-space JSON, final newline). */
export function schemaFiles(): { fileName: string; text: string }[] {
  return DETAIL_TYPES.map((detailType) => ({
    fileName: schemaFileName(detailType),
    text: `${JSON.stringify(jsonSchemaOf(detailType), null, 2)}\n`,
  }));
}
