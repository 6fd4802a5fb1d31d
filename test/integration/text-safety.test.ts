import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiClient, users } from '../support/api.ts';
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

describe('text from outside, through the API into the ledger', () => {
  const api = apiClient(local);
  const plan = JSON.parse(readFileSync('test/fixtures/plan.sample.json', 'utf8'));
  const itemId = `${plan.inspection.id}.1.1.1`;

  beforeAll(async () => {
    const imported = await api.post(
      '/inspections/import',
      users.admin,
      { plan },
      {
        'idempotency-key': randomUUID(),
      },
    );
    expect(imported.status).toBe(201);
  });

  it('a body that is not valid UTF-8 is refused with 400 and writes nothing', async () => {
    const before = await api.get(`/items/${itemId}`, users.admin);
    const response = await api.call('POST', `/items/${itemId}/progress`, {
      as: users.admin,
      headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      rawBody: Buffer.concat([Buffer.from('{"text":"进展'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]),
    });
    expect(response.status).toBe(400);
    expect(response.json).toEqual({
      error: { code: 'bad_request', message: expect.stringContaining('UTF-8') },
    });
    const after = await api.get(`/items/${itemId}`, users.admin);
    expect(after.json.version).toBe(before.json.version);
  });

  it('control and bidi characters are stripped from a progress text before it is recorded', async () => {
    const response = await api.post(
      `/items/${itemId}/progress`,
      users.admin,
      { text: '已完成\u001b[2J整改\u202e报告\u0000。\n第二行' },
      { 'idempotency-key': randomUUID() },
    );
    expect(response.status).toBe(201);
    const history = await api.get(`/items/${itemId}/history`, users.admin);
    const reported = history.json.events.at(-1);
    expect(reported.type).toBe('ProgressReported');
    expect(reported.data.text).toBe('已完成[2J整改报告。\n第二行');
  });
});
