import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DevTokenRequest } from '#local/dev-auth.ts';
import { CONTRACT, openApiDocument } from '#shared/api/openapi.ts';
import { apiClient, users } from '../support/api.ts';
import { eventually } from '../support/eventually.ts';
import {
  errorShapeProblem,
  type RawRequest,
  type RawResponse,
  type StateSnapshot,
  sendRaw,
  settledSnapshot,
  snapshotDiff,
  snapshotState,
} from '../support/hostile.ts';
import { sharedEmulator, useLocalRuntime } from '../support/runtime.ts';
import { askForSummary } from '../support/summaries.ts';

/**
 * Every route of the OpenAPI document, as an admin and as a department user of another
 * department, with requests that are each wrong in one way: hostile path and query values, bad
 * bodies and content types, odd headers. No answer may be a 5xx, every 4xx must be the documented
 * error shape, a write route must refuse them all, and the ledger and the buckets must be byte for
 * byte what they were before. The cases are drawn by fast-check from `RECTIFY_FUZZ_SEED` (printed).
 *
 * Write routes never get a request that would be valid: a hostile path or a foreign caller keeps
 * the valid body (the target must be refused), everything else is sent with a body that fails the
 * schema (or, for routes without a body, at a target that does not exist).
 */
const SEED = Number(process.env.RECTIFY_FUZZ_SEED ?? 20_241_212);
const RUNS = Number(process.env.RECTIFY_FUZZ_RUNS ?? 2);

const local = useLocalRuntime('hostile');
const api = apiClient(local);
const plan = JSON.parse(
  readFileSync(path.resolve(import.meta.dirname, '../fixtures/plan.sample.json'), 'utf8'),
);
const INSPECTION = plan.inspection.id as string;
/** 1.1.2: 基层卫生科, in progress. The department caller below is 财务科. */
const ITEM = `${INSPECTION}.1.1.2`;
/** Items the 财务科 caller may not see. */
const FOREIGN_ITEMS = ['1.1.1', '1.1.2', '1.2.1'].map((ref) => `${INSPECTION}.${ref}`);

const CALLERS = { admin: users.admin, department: users.otherDepartment } as const;
type Caller = keyof typeof CALLERS;

/** Real ids to aim at, made in beforeAll. */
const targets: Record<string, string> = { inspectionId: INSPECTION, itemId: ITEM, department: '基层卫生科' };

interface Profile {
  /** A body the schema accepts; sent only where something else is wrong. */
  readonly body?: Record<string, unknown>;
  /** A string field that the text probes go into. */
  readonly textField?: string;
  /** A valid request to the real target would change state. */
  readonly writes?: boolean;
  /** The real target is not safe to send a schema-valid body to even when the path is hostile. */
  readonly anyPathAccepted?: boolean;
  /** Without a body to spoil, send the non-path probes to a target that does not exist. */
  readonly absentBaseline?: string;
}

const PROFILES: Record<string, Profile> = {
  'GET /health': {},
  'GET /me': {},
  'GET /openapi.json': {},
  'GET /inspections': {},
  'GET /inspections/{inspectionId}/ledger': {},
  'GET /items/{itemId}': {},
  'GET /items/{itemId}/history': {},
  'GET /items/{itemId}/evidence': {},
  'GET /evidence/{evidenceId}': {},
  'GET /evidence/{evidenceId}/download': {},
  'GET /inspections/{inspectionId}/totals': {},
  'GET /me/notifications': {},
  'GET /inspections/{inspectionId}/outcomes': {},
  'GET /inspections/{inspectionId}/summaries': {},
  'GET /inspections/{inspectionId}/summaries/latest': {},
  'GET /summaries/{summaryId}': {},
  'GET /inspections/{inspectionId}/archives': {},
  'GET /archives/{archiveId}': {},
  'GET /archives/public-key': {},
  'GET /inspections/{inspectionId}/report-text': {},
  'POST /inspections/import': { writes: true, body: { plan } },
  // Writes nothing even when valid, but every probe here is wrong in one way and must be refused;
  // the snapshot after each route shows it wrote nothing either way.
  'POST /inspections/import/preview': { writes: true, body: { plan } },
  'POST /items/{itemId}/transitions': {
    writes: true,
    body: { to: 'rectified', reason: '整改完成', expectedVersion: 2 },
    textField: 'reason',
  },
  'POST /items/{itemId}/progress': {
    writes: true,
    body: { text: '本周完成全科医生培训', measuresDone: [0], effectiveDate: '2024-10-01' },
    textField: 'text',
  },
  'POST /items/{itemId}/evidence': {
    writes: true,
    body: {
      fileName: '整改报告.pdf',
      contentType: 'application/pdf',
      size: 1024,
      sha256: 'a'.repeat(64),
      description: '整改报告',
    },
    textField: 'fileName',
  },
  'POST /evidence/{evidenceId}/withdraw': { writes: true, body: { reason: '上传错误' }, textField: 'reason' },
  'POST /items/{itemId}/look-back': { writes: true, body: { note: '回头看：整改到位' }, textField: 'note' },
  'POST /inspections/{inspectionId}/totals/rebuild': { writes: true, absentBaseline: 'inspectionId' },
  'PUT /inspections/{inspectionId}/follow-up': {
    writes: true,
    body: { lookBackMonths: 6, reattestationDays: 90 },
  },
  // Any department name may get a webhook: a hostile name with a valid body is not wrong.
  'PUT /departments/{department}/webhook': {
    writes: true,
    anyPathAccepted: true,
    body: { url: 'https://chat.example.com/hook', format: 'wecom' },
    textField: 'url',
  },
  // No webhook is set: every delete is refused, whatever the target.
  'DELETE /departments/{department}/webhook': { writes: true },
  // The notification is 基层卫生科's: neither caller may mark it.
  'POST /me/notifications/{notificationId}/read': { writes: true },
  'POST /inspections/{inspectionId}/outcomes': {
    writes: true,
    body: { kind: 'criticism', count: 1, date: '2024-10-01', note: '批评教育' },
    textField: 'note',
  },
  'POST /inspections/{inspectionId}/summaries': { writes: true, body: { asOf: '2024-10-20', lang: 'zh-CN' } },
  'PUT /inspections/{inspectionId}/report-text': {
    writes: true,
    body: { nextSteps: '持续巩固整改成果，开展“回头看”。', issuingUnit: '市卫生健康委员会' },
    textField: 'nextSteps',
  },
  'PUT /inspections/{inspectionId}/summary-schedule': {
    writes: true,
    body: { enabled: true, weekday: 1, hour: 9, lang: 'zh-CN' },
  },
  'POST /inspections/{inspectionId}/archives': {
    writes: true,
    body: { refs: ['1.1.2'], department: '基层卫生科' },
    textField: 'department',
  },
};

