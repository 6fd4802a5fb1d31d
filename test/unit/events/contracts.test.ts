import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import {
  busEventSchema,
  ContractViolation,
  contracts,
  DETAIL_TYPES,
  type DetailType,
  EVENT_SOURCE,
  parseEvent,
} from '#events/contracts.ts';
import { JSON_SCHEMA_DIALECT, jsonSchemaOf, schemaFileName, schemaFiles } from '#events/json-schemas.ts';
import { samples } from '#events/samples.ts';

const SCHEMAS_DIR = path.resolve(import.meta.dirname, '../../../events/schemas');
const EVENTBRIDGE_FIELDS = [
  'version',
  'id',
  'detail-type',
  'source',
  'account',
  'time',
  'region',
  'resources',
];

/** What each detail may leave out, beside `leader` (item events) and `actor` (inspection events). */
const OPTIONAL_DATA: Partial<Record<DetailType, readonly string[]>> = {
  ItemStatusChanged: ['reason', 'signOff'],
  ProgressReported: ['effectiveDate'],
  ItemDueSoon: ['milestone'],
  LookBackConfirmed: ['note'],
};

type Path = readonly (string | number)[];
type Json = Record<string, unknown>;

const pathText = (at: Path) =>
  at.map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index ? '.' : ''}${key}`)).join('');

/** Every object in a detail (the detail itself first), with where it sits. */
function objectsIn(value: unknown, at: Path = []): { at: Path; object: Json }[] {
  if (Array.isArray(value)) return value.flatMap((element, index) => objectsIn(element, [...at, index]));
  if (typeof value !== 'object' || value === null) return [];
  return [
    { at, object: value as Json },
    ...Object.entries(value).flatMap(([key, child]) => objectsIn(child, [...at, key])),
  ];
}

/** A copy of `value` with `edit` applied to the object that holds `at`'s last key. */
function edited<T>(value: T, at: Path, edit: (holder: Json, key: string | number) => void): T {
  // Copied as JSON, as events travel: samples share objects (one actor signs and acts).
  const copy = JSON.parse(JSON.stringify(value)) as T;
  const holder = at.slice(0, -1).reduce<unknown>((node, key) => (node as Json)[key], copy) as Json;
  edit(holder, at.at(-1) as string | number);
  return copy;
}
const without = <T>(value: T, at: Path) => edited(value, at, (holder, key) => delete holder[key]);
const withUnknownField = <T>(value: T, at: Path) =>
  edited(value, [...at, 'unexpected'], (holder, key) => Object.assign(holder, { [key]: true }));
const replaced = <T>(value: T, at: Path, next: unknown) =>
  edited(value, at, (holder, key) => Object.assign(holder, { [key]: next }));

/** The paths a ContractViolation names; fails the test when the detail is accepted. */
function violatedPaths(detailType: DetailType, detail: unknown): string[] {
  try {
    parseEvent(detailType, detail);
  } catch (error) {
    if (!(error instanceof ContractViolation)) throw error;
    expect(error.message).toContain(`${detailType} contract`);
    return error.issues.map((issue) => issue.path);
  }
  throw new Error(`${detailType} accepted a detail it should refuse`);
}

/** The committed JSON Schema file as a validator, built from the file alone (not from the zod source). */
const fileValidators = new Map<DetailType, z.ZodType>();
function committedSchema(detailType: DetailType): z.ZodType {
  let validator = fileValidators.get(detailType);
  if (!validator) {
    const document = JSON.parse(readFileSync(path.join(SCHEMAS_DIR, schemaFileName(detailType)), 'utf8'));
    validator = z.fromJSONSchema(document);
    fileValidators.set(detailType, validator);
  }
  return validator;
}

/** The detail paths the committed JSON Schema refuses in a whole event with this detail. */
function pathsRefusedByFile(detailType: DetailType, detail: unknown): string[] {
  const result = committedSchema(detailType).safeParse({ ...samples[detailType], detail });
  if (result.success) throw new Error(`the ${detailType} JSON Schema accepted a detail it should refuse`);
  return result.error.issues.flatMap((issue) => {
    const at = issue.path.slice(1) as Path;
    return issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => pathText([...at, key]))
      : [pathText(at)];
  });
}

describe.each(DETAIL_TYPES)('%s', (detailType) => {
  const { description, version } = contracts[detailType];
  const sample = samples[detailType];
  const { detail } = sample;
  const optional = new Set([
    'itemId' in detail ? 'leader' : 'actor',
    ...(OPTIONAL_DATA[detailType] ?? []).map((key) => `data.${key}`),
  ]);
  const objects = objectsIn(detail);
  const fields = objects.flatMap(({ at, object }) => Object.keys(object).map((key) => [...at, key]));
  const required = fields.filter((at) => !optional.has(pathText(at)));
  const optionalPresent = fields.filter((at) => optional.has(pathText(at)));

  it('is version 1 and described in one line, in English and Chinese', () => {
    expect(version).toBe(1);
    expect(detail.schemaVersion).toBe(1);
    expect(description).toMatch(/^[^\n]*[A-Za-z]{3}[^\n]* \/ [^\n]*\p{Script=Han}[^\n]*$/u);
  });

  it('has a sample: a complete EventBridge event from rectify with this detail-type', () => {
    expect(Object.keys(sample).sort()).toEqual([...EVENTBRIDGE_FIELDS, 'detail'].sort());
    expect(sample).toMatchObject({ version: '0', source: EVENT_SOURCE, 'detail-type': detailType });
    expect(busEventSchema(detailType).parse(sample)).toStrictEqual(sample);
  });

  it('accepts the sample’s detail, and so does its committed JSON Schema', () => {
    expect(parseEvent(detailType, detail)).toStrictEqual(detail);
    expect(committedSchema(detailType).parse(sample)).toStrictEqual(sample);
  });

  it.each(required.map(pathText))('refuses the detail without %s, naming it', (field) => {
    const at = required.find((candidate) => pathText(candidate) === field) ?? [];
    expect(violatedPaths(detailType, without(detail, at))).toEqual([field]);
    expect(pathsRefusedByFile(detailType, without(detail, at))).toContain(field);
  });

  it.each(optionalPresent.map(pathText))('accepts the detail without the optional %s', (field) => {
    const at = optionalPresent.find((candidate) => pathText(candidate) === field) ?? [];
    expect(() => parseEvent(detailType, without(detail, at))).not.toThrow();
    expect(committedSchema(detailType).safeParse({ ...sample, detail: without(detail, at) }).success).toBe(
      true,
    );
  });

  it.each(objects.map(({ at }) => pathText(at) || '(detail)'))(
    'refuses an unknown field in %s, naming it',
    (where) => {
      const at = objects.find((candidate) => (pathText(candidate.at) || '(detail)') === where)?.at ?? [];
      const field = pathText([...at, 'unexpected']);
      expect(violatedPaths(detailType, withUnknownField(detail, at))).toEqual([field]);
      expect(pathsRefusedByFile(detailType, withUnknownField(detail, at))).toEqual([field]);
    },
  );

  it('is published as a JSON Schema 2020-12 document with its id, title, description and sample', () => {
    expect(jsonSchemaOf(detailType)).toMatchObject({
      $schema: JSON_SCHEMA_DIALECT,
      $id: `urn:rectify:events:${detailType}:v1`,
      title: `${detailType} v1`,
      description,
      examples: [sample],
    });
  });
});

describe('values the contracts refuse', () => {
  it.each([
    ['ItemDueSoon', ['data', 'deadline'], '2023-02-29', 'a date that does not exist'],
    ['ItemDueSoon', ['data', 'scanDate'], '2024/09/24', 'a date not written YYYY-MM-DD'],
    ['ItemStatusChanged', ['at'], '2024-10-15T02:00:00', 'an instant without offset'],
    ['ItemStatusChanged', ['data', 'to'], 'done', 'a status that does not exist'],
    [
      'ItemStatusChanged',
      ['hash'],
      'CA978112CA1BBDCAFAC231B39A23DC4DA786EFF8147C4E72B9807785AFEE48BB',
      'upper-case hex',
    ],
    ['ItemStatusChanged', ['eventId'], 'event-1', 'an event id that is not a UUID'],
    ['ItemStatusChanged', ['seq'], 0, 'a chain position before the first'],
    ['ItemStatusChanged', ['inspectionId'], 'Health 2024', 'an inspection id that is not a slug'],
    ['ProgressReported', ['data', 'measuresDone', 0], -1, 'a negative measure index'],
    ['EvidenceStored', ['data', 'size'], 0, 'an empty file'],
    ['EvidenceStored', ['data', 'sha256'], 'abc', 'a short hash'],
    ['ItemOverdue', ['data', 'daysOverdue'], 1.5, 'a fraction of a day'],
    ['ItemEscalated', ['data', 'light'], 'green', 'a light that does not escalate'],
    ['SummaryGenerated', ['data', 'lang'], 'fr', 'a language Rectify does not write'],
  ] as const)(
    '%s refuses %s = %j (%s), in the contract and its JSON Schema',
    (detailType, at, value, _why) => {
      const detail = replaced(samples[detailType].detail, at, value);
      expect(violatedPaths(detailType, detail)).toContain(pathText(at));
      expect(pathsRefusedByFile(detailType, detail)).toContain(pathText(at));
    },
  );

  it('refuses an itemId that is not "<inspectionId>.<ref>" of the same detail (the JSON Schema cannot say so)', () => {
    const detail = replaced(samples.ItemOverdue.detail, ['ref'], '1.1.2');
    expect(violatedPaths('ItemOverdue', detail)).toEqual(['itemId']);
  });

  it('names the detail-type it does not know', () => {
    expect(() => parseEvent('ItemDeleted', samples.ItemOverdue.detail)).toThrow(
      /ItemDeleted contract: detail-type: not one Rectify publishes/,
    );
  });
});

describe('events/schemas', () => {
  it.each(schemaFiles())('$fileName is what `npm run events:schemas` writes now', ({ fileName, text }) => {
    const committed = readFileSync(path.join(SCHEMAS_DIR, fileName), 'utf8');
    expect(committed, `${fileName} is stale: run npm run events:schemas`).toBe(text);
  });

  it('holds nothing but schema files of detail-types Rectify publishes', () => {
    const named = new RegExp(`^(${DETAIL_TYPES.join('|')})\\.v\\d+\\.json$`);
    expect(readdirSync(SCHEMAS_DIR).filter((name) => !named.test(name))).toEqual([]);
  });
});
