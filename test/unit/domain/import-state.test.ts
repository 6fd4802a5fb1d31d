import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyChain } from '#shared/domain/chain.ts';
import { importNoteOf, ledgerFromPlan } from '#shared/domain/ledger.ts';
import { parsePlanJson } from '#shared/domain/plan/index.ts';
import { decideTransition } from '#shared/domain/transitions.ts';
import { ledgerCsv } from '#shared/reports/ledger-export.ts';
import { anItem, principals } from '../../support/items.ts';

describe('the first import carries the 台账 state and says so', () => {
  const parsed = parsePlanJson(
    JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../fixtures/plan.sample.json'), 'utf8')),
  );
  if (!parsed.ok) throw new Error('the sample plan does not parse');
  const importer = { subject: 'admin-1', name: '整改办', roles: ['admin'] };
  let n = 0;
  const { items, events } = ledgerFromPlan(parsed.plan, {
    inspectionId: 'sample-health-2024-r1',
    importId: 'imp-1',
    actor: importer,
    at: '2024-07-01T02:00:00.000Z',
    newId: () => `e-${++n}`,
  });
  const byRef = (ref: string) => items.find((item) => item.ref === ref) ?? anItem();

  it('records the imported status and who imported it in every Imported record', () => {
    expect(events.map((event) => [event.data.status, event.data.importedStatus])).toEqual(
      items.map((item) => [item.status, item.status]),
    );
    for (const event of events) {
      expect(event.data.importedBy).toEqual(importer);
      expect(verifyChain([event]).ok).toBe(true);
    }
  });

  it('gives an item importedStatus only when the plan says it was not not_started', () => {
    expect(items.map((item) => [item.ref, item.status, item.importedStatus])).toEqual([
      ['1.1.1', 'rectified', 'rectified'],
      ['1.1.2', 'in_progress', 'in_progress'],
      ['1.2.1', 'not_started', undefined],
      ['2.1.1', 'closed', 'closed'],
    ]);
  });

  it('shows an item imported closed as closed before import, with no sign-off invented', () => {
    const closed = byRef('2.1.1');
    expect(closed.signOff).toBeUndefined();
    expect(importNoteOf(closed)).toBe('closed-before-import');
    expect(importNoteOf(byRef('1.1.1'))).toBe('rectified-before-import');
    expect(importNoteOf(byRef('1.1.2'))).toBeUndefined();
    const rows = items.map((item) => ({ ...item, overdue: false }));
    const csv = ledgerCsv({ aspects: [] }, rows, 'zh-CN');
    expect(csv.split('\n')[0]).toContain('状态说明');
    expect(csv).toContain('导入前已销号');
    expect(ledgerCsv({ aspects: [] }, [{ ...closed, overdue: false }], 'en')).toContain(
      'closed before import',
    );
  });

  it('drops the note once the item moves on in Rectify', () => {
    const closed = byRef('2.1.1');
    const { item: reopened } = decideTransition(
      closed,
      { to: 'in_progress', expectedVersion: closed.version, reason: '回头看发现问题反弹' },
      principals.admin,
      { eventId: 'e-x', at: '2024-08-01T02:00:00.000Z' },
    );
    expect(reopened.importedStatus).toBe('closed');
    expect(importNoteOf(reopened)).toBeUndefined();
    // Signed off in Rectify: a close-out record exists, so no note even though it came closed.
    expect(importNoteOf({ ...closed, signOff: { at: 'x' } as never })).toBeUndefined();
    // Rectified again here after a reopen: no longer the imported state.
    expect(
      importNoteOf(anItem({ status: 'rectified', importedStatus: 'rectified', rectifiedAt: 'x' })),
    ).toBeUndefined();
  });
});