// ---------------------------------------------------------------------------------------------
// The routes, from the document /openapi.json serves.

interface JsonSchema {
  readonly type?: string | string[];
  readonly properties?: Record<string, JsonSchema>;
  readonly required?: string[];
  readonly anyOf?: JsonSchema[];
  readonly enum?: unknown[];
  readonly maxLength?: number;
  readonly minLength?: number;
  readonly pattern?: string;
  readonly $ref?: string;
}

interface Operation {
  readonly key: string;
  readonly method: string;
  readonly path: string;
  readonly pathParams: string[];
  readonly queryParams: { name: string; schema: JsonSchema }[];
  readonly bodySchema?: JsonSchema;
  readonly isPublic: boolean;
  /** Takes an `Idempotency-Key` header. */
  readonly idempotent: boolean;
  readonly profile: Profile;
}

const document = openApiDocument() as {
  paths: Record<string, Record<string, Record<string, unknown>>>;
  components: { schemas: Record<string, JsonSchema> };
};
const resolve = (schema: JsonSchema | undefined): JsonSchema | undefined =>
  schema?.$ref
    ? resolve(document.components.schemas[schema.$ref.replace('#/components/schemas/', '')])
    : schema;

const OPERATIONS: Operation[] = Object.entries(document.paths).flatMap(([routePath, methods]) =>
  Object.entries(methods).map(([method, operation]) => {
    const key = `${method.toUpperCase()} ${routePath}`;
    const parameters = operation.parameters as { name: string; in: string; schema: JsonSchema }[];
    const requestBody = operation.requestBody as
      | { content: { 'application/json': { schema: JsonSchema } } }
      | undefined;
    return {
      key,
      method: method.toUpperCase(),
      path: routePath,
      pathParams: parameters.filter((p) => p.in === 'path').map((p) => p.name),
      queryParams: parameters
        .filter((p) => p.in === 'query')
        .map((p) => ({ name: p.name, schema: p.schema })),
      ...(requestBody ? { bodySchema: resolve(requestBody.content['application/json'].schema) } : {}),
      isPublic: Array.isArray(operation.security) && operation.security.length === 0,
      idempotent: parameters.some((p) => p.in === 'header' && p.name.toLowerCase() === 'idempotency-key'),
      profile: PROFILES[key] ?? {},
    };
  }),
);

// ---------------------------------------------------------------------------------------------
// Hostile values.

/** Percent-encodes every UTF-16 code unit, lone surrogates as their (invalid) WTF-8 bytes. */
function encodeUnits(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code >= 0xd800 && code <= 0xdfff) {
      out += [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
        .map((byte) => `%${byte.toString(16).toUpperCase()}`)
        .join('');
    } else out += encodeURIComponent(char);
  }
  return out;
}

const enc = encodeURIComponent;

