import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tables } from '#catalog/resources.ts';
import { correlationId } from '#shared/observability.ts';
import { documentClient, dynamodb } from '#shared/store/client.ts';
import { type IdempotencyKey, IdempotencyKeys, KeyAlreadyAnswered } from '#shared/store/idempotency-keys.ts';
import { TransactionRefused, transact } from '#shared/store/writes.ts';
import { apiClient, users } from '../support/api.ts';
import { storeEvidence } from '../support/evidence.ts';
import { useLocalRuntime } from '../support/runtime.ts';

/**
 * Idempotency-Keys on the routes whose whole effect is one item change (the manifest's
 * `in-transaction` routes: transitions, progress, look-back confirmation): the key and the answer
 * are written in the change's own transaction, and read only when a request is refused. The
 * handlers run in this process, so the SDK calls each request sends are counted here.
 */
const local = useLocalRuntime('idempotency');
const api = apiClient(local);
const samplePlan = JSON.parse(
  readFileSync(path.resolve(import.meta.dirname, '../fixtures/plan.sample.json'), 'utf8'),
);

/**
 * Imports a copy of the sample plan: its item 1.1.2 is in progress, of the department's 基层卫生科;
 * 1.1.1 is rectified, of the same; 1.2.1 not started.
 */
async function importCopy(id: string) {
  const plan = structuredClone(samplePlan);
  plan.inspection.id = id;
  const imported = await api.post('/inspections/import', users.admin, { plan });
  expect(imported.status, imported.text).toBe(201);
  return (ref: string) => `${id}.${ref}`;
}

const sent: string[] = [];
let counting = '';
beforeAll(() => {
  dynamodb.middlewareStack.add(
    (next, context) => async (args) => {
      if (correlationId() === counting) sent.push(context.commandName ?? '?');
      return next(args);
    },
    { step: 'initialize', name: 'idempotencyCallCounter' },
  );
});

/** A POST under its own correlation id, with the SDK calls it sent. */
async function post(
  route: string,
  user: (typeof users)[keyof typeof users],
  body: unknown,
  key: string | undefined,
  name: string,
) {
  sent.length = 0;
  counting = name;
  const response = await api.post(route, user, body, {
    'x-correlation-id': name,
    ...(key ? { 'idempotency-key': key } : {}),
  });
  return { ...response, sent: [...sent] };
}

const history = async (itemId: string) => {
  const { json } = await api.get(`/items/${itemId}/history`, users.admin);
  expect(json.verification.ok).toBe(true);
  return json.events as { eventId: string; type: string }[];
};

