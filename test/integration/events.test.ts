import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contracts, EVENT_SOURCE, parseEvent } from '#events/contracts.ts';
import { emulatorClientConfig } from '#local/bootstrap.ts';
import { apiClient, users } from '../support/api.ts';
import { eventually } from '../support/eventually.ts';
import { once } from '../support/once.ts';
import { queueIsIdle } from '../support/queues.ts';
import { sharedEmulator, useLocalRuntime } from '../support/runtime.ts';

// One-second visibility: a failing message's five receives take seconds, not minutes.
const local = useLocalRuntime('events', { queueVisibilityTimeoutSeconds: 1 });
const api = apiClient(local);
const plan = JSON.parse(
  readFileSync(path.resolve(import.meta.dirname, '../fixtures/plan.sample.json'), 'utf8'),
);
const item = (ref: string) => `${plan.inspection.id}.${ref}`;
const config = emulatorClientConfig(sharedEmulator());
const sqs = new SQSClient(config);
const eventBridge = new EventBridgeClient(config);

/** Every event on the bus, copied to a queue of the test's own by a catch-all rule. */
let captureUrl = '';
const captured: { detailType: string; detail: Record<string, unknown>; body: string }[] = [];

async function drainCapture() {
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: captureUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (Messages.length === 0) return;
    for (const message of Messages as Message[]) {
      const body = JSON.parse(message.Body ?? '{}');
      captured.push({ detailType: body['detail-type'], detail: body.detail, body: message.Body ?? '' });
    }
  }
}

async function inbox(user: (typeof users)[keyof typeof users], query = '') {
  const response = await api.get(`/me/notifications${query}`, user);
  expect(response.status, response.text).toBe(200);
  return response.json.notifications as {
    notificationId: string;
    text: string;
    itemId?: string;
    read: boolean;
    readAt?: string;
    detailType: string;
  }[];
}

/** A notification is the copy of one event: its id ends with the event's. */
const ofEvent = (eventId: string) => (notification: { notificationId: string }) =>
  notification.notificationId.endsWith(`-${eventId}`);

/** The close-out of 1.1.1, and its copy in the responsible department's inbox. */
const closeOut = once(async () => {
  const closed = await api.post(`/items/${item('1.1.1')}/transitions`, users.admin, {
    to: 'closed',
    expectedVersion: 1,
    meaning: '整改到位，同意销号',
  });
  expect(closed.status, closed.text).toBe(200);
  const eventId = closed.json.event.eventId as string;
  const forDepartment = await eventually(async () => (await inbox(users.department)).find(ofEvent(eventId)));
  return { eventId, forDepartment };
});

/** The start of 1.2.1 and a progress report on 1.1.2, as the capture queue saw them on the bus. */
const busChanges = once(async () => {
  const started = await api.post(`/items/${item('1.2.1')}/transitions`, users.otherLeader, {
    to: 'in_progress',
    expectedVersion: 1,
  });
  expect(started.status, started.text).toBe(200);
  const progress = await api.post(`/items/${item('1.1.2')}/progress`, users.department, {
    text: '已完成第一阶段整改',
  });
  expect(progress.status, progress.text).toBe(201);
  const onTheBus = (eventId: string) => captured.find((event) => event.detail.eventId === eventId);
  return eventually(async () => {
    await drainCapture();
    const start = onTheBus(started.json.event.eventId);
    const report = onTheBus(progress.json.event.eventId);
    return start && report ? { start, report } : undefined;
  });
});

beforeAll(async () => {
  const { resources } = local().runtime;
  const { QueueUrl = '' } = await sqs.send(
    new CreateQueueCommand({ QueueName: `${resources.stage}-capture` }),
  );
  captureUrl = QueueUrl;
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  const EventBusName = resources.buses.events.name;
  await eventBridge.send(
    new PutRuleCommand({
      Name: `${resources.stage}-capture`,
      EventBusName,
      EventPattern: JSON.stringify({ source: [EVENT_SOURCE] }),
    }),
  );
  await eventBridge.send(
    new PutTargetsCommand({
      Rule: `${resources.stage}-capture`,
      EventBusName,
      Targets: [{ Id: 'capture', Arn: Attributes?.QueueArn ?? '' }],
    }),
  );
  expect((await api.post('/inspections/import', users.admin, { plan })).status).toBe(201);
});
afterAll(() => {
  sqs.destroy();
  eventBridge.destroy();
});