/** Path segments that are wrong for any parameter: bad encodings, dot segments, controls, injections. */
const HOSTILE_SEGMENTS = [
  '',
  '%FF%FE',
  '%',
  '%E4%B8',
  '%zz',
  '%C0%AE%C0%AE',
  '%ED%A0%80',
  '%F4%90%80%80',
  '..',
  '.',
  '%2e%2e',
  '..%2F..%2Fhealth',
  '%2F',
  '%5C..%5C..%5Cetc%5Cpasswd',
  '%00',
  '%0A',
  '%0D%0Aset-cookie%3A%20x%3D1',
  '%1B%5B31m',
  '%7F',
  '%20',
  '+',
  '*',
  '%25',
  '%2525FF',
  '__proto__',
  'constructor',
  enc(`${INSPECTION}#META`),
  enc(`ITEM#${ITEM}`),
  enc(`' OR '1'='1`),
  enc('{"S":"x"}'),
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a log4j-style lookup, sent as text.
  enc('${jndi:ldap://example.com/a}'),
  enc('<script>alert(1)</script>'),
  enc('　'),
  enc('\u202e'),
];

/** Ids a careless lookup might take for the real one, and ids of other kinds or inspections. */
function nearIds(param: string): string[] {
  const real = targets[param] ?? 'x';
  return [
    enc(`${real}\u0000`),
    `${enc(real)}%ED%A0%80`,
    `${enc(real)}%FF`,
    enc(`${real} `),
    enc(` ${real}`),
    enc(`${real}\u200b`),
    enc(real.toUpperCase()),
    enc(`${real}.1`),
    enc(real.slice(0, -1)),
    enc(real.normalize('NFD') === real ? `${real}\u0301` : real.normalize('NFD')),
    enc(`other-inspection-2024.1.1.2`),
    enc(`${INSPECTION}.01.1.2`),
    enc(`${INSPECTION}.1.1.9999999999999999999`),
    ...Object.entries(targets)
      .filter(([other]) => other !== param)
      .map(([, value]) => enc(value)),
  ];
}

const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));

/** Families of hostile path values; each is drawn from on every route. */
function hostilePathValues(param: string): fc.Arbitrary<{ detail: string; value: string }>[] {
  return [
    fc.constantFrom(...HOSTILE_SEGMENTS).map((value) => ({ detail: `segment ${value.slice(0, 40)}`, value })),
    fc
      .constantFrom(...nearIds(param))
      .map((value) => ({ detail: `near or other id ${value.slice(0, 60)}`, value })),
    fc.integer({ min: 1_000, max: 6_000 }).map((n) => ({ detail: `${n} characters`, value: 'a'.repeat(n) })),
    fc
      .integer({ min: 100, max: 800 })
      .map((n) => ({ detail: `${n} CJK characters`, value: enc('整'.repeat(n)) })),
    fc
      .string({ unit: codeUnit, minLength: 1, maxLength: 16 })
      .map((text) => ({ detail: `random UTF-16 code units ${encodeUnits(text)}`, value: encodeUnits(text) })),
  ];
}

const CURSORS = [
  'garbage!!',
  '',
  Buffer.from('{}').toString('base64url'),
  Buffer.from('[]').toString('base64url'),
  Buffer.from('null').toString('base64url'),
  Buffer.from('{"PK":"x"}').toString('base64url'),
  Buffer.from('{"PK":"INSPECTION#other","SK":"SUMMARY#x"}').toString('base64url'),
  Buffer.from('{"PK":{"S":"x"},"SK":{"N":"1"}}').toString('base64url'),
  Buffer.from('{"PK":1,"SK":[],"GSI1PK":null}').toString('base64url'),
  Buffer.from(`{"PK":"${'x'.repeat(1500)}"}`).toString('base64url'),
  Buffer.from('{"__proto__":{"polluted":true}}').toString('base64url'),
];

function hostileQuery(op: Operation): fc.Arbitrary<{ detail: string; query: string }> {
  const values = [
    '',
    '-1',
    '0',
    '101',
    '1.5',
    'abc',
    '1e400',
    'NaN',
    '%FF%FE',
    '%00',
    '%ED%A0%80',
    'bogus',
    'true,false',
    'closed,bogus',
    'x'.repeat(3_000),
    ...CURSORS.map(enc),
  ];
  const named = op.queryParams.map((p) => p.name);
  const forParam = named.length
    ? fc
        .tuple(fc.constantFrom(...named), fc.constantFrom(...values))
        .map(([name, value]) => ({ detail: `${name}=${value.slice(0, 40)}`, query: `${name}=${value}` }))
    : fc.constant({ detail: 'stray parameter', query: 'limit=-1' });
  const repeated = named.length
    ? fc.constantFrom(...named).map((name) => ({ detail: `${name} twice`, query: `${name}=1&${name}=2` }))
    : fc.constant({ detail: 'repeated stray parameter', query: 'a=1&a=2' });
  const stray = fc.constantFrom(
    'hostile=1',
    '__proto__=x',
    '__proto__[polluted]=1',
    'constructor[prototype][polluted]=1',
    '%FF=1',
    'a%00b=1',
    '=',
    '&&&',
    '%',
    `${'k'.repeat(2_000)}=v`,
  );
  return fc.oneof(
    forParam,
    repeated,
    stray.map((query) => ({ detail: `stray ${query.slice(0, 40)}`, query })),
  );
}

