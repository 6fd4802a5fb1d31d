import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { DevTokenRequest } from '#local/dev-auth.ts';
import { users } from '../support/api.ts';
import { eventually } from '../support/eventually.ts';
import { once } from '../support/once.ts';
import { sampleItem as item, scanFixture } from '../support/scans.ts';

// The deadline scan. Look-back, re-attestation and a scan meeting a replace have files of their
// own (scans-*.test.ts): see test/support/scans.ts for why.
const { local, api, tick, history, inbox } = scanFixture('scans');

/** 1, 2 and 3 September 2024 at 08:00 in Shanghai, and what they left behind. */
const ladder = once(async () => {
  const first = await tick('deadlines', '2024-09-01T00:00:00Z');
  const again = await tick('deadlines', '2024-09-01T06:00:00Z');
  await tick('deadlines', '2024-09-02T00:00:00Z');
  const third = await tick('deadlines', '2024-09-03T00:00:00Z');
  return {
    first,
    again,
    third,
    history: await history('1.2.1'),
    shown: (await api.get(`/items/${item('1.2.1')}`, users.admin)).json,
  };
});

describe('deadline ladder', () => {
  it('turns an overdue item red, warns once a day, and escalates on the third red scan', async () => {
    const { first, again, third, history: after, shown } = await ladder();
    expect(first.records).toMatchObject({ Overdue: 1 });
    expect(again.records).toEqual({});
    expect(third.records).toMatchObject({ Overdue: 1, Escalated: 1 });
    expect(after.events.map((event) => event.type)).toEqual([
      'Imported',
      'Overdue',
      'Overdue',
      'Overdue',
      'Escalated',
    ]);
    expect(after.verification).toMatchObject({ ok: true });
    expect(shown).toMatchObject({ light: 'red', escalations: 1, overdue: true });
  });

  it('tells the department, the leader and the admins, and escalates to the leader and the admins', async () => {
    const itemId = item('1.2.1');
    // The ladder's own records (a later tick of another test may add more).
    const recorded = (await ladder()).history.events.slice(1);
    const ofLadder = async (user: DevTokenRequest) =>
      (await inbox(user, itemId))
        .filter((n) => recorded.some((event) => n.notificationId.endsWith(`-${event.eventId}`)))
        .map((n) => n.detailType)
        .sort();
    const department = { ...users.otherDepartment, department: '医政医管科' };
    // Delivered behind the stream and a queue: wait until each has as many as it should, then compare.
    await eventually(async () =>
      (await ofLadder(users.admin)).length >= 4 &&
      (await ofLadder(users.otherLeader)).length >= 4 &&
      (await ofLadder(department)).length >= 3
        ? true
        : undefined,
    );
    expect(await ofLadder(users.admin)).toEqual([
      'ItemEscalated',
      'ItemOverdue',
      'ItemOverdue',
      'ItemOverdue',
    ]);
    expect(await ofLadder(users.otherLeader)).toEqual([
      'ItemEscalated',
      'ItemOverdue',
      'ItemOverdue',
      'ItemOverdue',
    ]);
    expect(await ofLadder(department)).toEqual(['ItemOverdue', 'ItemOverdue', 'ItemOverdue']);
  });

  it('runs from the tick command against the running API, as users drive time', async () => {
    // The day after the ladder: time moves forward only.
    await ladder();
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['local/tick.ts', 'deadlines', '--now', '2024-09-04T08:00:00+08:00'],
      {
        cwd: path.resolve(import.meta.dirname, '../..'),
        // The tick signs its admin token with the key this runtime trusts.
        env: { ...process.env, PORT: new URL(local().url).port, RECTIFY_DEV_KEY_FILE: local().keyFile },
      },
    );
    expect(JSON.parse(stdout)).toMatchObject({ schedule: 'deadlines', result: { records: { Overdue: 1 } } });
  });
});