describe('a change reaches the people it concerns', () => {
  it('puts a close-out in the responsible department’s and leader’s inboxes, not in others’', async () => {
    const { forDepartment } = await closeOut();
    // Delivered unread (another test may have read it since).
    const ofItem = (await inbox(users.department)).filter((n) => n.itemId === item('1.1.1'));
    expect(ofItem.map((n) => n.notificationId)).toEqual([forDepartment.notificationId]);
    expect(forDepartment).toMatchObject({
      detailType: 'ItemStatusChanged',
      read: false,
      text: '事项 1.1.1「乡镇卫生院全科医生配备不足」：已整改 → 已完成',
    });
    const forLeader = (await inbox(users.leader)).filter((n) => n.itemId === item('1.1.1'));
    expect(forLeader.map((n) => n.notificationId)).toEqual([forDepartment?.notificationId]);
    for (const other of [users.otherDepartment, users.otherLeader, users.admin]) {
      expect((await inbox(other)).filter((n) => n.itemId === item('1.1.1'))).toEqual([]);
    }
  });

  it('speaks English when asked', async () => {
    const { eventId } = await closeOut();
    const response = await api.get('/me/notifications', users.department, { 'accept-language': 'en' });
    const copies = (response.json.notifications as { notificationId: string; text: string }[]).filter(
      ofEvent(eventId),
    );
    expect(copies.map((n) => n.text)).toEqual([
      expect.stringMatching(/^Item 1\.1\.1 ".+": rectified → closed$/),
    ]);
  });

  it('marks a notification read once, keeps the first time, and hides it from the unread list', async () => {
    const { notificationId } = (await closeOut()).forDepartment;
    expect((await inbox(users.department, '?unread=true')).map((n) => n.notificationId)).toContain(
      notificationId,
    );
    const first = await api.post(`/me/notifications/${notificationId}/read`, users.department, {});
    expect(first.status, first.text).toBe(200);
    expect(first.json).toMatchObject({ notificationId, read: true });
    const again = await api.post(`/me/notifications/${notificationId}/read`, users.department, {});
    expect(again.json.readAt).toBe(first.json.readAt);
    expect((await inbox(users.department, '?unread=true')).map((n) => n.notificationId)).not.toContain(
      notificationId,
    );
  });

  it('answers 404 to a department that reads another department’s notification', async () => {
    const { notificationId } = (await closeOut()).forDepartment;
    const response = await api.post(`/me/notifications/${notificationId}/read`, users.otherDepartment, {});
    expect(response.status).toBe(404);
  });

  it('refuses a bad page size naming the field', async () => {
    const response = await api.get('/me/notifications?limit=0', users.department);
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.json.error.details)).toContain('query.limit');
  });
});

describe('the bus', () => {
  it('carries one event per chain event, each valid under its contract, and nothing for the import', async () => {
    const { report } = await busChanges();
    expect(report.detailType).toBe('ProgressReported');
    for (const event of captured) {
      expect(Object.keys(contracts)).toContain(event.detailType);
      expect(() => parseEvent(event.detailType, event.detail)).not.toThrow();
    }
    // The import's records (seq 1 of every item) stay off the bus.
    expect(captured.filter((event) => event.detail.seq === 1)).toEqual([]);
    const eventIds = captured.map((event) => event.detail.eventId);
    expect(new Set(eventIds).size).toBe(eventIds.length);
    expect(captured.filter((event) => event.detail.itemId === item('1.2.1'))).toEqual([
      expect.objectContaining({
        detailType: 'ItemStatusChanged',
        detail: expect.objectContaining({
          department: '医政医管科',
          leader: '赵敏',
          data: expect.objectContaining({ from: 'not_started', to: 'in_progress', rule: 'start' }),
        }),
      }),
    ]);
  });

  it('notifies nobody twice when the same event is delivered again', async () => {
    const { report: progress } = await busChanges();
    const leaderCopies = async () =>
      (await inbox(users.leader)).filter(ofEvent(progress.detail.eventId as string)).length;
    await eventually(async () => ((await leaderCopies()) === 1 ? true : undefined));
    const queueUrl = local().runtime.resources.queues.notifications.url;
    for (let i = 0; i < 2; i++) {
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: progress.body }));
    }
    await eventually(async () => ((await queueIsIdle(sqs, queueUrl)) ? true : undefined));
    expect(await leaderCopies()).toBe(1);
  });
});

