import type { PutEventsCommandInput, PutEventsCommandOutput } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { emulatorClientConfig } from '#local/bootstrap.ts';
import { eventBridge } from '#shared/bus/client.ts';
import { parsePlanJson } from '#shared/domain/plan/index.ts';
import { generatePlan } from '../fixtures/generate-plan.ts';
import { apiClient, users } from '../support/api.ts';
import { eventually } from '../support/eventually.ts';
import { queueIsIdle } from '../support/queues.ts';
import { sharedEmulator, useLocalRuntime } from '../support/runtime.ts';

/**
 * No loss, no duplicates: N transitions through the API, the stream, the publisher, the bus and
 * the notifier, while PutEvents refuses some entries the first time it sees them. The refusal is
 * injected into the publisher's own EventBridge client (the emulator cannot be told to fail):
 * a refused entry is not sent, and its result says InternalFailure, as a partial failure does.
 */
const TRANSITIONS = Number(process.env.RECTIFY_RELIABILITY_TRANSITIONS ?? 1000);
const PARALLEL = 8;
const local = useLocalRuntime('reliable');
const api = apiClient(local);
const sqs = new SQSClient(emulatorClientConfig(sharedEmulator()));
afterAll(() => sqs.destroy());

/** The items of a generated plan, with the leader each one notifies. */
function itemsOf(plan: Record<string, unknown>, inspectionId: string) {
  const parsed = parsePlanJson(plan);
  if (!parsed.ok) throw new Error('the generated plan does not parse');
  return parsed.plan.aspects.flatMap((aspect) =>
    aspect.problems.flatMap((problem) =>
      problem.items.map((item) => ({
        itemId: `${inspectionId}.${item.ref}`,
        leader: item.responsibleLeader,
      })),
    ),
  );
}
const leaderUser = (leader: string) => ({
  role: 'leader' as const,
  subject: `leader-${leader}`,
  name: leader,
  leaderId: leader,
});

function injectFirstTryFailures(refuse: (eventId: string) => boolean) {
  const seen = new Set<string>();
  let refused = 0;
  eventBridge.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'PutEventsCommand') return next(args);
      const input = args.input as PutEventsCommandInput;
      const entries = input.Entries ?? [];
      const firstTry = entries.map((entry) => {
        const eventId = JSON.parse(entry.Detail ?? '{}').eventId as string;
        const fails = !seen.has(eventId) && refuse(eventId);
        seen.add(eventId);
        return fails;
      });
      const sent = entries.filter((_, index) => !firstTry[index]);
      const result = await next({ ...args, input: { ...input, Entries: sent } });
      const output = result.output as PutEventsCommandOutput;
      const results = [...(output.Entries ?? [])];
      output.Entries = firstTry.map((fails) =>
        fails
          ? { ErrorCode: 'InternalFailure', ErrorMessage: 'injected by the test' }
          : (results.shift() ?? {}),
      );
      refused += firstTry.filter(Boolean).length;
      output.FailedEntryCount = (output.FailedEntryCount ?? 0) + firstTry.filter(Boolean).length;
      return result;
    },
    { step: 'initialize', name: 'injectFirstTryFailures' },
  );
  return {
    refused: () => refused,
    remove: () => eventBridge.middlewareStack.remove('injectFirstTryFailures'),
  };
}

