import { describe, expect, it } from 'vitest';
import {
  AlreadyExists,
  BadRequest,
  Conflict,
  Forbidden,
  MethodNotAllowed,
  NotFound,
  PayloadTooLarge,
  RectifyError,
  RouteNotFound,
  RuleViolation,
  StaleVersion,
  Unauthorized,
  UnsupportedMediaType,
  ValidationFailed,
} from '#shared/domain/errors.ts';

/**
 * Each typed error carries the code the HTTP layer maps to a status, the parameters its message is
 * rendered from, and the machine-readable details; nothing else reaches a response.
 */
const issues = [{ path: 'aspects[0].deadline', message: 'not a date', messageZh: '不是日期' }];
// Each error is made inside its test (`make`), so that the test, not the file's loading, runs the
// constructor.
const CASES: [string, () => RectifyError, string, Record<string, unknown>, unknown][] = [
  [
    'Unauthorized',
    () => new Unauthorized('token expired'),
    'unauthorized',
    { reason: 'token expired' },
    undefined,
  ],
  [
    'Forbidden',
    () => new Forbidden('close out an item'),
    'forbidden',
    { action: 'close out an item' },
    undefined,
  ],
  [
    'NotFound',
    () => new NotFound('item', 'insp.1.1.1'),
    'not_found',
    { resource: 'item', id: 'insp.1.1.1' },
    undefined,
  ],
  [
    'RouteNotFound',
    () => new RouteNotFound('GET', '/nowhere'),
    'route_not_found',
    { method: 'GET', path: '/nowhere' },
    undefined,
  ],
  [
    'MethodNotAllowed',
    () => new MethodNotAllowed('PUT', '/items/x', ['GET', 'POST']),
    'method_not_allowed',
    { method: 'PUT', path: '/items/x', allowed: 'GET, POST' },
    undefined,
  ],
  ['ValidationFailed', () => new ValidationFailed(issues), 'validation_failed', { count: 1 }, { issues }],
  [
    'BadRequest',
    () => new BadRequest('body is not JSON'),
    'bad_request',
    { reason: 'body is not JSON' },
    undefined,
  ],
  [
    'StaleVersion',
    () => new StaleVersion('item x', 2, 3),
    'conflict',
    { reason: 'item x is at version 3, not 2; reload and retry' },
    { expectedVersion: 2, currentVersion: 3 },
  ],
  [
    'AlreadyExists',
    () => new AlreadyExists('inspection', 'insp'),
    'already_exists',
    { resource: 'inspection', id: 'insp' },
    undefined,
  ],
  [
    'Conflict',
    () => new Conflict('import in progress', { importId: 'i-1' }),
    'conflict',
    { reason: 'import in progress' },
    { importId: 'i-1' },
  ],
  [
    'RuleViolation',
    () => new RuleViolation('four-eyes', { en: 'someone else', zh: '他人' }, { from: 'rectified' }),
    'unprocessable',
    { reason: 'someone else', reasonZh: '他人' },
    { rule: 'four-eyes', from: 'rectified' },
  ],
  [
    'RuleViolation without details',
    () => new RuleViolation('x', { en: 'e', zh: '中' }),
    'unprocessable',
    { reason: 'e', reasonZh: '中' },
    { rule: 'x' },
  ],
  ['PayloadTooLarge', () => new PayloadTooLarge(1024), 'payload_too_large', { limit: 1024 }, undefined],
  [
    'UnsupportedMediaType',
    () => new UnsupportedMediaType('text/plain', 'application/json'),
    'unsupported_media_type',
    { received: 'text/plain', expected: 'application/json' },
    undefined,
  ],
];

describe('typed errors', () => {
  it.each(CASES)('%s', (name, make, code, params, details) => {
    const error = make();
    expect(error).toBeInstanceOf(RectifyError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(name.split(' ')[0]);
    expect(error.code).toBe(code);
    expect(error.params).toEqual(params);
    expect(error.details).toEqual(details);
    expect(error.message).toBe(`${code} ${JSON.stringify(params)}`);
  });

  it('keeps the list of allowed methods and the validation issues as fields', () => {
    expect(new MethodNotAllowed('PUT', '/x', ['GET']).allowed).toEqual(['GET']);
    expect(new ValidationFailed(issues).issues).toEqual(issues);
  });

  it('keeps the cause, and has no parameters by default', () => {
    const cause = new Error('ConditionalCheckFailed');
    expect(new AlreadyExists('item', 'x', { cause }).cause).toBe(cause);
    const bare = new RectifyError('internal');
    expect(bare.params).toEqual({});
    expect(bare.details).toBeUndefined();
    expect(bare.cause).toBeUndefined();
  });
});
