/**
 * Event-path benchmark (`npm run bench:events`): against one moto emulator, in one run, through
 * the local runtime (HTTP → handler → DynamoDB → stream poller → publisher → bus rule → SQS →
 * notifier → inbox).
 *
 *  1. End-to-end lag: a generated plan is imported, then every item is started
 *     (POST /items/{id}/transitions, as an admin) at a steady rate, a few at a time. Lag = the
 *     time its leader's notification is first seen in the leader's inbox − the time the
 *     transition's response came back; p50/p95/max, and the transitions per second achieved.
 *     How it is seen: the transition's response names its event, so the inbox row the notifier
 *     will write is known (INBOX#leader:<name>, N#<notificationId>); one observer reads all the
 *     pending rows every ~50 ms with BatchGetItem (one call per 100 rows). Polling GET
 *     /me/notifications instead would distort what it measures: moto's Query reads the whole
 *     table, ~50 ms of moto's single Python core per call here, so pollers every 50 ms would
 *     saturate it. GET /me/notifications then checks each leader's inbox once, at the end.
 *     The resolution is one observer interval. The rate is kept below what moto sustains here
 *     (~8/s on 2 cores): above it, lag measures moto's backlog.
 *  2. Publisher throughput vs its floor, once the local runtime is stopped (so that no poller or
 *     consumer shares moto with the measurement): the stream's chain-event INSERTs from part 1,
 *     read back with DynamoDB Streams, published by `publishStreamRecords` in Lambda-sized
 *     batches; the floor is the very same entries, built beforehand, sent as raw PutEvents calls
 *     of 10 with the SDK. Both use one EventBridge client, the stage's bus and its rules (which
 *     route every event to its queues, nobody consuming now). A round publishes every event both
 *     ways, one Lambda batch (100 records) at a time, alternating which way goes first, with the
 *     queues purged before each batch, after one untimed batch each way; events/s is the median
 *     round.
 *
 * Options: BENCH_EVENT_TRANSITIONS (500), BENCH_EVENT_RATE (transitions/s, 5),
 * BENCH_EVENT_CONCURRENCY (4), BENCH_EVENT_ROUNDS (publisher rounds each way, 3).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { PurgeQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { functions } from '#catalog/functions.ts';
import { emulatorClientConfig } from '#local/bootstrap.ts';
import { loadOrCreateDevKey, mintDevToken } from '#local/dev-auth.ts';
import { startEmulator } from '#local/emulator/index.ts';
import { startLocalRuntime } from '#local/runtime.ts';
import { toLambdaRecord } from '#local/stream-poller.ts';
import { inboxKey, notificationIdOf } from '#shared/domain/notifications.ts';
import { parsePlanJson } from '#shared/domain/plan/index.ts';
import { keys } from '#shared/store/keys.ts';
import { generatePlan } from '../test/fixtures/generate-plan.ts';
import { median, percentile, recordFigures } from './measure.ts';

const TRANSITIONS = Number(process.env.BENCH_EVENT_TRANSITIONS ?? 500);
const RATE = Number(process.env.BENCH_EVENT_RATE ?? 5);
const CONCURRENCY = Number(process.env.BENCH_EVENT_CONCURRENCY ?? 4);
const ROUNDS = Number(process.env.BENCH_EVENT_ROUNDS ?? 3);
const OBSERVE_MS = 50;
const DELIVERY_TIMEOUT_MS = 60_000;

const ms = (value: number) => `${value.toFixed(1)} ms`;
const seconds = (value: number) => `${(value / 1_000).toFixed(1)} s`;

interface InboxPage {
  notifications: { notificationId: string; itemId?: string; detailType: string }[];
  next?: string;
}

const keyDir = mkdtempSync(path.join(tmpdir(), 'rectify-bench-'));
const emulator = await startEmulator();
try {
  const devKey = await loadOrCreateDevKey(path.join(keyDir, 'key.json'));
  const runtime = await startLocalRuntime({ emulator, stage: 'bench-events', port: 0, devKey });
  // Imported once the runtime has set the functions' environment (Powertools reads it on load).
  const { entryFromStreamRecord, publishStreamRecords } = await import('#shared/services/publisher.ts');
  const dynamodb = new DynamoDBClient(emulatorClientConfig(emulator));
  const documents = DynamoDBDocumentClient.from(dynamodb);
  const eventBridge = new EventBridgeClient(emulatorClientConfig(emulator));
  const streams = new DynamoDBStreamsClient(emulatorClientConfig(emulator));
  const sqs = new SQSClient(emulatorClientConfig(emulator));
  let observing = true;
  let observer: Promise<void> | undefined;
  let runtimeStopped = false;
  const stopRuntime = async () => {
    if (runtimeStopped) return;
    runtimeStopped = true;
    await runtime.stop();
  };
  const wall = performance.now();
  try {
    const adminToken = await mintDevToken(devKey, { role: 'admin', name: 'bench', subject: 'bench-admin' });
    const call = async (token: string, method: string, route: string, body?: unknown) => {
      const response = await fetch(`${runtime.url}${route}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${text}`);
      return JSON.parse(text) as unknown;
    };
    const table = runtime.resources.tables.ledger.name;

    // 1. Lag. One extra item goes first, alone: it warms the handlers, and once its notification
    // is in the inbox the stream poller has worked through the import's records.
    const plan = generatePlan({ items: TRANSITIONS + 1, id: 'bench-events', status: '未启动' });
    await call(adminToken, 'POST', '/inspections/import', { plan });
    const importedAt = performance.now();
    const parsed = parsePlanJson(plan);
    if (!parsed.ok) throw new Error('generated plan invalid');
    const [warmUp, ...items] = parsed.plan.aspects
      .flatMap((a) => a.problems.flatMap((p) => p.items))
      .map((item) => ({ itemId: `bench-events.${item.ref}`, leader: item.responsibleLeader }));
    if (!warmUp) throw new Error('empty plan');

    /** Started items whose notification has not been seen yet, by the SK of their inbox row. */
    const pending = new Map<string, { itemId: string; key: { PK: string; SK: string } }>();
    const respondedAt = new Map<string, number>();
    const seenAt = new Map<string, number>();
    const observeIntervals: number[] = [];
    const observeTimes: number[] = [];

    const observe = async () => {
      let previous: number | undefined;
      while (observing) {
        const started = performance.now();
        if (pending.size > 0) {
          if (previous !== undefined) observeIntervals.push(started - previous);
          previous = started;
          const waiting = [...pending.values()];
          for (let i = 0; i < waiting.length; i += 100) {
            const { Responses } = await documents.send(
              new BatchGetCommand({
                RequestItems: {
                  [table]: {
                    Keys: waiting.slice(i, i + 100).map(({ key }) => key),
                    ProjectionExpression: 'PK, SK',
                  },
                },
              }),
            );
            const now = performance.now();
            for (const row of Responses?.[table] ?? []) {
              const found = pending.get(`${row.PK}|${row.SK}`);
              if (!found) continue;
              seenAt.set(found.itemId, now);
              pending.delete(`${row.PK}|${row.SK}`);
            }
          }
          observeTimes.push(performance.now() - started);
        } else {
          previous = undefined;
        }
        await sleep(Math.max(0, OBSERVE_MS - (performance.now() - started)));
      }
    };

    const start = async (item: { itemId: string; leader: string }) => {
      const { event } = (await call(adminToken, 'POST', `/items/${item.itemId}/transitions`, {
        to: 'in_progress',
        expectedVersion: 1,
      })) as { event: { eventId: string; at: string } };
      respondedAt.set(item.itemId, performance.now());
      const key = keys.notification(
        inboxKey({ kind: 'leader', leaderKey: item.leader }),
        notificationIdOf(event.at, event.eventId),
      );
      pending.set(`${key.PK}|${key.SK}`, { itemId: item.itemId, key });
    };
    const delivered = async (itemIds: readonly string[], timeoutMs: number) => {
      const deadline = performance.now() + timeoutMs;
      while (itemIds.some((id) => !seenAt.has(id)) && performance.now() < deadline) await sleep(20);
    };

    observer = observe();
    await start(warmUp);
    await delivered([warmUp.itemId], DELIVERY_TIMEOUT_MS);
    if (!seenAt.has(warmUp.itemId)) throw new Error('the warm-up notification never arrived');

    // Paced sending: transition i is due at i / RATE; at most CONCURRENCY in flight.
    const sendStarted = performance.now();
    let next = 0;
    const sender = async () => {
      while (next < items.length) {
        const index = next++;
        const due = sendStarted + (index * 1_000) / RATE;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        await start(items[index] as (typeof items)[number]);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, sender));
    const sendMs = Math.max(...items.map((item) => respondedAt.get(item.itemId) ?? 0)) - sendStarted;
    await delivered(
      items.map((item) => item.itemId),
      DELIVERY_TIMEOUT_MS,
    );
    observing = false;
    await observer;

    const lags = items.flatMap((item) => {
      const seen = seenAt.get(item.itemId);
      const responded = respondedAt.get(item.itemId);
      return seen === undefined || responded === undefined ? [] : [seen - responded];
    });
    const missing = items.length - lags.length;
    const tenth = Math.max(1, Math.floor(lags.length / 10));

    // Through the API, once: each leader's inbox holds exactly one notification per item started.
    const leaders = [...new Set([warmUp, ...items].map((item) => item.leader))];
    const inboxReads: number[] = [];
    let inboxMismatches = 0;
    for (const name of leaders) {
      const token = await mintDevToken(devKey, {
        role: 'leader',
        name,
        leaderId: name,
        subject: `leader-${name}`,
      });
      const seen: string[] = [];
      let before: string | undefined;
      do {
        const started = performance.now();
        const page = (await call(
          token,
          'GET',
          `/me/notifications?limit=100${before ? `&before=${before}` : ''}`,
        )) as InboxPage;
        inboxReads.push(performance.now() - started);
        seen.push(
          ...page.notifications.flatMap((n) =>
            n.detailType === 'ItemStatusChanged' && n.itemId ? [n.itemId] : [],
          ),
        );
        before = page.next;
      } while (before);
      const expected = new Set(
        [warmUp, ...items].filter((item) => item.leader === name).map((item) => item.itemId),
      );
      if (seen.length !== expected.size || seen.some((itemId) => !expected.has(itemId))) inboxMismatches += 1;
    }

    await stopRuntime();
    const partOneDone = performance.now();

    // 2. Publisher vs floor, on the chain-event INSERTs the stream holds now.
    const streamArn = runtime.resources.tables.ledger.streamArn;
    if (!streamArn) throw new Error('the ledger table has no stream');
    const busName = runtime.resources.buses.events.name;
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    const records: DynamoDBRecord[] = [];
    for (const shard of StreamDescription?.Shards ?? []) {
      let { ShardIterator } = await streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shard.ShardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      );
      while (ShardIterator) {
        const page = await streams.send(new GetRecordsCommand({ ShardIterator, Limit: 1_000 }));
        if (!page.Records?.length) break;
        records.push(...page.Records.map((record) => toLambdaRecord(record, streamArn, emulator.region)));
        ShardIterator = page.NextShardIterator;
      }
    }
    const chainRecords = records.filter((record) => entryFromStreamRecord(record, busName) !== undefined);
    const entries = chainRecords.map(
      (record) => entryFromStreamRecord(record, busName) as PutEventsRequestEntry,
    );
    const detailBytes = entries.reduce((sum, entry) => sum + Buffer.byteLength(entry.Detail ?? ''), 0);
    const batchSize = functions.publishEvents.triggers[0].batchSize;

    // One Lambda batch at a time, each way in turn, the queues emptied before each: moto's
    // SendMessage reads every message of its queue (to count them), so with nobody consuming a
    // growing queue would make each PutEvents slower than the one before.
    const floor = async (from: number, to: number) => {
      for (let i = from; i < to; i += 10) {
        const { FailedEntryCount } = await eventBridge.send(
          new PutEventsCommand({ Entries: entries.slice(i, Math.min(i + 10, to)) }),
        );
        if (FailedEntryCount) throw new Error(`PutEvents refused ${FailedEntryCount} entries`);
      }
    };
    const publisher = async (from: number, to: number) => {
      const { batchItemFailures } = await publishStreamRecords(chainRecords.slice(from, to), {
        busName,
        putEvents: async (Entries) =>
          (await eventBridge.send(new PutEventsCommand({ Entries }))).Entries ?? [],
      });
      if (batchItemFailures.length > 0) throw new Error(`${batchItemFailures.length} records failed`);
    };
    const emptyQueues = () =>
      Promise.all(
        Object.values(runtime.resources.queues).map((queue) =>
          sqs.send(new PurgeQueueCommand({ QueueUrl: queue.url })),
        ),
      );
    // Warm-up, untimed: one batch each way.
    for (const run of [floor, publisher]) {
      await emptyQueues();
      await run(0, Math.min(batchSize, entries.length));
    }
    const rates = { floor: [] as number[], publisher: [] as number[] };
    for (let round = 0; round < ROUNDS; round++) {
      const spent = { floor: 0, publisher: 0 };
      for (let from = 0; from < entries.length; from += batchSize) {
        const to = Math.min(from + batchSize, entries.length);
        const order = [
          ['floor', floor],
          ['publisher', publisher],
        ] as const;
        for (const [name, run] of (from / batchSize + round) % 2 === 0 ? order : [...order].reverse()) {
          await emptyQueues();
          const started = performance.now();
          await run(from, to);
          spent[name] += performance.now() - started;
        }
      }
      rates.floor.push((entries.length * 1_000) / spent.floor);
      rates.publisher.push((entries.length * 1_000) / spent.publisher);
    }

    const rate = (values: number[]) =>
      `${median(values).toFixed(0)} events/s (rounds ${values.map((value) => value.toFixed(0)).join(', ')})`;
    const lines = [
      `emulator: ${emulator.kind}; ${availableParallelism()} cores; runtime and bench in one Node ${process.version} process`,
      `lag: ${items.length} items of a generated plan started at ${RATE}/s target, at most ${CONCURRENCY} in flight, after one warm-up item;`,
      `     seen = first BatchGetItem (every ${OBSERVE_MS} ms, one observer; median interval ${ms(median(observeIntervals))}, call p50 ${ms(median(observeTimes))}) that returns the leader's inbox row;`,
      '     lag = seen − transition response',
      `     then GET /me/notifications per leader (${leaders.length}): ${inboxMismatches === 0 ? 'every inbox holds exactly its items' : `${inboxMismatches} INBOXES WRONG`}; ${inboxReads.length} pages, p50 ${ms(median(inboxReads))} each`,
      `publisher: ${entries.length} ItemStatusChanged chain INSERTs read back from the ledger stream (of ${records.length} records), Detail ${Math.round(detailBytes / entries.length)} B on average;`,
      `     runtime stopped first; floor = the same entries as PutEvents of 10; publisher = publishStreamRecords, ${batchSize} records a call;`,
      `     ${ROUNDS} rounds, each way in turn per ${batchSize} events, queues purged before each (moto's SendMessage is O(queue depth)), after one untimed batch each way`,
      `wall: import ${seconds(importedAt - wall)}, transitions and deliveries ${seconds(partOneDone - importedAt)}, publishing ${seconds(performance.now() - partOneDone)}`,
      '',
    ];
    const rows = [
      [
        'transitions',
        `${items.length}×`,
        `${((items.length * 1_000) / sendMs).toFixed(1)} /s achieved`,
        `in ${ms(sendMs)}`,
      ],
      [
        'lag transition → inbox',
        `${lags.length} seen`,
        `p50 ${ms(percentile(lags, 50))}`,
        `p95 ${ms(percentile(lags, 95))}   max ${ms(Math.max(...lags))}${missing ? `   ${missing} NEVER SEEN` : ''}`,
      ],
      [
        '  by sending order',
        `${tenth} each`,
        `p50 first ${ms(percentile(lags.slice(0, tenth), 50))}`,
        `p50 last ${ms(percentile(lags.slice(-tenth), 50))}`,
      ],
      ['floor: raw PutEvents ×10', `${entries.length} events`, rate(rates.floor), ''],
      ['publisher', `${entries.length} events`, rate(rates.publisher), ''],
      [
        'ratio publisher / floor',
        '',
        (median(rates.publisher) / median(rates.floor)).toFixed(2),
        '(events/s; 1.00 = as fast as the floor)',
      ],
    ];
    for (const line of lines) console.log(line);
    for (const row of rows)
      console.log(`${row[0]?.padEnd(28)}${row[1]?.padEnd(14)}${row[2]?.padEnd(40)}${row[3]}`);
    // No target is stated for these figures; the counts of lost or misplaced notifications must be 0.
    const round = (value: number, digits = 1) => Number(value.toFixed(digits));
    recordFigures('events', [
      { figure: 'lag transition → inbox, p50', value: round(percentile(lags, 50)), unit: 'ms', target: '—' },
      { figure: 'lag transition → inbox, p95', value: round(percentile(lags, 95)), unit: 'ms', target: '—' },
      { figure: 'notifications never seen', value: missing, target: '0', met: missing === 0 },
      { figure: 'inboxes wrong', value: inboxMismatches, target: '0', met: inboxMismatches === 0 },
      {
        figure: 'transitions achieved',
        value: round((items.length * 1_000) / sendMs),
        unit: '/s',
        target: '—',
      },
      {
        figure: 'publisher / raw PutEvents floor (events/s)',
        value: round(median(rates.publisher) / median(rates.floor), 2),
        target: '—',
      },
    ]);
  } finally {
    observing = false;
    await observer?.catch(() => {});
    for (const client of [documents, dynamodb, eventBridge, streams, sqs]) client.destroy();
    await stopRuntime();
  }
} finally {
  await emulator.stop();
  rmSync(keyDir, { recursive: true, force: true });
}