describe('delivery through the whole event path', () => {
  it(`turns ${TRANSITIONS} transitions into exactly ${TRANSITIONS} notifications while PutEvents refuses some entries on the first try`, async () => {
    const plan = generatePlan({ items: TRANSITIONS, id: 'reliability', status: '未启动', seed: 7 });
    const imported = await api.post('/inspections/import', users.admin, { plan });
    expect(imported.status, imported.text).toBe(201);
    const items = itemsOf(plan, 'reliability');
    // One more item, started after all the others have been delivered: see below.
    const sentinelPlan = generatePlan({ items: 1, id: 'reliability-sentinel', status: '未启动', seed: 8 });
    const sentinelImported = await api.post('/inspections/import', users.admin, { plan: sentinelPlan });
    expect(sentinelImported.status, sentinelImported.text).toBe(201);
    const [sentinel] = itemsOf(sentinelPlan, 'reliability-sentinel');
    if (!sentinel) throw new Error('the sentinel plan has no item');
    // One entry in five, chosen by its event id, is refused the first time.
    const injection = injectFirstTryFailures((eventId) => Number.parseInt(eventId.slice(-2), 16) % 5 === 0);
    try {
      for (let start = 0; start < items.length; start += PARALLEL) {
        const batch = items.slice(start, start + PARALLEL);
        const responses = await Promise.all(
          batch.map(({ itemId }) =>
            api.post(`/items/${itemId}/transitions`, users.admin, { to: 'in_progress', expectedVersion: 1 }),
          ),
        );
        for (const response of responses) expect(response.status, response.text).toBe(200);
      }
      // Starting an item tells its leader (and no one else): each leader's inbox must hold
      // exactly one notification per item they lead, each event once.
      const expected = new Map<string, Set<string>>();
      for (const { itemId, leader } of items) {
        expected.set(leader, (expected.get(leader) ?? new Set()).add(itemId));
      }
      const wholeInboxOf = async (leader: string) => {
        const seen: { itemId?: string; notificationId: string; detailType: string }[] = [];
        let before: string | undefined;
        do {
          const page = await api.get(
            `/me/notifications?limit=100${before ? `&before=${before}` : ''}`,
            leaderUser(leader),
          );
          seen.push(...page.json.notifications);
          before = page.json.next;
        } while (before);
        return seen;
      };
      const inboxOf = async (leader: string) =>
        (await wholeInboxOf(leader)).filter((n) => n.itemId?.startsWith('reliability.'));
      const delivered = await eventually(async () => {
        const inboxes = await Promise.all([...expected.keys()].map(inboxOf));
        return inboxes.flat().length >= TRANSITIONS ? inboxes : undefined;
      }, 240_000);
      // A duplicate can still be on its way: a batch the publisher retries is put again from its
      // first failed record. The stream is read in order and a record is handed over only once
      // every record before it has been put, so the sentinel's notification arriving means every
      // copy of every earlier event is on the bus (which moto delivers to the queue within
      // PutEvents); once the notifier's queue is then idle, all of them have been handled.
      const sentinelStarted = await api.post(`/items/${sentinel.itemId}/transitions`, users.admin, {
        to: 'in_progress',
        expectedVersion: 1,
      });
      expect(sentinelStarted.status, sentinelStarted.text).toBe(200);
      await eventually(async () => {
        const inbox = await wholeInboxOf(sentinel.leader);
        return inbox.some((n) => n.itemId === sentinel.itemId) ? true : undefined;
      }, 120_000);
      const queues = local().runtime.resources.queues;
      await eventually(async () => ((await queueIsIdle(sqs, queues.notifications.url)) ? true : undefined));
      expect(await queueIsIdle(sqs, queues.notifications.deadLetterUrl)).toBe(true);
      // Nothing the stream gave up on.
      expect(await queueIsIdle(sqs, queues.unpublished.url)).toBe(true);
      const settled = await Promise.all([...expected.keys()].map(inboxOf));
      [...expected.entries()].forEach(([, itemIds], index) => {
        const inbox = settled[index] ?? [];
        expect(inbox.every((n) => n.detailType === 'ItemStatusChanged')).toBe(true);
        expect(new Set(inbox.map((n) => n.notificationId)).size).toBe(inbox.length);
        expect(new Set(inbox.map((n) => n.itemId))).toEqual(itemIds);
      });
      expect(settled.flat()).toHaveLength(TRANSITIONS);
      expect(delivered.flat().length).toBe(TRANSITIONS);
      expect(injection.refused()).toBeGreaterThan(TRANSITIONS / 10);
    } finally {
      injection.remove();
    }
  }, 600_000);
});