function hostileHeaders(op: Operation): fc.Arbitrary<{ detail: string; headers: [string, string][] }> {
  const single = (name: string, values: string[]) =>
    fc.constantFrom(...values).map((value) => ({
      detail: `${name}: ${value.slice(0, 40)}`,
      headers: [[name, value]] as [string, string][],
    }));
  return fc.oneof(
    single('accept-language', [
      '*;q=abc',
      'zh-CN;q=2',
      ';;;,,,',
      'x'.repeat(4_000),
      'zz-ZZ-x-'.concat('a'.repeat(200)),
      'é\u00ff\u0080',
      'en;q=-1, zh;q=NaN',
      '\t en \t',
    ]),
    fc.constant({
      detail: 'accept-language twice',
      headers: [
        ['accept-language', 'en'],
        ['accept-language', 'zh-CN'],
      ] as [string, string][],
    }),
    single('idempotency-key', [
      '',
      ' ',
      'k'.repeat(256),
      'k'.repeat(8_000),
      '\u00ff\u00fe',
      'a\tb',
      '"quoted"',
    ]),
    fc.constant({
      detail: 'idempotency-key twice',
      headers: [
        ['idempotency-key', 'first'],
        ['idempotency-key', 'second'],
      ] as [string, string][],
    }),
    fc.integer({ min: 1_000, max: 8_000 }).map((n) => ({
      detail: `a ${n}-byte header`,
      headers: [['x-hostile', 'h'.repeat(n)]] as [string, string][],
    })),
    fc.integer({ min: 50, max: 300 }).map((n) => ({
      detail: `${n} extra headers`,
      headers: Array.from({ length: n }, (_, i) => [`x-hostile-${i}`, String(i)] as [string, string]),
    })),
    single('host', ['evil.example', 'localhost:99999', '[::1', '']),
    single('x-forwarded-for', ['10.0.0.1, 127.0.0.1', 'not-an-ip']),
    single('cookie', [';;;', 'a=\u00ff', `c=${'x'.repeat(4_000)}`]),
    single('accept', ['text/csv', 'application/xml', '*/*;q=abc']),
    ...(op.isPublic
      ? []
      : [
          fc.constant({
            detail: 'authorization twice',
            headers: [['authorization', 'DUPLICATE']] as [string, string][],
          }),
        ]),
    ...(op.bodySchema
      ? [
          single('content-type', [
            'application/json; charset=utf-16',
            'application/json, text/plain',
            'application/json; boundary=--',
          ]),
          fc.constant({
            detail: 'content-type twice',
            headers: [['content-type', 'application/json']] as [string, string][],
          }),
        ]
      : []),
  );
}

/** JSON types a schema accepts; empty when it accepts anything. */
function acceptedTypes(schema: JsonSchema | undefined): Set<string> {
  const s = resolve(schema);
  if (!s) return new Set();
  if (s.anyOf) return new Set(s.anyOf.flatMap((inner) => [...acceptedTypes(inner)]));
  if (s.enum) return new Set(s.enum.map((value) => (value === null ? 'null' : typeof value)));
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  return new Set(types.map((type) => (type === 'integer' ? 'number' : type)));
}

const typeOf = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

const WRONG_VALUES: unknown[] = [null, 42, -1, 'str', true, [], {}, [null], { $gt: '' }, { S: 'x' }];