describe('a consumer that fails on one message', () => {
  it('retries only that message, dead-letters it after five receives, and processes the rest once', async () => {
    const queues = local().runtime.resources.queues;
    // The start of 1.2.1, which went to its leader (赵敏) alone.
    const { start: valid } = await busChanges();
    // A second copy of a real event under a new id, and an event that breaks its contract.
    const fresh = JSON.parse(valid.body);
    fresh.detail.eventId = '6f0e1c52-8a51-4d55-9a7e-0c7f0b1f2a33';
    const poison = { ...fresh, detail: { ...fresh.detail, data: { ...fresh.detail.data, to: 'done' } } };
    const copiesOfFresh = async () =>
      (await inbox(users.otherLeader)).filter(ofEvent(fresh.detail.eventId)).length;
    expect(await copiesOfFresh()).toBe(0);
    await sqs.send(
      new SendMessageCommand({ QueueUrl: queues.notifications.url, MessageBody: JSON.stringify(poison) }),
    );
    await sqs.send(
      new SendMessageCommand({ QueueUrl: queues.notifications.url, MessageBody: JSON.stringify(fresh) }),
    );
    const deadLetter = await eventually(async () => {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queues.notifications.deadLetterUrl,
          MessageSystemAttributeNames: ['ApproximateReceiveCount'],
          WaitTimeSeconds: 1,
        }),
      );
      return Messages[0];
    }, 30_000);
    expect(JSON.parse(deadLetter.Body ?? '{}').detail.data.to).toBe('done');
    // Both were sent before the wait began: once the queue is idle, the valid copy was handled too.
    await eventually(async () => ((await queueIsIdle(sqs, queues.notifications.url)) ? true : undefined));
    expect(await copiesOfFresh()).toBe(1);
  }, 40_000);
});