describe('a transition with an Idempotency-Key', () => {
  it('costs no round trip: the key is written by the change’s own transaction', async () => {
    const item = await importCopy('idem-cost');
    await post(`/items/${item('1.1.2')}/progress`, users.admin, { text: '预热' }, undefined, 'idem-warm');
    const keyed = await post(
      `/items/${item('1.1.2')}/progress`,
      users.admin,
      { text: '开展抽查' },
      'cost-1',
      'idem-cost-1',
    );
    expect(keyed.status, keyed.text).toBe(201);
    expect(keyed.sent).toEqual(['GetItemCommand', 'TransactWriteItemsCommand']);
  });

  it('answers a retry with the first answer, though the rules would now refuse it', async () => {
    const item = await importCopy('idem-retry');
    const target = item('1.2.1');
    const start = { to: 'in_progress', expectedVersion: 1, reason: '开始整改' };
    const first = await post(`/items/${target}/transitions`, users.admin, start, 'close-7', 'idem-retry-1');
    expect(first.status, first.text).toBe(200);
    const retry = await post(`/items/${target}/transitions`, users.admin, start, 'close-7', 'idem-retry-2');
    // The same answer, byte for byte: status, item (version 2) and the one event appended.
    expect([retry.status, retry.text]).toEqual([200, first.text]);
    // The retry was refused by its stale version, and only then was the key read.
    expect(retry.sent).toEqual(['GetItemCommand', 'GetItemCommand']);
    // Without the key the same request is the stale one it is.
    const unkeyed = await post(`/items/${target}/transitions`, users.admin, start, undefined, 'idem-retry-3');
    expect(unkeyed.status).toBe(409);
    expect((await history(target)).filter((event) => event.type === 'StatusChanged')).toHaveLength(1);
  });

  it('refuses the same key with another body (422), and changes nothing', async () => {
    const item = await importCopy('idem-reuse');
    const target = item('1.2.1');
    const first = await post(
      `/items/${target}/transitions`,
      users.admin,
      { to: 'in_progress', expectedVersion: 1, reason: '开始整改' },
      'reuse-1',
      'idem-reuse-1',
    );
    expect(first.status, first.text).toBe(200);
    const other = await post(
      `/items/${target}/transitions`,
      users.admin,
      { to: 'in_progress', expectedVersion: 2, reason: '另一个理由' },
      'reuse-1',
      'idem-reuse-2',
    );
    expect(other.status).toBe(422);
    expect(other.json.error.details.rule).toBe('idempotency-key-reused');
    const events = await history(target);
    expect(events.map((event) => event.type)).toEqual(['Imported', 'StatusChanged']);
  });

  it('does not remember a refused request: the same key then runs the corrected one', async () => {
    const item = await importCopy('idem-refused');
    const target = item('1.2.1');
    const stale = await post(
      `/items/${target}/transitions`,
      users.admin,
      { to: 'in_progress', expectedVersion: 5, reason: '开始整改' },
      'fix-1',
      'idem-refused-1',
    );
    expect(stale.status).toBe(409);
    const corrected = await post(
      `/items/${target}/transitions`,
      users.admin,
      { to: 'in_progress', expectedVersion: 1, reason: '开始整改' },
      'fix-1',
      'idem-refused-2',
    );
    expect(corrected.status, corrected.text).toBe(200);
    expect(corrected.json.item.version).toBe(2);
  });
});

describe('a progress form with an Idempotency-Key', () => {
  it('records one event for ten concurrent copies, and answers each with it', async () => {
    const item = await importCopy('idem-race');
    const target = item('1.1.2');
    const before = (await history(target)).length;
    const form = { text: '同时提交的同一份表单', measuresDone: [1] };
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        api.post(`/items/${target}/progress`, users.department, form, { 'idempotency-key': 'race-1' }),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(10).fill(201));
    expect(new Set(responses.map((response) => response.json.event.eventId)).size).toBe(1);
    expect(await history(target)).toHaveLength(before + 1);
  });

  it('keeps one caller’s key apart from another’s', async () => {
    const item = await importCopy('idem-callers');
    const target = item('1.1.2');
    const before = (await history(target)).length;
    const form = { text: '各自的表单' };
    const mine = await api.post(`/items/${target}/progress`, users.department, form, {
      'idempotency-key': 'k',
    });
    const theirs = await api.post(`/items/${target}/progress`, users.admin, form, { 'idempotency-key': 'k' });
    expect([mine.status, theirs.status]).toEqual([201, 201]);
    expect(mine.json.event.eventId).not.toBe(theirs.json.event.eventId);
    // And one item's key is not another item's: the path is part of it.
    const elsewhere = await api.post(`/items/${item('1.1.1')}/progress`, users.department, form, {
      'idempotency-key': 'k',
    });
    expect(elsewhere.status, elsewhere.text).toBe(201);
    expect(elsewhere.json.event.eventId).not.toBe(mine.json.event.eventId);
    expect(await history(target)).toHaveLength(before + 2);
  });

  it('refuses a malformed key before anything runs', async () => {
    const item = await importCopy('idem-malformed');
    const target = item('1.1.2');
    const before = (await history(target)).length;
    const response = await api.post(
      `/items/${target}/progress`,
      users.department,
      { text: 'x' },
      {
        'idempotency-key': 'k'.repeat(256),
      },
    );
    expect(response.status).toBe(400);
    expect(response.json.error.message).toContain('Idempotency-Key');
    expect(await history(target)).toHaveLength(before);
  });
});