function deep(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array'
    ? `${'['.repeat(depth)}${']'.repeat(depth)}`
    : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

interface BodyProbe {
  readonly detail: string;
  readonly body: string | Buffer;
  readonly contentType?: string;
}

/** Families of bodies each wrong in one way for the route's schema; each is drawn from. */
function hostileBodies(op: Operation): fc.Arbitrary<BodyProbe>[] {
  const schema = op.bodySchema ?? {};
  const valid = op.profile.body ?? {};
  const properties = schema.properties ?? {};
  const required = schema.required ?? [];
  const names = Object.keys(properties);
  const json = (detail: string, value: unknown): BodyProbe => ({ detail, body: JSON.stringify(value) });
  const without = (name: string) => Object.fromEntries(Object.entries(valid).filter(([key]) => key !== name));
  const maxBytes = op.key.startsWith('POST /inspections/import') ? 6 * 1024 * 1024 : 1024 * 1024;
  const withRaw = (name: string, rawValue: string): string =>
    `{${[...Object.entries(without(name)).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`), `${JSON.stringify(name)}:${rawValue}`].join(',')}}`;
  const stringFields = names.filter((name) => acceptedTypes(properties[name]).has('string'));
  const numberFields = names.filter((name) => acceptedTypes(properties[name]).has('number'));
  const textField = op.profile.textField ?? stringFields[0];
  const validText = JSON.stringify(valid);

  const probes: fc.Arbitrary<BodyProbe>[] = [
    fc
      .constantFrom(
        '',
        '{',
        '{"a":',
        'null',
        '[]',
        '"x"',
        '123',
        'true',
        "{'a':1}",
        'undefined',
        'NaN',
        `\uFEFF${validText}`,
        `${validText}garbage`,
        `${validText.slice(0, -1)},}`,
        `${validText}${validText}`,
        '{"a":1}\u0000',
      )
      .map((body) => ({ detail: `not JSON / not an object: ${body.slice(0, 30)}`, body })),
    fc
      .constantFrom(
        'hostile',
        '__proto__',
        'constructor',
        'toString',
        '',
        'k'.repeat(1_000),
        '\u0000',
        '$where',
      )
      .map((key) => ({
        detail: `unknown field ${JSON.stringify(key.slice(0, 20))}`,
        body: `{${JSON.stringify(key)}:{"polluted":true}${validText === '{}' ? '' : `,${validText.slice(1)}`}`,
      })),
    fc
      .tuple(fc.integer({ min: 1_000, max: 100_000 }), fc.constantFrom<'array' | 'object'>('array', 'object'))
      .map(([depth, kind]) => ({ detail: `a body nested ${depth} deep (${kind})`, body: deep(depth, kind) })),
    fc.constant({
      detail: 'huge body',
      body: JSON.stringify({ ...valid, [textField ?? 'padding']: 'x'.repeat(maxBytes + 1_000) }),
    }),
    fc
      .constantFrom(
        ['no content-type', ''],
        ['text/plain', 'text/plain'],
        ['form', 'application/x-www-form-urlencoded'],
        ['multipart', 'multipart/form-data; boundary=x'],
        ['xml', 'application/xml'],
        ['json-seq', 'application/json-seq'],
        ['octet-stream', 'application/octet-stream'],
        ['jsonp', 'application/jsonp'],
      )
      .map(([label, contentType]) => ({ detail: `content-type ${label}`, body: validText, contentType })),
  ];
  // The document's `required` is checked against the schema by the coverage test; here only
  // fields whose absence the schema refuses are left out, so each probe stays wrong.
  const refused = (value: unknown) => !CONTRACT[op.key]?.body?.safeParse(value).success;
  const requiredNow = required.filter((name) => refused(without(name)));
  if (requiredNow.length) {
    probes.push(fc.constantFrom(...requiredNow).map((name) => json(`missing ${name}`, without(name))));
  }
  if (names.length) {
    probes.push(
      fc
        .tuple(fc.constantFrom(...names), fc.constantFrom(...WRONG_VALUES))
        .filter(([name, value]) => {
          const types = acceptedTypes(properties[name]);
          return types.size > 0 && !types.has(typeOf(value)) && refused({ ...valid, [name]: value });
        })
        .map(([name, value]) => json(`${name} as ${JSON.stringify(value)}`, { ...valid, [name]: value })),
      fc
        .tuple(
          fc.constantFrom(...names),
          fc.integer({ min: 1_000, max: 50_000 }),
          fc.constantFrom<'array' | 'object'>('array', 'object'),
        )
        .map(([name, depth, kind]) => ({
          detail: `${name} nested ${depth} deep (${kind})`,
          body: withRaw(name, deep(depth, kind)),
        })),
    );
  }
  if (numberFields.length) {
    probes.push(
      fc
        .tuple(
          fc.constantFrom(...numberFields),
          fc.constantFrom('-1', '1e309', '-1e309', '9007199254740993', '0.5'),
        )
        .filter(([name, raw]) => raw !== '0.5' || resolve(properties[name])?.type === 'integer')
        .map(([name, raw]) => ({ detail: `${name}: ${raw}`, body: withRaw(name, raw) })),
    );
  }
  if (textField) {
    const limit = resolve(properties[textField])?.maxLength;
    probes.push(
      fc
        .constantFrom(
          ['a lone surrogate', '"\\ud800"'],
          ['a lone low surrogate', '"x\\udfffy"'],
          ['a reversed pair', '"\\udc00\\ud800"'],
          // Control characters are not among them: they are stripped, not refused (the text
          // is then valid and written), as test/integration/text-safety.test.ts shows.
          ['bad escape', '"\\x41"'],
          ['unterminated', '"abc'],
        )
        .map(([label, raw]) => ({ detail: `${textField} with ${label}`, body: withRaw(textField, raw) })),
      fc.constant({
        detail: `${textField} as invalid UTF-8 bytes`,
        body: Buffer.concat([
          Buffer.from(withRaw(textField, '"').slice(0, -1)),
          Buffer.from([0xff, 0xfe, 0xc0, 0xae]),
          Buffer.from('"}'),
        ]),
      }),
      ...(limit
        ? [
            fc.constant(
              json(`${textField} one over its ${limit} limit`, {
                ...valid,
                [textField]: 'x'.repeat(limit + 1),
              }),
            ),
          ]
        : []),
    );
  }
  return probes;
}

// ---------------------------------------------------------------------------------------------
// Building and judging requests.

const tokens: Record<Caller, string> = { admin: '', department: '' };

function pathWith(op: Operation, values: Record<string, string>): string {
  return op.path.replace(/\{([^}]+)\}/g, (_, name: string) => values[name] ?? enc(targets[name] ?? ''));
}

interface Probe {
  readonly kind: string;
  readonly detail: string;
  readonly request: RawRequest;
}

function baseHeaders(op: Operation, caller: Caller, contentType: string | undefined): [string, string][] {
  return [
    ...(op.isPublic ? [] : ([['authorization', `Bearer ${tokens[caller]}`]] as [string, string][])),
    ...(contentType ? ([['content-type', contentType]] as [string, string][]) : []),
  ];
}

/** The request the non-path probes start from: valid for reads, refused for writes. */
function baseline(op: Operation): { path: string; body?: string } {
  const { profile } = op;
  if (!profile.writes) return { path: pathWith(op, {}) };
  if (profile.absentBaseline) {
    return { path: pathWith(op, { [profile.absentBaseline]: enc(`absent-${profile.absentBaseline}`) }) };
  }
  if (profile.body)
    return { path: pathWith(op, {}), body: JSON.stringify({ ...profile.body, hostileExtra: true }) };
  return { path: pathWith(op, {}) };
}

let seedOffset = 0;
function draw<T>(arbitrary: fc.Arbitrary<T>, runs = RUNS): T[] {
  seedOffset += 1;
  return fc.sample(arbitrary, { seed: SEED + seedOffset, numRuns: runs });
}

function probesFor(op: Operation, caller: Caller): Probe[] {
  const probes: Probe[] = [];
  const json = op.bodySchema || baseline(op).body ? 'application/json' : undefined;
  const validBody = op.profile.body ? JSON.stringify(op.profile.body) : undefined;
  const add = (kind: string, detail: string, request: Omit<RawRequest, 'method'>) =>
    probes.push({ kind, detail, request: { method: op.method, ...request } });

  for (const param of op.pathParams) {
    const body = op.profile.anyPathAccepted ? baseline(op).body : (validBody ?? baseline(op).body);
    for (const { detail, value } of hostilePathValues(param).flatMap((family) => draw(family))) {
      add(`path ${param}`, detail, {
        path: pathWith(op, { [param]: value }),
        headers: baseHeaders(op, caller, body ? 'application/json' : undefined),
        ...(body ? { body } : {}),
      });
    }
    if (caller === 'department' && param === 'itemId') {
      for (const foreign of FOREIGN_ITEMS) {
        add('foreign target', `another department's item ${foreign}`, {
          path: pathWith(op, { [param]: enc(foreign) }),
          headers: baseHeaders(op, caller, validBody ? 'application/json' : undefined),
          ...(validBody ? { body: validBody } : {}),
        });
      }
    }
  }
  if (caller === 'department' && op.pathParams.length && !op.pathParams.includes('itemId')) {
    add('foreign target', 'the real target, which is not theirs', {
      path: pathWith(op, {}),
      headers: baseHeaders(op, caller, validBody ? 'application/json' : undefined),
      ...(validBody && !op.profile.anyPathAccepted
        ? { body: validBody }
        : baseline(op).body
          ? { body: baseline(op).body as string }
          : {}),
    });
  }

  const base = baseline(op);
  if (op.idempotent && validBody) {
    // The header is the one thing wrong: a key the document does not allow must be refused.
    for (const key of ['k'.repeat(256), '\u00ff\u00fe', 'k'.repeat(8_000)]) {
      add(
        'idempotency key',
        `a valid body with Idempotency-Key ${JSON.stringify(key.slice(0, 12))}…(${key.length})`,
        {
          path: pathWith(op, {}),
          headers: [...baseHeaders(op, caller, 'application/json'), ['idempotency-key', key]],
          body: validBody,
        },
      );
    }
  }
  // The route itself spelled wrong, or asked with a method it does not take (no route uses PATCH).
  const wrongRoutes: [string, string, string][] = [
    ['PATCH', base.path, 'method PATCH'],
    ['OPTIONS', base.path, 'method OPTIONS'],
    [op.method, base.path.toUpperCase(), 'upper-case path'],
    [op.method, base.path.replace('/', '//'), 'double slash'],
    [op.method, `${base.path}/`.replace(/\/\/$/, '/'), 'trailing slash'],
    [op.method, `${base.path}/extra`, 'extra segment'],
  ];
  for (const [method, target, detail] of wrongRoutes) {
    probes.push({
      kind: 'route',
      detail,
      request: {
        method,
        path: target,
        headers: baseHeaders(op, caller, base.body ? 'application/json' : undefined),
        ...(base.body ? { body: base.body } : {}),
      },
    });
  }
  if (op.method === 'GET') {
    // A read remembers nothing, whatever headers it carries.
    add('idempotency key', 'a read with an Idempotency-Key', {
      path: base.path,
      headers: [...baseHeaders(op, caller, undefined), ['idempotency-key', `hostile-read-${caller}`]],
    });
  }
  for (const { detail, query } of draw(hostileQuery(op))) {
    add('query', detail, {
      path: `${base.path}?${query}`,
      headers: baseHeaders(op, caller, json),
      ...(base.body ? { body: base.body } : {}),
    });
  }
  for (const { detail, headers } of draw(hostileHeaders(op), RUNS * 2)) {
    const own = baseHeaders(op, caller, json);
    const extra = headers.map(([name, value]): [string, string] =>
      name === 'authorization'
        ? [name, own.find(([n]) => n === 'authorization')?.[1] ?? value]
        : [name, value],
    );
    const replaced = new Set<string>(extra.map(([name]) => name).filter((name) => name === 'host'));
    add('header', detail, {
      path: base.path,
      headers: [...own.filter(([name]) => !replaced.has(name)), ...extra],
      ...(base.body ? { body: base.body } : {}),
    });
  }
  if (op.bodySchema) {
    for (const { detail, body, contentType } of hostileBodies(op).flatMap((family) => draw(family))) {
      add('body', detail, {
        path: op.profile.absentBaseline ? base.path : pathWith(op, {}),
        headers: baseHeaders(
          op,
          caller,
          contentType === undefined ? 'application/json' : contentType || undefined,
        ),
        body,
      });
    }
  } else {
    // A body where none is read: must change nothing.
    for (const body of draw(
      fc.constantFrom('{', '{"hostile":true}', 'x'.repeat(20_000), deep(50_000, 'array')),
    )) {
      add('unexpected body', body.slice(0, 20), {
        path: base.path,
        headers: baseHeaders(op, caller, 'application/json'),
        body,
      });
    }
  }
  return probes;
}

