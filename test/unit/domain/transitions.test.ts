import { describe, expect, it } from 'vitest';
import { appendLink, canonicalJson, sha256Hex, verifyChain } from '#shared/domain/chain.ts';
import { Forbidden, RuleViolation, StaleVersion } from '#shared/domain/errors.ts';
import { signableState } from '#shared/domain/item.ts';
import { DEFAULT_SIGN_OFF_MEANING, decideTransition } from '#shared/domain/transitions.ts';
import { anItem, principals } from '../../support/items.ts';

const at = { eventId: 'e-1', at: '2024-07-01T02:00:00.000Z' };

function errorOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error, none was thrown');
}

describe('decideTransition', () => {
  it('starts an item: a StatusChanged record sealed after the current head, version + 1', () => {
    const item = anItem();
    const { item: next, event } = decideTransition(
      item,
      { to: 'in_progress', expectedVersion: 1 },
      principals.department,
      at,
    );
    expect(next).toMatchObject({
      status: 'in_progress',
      version: 2,
      chainHead: event.hash,
      updatedAt: at.at,
    });
    expect(event).toMatchObject({
      seq: 2,
      prevHash: item.chainHead,
      type: 'StatusChanged',
      data: { from: 'not_started', to: 'in_progress', rule: 'start' },
      actor: { subject: 'dept-1' },
    });
  });

  it('refuses a stale expected version with the current version', () => {
    const error = errorOf(() =>
      decideTransition(
        anItem({ version: 3 }),
        { to: 'in_progress', expectedVersion: 2 },
        principals.admin,
        at,
      ),
    );
    expect(error).toBeInstanceOf(StaleVersion);
    expect((error as StaleVersion).details).toEqual({ expectedVersion: 2, currentVersion: 3 });
  });

  it('refuses a transition that does not exist, naming from, to and what is allowed', () => {
    const error = errorOf(() =>
      decideTransition(anItem(), { to: 'closed', expectedVersion: 1 }, principals.admin, at),
    );
    expect(error).toBeInstanceOf(RuleViolation);
    expect((error as RuleViolation).details).toEqual({
      rule: 'no-such-transition',
      from: 'not_started',
      to: 'closed',
      allowed: ['in_progress'],
    });
  });

  it('refuses rectified without stored evidence', () => {
    const error = errorOf(() =>
      decideTransition(
        anItem({ status: 'in_progress' }),
        { to: 'rectified', expectedVersion: 1 },
        principals.leader,
        at,
      ),
    );
    expect((error as RuleViolation).details).toMatchObject({ rule: 'evidence-required', evidenceCount: 0 });
  });

  it('marks rectified with evidence and remembers who did it', () => {
    const { item } = decideTransition(
      anItem({ status: 'in_progress', evidenceCount: 1 }),
      { to: 'rectified', expectedVersion: 1 },
      principals.leader,
      at,
    );
    expect(item).toMatchObject({ status: 'rectified', rectifiedBy: 'leader-1' });
  });

  it('lets only an admin close out', () => {
    const error = errorOf(() =>
      decideTransition(
        anItem({ status: 'rectified' }),
        { to: 'closed', expectedVersion: 1 },
        principals.department,
        at,
      ),
    );
    expect(error).toBeInstanceOf(Forbidden);
  });

  it('refuses a close-out by the admin who marked the item rectified (four eyes)', () => {
    const error = errorOf(() =>
      decideTransition(
        anItem({ status: 'rectified', rectifiedBy: 'admin-1', evidenceCount: 1 }),
        { to: 'closed', expectedVersion: 1 },
        principals.admin,
        at,
      ),
    );
    expect((error as RuleViolation).details).toMatchObject({ rule: 'four-eyes' });
  });

  it('records a sign-off with who, when, decision, meaning and the hash of the state signed', () => {
    const item = anItem({ status: 'rectified', rectifiedBy: 'dept-1', evidenceCount: 2 });
    const { item: closed, event } = decideTransition(
      item,
      { to: 'closed', expectedVersion: 1 },
      principals.admin,
      at,
    );
    const expectedSignOff = {
      by: { subject: 'admin-1', name: '整改办', roles: ['admin'] },
      at: at.at,
      decision: 'approved',
      meaning: DEFAULT_SIGN_OFF_MEANING,
      stateHash: sha256Hex(canonicalJson(signableState(item))),
    };
    expect(closed.signOff).toEqual(expectedSignOff);
    expect(event.data).toMatchObject({ rule: 'close-out', signOff: expectedSignOff });
  });

  it('requires a reason to reopen, and reopening drops the current sign-off', () => {
    const closed = anItem({ status: 'closed', signOff: { meaning: 'x' } as never });
    expect(
      (
        errorOf(() =>
          decideTransition(closed, { to: 'in_progress', expectedVersion: 1 }, principals.admin, at),
        ) as RuleViolation
      ).details,
    ).toMatchObject({ rule: 'reason-required' });
    const { item, event } = decideTransition(
      closed,
      { to: 'in_progress', expectedVersion: 1, reason: '回头看发现问题反弹' },
      principals.admin,
      at,
    );
    expect(item.status).toBe('in_progress');
    expect(item.signOff).toBeUndefined();
    expect(event.data).toMatchObject({ rule: 'reopen', reason: '回头看发现问题反弹' });
  });

  it('never lets an auditor change status', () => {
    expect(
      errorOf(() =>
        decideTransition(anItem(), { to: 'in_progress', expectedVersion: 1 }, principals.auditor, at),
      ),
    ).toBeInstanceOf(Forbidden);
  });

  it('produces records that chain: a walk through every rule verifies from the import', () => {
    const imported = appendLink(undefined, { type: 'Imported', itemId: 'insp-2024.1.1.1' });
    let item = anItem({ evidenceCount: 1, version: imported.seq, chainHead: imported.hash });
    const events = [];
    const steps = [
      [principals.department, { to: 'in_progress' }],
      [principals.department, { to: 'rectified' }],
      [principals.admin, { to: 'closed' }],
      [principals.admin, { to: 'in_progress', reason: '回头看' }],
    ] as const;
    for (const [index, [principal, request]] of steps.entries()) {
      const result = decideTransition(item, { ...request, expectedVersion: item.version }, principal, {
        eventId: `e${index}`,
        at: at.at,
      });
      item = result.item;
      events.push(result.event);
    }
    expect(events.map((e) => e.seq)).toEqual([2, 3, 4, 5]);
    expect(verifyChain([imported, ...events])).toEqual({ ok: true, length: 5, head: item.chainHead });
  });

  describe('close-out needs stored evidence, except a state the 台账 brought in', () => {
    const close = (overrides: Parameters<typeof anItem>[0]) => () =>
      decideTransition(
        anItem({ status: 'rectified', rectifiedBy: 'dept-1', ...overrides }),
        { to: 'closed', expectedVersion: 1 },
        principals.admin,
        at,
      );

    it.each([
      ['rectified here, with evidence', true, { evidenceCount: 1, rectifiedAt: at.at }],
      ['rectified here, evidence since withdrawn', false, { evidenceCount: 0, rectifiedAt: at.at }],
      ['imported rectified, never rectified here', true, { evidenceCount: 0, importedStatus: 'rectified' }],
      [
        'imported rectified, reopened and rectified again here',
        false,
        { evidenceCount: 0, importedStatus: 'rectified', rectifiedAt: at.at },
      ],
      [
        'imported in progress',
        false,
        { evidenceCount: 0, importedStatus: 'in_progress', rectifiedAt: at.at },
      ],
    ] as const)('%s: allowed %s', (_case, allowed, overrides) => {
      if (allowed) {
        expect(close(overrides)().item).toMatchObject({
          status: 'closed',
          signOff: { decision: 'approved' },
        });
        return;
      }
      expect((errorOf(close(overrides)) as RuleViolation).details).toEqual({
        rule: 'evidence-required',
        from: 'rectified',
        to: 'closed',
        evidenceCount: 0,
      });
    });

    it('an item imported closed and reopened needs evidence again to be rectified', () => {
      const importedClosed = anItem({ status: 'closed', importedStatus: 'closed' });
      const { item: reopened } = decideTransition(
        importedClosed,
        { to: 'in_progress', expectedVersion: 1, reason: '回头看发现问题反弹' },
        principals.admin,
        at,
      );
      expect(reopened).toMatchObject({ status: 'in_progress', importedStatus: 'closed' });
      expect(
        (
          errorOf(() =>
            decideTransition(
              reopened,
              { to: 'rectified', expectedVersion: reopened.version },
              principals.department,
              at,
            ),
          ) as RuleViolation
        ).details,
      ).toMatchObject({ rule: 'evidence-required', from: 'in_progress', to: 'rectified' });
    });
  });
});
