import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { tables } from '#catalog/resources.ts';
import type { Item } from '#shared/domain/item.ts';
import { parsePlanJson } from '#shared/domain/plan/index.ts';
import { decideTransition } from '#shared/domain/transitions.ts';
import { correlationId } from '#shared/observability.ts';
import { changeItem } from '#shared/services/items.ts';
import { documentClient, dynamodb } from '#shared/store/client.ts';
import { keys } from '#shared/store/keys.ts';
import { LedgerStore } from '#shared/store/ledger-store.ts';
import { generatePlan } from '../fixtures/generate-plan.ts';
import { apiClient, users } from '../support/api.ts';
import { useLocalRuntime } from '../support/runtime.ts';

/**
 * A change is decided on the inspection this environment read last (no second read per change);
 * its transaction's ConditionCheck refuses it when the inspection's settings moved since, as
 * another environment's settings update would, and the change is decided once more on a fresh
 * read. The handlers run in this process, so the SDK calls they send can be counted here.
 */
const local = useLocalRuntime('change-cache');
const api = apiClient(local);
const plan = generatePlan({ items: 6, id: 'cache-1', status: '未启动' });
const parsed = parsePlanJson(plan);
if (!parsed.ok) throw new Error('the generated plan does not parse');
const refs = parsed.plan.aspects
  .flatMap((aspect) => aspect.problems.flatMap((problem) => problem.items))
  .map((item) => item.ref);
const ref = (index: number) => refs[index] as string;

/** The calls sent under one request's correlation id: the event path runs in this process too. */
const sent: string[] = [];
let counting = '';
beforeAll(async () => {
  expect((await api.post('/inspections/import', users.admin, { plan })).status).toBe(201);
  dynamodb.middlewareStack.add(
    (next, context) => async (args) => {
      if (correlationId() === counting) sent.push(context.commandName ?? '?');
      return next(args);
    },
    { step: 'initialize', name: 'changeCacheCounter' },
  );
});

const start = async (index: number) => {
  sent.length = 0;
  counting = `change-cache-${index}`;
  const response = await api.post(
    `/items/cache-1.${ref(index)}/transitions`,
    users.admin,
    { to: 'in_progress', expectedVersion: 1 },
    { 'x-correlation-id': counting },
  );
  expect(response.status, response.text).toBe(200);
  return { response, sent: [...sent] };
};

/** What another execution environment's PUT …/follow-up writes. */
const setElsewhere = (rev: string, settings: Record<string, number> = { lookBackMonths: 3 }) =>
  documentClient.send(
    new UpdateCommand({
      TableName: process.env[tables.ledger.envVar],
      Key: keys.inspection('cache-1'),
      UpdateExpression: 'SET followUp = :settings, settingsRev = :rev',
      ExpressionAttributeValues: { ':settings': settings, ':rev': rev },
    }),
  );

