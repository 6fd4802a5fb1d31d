/**
 * Ledger benchmark (`npm run bench:ledger`): against one moto emulator, through the local
 * runtime (HTTP → API Gateway event → handler → DynamoDB), each figure beside its floor measured
 * in the same run.
 *
 *  1. Change latency: POST /items/{id}/transitions, the same with an Idempotency-Key, and POST
 *     /items/{id}/progress, each vs its floor, what a minimal correct implementation sends (one
 *     consistent GetItem of the item, then the same TransactWriteItems) issued directly with the
 *     SDK; p50/p95 and their ratios (targets p50 ≤ 1.3, p95 ≤ 1.5; with a key p50 ≤ 1.5).
 *     Then GET /items/{id} against one consistent GetItem of the item, 5 × BENCH_TRANSITIONS
 *     times each (target p50 ≤ 1.2), beside the TransactGetItems a correct read of this data
 *     model sends (the item and its inspection's version; a reference, no target), the floor asking
 *     only for the item's own attributes as the read does (a reference), a bare HTTP
 *     round trip on loopback and GET /me (the local runtime's own share without I/O: JWT, middy
 *     chain, logging, metrics). Requests go over node:http with a keep-alive agent, the transport
 *     the SDK sends the floors over (measure.ts, keepAliveClient); the item read is also timed
 *     with fetch as the client, for reference.
 *  2. Import of a generated plan (default 2,000 items): wall time, DynamoDB calls per item.
 *     Then a replace of a 500-item plan revising every item (BENCH_REPLACE_ITEMS): its time
 *     against that plan's first import, and its DynamoDB calls per item.
 *  3. Ledger read of that plan: time and Query pages, vs paging the same items with Query alone
 *     (the two in turns, medians of five).
 *
 * Options: BENCH_ITEMS (2000), BENCH_TRANSITIONS (60), BENCH_SETTLE_MS (400: the pause before each
 * timed write, so that the event path the last one set off does not share the emulator with it,
 * and every write, under test or floor, starts from the same idle state).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetCommand, QueryCommand, TransactGetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { loadOrCreateDevKey, mintDevToken } from '#local/dev-auth.ts';
import { startEmulator } from '#local/emulator/index.ts';
import { startLocalRuntime } from '#local/runtime.ts';
import type { Item, ItemEvent } from '#shared/domain/item.ts';
import { parsePlanJson } from '#shared/domain/plan/index.ts';
import { keys } from '#shared/store/keys.ts';
import { generatePlan } from '../test/fixtures/generate-plan.ts';
import { keepAliveClient, percentile, recordFigures } from './measure.ts';

const ITEMS = Number(process.env.BENCH_ITEMS ?? 2000);
const REPLACE_ITEMS = Number(process.env.BENCH_REPLACE_ITEMS ?? 500);
const TRANSITIONS = Number(process.env.BENCH_TRANSITIONS ?? 60);
const ITEM_READS = 5 * TRANSITIONS;

const ms = (value: number) => `${value.toFixed(2)} ms`;
/** How long the event path takes to finish with one change, locally (measured: well under this). */
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 400);
const settle = () => new Promise((resolve) => setTimeout(resolve, SETTLE_MS));