interface Finding {
  readonly route: string;
  readonly caller: Caller;
  readonly kind: string;
  readonly detail: string;
  readonly request: string;
  readonly status: number;
  readonly problem: string;
  readonly body: string;
}

function judge(op: Operation, caller: Caller, response: RawResponse): string | undefined {
  if (response.status === 0) return 'no response (connection closed)';
  if (response.status >= 500) return `status ${response.status}`;
  const shape = errorShapeProblem(response);
  if (shape) return `error shape: ${shape}`;
  if (op.profile.writes && response.status < 400) return `a write route accepted it (${response.status})`;
  if (caller === 'department' && !op.isPublic && response.status < 300) {
    const leaked = [...FOREIGN_ITEMS, targets.evidenceId, targets.notificationId].find(
      (id) => id && response.text.includes(`"${id}"`),
    );
    if (leaked) return `showed another department's ${leaked}`;
  }
  return undefined;
}

function describeRequest(request: RawRequest): string {
  const shown = request.headers
    .filter(([name]) => name !== 'authorization')
    .map(
      ([name, value]) => `${name}: ${value.length > 60 ? `${value.slice(0, 60)}…(${value.length})` : value}`,
    );
  const body =
    request.body === undefined
      ? ''
      : ` body(${request.body.length}): ${String(request.body).slice(0, 80)}${request.body.length > 80 ? '…' : ''}`;
  const target =
    request.path.length > 160 ? `${request.path.slice(0, 160)}…(${request.path.length})` : request.path;
  return `${request.method} ${target}${shown.length ? ` [${shown.join('; ')}]` : ''}${body}`;
}