describe('deciding a change on the cached inspection', () => {
  it('reads only the item once the inspection is known, and commits in one transaction', async () => {
    await start(0);
    const { sent: calls, response } = await start(1);
    expect(calls).toEqual(['GetItemCommand', 'TransactWriteItemsCommand']);
    expect(response.json.item).toMatchObject({ ref: ref(1), status: 'in_progress', version: 2 });
  });

  it('is refused when the settings moved in another environment, and decided again on a fresh read', async () => {
    await setElsewhere('set-elsewhere');
    const { sent: calls, response } = await start(2);
    expect(calls.filter((name) => name === 'TransactWriteItemsCommand')).toHaveLength(2);
    expect(response.json.item).toMatchObject({ status: 'in_progress', version: 2 });
    // Exactly one record was appended: the refused transaction wrote nothing.
    const history = (await api.get(`/items/cache-1.${ref(2)}/history`, users.auditor)).json;
    expect(history.events.map((event: { type: string }) => event.type)).toEqual([
      'Imported',
      'StatusChanged',
    ]);
    expect(history.verification.ok).toBe(true);
    // The fresh read is cached: the next change needs no retry.
    const next = await start(3);
    expect(next.sent).toEqual(['GetItemCommand', 'TransactWriteItemsCommand']);
    // And a cached inspection that carries a settings revision is held to it as well.
    await setElsewhere('set-elsewhere-again');
    const again = await start(4);
    expect(again.sent.filter((name) => name === 'TransactWriteItemsCommand')).toHaveLength(2);
  });

  it('decides once more on the new generation when another environment replaced the plan', async () => {
    // "Another environment": a store of its own, whose cache the replace below does not touch.
    const elsewhere = new LedgerStore(documentClient, process.env[tables.ledger.envVar] as string);
    const before = await elsewhere.getItemToChange('cache-1', ref(5));
    const replaced = await api.post('/inspections/import', users.admin, { plan, replace: true });
    expect(replaced.status, replaced.text).toBe(201);
    expect(before?.inspection.importId).not.toBe(replaced.json.importId);
    const admin = { subject: 'admin-x', name: '整改办', roles: ['admin' as const] };
    const change = await changeItem(
      elsewhere,
      admin,
      `cache-1.${ref(5)}`,
      (item, context) =>
        decideTransition(item, { to: 'in_progress', expectedVersion: item.version }, admin, context),
      { answer: (committed) => committed },
    );
    expect(change.inspection.importId).toBe(replaced.json.importId);
    const ledger = (await api.get('/inspections/cache-1/ledger', users.admin)).json;
    expect(ledger.generation).toBe(replaced.json.importId);
    expect(ledger.items.find((item: { ref: string }) => item.ref === ref(5))).toMatchObject({
      status: 'in_progress',
    });
  });

  it('reads an item with the inspection as it is now, whatever moved since this environment read it', async () => {
    const elsewhere = new LedgerStore(documentClient, process.env[tables.ledger.envVar] as string);
    await elsewhere.getItem('cache-1', ref(0));
    // Settings moved by another environment: the next read sees them.
    await setElsewhere('set-for-reads', { lookBackMonths: 9 });
    expect((await elsewhere.getItem('cache-1', ref(0)))?.inspection.followUp).toEqual({ lookBackMonths: 9 });
    // A replace by another environment: the next read lands on the new generation.
    const replaced = await api.post('/inspections/import', users.admin, { plan, replace: true });
    expect(replaced.status, replaced.text).toBe(201);
    expect((await elsewhere.getItem('cache-1', ref(0)))?.inspection.importId).toBe(replaced.json.importId);
  });
});

describe('reading one item', () => {
  it('gives back every attribute an item can have and none of its keys, by each way of reading it', async () => {
    const table = process.env[tables.ledger.envVar] as string;
    const found = await new LedgerStore(documentClient, table).getItem('cache-1', ref(0));
    if (!found) throw new Error('no item to read');
    const key = keys.item('cache-1', found.inspection.importId, ref(0));
    const actor = { subject: 'admin-x', name: '整改办', roles: ['admin'] };
    // Every optional attribute (the type makes the list complete), as a long life leaves an item.
    const optional = {
      description: '说明',
      responsibleLeaderId: 'leader-1',
      progress: '已完成一半',
      rectifiedBy: 'dept-user',
      rectifiedAt: '2025-03-01T00:00:00.000Z',
      followUp: { lookBackAnnounced: '2025-06-01', lookBackConfirmed: '2025-06-02' },
      signOff: {
        by: actor,
        at: '2025-03-02T00:00:00.000Z',
        decision: 'approved',
        meaning: '同意销号',
        stateHash: 'h',
      },
      lastProgressAt: '2025-02-01T00:00:00.000Z',
      ladder: {
        lastScanDate: '2025-02-02',
        lastScanAt: '2025-02-02T01:00:00.000Z',
        redScans: 1,
        yellowStreak: 2,
      },
      escalations: 2,
      importedStatus: 'closed',
      withdrawn: { at: '2025-04-01T00:00:00.000Z', by: actor, importId: 'g', reason: '不再列入' },
    } as const;
    const whole: Required<Item> = { ...found.item, ...optional };
    const names = Object.keys(optional);
    await documentClient.send(
      new UpdateCommand({
        TableName: table,
        Key: key,
        UpdateExpression: `SET ${names.map((name) => `#${name} = :${name}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(names.map((name) => [`#${name}`, name])),
        ExpressionAttributeValues: Object.fromEntries(
          names.map((name) => [`:${name}`, whole[name as keyof Item]]),
        ),
      }),
    );
    const { Item: stored } = await documentClient.send(
      new GetCommand({ TableName: table, Key: key, ConsistentRead: true }),
    );
    expect(stored).toMatchObject({
      ...whole,
      entity: 'Item',
      importId: found.inspection.importId,
      PK: key.PK,
    });

    // Another environment: the first read finds the inspection, the second checks it in one
    // TransactGetItems, and a change reads the item alone.
    const elsewhere = new LedgerStore(documentClient, table);
    const reads = [
      await elsewhere.getItem('cache-1', ref(0)),
      await elsewhere.getItem('cache-1', ref(0)),
      await elsewhere.getItemToChange('cache-1', ref(0)),
    ];
    for (const read of reads) expect(read?.item).toStrictEqual(whole);
  });
});
