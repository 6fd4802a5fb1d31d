import { describe, expect, it } from 'vitest';
import { users } from '../support/api.ts';
import { eventually } from '../support/eventually.ts';
import { sampleItem as item, samplePlan as plan, scanFixture } from '../support/scans.ts';

// Re-attestation of long-term items, and the follow-up periods an admin sets, in a stage of their
// own (see test/support/scans.ts). Neither test moves what the other reads: the first ticks 1.1.1's
// re-attestation day, whatever the period; the second compares 2.1.1's look-back date.
const { api, tick, history, inboxTypes } = scanFixture('scanslongterm');

describe('long-term items (长期坚持)', () => {
  it('are announced to their department once when the 90-day re-attestation is missed', async () => {
    // 1.1.1 is long-term and rectified on import: its cycle runs from the import.
    const before = (await api.get(`/items/${item('1.1.1')}`, users.admin)).json;
    expect(before).toMatchObject({ longTerm: true, status: 'rectified', light: 'green' });
    const due = before.reattestationDue as string;
    const missed = `${due}T23:00:00+08:00`;
    const dayAfter = new Date(Date.parse(missed) + 3_600_000).toISOString();
    expect((await tick('reattest', dayAfter)).records).toEqual({ ReattestationDue: 1 });
    expect((await tick('reattest', dayAfter)).records).toEqual({});
    await eventually(async () =>
      (await inboxTypes(users.department, item('1.1.1'))).includes('ReattestationDue') ? true : undefined,
    );
    const reported = await api.post(`/items/${item('1.1.1')}/progress`, users.department, {
      text: '长效机制运行正常',
    });
    expect(reported.status, reported.text).toBe(201);
    expect(reported.json.item.lastProgressAt).toBeDefined();
    expect((await history('1.1.1')).events.map((event) => event.type)).toEqual([
      'Imported',
      'ReattestationDue',
      'ProgressReported',
    ]);
  });
});

describe('follow-up periods', () => {
  it('uses the periods an admin sets for the inspection', async () => {
    const before = (await api.get(`/items/${item('2.1.1')}`, users.admin)).json.lookBackDue as string;
    const set = await api.call('PUT', `/inspections/${plan.inspection.id}/follow-up`, {
      as: users.admin,
      body: { lookBackMonths: 3, reattestationDays: 30 },
    });
    expect(set.status, set.text).toBe(200);
    const after = (await api.get(`/items/${item('2.1.1')}`, users.admin)).json.lookBackDue as string;
    const months = (date: string) => Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7));
    expect(months(before) - months(after)).toBe(3);
    const refused = await api.call('PUT', `/inspections/${plan.inspection.id}/follow-up`, {
      as: users.admin,
      body: { lookBackMonths: 3, reattestationDays: 3 },
    });
    expect(refused.status).toBe(400);
    expect(refused.json.error.details.issues[0].path).toBe('reattestationDays');
  });
});