describe('the daily digest', () => {
  it('sends one message per department per day to its webhook, in the webhook’s dialect, and retries a refusal', async () => {
    // Something for 基层卫生科 today: the close-out of its item 1.1.1.
    await closeOut();
    const received: unknown[] = [];
    let refuse = true;
    const receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        if (refuse) {
          refuse = false;
          response.writeHead(500).end();
          return;
        }
        received.push(JSON.parse(body));
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"errcode":0}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/cgi-bin/webhook/send?key=test`;
      const set = await api.call('PUT', `/departments/${encodeURIComponent('基层卫生科')}/webhook`, {
        as: users.admin,
        body: { url, format: 'wecom' },
      });
      expect(set.status, set.text).toBe(200);
      expect(set.text).not.toContain('key=test');
      const now = new Date().toISOString();
      // The webhook refuses the first delivery: the run fails (Scheduler retries it) …
      await expect(local().runtime.fireSchedule('digest', now)).rejects.toThrow(/基层卫生科/);
      // … and the retry sends it, once; a second run the same day sends nothing.
      await local().runtime.fireSchedule('digest', now);
      await local().runtime.fireSchedule('digest', now);
      expect(received).toHaveLength(1);
      expect(received[0]).toMatchObject({
        msgtype: 'markdown',
        markdown: {
          content: expect.stringMatching(/^\*\*整改事项每日汇总 · 基层卫生科 · \d{4}-\d{2}-\d{2}/),
        },
      });
      expect(JSON.stringify(received[0])).toContain('事项 1.1.1「乡镇卫生院全科医生配备不足」');
    } finally {
      receiver.close();
    }
  });

  it('refuses a webhook that is not https, naming the field', async () => {
    const response = await api.call('PUT', `/departments/${encodeURIComponent('财务科')}/webhook`, {
      as: users.admin,
      body: { url: 'http://chat.example.com/hook', format: 'dingtalk' },
    });
    expect(response.status).toBe(400);
    expect(response.json.error.details.issues[0].path).toBe('url');
  });

  it.each([
    ['a name of 201 characters', '科'.repeat(201)],
    ['surrounding spaces', ' 财务科 '],
  ])('refuses a department path with %s, naming it', async (_label, department) => {
    const response = await api.call('PUT', `/departments/${encodeURIComponent(department)}/webhook`, {
      as: users.admin,
      body: { url: 'https://chat.example.com/hook', format: 'dingtalk' },
    });
    expect(response.status).toBe(400);
    expect(response.json.error.details.issues[0].path).toBe('department');
  });
});

describe('someone with two inboxes', () => {
  it('sees an event addressed to both once, and reads it once', async () => {
    const { NotificationStore } = await import('#shared/store/notification-store.ts');
    const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
    const { DynamoDBDocumentClient } = await import('@aws-sdk/lib-dynamodb');
    const client = DynamoDBDocumentClient.from(new DynamoDBClient(config));
    const store = new NotificationStore(client, local().runtime.resources.tables.ledger.name);
    const copy = {
      notificationId: '1725148800000-0b6a3c1e-2f4d-4e5a-9b7c-8d9e0f1a2b3c',
      eventId: '0b6a3c1e-2f4d-4e5a-9b7c-8d9e0f1a2b3c',
      detailType: 'ItemEscalated',
      inspectionId: plan.inspection.id,
      at: '2024-09-01T00:00:00.000Z',
      text: { 'zh-CN': '升级督办', en: 'escalated' },
    };
    const inboxes = ['admins', 'leader:两顶帽子'];
    for (const recipient of inboxes) expect(await store.deliver({ ...copy, recipient })).toBe(true);
    const listed = await store.list(inboxes, { limit: 100 });
    expect(listed.notifications.filter((n) => n.eventId === copy.eventId)).toHaveLength(1);
    await store.markRead(inboxes, copy.notificationId, '2024-09-01T01:00:00.000Z');
    const unread = await store.list(inboxes, { limit: 100, unreadOnly: true });
    expect(unread.notifications.filter((n) => n.eventId === copy.eventId)).toEqual([]);
    client.destroy();
  });
});

describe('a replace import on the bus', () => {
  it('announces nothing again: the chains it carries over are copies, its own records stay in the trail', async () => {
    const copy = structuredClone(plan);
    copy.inspection.id = 'events-replace-1';
    expect((await api.post('/inspections/import', users.admin, { plan: copy })).status).toBe(201);
    const started = await api.post('/items/events-replace-1.1.2.1/transitions', users.admin, {
      to: 'in_progress',
      expectedVersion: 1,
    });
    expect(started.status, started.text).toBe(200);
    copy.aspects[0].problems[1].items[0].title = '民营医院监督检查覆盖面不足（修订）';
    copy.aspects[1].problems[0].items.push({
      ...copy.aspects[1].problems[0].items[0],
      no: 2,
      status: 'not_started',
    });
    copy.aspects[0].problems[0].items.splice(1, 1); // 1.1.2 is withdrawn
    const replaced = await api.post('/inspections/import', users.admin, { plan: copy, replace: true });
    expect(replaced.status, replaced.text).toBe(201);
    // A change after the replace: once its event is on the bus, the replace's records went past too.
    const marker = await api.post('/items/events-replace-1.1.1.1/progress', users.admin, { text: '标记' });
    expect(marker.status, marker.text).toBe(201);
    await eventually(async () => {
      await drainCapture();
      return captured.some((event) => event.detail.eventId === marker.json.event.eventId) ? true : undefined;
    });
    const ofInspection = captured.filter((event) => event.detail.inspectionId === 'events-replace-1');
    expect(ofInspection.map((event) => event.detailType).sort()).toEqual([
      'ItemStatusChanged',
      'ProgressReported',
    ]);
    expect(ofInspection.find((event) => event.detailType === 'ItemStatusChanged')?.detail.eventId).toBe(
      started.json.event.eventId,
    );
  });
});
