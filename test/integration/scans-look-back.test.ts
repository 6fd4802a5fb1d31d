import { describe, expect, it } from 'vitest';
import { users } from '../support/api.ts';
import { eventually } from '../support/eventually.ts';
import { once } from '../support/once.ts';
import { sampleItem as item, scanFixture } from '../support/scans.ts';

// The look-back scan (回头看), in a stage of its own (see test/support/scans.ts).
const { api, tick, history, inboxTypes } = scanFixture('scanslookback');

/** 1.1.1 closed, its look-back brought up six months later, confirmed, and confirmed again. */
const lookedBack = once(async () => {
  const current = (await api.get(`/items/${item('1.1.1')}`, users.admin)).json;
  const closed = await api.post(`/items/${item('1.1.1')}/transitions`, users.admin, {
    to: 'closed',
    expectedVersion: current.version,
  });
  expect(closed.status, closed.text).toBe(200);
  const due = closed.json.item.lookBackDue as string;
  const onTheDay = await tick('lookback', `${due}T00:00:00+08:00`);
  const laterThatDay = await tick('lookback', `${due}T12:00:00+08:00`);
  await eventually(async () =>
    (await inboxTypes(users.admin, item('1.1.1'))).includes('LookBackDue') ? true : undefined,
  );
  const confirmation = { note: '整改成果巩固良好' };
  const key = { 'idempotency-key': 'look-back-1.1.1' };
  const confirmed = await api.post(`/items/${item('1.1.1')}/look-back`, users.admin, confirmation, key);
  // The same request retried with its key: the first answer, though the rule would now refuse it.
  const retried = await api.post(`/items/${item('1.1.1')}/look-back`, users.admin, confirmation, key);
  // Asked again at once without a key, before anything else can change the item.
  const twice = await api.post(`/items/${item('1.1.1')}/look-back`, users.admin, {});
  return { due, onTheDay, laterThatDay, confirmed, retried, twice };
});

describe('look-back (回头看)', () => {
  it('brings a closed item back to the admins six months after its close-out; they confirm it once', async () => {
    const { due, onTheDay, laterThatDay, confirmed, retried, twice } = await lookedBack();
    expect(due).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // 2.1.1, closed on import today, falls due the same day.
    expect(onTheDay.records).toEqual({ LookBackDue: 2 });
    expect(laterThatDay.records).toEqual({});
    expect(confirmed.status, confirmed.text).toBe(200);
    expect(confirmed.json.event).toMatchObject({
      type: 'LookBackConfirmed',
      data: { note: '整改成果巩固良好' },
    });
    expect([retried.status, retried.text]).toEqual([200, confirmed.text]);
    expect(twice.status).toBe(422);
    expect(twice.json.error.details.rule).toBe('look-back-confirmed');
  });

  it('keeps the chain intact when a closed item is reopened after its look-back', async () => {
    await lookedBack();
    const current = (await api.get(`/items/${item('1.1.1')}`, users.admin)).json;
    const reopened = await api.post(`/items/${item('1.1.1')}/transitions`, users.admin, {
      to: 'in_progress',
      expectedVersion: current.version,
      reason: '回头看发现问题反弹',
    });
    expect(reopened.status, reopened.text).toBe(200);
    const { events, verification } = await history('1.1.1');
    expect(events.map((event) => event.type)).toEqual([
      'Imported',
      'StatusChanged',
      'LookBackDue',
      'LookBackConfirmed',
      'StatusChanged',
    ]);
    expect(verification).toMatchObject({ ok: true });
  });
});
