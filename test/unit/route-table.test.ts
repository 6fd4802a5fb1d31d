import { describe, expect, it } from 'vitest';
import { RouteTable } from '#shared/http/route-table.ts';

const table = new RouteTable([
  { method: 'GET', path: '/items/{itemId}' },
  { method: 'POST', path: '/items/{itemId}/transitions' },
  { method: 'GET', path: '/items/export' },
  { method: 'GET', path: '/health' },
] as const);

describe('RouteTable', () => {
  it('matches a parameterised route and decodes the parameter', () => {
    const match = table.match('GET', '/items/1.2.%E4%B8%80');
    expect(match).toMatchObject({ kind: 'matched', route: { path: '/items/{itemId}' } });
    expect(match.kind === 'matched' && match.pathParameters).toEqual({ itemId: '1.2.一' });
  });

  it('prefers a literal segment over a parameter', () => {
    expect(table.match('GET', '/items/export')).toMatchObject({
      kind: 'matched',
      route: { path: '/items/export' },
    });
  });

  it('tolerates a trailing slash and a lower-case method', () => {
    expect(table.match('get', '/health/')).toMatchObject({ kind: 'matched' });
  });

  it('says which methods a known path allows', () => {
    expect(table.match('DELETE', '/items/7/transitions')).toEqual({
      kind: 'method-not-allowed',
      allowed: ['POST'],
    });
  });

  it('says not-found for an unknown path, and does not let a parameter span segments', () => {
    expect(table.match('GET', '/nothing')).toEqual({ kind: 'not-found' });
    expect(table.match('GET', '/items/a/b')).toEqual({ kind: 'not-found' });
  });

  it('refuses two declarations of the same route, even with other parameter names', () => {
    expect(
      () =>
        new RouteTable([
          { method: 'GET', path: '/items/{id}' },
          { method: 'GET', path: '/items/{itemId}' },
        ]),
    ).toThrow(/duplicate route GET \/items\/\{itemId\}/);
  });
});
