import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { DETAIL_TYPE_OF_CHAIN_TYPE } from '#events/from-chain.ts';
import { emulatorClientConfig } from '#local/bootstrap.ts';
import { generatePlan } from '../fixtures/generate-plan.ts';
import { apiClient, users } from '../support/api.ts';
import { eventually } from '../support/eventually.ts';
import { queueIsIdle } from '../support/queues.ts';
import { sharedEmulator, useLocalRuntime } from '../support/runtime.ts';

/**
 * The counters kept from the event stream equal the totals recomputed from the ledger, after a
 * random sequence of operations (seeded, so a failure can be replayed with the same seed).
 */
const SEED = Number(process.env.RECTIFY_AGGREGATES_SEED ?? 20261126);
const OPERATIONS = 60;
const local = useLocalRuntime('totals');
const api = apiClient(local);
const sqs = new SQSClient(emulatorClientConfig(sharedEmulator()));
afterAll(() => sqs.destroy());

function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

interface LedgerItem {
  itemId: string;
  status: 'not_started' | 'in_progress' | 'rectified' | 'closed';
  version: number;
  light: 'green' | 'yellow' | 'red';
  measures: { done: boolean }[];
}

async function ledgerItems(inspectionId: string): Promise<LedgerItem[]> {
  return (await api.get(`/inspections/${inspectionId}/ledger`, users.admin)).json.items;
}

/** The totals as the ledger says they are now. */
function recomputed(items: readonly LedgerItem[]) {
  const count = (key: (item: LedgerItem) => string, values: string[]) =>
    Object.fromEntries(values.map((value) => [value, items.filter((item) => key(item) === value).length]));
  return {
    items: items.length,
    byStatus: count((item) => item.status, ['not_started', 'in_progress', 'rectified', 'closed']),
    byLight: count((item) => item.light, ['green', 'yellow', 'red']),
    measures: {
      total: items.reduce((sum, item) => sum + item.measures.length, 0),
      done: items.reduce((sum, item) => sum + item.measures.filter((measure) => measure.done).length, 0),
    },
  };
}

describe('inspection counters', () => {
  it(`equal the ledger's totals after ${OPERATIONS} random operations (seed ${SEED})`, async () => {
    const plan = generatePlan({ items: 30, id: 'totals', seed: SEED });
    expect((await api.post('/inspections/import', users.admin, { plan })).status).toBe(201);
    const seeded = (await api.get('/inspections/totals/totals', users.admin)).json.totals;
    expect(seeded).toEqual(recomputed(await ledgerItems('totals')));

    const next = random(SEED);
    const operations: string[] = [];
    for (let i = 0; i < OPERATIONS; i++) {
      const items = await ledgerItems('totals');
      const item = items[Math.floor(next() * items.length)] as LedgerItem;
      const path = `/items/${item.itemId}`;
      let response: { status: number; text: string };
      switch (item.status) {
        case 'not_started':
          response = await api.post(`${path}/transitions`, users.admin, {
            to: 'in_progress',
            expectedVersion: item.version,
          });
          break;
        case 'in_progress': {
          const done = item.measures.map((_, index) => index).filter(() => next() < 0.5);
          response = await api.post(`${path}/progress`, users.admin, {
            text: `进展 ${i}`,
            measuresDone: done,
          });
          break;
        }
        case 'rectified':
          response = await api.post(`${path}/transitions`, users.admin, {
            to: 'closed',
            expectedVersion: item.version,
          });
          break;
        case 'closed':
          response = await api.post(`${path}/transitions`, users.otherAdmin, {
            to: 'in_progress',
            expectedVersion: item.version,
            reason: '回头看发现反弹',
          });
          break;
      }
      operations.push(`${item.itemId} ${item.status} → ${response.status}`);
      expect(response.status, `${operations.join('\n')}\n${response.text}`).toBeLessThan(300);
    }

    const { aggregates } = local().runtime.resources.queues;
    await eventually(async () => ((await queueIsIdle(sqs, aggregates.url)) ? true : undefined), 60_000);
    const expected = recomputed(await ledgerItems('totals'));
    await eventually(async () => {
      const counted = (await api.get('/inspections/totals/totals', users.admin)).json.totals;
      return JSON.stringify(counted) === JSON.stringify(expected) ? true : undefined;
    }, 30_000).catch(() => undefined);
    expect((await api.get('/inspections/totals/totals', users.admin)).json.totals).toEqual(expected);
    // A redelivered event (here: the last one of a changed item, sent twice more) counts nothing.
    const changed = (await ledgerItems('totals')).find((item) => item.version > 1) as LedgerItem & {
      ref: string;
      title: string;
      responsibleDept: string;
      responsibleLeader: string;
    };
    const last = (await api.get(`/items/${changed.itemId}/history`, users.admin)).json.events.at(-1);
    const detailType = DETAIL_TYPE_OF_CHAIN_TYPE[
      last.type as keyof typeof DETAIL_TYPE_OF_CHAIN_TYPE
    ] as string;
    const { prevHash: _prevHash, type: _type, ...sealed } = last;
    const message = JSON.stringify({
      'detail-type': detailType,
      source: 'rectify',
      detail: {
        schemaVersion: 1,
        ...sealed,
        ref: changed.ref,
        title: changed.title,
        department: changed.responsibleDept,
        leader: changed.responsibleLeader,
      },
    });
    for (let i = 0; i < 2; i++) {
      await sqs.send(new SendMessageCommand({ QueueUrl: aggregates.url, MessageBody: message }));
    }
    // Both copies are in the queue once SendMessage has answered: the queue is idle only once the
    // consumer has taken and deleted them (no pause needed, and none can make this pass early).
    await eventually(async () => ((await queueIsIdle(sqs, aggregates.url)) ? true : undefined), 30_000);
    expect(
      (await sqs.send(new ReceiveMessageCommand({ QueueUrl: aggregates.deadLetterUrl }))).Messages,
    ).toBeUndefined();
    expect((await api.get('/inspections/totals/totals', users.admin)).json.totals).toEqual(expected);
    // The rebuild recomputes the same, from the ledger.
    expect((await api.post('/inspections/totals/totals/rebuild', users.admin, {})).json.totals).toEqual(
      expected,
    );
  }, 180_000);
});
