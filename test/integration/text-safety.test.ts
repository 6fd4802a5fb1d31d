import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useLocalRuntime } from '../support/runtime.ts';

/** Malformed text reaching the API through the local runtime: a 400 in the error shape, never a 500. */

const local = useLocalRuntime('text');

async function call(path: string, init: RequestInit = {}) {
  const response = await fetch(`${local().url}${path}`, init);
  const text = await response.text();
  return { status: response.status, text, json: text ? JSON.parse(text) : undefined };
}

const as = async (role: 'admin' | 'auditor' | 'department') =>
  ({
    authorization: `Bearer ${await local().token({
      role,
      name: '测试',
      subject: `sub-${role}`,
      ...(role === 'department' ? { department: '财务科' } : {}),
    })}`,
  }) as Record<string, string>;

describe('path parameters that are not percent-encoded UTF-8', () => {
  it.each([
    ['/evidence/%FF%FE'],
    ['/evidence/%FF%FE/download'],
    ['/items/1.1.%ED%A0%80'], // an encoded lone surrogate
    ['/inspections/%C3/ledger'],
  ])('GET %s answers 400 in the error shape', async (path) => {
    const response = await call(path, { headers: await as('auditor') });
    expect(response.status).toBe(400);
    expect(response.json).toEqual({
      error: { code: 'bad_request', message: expect.stringContaining('path') },
    });
  });

  it('a decoded parameter holding a control character is refused by the handler chain too', async () => {
    const response = await call('/evidence/ev%00%1B%5B2J', { headers: await as('auditor') });
    expect(response.status).toBe(400);
    expect(response.json).toEqual({
      error: { code: 'bad_request', message: expect.stringContaining('evidenceId') },
    });
  });
});

describe('a JSON body with a lone surrogate', () => {
  it('in a progress report: 400 naming the field', async () => {
    const response = await call('/items/none.1.1.1/progress', {
      method: 'POST',
      headers: {
        ...(await as('department')),
        'content-type': 'application/json',
        'idempotency-key': randomUUID(),
      },
      body: '{"text":"进展\\ud800"}',
    });
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({
      error: { code: 'validation_failed', details: { issues: [{ path: 'text' }] } },
    });
  });

  it('inside a plan the request schema passes through unread: 400 naming the path', async () => {
    const response = await call('/inspections/import', {
      method: 'POST',
      headers: {
        ...(await as('admin')),
        'content-type': 'application/json',
        'idempotency-key': randomUUID(),
      },
      body: '{"plan":{"format":"rectify.plan/v1","inspection":{"title":"巡察\\udc00"},"aspects":[]}}',
    });
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({
      error: { code: 'validation_failed', details: { issues: [{ path: 'plan.inspection.title' }] } },
    });
  });
});
