import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, users } from '../support/api.ts';
import { eventually } from '../support/eventually.ts';
import { useLocalRuntime } from '../support/runtime.ts';
import { askForSummary } from '../support/summaries.ts';

/**
 * One correlation id follows a change from the API request through the chain record, the stream
 * publisher and the bus to the notifier that writes the inbox entry. The local runtime runs every
 * function in this process, so their log lines (Powertools' JSON on stdout) are read here.
 */
const local = useLocalRuntime('correlation');
const api = apiClient(local);
const plan = JSON.parse(
  readFileSync(path.resolve(import.meta.dirname, '../fixtures/plan.sample.json'), 'utf8'),
);
const item = (ref: string) => `${plan.inspection.id}.${ref}`;

type LogLine = Record<string, unknown> & { message: string; correlation_id?: string };
const lines: LogLine[] = [];
const originalWrite = process.stdout.write;

// The runtime keeps functions at WARN unless told otherwise; the lines read here are INFO. Set
// before anything imports the logger (it reads the level once, and at every invocation resets to it).
process.env.POWERTOOLS_LOG_LEVEL = 'INFO';

beforeAll(async () => {
  const { logger } = await import('#shared/observability.ts');
  expect(logger.getLevelName(), 'the logger was imported before this file set its level').toBe('INFO');
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const ours = text
      .split('\n')
      .filter((line) => line.startsWith('{"level"'))
      .map((line) => JSON.parse(line) as LogLine);
    lines.push(...ours);
    if (ours.length > 0) return true;
    return originalWrite.call(process.stdout, chunk, ...(rest as [])) as boolean;
  }) as typeof process.stdout.write;
  expect((await api.post('/inspections/import', users.admin, { plan })).status).toBe(201);
});
afterAll(() => {
  process.stdout.write = originalWrite;
});

const withId = (id: string) => lines.filter((line) => line.correlation_id === id);

/** The entry the item's leader (who follows every status change) got for `itemId`, once it is there. */
async function leaderEntry(itemId: string) {
  return eventually(async () => {
    const inbox = await api.get('/me/notifications', users.leader);
    expect(inbox.status, inbox.text).toBe(200);
    return (inbox.json.notifications as { notificationId: string; itemId?: string }[]).find(
      (entry) => entry.itemId === itemId,
    );
  });
}

/** The notifier's line for an inbox entry, once it is written (the API may see the entry first). */
const notifierLine = (notificationId: string) =>
  eventually(async () =>
    lines.find(
      (line) =>
        line.message === 'inbox entries written' &&
        (line.notificationIds as string[]).includes(notificationId),
    ),
  );

describe('one correlation id from the request to the inbox', () => {
  let first = '';
  let firstEventId = '';

  it('carries the caller’s X-Correlation-Id through the API, the publisher and the notifier', async () => {
    first = `it-${randomUUID()}`;
    const closed = await api.post(
      `/items/${item('1.1.1')}/transitions`,
      users.admin,
      { to: 'closed', expectedVersion: 1, meaning: '整改到位，同意销号' },
      { 'x-correlation-id': first },
    );
    expect(closed.status, closed.text).toBe(200);
    expect(closed.headers.get('x-correlation-id')).toBe(first);

    const entry = await leaderEntry(item('1.1.1'));
    const notified = await notifierLine(entry.notificationId);
    expect(notified).toMatchObject({
      correlation_id: first,
      function_name: 'rectify-local-notify',
      detailType: 'ItemStatusChanged',
    });
    firstEventId = notified.eventId as string;

    const mine = withId(first);
    expect(mine).toContainEqual(
      expect.objectContaining({
        message: 'request',
        route: 'POST /items/{itemId}/transitions',
        status: 200,
        function_name: 'rectify-local-transitionItem',
      }),
    );
    expect(mine).toContainEqual(
      expect.objectContaining({
        message: 'event published',
        detailType: 'ItemStatusChanged',
        eventId: firstEventId,
        function_name: 'rectify-local-publishEvents',
      }),
    );
  });

  it('gives another request its own id (API Gateway’s request id when the caller sends none)', async () => {
    const reported = await api.post(`/items/${item('1.1.2')}/progress`, users.department, {
      text: '已完成第一批全科医生招录',
      measuresDone: [0],
    });
    expect(reported.status, reported.text).toBe(201);
    const second = reported.headers.get('x-correlation-id') ?? '';
    expect(second).toMatch(/^[0-9a-f-]{36}$/);
    expect(second).not.toBe(first);

    const entry = await leaderEntry(item('1.1.2'));
    const notified = await notifierLine(entry.notificationId);
    expect(notified.correlation_id).toBe(second);
    expect(withId(second)).toContainEqual(
      expect.objectContaining({ message: 'request', route: 'POST /items/{itemId}/progress' }),
    );
    expect(withId(second)).toContainEqual(
      expect.objectContaining({ message: 'event published', eventId: notified.eventId }),
    );
    // Neither request's lines name the other's event.
    expect(withId(first).some((line) => line.eventId === notified.eventId)).toBe(false);
    expect(withId(second).some((line) => line.eventId === firstEventId)).toBe(false);
  });

  it('ignores an X-Correlation-Id that is not a short, plain id', async () => {
    for (const sent of ['has spaces in it', 'x'.repeat(65), '<script>', '-leading-dash']) {
      const read = await api.get(`/items/${item('1.1.2')}`, users.department, { 'x-correlation-id': sent });
      expect(read.status, read.text).toBe(200);
      expect(read.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('keeps the id out of the hashed history', async () => {
    const history = await api.get(`/items/${item('1.1.1')}/history`, users.department);
    expect(history.status, history.text).toBe(200);
    expect(history.json.verification).toMatchObject({ ok: true, length: 2 });
    expect(JSON.stringify(history.json.events)).not.toContain(first);
  });

  it('follows a summary job from its request through the queue to the admins’ inbox', async () => {
    const id = `it-${randomUUID()}`;
    await askForSummary(api, users.admin, plan.inspection.id, {}, { 'x-correlation-id': id });
    const notified = await eventually(async () =>
      lines.find(
        (line) => line.message === 'inbox entries written' && line.detailType === 'SummaryGenerated',
      ),
    );
    expect(notified).toMatchObject({ correlation_id: id, function_name: 'rectify-local-notify' });
    const mine = withId(id);
    expect(mine).toContainEqual(
      expect.objectContaining({
        message: 'request',
        route: 'POST /inspections/{inspectionId}/summaries',
        function_name: 'rectify-local-requestSummary',
      }),
    );
    // The job's message carried the id to the generator, whose chain record carried it on.
    expect(mine).toContainEqual(
      expect.objectContaining({
        message: 'event published',
        detailType: 'SummaryGenerated',
        eventId: notified.eventId,
        function_name: 'rectify-local-publishEvents',
      }),
    );
  });
});