const keyDir = mkdtempSync(path.join(tmpdir(), 'rectify-bench-'));
const emulator = await startEmulator();
try {
  const runtime = await startLocalRuntime({
    emulator,
    stage: 'bench',
    port: 0,
    devKey: await loadOrCreateDevKey(path.join(keyDir, 'key.json')),
  });
  const devKey = await loadOrCreateDevKey(path.join(keyDir, 'key.json'));
  const token = await mintDevToken(devKey, { role: 'admin', name: 'bench', subject: 'bench-admin' });
  // The handlers run in this process and share this client module: count what they send.
  const { dynamodb, documentClient } = await import('#shared/store/client.ts');
  const { ITEM_PROJECTION, ledgerStore } = await import('#shared/store/ledger-store.ts');
  const calls = new Map<string, number>();
  dynamodb.middlewareStack.add(
    (next, context) => async (args) => {
      calls.set(context.commandName ?? '?', (calls.get(context.commandName ?? '?') ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'benchCallCounter' },
  );
  const callCount = () => [...calls.values()].reduce((a, b) => a + b, 0);
  const send = keepAliveClient(runtime.url);
  const api = (method: string, route: string, body?: unknown, headers: Record<string, string> = {}) =>
    send(method, route, {
      headers: {
        authorization: `Bearer ${token}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });

  // 1. Changes, first, on a table that holds only their own small plan, so that the figures time
  // Rectify and not the emulator's table size. Three items not started per round: one started
  // via HTTP, one via HTTP with an Idempotency-Key, one by the floor; then the first gets a
  // progress report via HTTP and the floor's item one by the floor.
  let started: number;
  const transitionPlan = generatePlan({
    items: 3 * TRANSITIONS + 1,
    id: 'bench-transitions',
    status: '未启动',
  });
  if ((await api('POST', '/inspections/import', { plan: transitionPlan })).status !== 201)
    throw new Error('import failed');
  const parsed = parsePlanJson(transitionPlan);
  if (!parsed.ok) throw new Error('generated plan invalid');
  const notStarted = parsed.plan.aspects
    .flatMap((a) => a.problems.flatMap((p) => p.items))
    .map((item) => item.ref);
  const store = ledgerStore();
  const { decideTransition } = await import('#shared/domain/transitions.ts');
  const { decideProgress } = await import('#shared/domain/progress.ts');
  const principal = { subject: 'bench-admin', name: 'bench', roles: ['admin'] as const };
  const start = { to: 'in_progress' as const, expectedVersion: 1 };
  const report = { text: '开展签约服务质量抽查，覆盖12个乡镇。', measuresDone: [] };
  const context = () => ({ eventId: randomUUID(), at: new Date().toISOString() });
  const times = { transition: [] as number[], keyed: [] as number[], progress: [] as number[] };
  const floors = { transition: [] as number[], progress: [] as number[] };

  // Every timed change starts after the same pause (SETTLE_MS), with nothing sent just before
  // it: a floor timed right after its own untimed read would find the emulator and this process
  // warm where the request under test found them idle.
  const change = async (
    route: string,
    body: unknown,
    expected: number,
    headers: Record<string, string> = {},
  ) => {
    await settle();
    started = performance.now();
    const response = await api('POST', route, body, headers);
    const took = performance.now() - started;
    if (response.status !== expected) throw new Error(`${route} failed: ${response.status} ${response.text}`);
    return took;
  };
  /**
   * The floor: what a minimal correct implementation must send, built beforehand (`prepare`,
   * before the pause) and sent with the SDK: one consistent read of the item, then exactly the
   * transaction the handler makes.
   */
  const prepare = async (ref: string, decide: (item: Item) => { item: Item; event: ItemEvent }) => {
    const found = await store.getItem('bench-transitions', ref);
    if (!found) throw new Error(`no item ${ref}`);
    const { item, event } = decide(found.item);
    return {
      transaction: store.changeTransaction(found.inspection, found.item, item, event),
      itemKey: keys.item('bench-transitions', found.inspection.importId, ref),
    };
  };
  const floor = async ({ transaction, itemKey }: Awaited<ReturnType<typeof prepare>>) => {
    await settle();
    started = performance.now();
    await documentClient.send(
      new GetCommand({ TableName: store.tableName, Key: itemKey, ConsistentRead: true }),
    );
    await documentClient.send(new TransactWriteCommand(transaction));
    return performance.now() - started;
  };

  const itemRoute = (ref: string | undefined) => `/items/bench-transitions.${ref}`;
  await change(`${itemRoute(notStarted[0])}/transitions`, start, 200); // warm-up
  await change(`${itemRoute(notStarted[0])}/progress`, report, 201);
  for (let i = 1; i <= TRANSITIONS; i++) {
    const [plain, keyed, direct] = notStarted.slice(3 * i - 2, 3 * i + 1) as [string, string, string];
    const startFloor = await prepare(direct, (item) => decideTransition(item, start, principal, context()));
    times.transition.push(await change(`${itemRoute(plain)}/transitions`, start, 200));
    times.keyed.push(
      await change(`${itemRoute(keyed)}/transitions`, start, 200, { 'idempotency-key': `bench-${i}` }),
    );
    floors.transition.push(await floor(startFloor));
    const reportFloor = await prepare(direct, (item) => decideProgress(item, report, principal, context()));
    times.progress.push(await change(`${itemRoute(plain)}/progress`, report, 201));
    floors.progress.push(await floor(reportFloor));
  }
  // Let the last change's event path finish before the reads.
  await settle();

  // 1b. One item read, GET /items/{id}, against its floor: one consistent GetItem of the item.
  const itemReadTimes: number[] = [];
  const itemFloorTimes: number[] = [];
  const transitionImport = (await store.getInspection('bench-transitions'))?.importId ?? '';
  await api('GET', `/items/bench-transitions.${notStarted[0]}`); // warm-up
  /** Times one call into `times`; what it answered is returned to check. */
  const timed = async <T>(times: number[], call: () => Promise<T>): Promise<T> => {
    const began = performance.now();
    const result = await call();
    times.push(performance.now() - began);
    return result;
  };
  const expectOk = (what: string, status: number) => {
    if (status !== 200) throw new Error(`${what} failed: ${status}`);
  };
  const viaHttp = async (ref: string) =>
    expectOk(
      'item read',
      (await timed(itemReadTimes, () => api('GET', `/items/bench-transitions.${ref}`))).status,
    );
  // For reference, not a target: the same read sent with fetch (undici), whose client side costs
  // more per request than node:http's; what a Node caller using fetch would see.
  const itemReadFetchTimes: number[] = [];
  const viaFetch = async (ref: string) => {
    const { status } = await timed(itemReadFetchTimes, async () => {
      const response = await fetch(`${runtime.url}/items/bench-transitions.${ref}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      await response.arrayBuffer();
      return response;
    });
    expectOk('item read with fetch', status);
  };
  /** One consistent GetItem of the item, timed into `times`, asking for `projection` if given. */
  const getItemInto = (times: number[], projection?: typeof ITEM_PROJECTION) => (ref: string) =>
    timed(times, () =>
      documentClient.send(
        new GetCommand({
          TableName: store.tableName,
          Key: keys.item('bench-transitions', transitionImport, ref),
          ConsistentRead: true,
          ...projection,
        }),
      ),
    );
  const viaGetItem = getItemInto(itemFloorTimes);
  // For reference, not a target: the least a correct read of this data model sends. An item's key
  // holds its import generation, so the read also needs the inspection's version, in one snapshot.
  const itemSnapshotTimes: number[] = [];
  const viaTransactGet = (ref: string) =>
    timed(itemSnapshotTimes, () =>
      documentClient.send(
        new TransactGetCommand({
          TransactItems: [
            {
              Get: {
                TableName: store.tableName,
                Key: keys.item('bench-transitions', transitionImport, ref),
                ...ITEM_PROJECTION,
              },
            },
            {
              Get: {
                TableName: store.tableName,
                Key: keys.inspection('bench-transitions'),
                ProjectionExpression: 'importId, settingsRev',
              },
            },
          ],
        }),
      ),
    );
  // For reference, not a target: the floor asking for what the item read asks for, the item's own
  // attributes (ITEM_PROJECTION), without its keys.
  const itemProjectedTimes: number[] = [];
  const viaProjectedGetItem = getItemInto(itemProjectedTimes, ITEM_PROJECTION);
  // For scale: one HTTP round trip on loopback to a server in this process that answers at once,
  // the least any request through the local runtime costs (API Gateway's hop, in the cloud).
  const bare = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.end('{}'));
  });
  await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
  const sendBare = keepAliveClient(`http://127.0.0.1:${(bare.address() as AddressInfo).port}/`);
  const bareTimes: number[] = [];
  const viaBareHttp = () => timed(bareTimes, () => sendBare('GET', '/'));
  // The local runtime's own share, without I/O: GET /me checks the JWT and runs the whole middy
  // chain (logging, metrics, the role check) and reads nothing.
  const meTimes: number[] = [];
  const viaMe = async () => expectOk('GET /me', (await timed(meTimes, () => api('GET', '/me'))).status);
  // Reads send nothing to the event path, so there are more of them; each in turns of order, so
  // none always follows another.
  for (let i = 1; i <= ITEM_READS; i++) {
    const ref = notStarted[1 + (i % (notStarted.length - 1))] as string;
    const reads = [
      () => viaHttp(ref),
      () => viaGetItem(ref),
      () => viaTransactGet(ref),
      () => viaProjectedGetItem(ref),
      () => viaFetch(ref),
      viaBareHttp,
      viaMe,
    ];
    for (let j = 0; j < reads.length; j++) await reads[(i + j) % reads.length]?.();
  }
  bare.close();

  // 2. Import.
  const plan = generatePlan({ items: ITEMS, id: 'bench-ledger' });
  calls.clear();
  started = performance.now();
  const imported = await api('POST', '/inspections/import', { plan });
  const importMs = performance.now() - started;
  if (imported.status !== 201) throw new Error(`import failed: ${imported.status} ${imported.text}`);
  const importCalls = callCount();

  // 3. Ledger read against its floor, paging through the same partition with Query alone. The
  // two take turns, so that both find the same emulator (the import's event path is still
  // running at first); each side's first read warms it and is not counted, then the median of five.
  const inspection = await store.getInspection('bench-ledger');
  if (!inspection) throw new Error('no bench-ledger inspection');
  const readTimes: number[] = [];
  const readFloorTimes: number[] = [];
  let pages = 0;
  for (let run = 0; run < 6; run++) {
    calls.clear();
    started = performance.now();
    const response = await api('GET', '/inspections/bench-ledger/ledger');
    const body = response.json<{ items: unknown[] }>();
    if (body.items.length !== ITEMS) throw new Error(`ledger has ${body.items.length} items`);
    if (run > 0) readTimes.push(performance.now() - started);
    pages = calls.get('QueryCommand') ?? 0;

    started = performance.now();
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await documentClient.send(
        new QueryCommand({
          TableName: store.tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :item)',
          ExpressionAttributeValues: {
            ':pk': keys.ledgerPartition('bench-ledger', inspection.importId),
            ':item': 'ITEM#',
          },
          ExclusiveStartKey,
        }),
      );
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    if (run > 0) readFloorTimes.push(performance.now() - started);
  }

  // 4. Replace: a plan of REPLACE_ITEMS imported, then replaced by the same plan with every
  // deadline moved a day, so that each item is carried over with its chain and gets a
  // PlanRevised record (the most a replace writes per item). Smaller than ITEMS: on the emulator
  // every item read or written costs ~3 ms of moto's serialisation, and a replace reads the
  // generation and writes it again (items, copied chains, new records), so 2,000 items would
  // pass the import function's 29 s here; DynamoDB's cost per item is a small fraction of that.
  const replacePlan = generatePlan({ items: REPLACE_ITEMS, id: 'bench-replace' });
  started = performance.now();
  const first = await api('POST', '/inspections/import', { plan: replacePlan });
  const firstImportMs = performance.now() - started;
  if (first.status !== 201) throw new Error(`import failed: ${first.status} ${first.text}`);
  const revised = structuredClone(replacePlan) as {
    aspects: { problems: { items: { deadline: string }[] }[] }[];
  };
  for (const aspect of revised.aspects)
    for (const problem of aspect.problems)
      for (const item of problem.items) item.deadline = nextDay(item.deadline);
  calls.clear();
  started = performance.now();
  const replaced = await api('POST', '/inspections/import', { plan: revised, replace: true });
  const replaceMs = performance.now() - started;
  if (replaced.status !== 201) throw new Error(`replace failed: ${replaced.status} ${replaced.text}`);
  const replaceCalls = callCount();

  const ratio = (of: number[], floor: number[], p: number) => percentile(of, p) / percentile(floor, p);
  const rows = [
    [
      'import',
      `${ITEMS} items`,
      ms(importMs),
      `${(importCalls / ITEMS).toFixed(3)} DynamoDB calls/item (${importCalls} calls)`,
    ],
    [
      'replace (every item revised)',
      `${REPLACE_ITEMS} items`,
      ms(replaceMs),
      `ratio to its import (${ms(firstImportMs)}) ${(replaceMs / firstImportMs).toFixed(2)}; ${(replaceCalls / REPLACE_ITEMS).toFixed(3)} calls/item`,
    ],
    ['ledger read via HTTP', `${ITEMS} items`, ms(percentile(readTimes, 50)), `${pages} Query pages`],
    [
      'floor: Query pages alone',
      `${ITEMS} items`,
      ms(percentile(readFloorTimes, 50)),
      `ratio ${(percentile(readTimes, 50) / percentile(readFloorTimes, 50)).toFixed(2)}`,
    ],
    [
      'item read via HTTP',
      `${ITEM_READS}×`,
      `p50 ${ms(percentile(itemReadTimes, 50))}`,
      `p95 ${ms(percentile(itemReadTimes, 95))}`,
    ],
    [
      'floor: GetItem',
      `${ITEM_READS}×`,
      `p50 ${ms(percentile(itemFloorTimes, 50))}`,
      `ratio p50 ${(percentile(itemReadTimes, 50) / percentile(itemFloorTimes, 50)).toFixed(2)} (target ≤ 1.2)`,
    ],
    [
      'ref: TransactGetItems (2 keys)',
      `${ITEM_READS}×`,
      `p50 ${ms(percentile(itemSnapshotTimes, 50))}`,
      `item read / it ${(percentile(itemReadTimes, 50) / percentile(itemSnapshotTimes, 50)).toFixed(2)}: the item and its inspection's version, what the item read sends (no target)`,
    ],
    [
      'ref: GetItem, item fields',
      `${ITEM_READS}×`,
      `p50 ${ms(percentile(itemProjectedTimes, 50))}`,
      `item read / it ${(percentile(itemReadTimes, 50) / percentile(itemProjectedTimes, 50)).toFixed(2)}: the floor asking only for the item's own attributes, as the item read does (no target)`,
    ],
    [
      'ref: item read via fetch',
      `${ITEM_READS}×`,
      `p50 ${ms(percentile(itemReadFetchTimes, 50))}`,
      `ratio to GetItem ${(percentile(itemReadFetchTimes, 50) / percentile(itemFloorTimes, 50)).toFixed(2)}: the same read with fetch (undici) as the client (no target)`,
    ],
    [
      'bare HTTP round trip',
      `${ITEM_READS}×`,
      `p50 ${ms(percentile(bareTimes, 50))}`,
      `${((100 * percentile(bareTimes, 50)) / percentile(itemFloorTimes, 50)).toFixed(0)} % of the GetItem floor, paid by every request through the local runtime`,
    ],
    [
      'GET /me (no I/O)',
      `${ITEM_READS}×`,
      `p50 ${ms(percentile(meTimes, 50))}`,
      `the local runtime's own share (JWT, middy chain, logging, metrics): ${ms(percentile(meTimes, 50) - percentile(bareTimes, 50))} over the bare round trip`,
    ],
    ...(
      [
        ['transition via HTTP', times.transition, floors.transition],
        ['… with an Idempotency-Key', times.keyed, floors.transition],
        ['progress via HTTP', times.progress, floors.progress],
      ] as const
    ).map(([name, of, floorOf]) => [
      name,
      `${TRANSITIONS}×`,
      `p50 ${ms(percentile(of, 50))}`,
      `p95 ${ms(percentile(of, 95))}; ratio to floor p50 ${ratio(of, floorOf, 50).toFixed(2)}, p95 ${ratio(of, floorOf, 95).toFixed(2)}`,
    ]),
    ...(
      [
        ['floor: transition', floors.transition],
        ['floor: progress', floors.progress],
      ] as const
    ).map(([name, of]) => [
      `${name} (GetItem + TransactWriteItems)`,
      `${TRANSITIONS}×`,
      `p50 ${ms(percentile(of, 50))}`,
      `p95 ${ms(percentile(of, 95))}`,
    ]),
    ['targets', '', '', 'p50 ≤ 1.3 and p95 ≤ 1.5 without a key; p50 ≤ 1.5 with one'],
  ];
  for (const row of rows)
    console.log(`${row[0]?.padEnd(28)}${row[1]?.padEnd(14)}${row[2]?.padEnd(18)}${row[3]}`);
  const figure = (name: string, value: number, target?: number) => ({
    figure: name,
    value: Number(value.toFixed(2)),
    ...(target === undefined ? { target: '—' } : { target: `≤ ${target}`, met: value <= target }),
  });
  recordFigures('ledger', [
    figure('transition p50, HTTP / floor', ratio(times.transition, floors.transition, 50), 1.3),
    figure('transition p95, HTTP / floor', ratio(times.transition, floors.transition, 95), 1.5),
    figure('keyed transition p50, HTTP / floor', ratio(times.keyed, floors.transition, 50), 1.5),
    figure('progress p50, HTTP / floor', ratio(times.progress, floors.progress, 50), 1.3),
    figure('progress p95, HTTP / floor', ratio(times.progress, floors.progress, 95), 1.5),
    figure(`ledger read of ${ITEMS} items, HTTP / Query floor`, ratio(readTimes, readFloorTimes, 50), 1.2),
    figure('item read p50, HTTP / GetItem floor', ratio(itemReadTimes, itemFloorTimes, 50), 1.2),
    figure(
      'item read p50, HTTP / TransactGetItems (item + inspection version)',
      ratio(itemReadTimes, itemSnapshotTimes, 50),
    ),
    figure(
      'item read p50, HTTP / GetItem of the item fields alone',
      ratio(itemReadTimes, itemProjectedTimes, 50),
    ),
    figure(
      'item read p50 with fetch as the client, HTTP / GetItem floor',
      ratio(itemReadFetchTimes, itemFloorTimes, 50),
    ),
    figure('bare loopback HTTP round trip / GetItem floor', ratio(bareTimes, itemFloorTimes, 50)),
    {
      ...figure(
        'GET /me (no I/O) p50, over a bare round trip',
        percentile(meTimes, 50) - percentile(bareTimes, 50),
      ),
      unit: 'ms',
    },
    { ...figure(`import of ${ITEMS} items`, importMs), unit: 'ms' },
    figure('import, DynamoDB calls per item', importCalls / ITEMS),
  ]);
  await runtime.stop();
} finally {
  await emulator.stop();
  rmSync(keyDir, { recursive: true, force: true });
}

/** The calendar date after `date` (YYYY-MM-DD). */
function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}