describe('a withdrawal of evidence with an Idempotency-Key', () => {
  it('withdraws once: a retry gets the first answer, another reason 422, the count drops by one', async () => {
    const item = await importCopy('idem-withdraw');
    const target = item('1.1.2');
    const evidenceId = await storeEvidence(api, users.admin, target, {
      bytes: Buffer.from('%PDF-1.4\n整改报告\n%%EOF\n'),
      fileName: '整改报告.pdf',
      contentType: 'application/pdf',
    });
    const before = (await api.get(`/items/${target}`, users.admin)).json.evidenceCount as number;
    const route = `/evidence/${evidenceId}/withdraw`;
    const first = await post(route, users.admin, { reason: '上传错了文件' }, 'withdraw-1', 'idem-withdraw-1');
    expect(first.status, first.text).toBe(200);
    expect(first.json.evidence.state).toBe('withdrawn');
    // The key rides in the withdrawal's own transaction: no claim before, no record after.
    expect(first.sent.filter((name) => /Put|Update|Delete|Write/.test(name))).toEqual([
      'TransactWriteItemsCommand',
    ]);
    const retry = await post(route, users.admin, { reason: '上传错了文件' }, 'withdraw-1', 'idem-withdraw-2');
    expect([retry.status, retry.text]).toEqual([200, first.text]);
    expect(retry.sent).not.toContain('TransactWriteItemsCommand');
    const other = await post(route, users.admin, { reason: '另一个理由' }, 'withdraw-1', 'idem-withdraw-3');
    expect(other.status).toBe(422);
    expect(other.json.error.details.rule).toBe('idempotency-key-reused');
    expect((await api.get(`/items/${target}`, users.admin)).json.evidenceCount).toBe(before - 1);
    const withdrawals = (await history(target)).filter((event) => event.type === 'EvidenceWithdrawn');
    expect(withdrawals).toHaveLength(1);
  });
});

describe('the key records', () => {
  const keyRecords = () => new IdempotencyKeys(documentClient, process.env[tables.ledger.envVar] as string);
  const key = (id: string, fingerprint = 'body-1'): IdempotencyKey => ({
    functionName: 'transitionItem',
    id,
    fingerprint,
  });
  const DAY_MS = 24 * 60 * 60 * 1000;

  it('refuse a used key with KeyAlreadyAnswered, and keep the first answer', async () => {
    const store = keyRecords();
    await transact(documentClient, [store.remember(key('record-1'), { status: 200, body: 'first' })]);
    const again = await transact(documentClient, [
      store.remember(key('record-1'), { status: 200, body: 'second' }),
    ]).catch((error) => error);
    expect(again).toBeInstanceOf(TransactionRefused);
    expect(await (again as TransactionRefused).meaning()).toBeInstanceOf(KeyAlreadyAnswered);
    expect(await store.answered(key('record-1'))).toMatchObject({
      fingerprint: 'body-1',
      answer: JSON.stringify({ status: 200, body: 'first' }),
    });
  });

  it('forget a key after a day, even before DynamoDB’s TTL deletes its record', async () => {
    const store = keyRecords();
    const twoDaysAgo = new Date(Date.now() - 2 * DAY_MS);
    await transact(documentClient, [store.remember(key('record-2'), 'old', twoDaysAgo)]);
    expect(await store.answered(key('record-2'))).toBeUndefined();
    expect(
      await store.answered(key('record-2'), new Date(twoDaysAgo.getTime() + DAY_MS - 1000)),
    ).toBeDefined();
    // An expired key is taken again by the next change that carries it.
    await transact(documentClient, [store.remember(key('record-2', 'body-2'), 'new')]);
    expect(await store.answered(key('record-2'))).toMatchObject({ fingerprint: 'body-2', answer: '"new"' });
  });
});