async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  run: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      for (let index = next++; index < items.length; index = next++)
        results[index] = await run(items[index] as T);
    }),
  );
  return results;
}

// ---------------------------------------------------------------------------------------------

const snapshot = () => snapshotState(sharedEmulator(), local().runtime.resources);
let before: StateSnapshot;

beforeAll(async () => {
  const as = (who: DevTokenRequest) => who;
  expect((await api.post('/inspections/import', users.admin, { plan })).status).toBe(201);
  // A notification for 基层卫生科: close 1.1.1 (rectified in the sample).
  const closed = await api.post(`/items/${INSPECTION}.1.1.1/transitions`, users.admin, {
    to: 'closed',
    expectedVersion: 1,
    meaning: '整改到位，同意销号',
  });
  expect(closed.status, closed.text).toBe(200);
  const evidence = await api.post(`/items/${ITEM}/evidence`, as(users.department), {
    fileName: '整改报告.pdf',
    contentType: 'application/pdf',
    size: 1024,
    sha256: 'b'.repeat(64),
  });
  expect(evidence.status, evidence.text).toBe(201);
  targets.evidenceId = evidence.json.evidenceId;
  // Made before the probes start: a job still running would change the table under the snapshots.
  const { summary } = await askForSummary(api, users.admin, INSPECTION, { asOf: '2024-10-20' });
  targets.summaryId = summary.summaryId;
  const archive = await api.post(`/inspections/${INSPECTION}/archives`, users.admin, {});
  expect(archive.status, archive.text).toBe(202);
  targets.archiveId = archive.json.archiveId;
  // Read from the table rather than the inbox route, which is among those under test.
  targets.notificationId = await eventually(async () => {
    for (const printed of (await snapshot()).entries.values()) {
      const record = JSON.parse(printed);
      if (record.entity?.S === 'Notification' && record.itemId?.S === `${INSPECTION}.1.1.1`) {
        return record.notificationId?.S as string;
      }
    }
    return undefined;
  });
  await eventually(async () => {
    const status = (await api.get(`/archives/${targets.archiveId}`, users.admin)).json?.status;
    return status === 'ready' || status === 'failed' ? status : undefined;
  }, 60_000);
  tokens.admin = await local().token(CALLERS.admin);
  tokens.department = await local().token(CALLERS.department);
  before = await settledSnapshot(snapshot);
}, 120_000);

