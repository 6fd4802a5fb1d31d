import { validate } from '@readme/openapi-parser';
import { describe, expect, it } from 'vitest';
import { httpRoutes } from '#catalog/functions.ts';
import { CONTRACT, openApiDocument } from '#shared/api/openapi.ts';

describe('OpenAPI document', () => {
  const document = openApiDocument('https://api.example') as {
    openapi: string;
    paths: Record<
      string,
      Record<string, { responses: Record<string, unknown>; requestBody?: unknown; security?: unknown[] }>
    >;
    components: { schemas: Record<string, unknown> };
  };

  it('is OpenAPI 3.1 and documents every manifest route, and nothing else', () => {
    expect(document.openapi).toBe('3.1.0');
    const documented = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(
      httpRoutes()
        .map((r) => `${r.method} ${r.path}`)
        .sort(),
    );
    expect(Object.keys(CONTRACT).sort()).toEqual(documented.sort());
  });

  it('describes request bodies from the zod schemas the handlers parse with', () => {
    const transitions = document.paths['/items/{itemId}/transitions']?.post as {
      requestBody: { content: Record<string, { schema: { $ref: string } }> };
    };
    expect(transitions.requestBody.content['application/json']?.schema.$ref).toBe(
      '#/components/schemas/TransitionRequest',
    );
    const schema = document.components.schemas.TransitionRequest as {
      properties: Record<string, unknown>;
      required: string[];
    };
    expect(Object.keys(schema?.properties ?? {})).toEqual(['to', 'reason', 'expectedVersion', 'meaning']);
    expect(schema?.required).toEqual(['to', 'expectedVersion']);
  });

  it('resolves every $ref to a component', () => {
    const refs = JSON.stringify(document).match(/"\$ref":"([^"]+)"/g) ?? [];
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      const name = ref.replace(/.*#\/components\/schemas\//, '').replace(/"$/, '');
      expect(document.components.schemas[name], ref).toBeDefined();
    }
  });

  it('passes an independent OpenAPI 3.1 validator (schema and specification rules)', async () => {
    // The document GET /openapi.json serves (the handler calls openApiDocument with its URL).
    // The validator resolves $refs in place: it gets a copy.
    const result = await validate(structuredClone(document) as never);
    expect(result.valid ? [] : result.errors, JSON.stringify(result)).toEqual([]);
    expect(result.specification).toBe('OpenAPI');
  });

  it('gives every operation a unique, camelCase operationId, the function name where it is unique', () => {
    const ids = Object.values(document.paths).flatMap((methods) =>
      Object.values(methods).map((operation) => (operation as { operationId?: string }).operationId),
    );
    expect(ids).toHaveLength(httpRoutes().length);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z][A-Za-z0-9]*$/);
    const idOf = (path: string, method: string) =>
      (document.paths[path]?.[method] as { operationId?: string } | undefined)?.operationId;
    expect([
      idOf('/departments/{department}/webhook', 'put'),
      idOf('/departments/{department}/webhook', 'delete'),
    ]).toEqual(['setWebhook', 'deleteWebhook']);
    expect(idOf('/items/{itemId}', 'get')).toBe('getItem');
  });

  it('marks public routes as needing no token and the others as answering 401/403', () => {
    expect(document.paths['/health']?.get?.security).toEqual([]);
    expect(Object.keys(document.paths['/items/{itemId}']?.get?.responses ?? {})).toEqual([
      '200',
      '401',
      '403',
      '404',
    ]);
  });
});