describe('hostile input', () => {
  it('covers every route of the OpenAPI document, with a valid body where it takes one', () => {
    expect(OPERATIONS.map((op) => op.key).sort()).toEqual(Object.keys(PROFILES).sort());
    for (const op of OPERATIONS) {
      const contract = CONTRACT[op.key];
      expect(Boolean(op.bodySchema), op.key).toBe(Boolean(contract?.body));
      if (contract?.body) {
        const parsed = contract.body.safeParse(op.profile.body);
        expect(parsed.success, `${op.key}: ${parsed.error?.message}`).toBe(true);
        // What the document calls required, the handler's schema must refuse to go without.
        const valid = op.profile.body ?? {};
        const optionalAfterAll = (op.bodySchema?.required ?? []).filter(
          (name) =>
            contract.body?.safeParse(Object.fromEntries(Object.entries(valid).filter(([k]) => k !== name)))
              .success,
        );
        expect(optionalAfterAll, `${op.key}: documented as required, but optional`).toEqual([]);
      }
      if (op.method !== 'GET') expect(op.profile.writes, op.key).toBe(true);
    }
  });

  it('answers every request wrong in one way with a documented 4xx and writes nothing', async () => {
    const findings: Finding[] = [];
    const writes: string[] = [];
    let sent = 0;
    const statuses = new Map<number, number>();
    let last = before;
    console.log(
      `hostile input: seed ${SEED} (RECTIFY_FUZZ_SEED), ${RUNS} runs per probe kind (RECTIFY_FUZZ_RUNS)`,
    );
    for (const op of OPERATIONS) {
      for (const caller of Object.keys(CALLERS) as Caller[]) {
        const probes = probesFor(op, caller);
        const responses = await mapLimit(probes, 4, (probe) => sendRaw(local().url, probe.request));
        sent += probes.length;
        probes.forEach((probe, index) => {
          const response = responses[index] as RawResponse;
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          const problem = judge(op, caller, response);
          if (problem) {
            findings.push({
              route: op.key,
              caller,
              kind: probe.kind,
              detail: probe.detail,
              request: describeRequest(probe.request),
              status: response.status,
              problem,
              body: response.text.slice(0, 300),
            });
          }
        });
      }
      // Attribute any write to the route that made it (direct writes are synchronous).
      const now = await snapshot();
      if (now.hash !== last.hash) writes.push(`${op.key}:\n  ${snapshotDiff(last, now).join('\n  ')}`);
      last = now;
    }
    const after = await settledSnapshot(snapshot);
    console.log(
      `hostile input: ${sent} requests sent (seed ${SEED}), ${findings.length} findings; statuses ${[
        ...statuses,
      ]
        .sort(([a], [b]) => a - b)
        .map(([status, count]) => `${status}×${count}`)
        .join(' ')}`,
    );
    for (const finding of findings) {
      console.log(
        `FINDING ${finding.route} as ${finding.caller} [${finding.kind}: ${finding.detail}] -> ${finding.status} ${finding.problem}\n  ${finding.request}\n  ${finding.body}`,
      );
    }
    for (const write of writes) console.log(`WRITE ${write}`);

    expect(
      findings.map((f) => `${f.route} as ${f.caller} [${f.kind}: ${f.detail}] -> ${f.status} ${f.problem}`),
    ).toEqual([]);
    expect(writes).toEqual([]);
    expect(snapshotDiff(before, after)).toEqual([]);
    expect(after.hash).toBe(before.hash);
  }, 240_000);
});
