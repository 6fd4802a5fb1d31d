import { describe, expect, it } from 'vitest';
import { RectifyError } from '#shared/domain/errors.ts';
import type { Item } from '#shared/domain/item.ts';
import type { Principal } from '#shared/domain/roles.ts';
import {
  DEFAULT_SIGN_OFF_MEANING,
  decideTransition,
  type TransitionRequest,
} from '#shared/domain/transitions.ts';
import { anItem, principals } from '../../support/items.ts';

/**
 * What a refused transition says (code, the message in both languages, the details a client
 * reads), and what each rule writes on the item and in its record — and only that rule.
 */

const at = { eventId: 'e-1', at: '2024-07-01T02:00:00.000Z' };

function refusal(item: Item, request: Omit<TransitionRequest, 'expectedVersion'>, principal: Principal) {
  try {
    decideTransition(item, { expectedVersion: item.version, ...request }, principal, at);
  } catch (error) {
    if (!(error instanceof RectifyError)) throw error;
    return { code: error.code, params: error.params, details: error.details };
  }
  throw new Error('expected a refusal');
}

describe('refusals', () => {
  it('a stale version names the item and both versions', () => {
    const item = anItem({ version: 3 });
    expect(refusal(item, { to: 'in_progress', expectedVersion: 2 } as never, principals.admin)).toEqual({
      code: 'conflict',
      params: { reason: 'item insp-2024.1.1.1 is at version 3, not 2; reload and retry' },
      details: { expectedVersion: 2, currentVersion: 3 },
    });
  });

  it.each([
    {
      name: 'a move that does not exist names what the item can move to',
      item: anItem({ status: 'not_started' }),
      request: { to: 'closed' as const },
      principal: principals.admin,
      refused: {
        code: 'unprocessable',
        params: {
          reason:
            'An item cannot move from not_started (未启动) to closed (已完成); from not_started it can move to: in_progress (start).',
          reasonZh: '事项不能从“未启动”变更为“已完成”。',
        },
        details: { rule: 'no-such-transition', from: 'not_started', to: 'closed', allowed: ['in_progress'] },
      },
    },
    {
      name: 'from rectified, two moves are possible',
      item: anItem({ status: 'rectified' }),
      request: { to: 'not_started' as const },
      principal: principals.admin,
      refused: {
        code: 'unprocessable',
        params: {
          reason:
            'An item cannot move from rectified (已整改) to not_started (未启动); from rectified it can move to: closed (close-out), in_progress (reopen).',
          reasonZh: '事项不能从“已整改”变更为“未启动”。',
        },
        details: {
          rule: 'no-such-transition',
          from: 'rectified',
          to: 'not_started',
          allowed: ['closed', 'in_progress'],
        },
      },
    },
    {
      name: 'a role the rule does not name',
      item: anItem({ status: 'rectified', evidenceCount: 1 }),
      request: { to: 'closed' as const },
      principal: principals.leader,
      refused: {
        code: 'forbidden',
        params: { action: 'close-out an item (rectified → closed needs admin)' },
        details: undefined,
      },
    },
    {
      name: 'a start by an auditor',
      item: anItem(),
      request: { to: 'in_progress' as const },
      principal: principals.auditor,
      refused: {
        code: 'forbidden',
        params: { action: 'start an item (not_started → in_progress needs department | leader | admin)' },
        details: undefined,
      },
    },
    {
      name: 'a reopening without a reason',
      item: anItem({ status: 'closed' }),
      request: { to: 'in_progress' as const },
      principal: principals.admin,
      refused: {
        code: 'unprocessable',
        params: {
          reason: 'A reason is required to reopen (closed → in_progress).',
          reasonZh: '重新打开事项必须说明理由。',
        },
        details: { rule: 'reason-required', from: 'closed', to: 'in_progress' },
      },
    },
    {
      name: 'a reopening whose reason is only blanks',
      item: anItem({ status: 'rectified' }),
      request: { to: 'in_progress' as const, reason: ' \n\t ' },
      principal: principals.admin,
      refused: {
        code: 'unprocessable',
        params: {
          reason: 'A reason is required to reopen (rectified → in_progress).',
          reasonZh: '重新打开事项必须说明理由。',
        },
        details: { rule: 'reason-required', from: 'rectified', to: 'in_progress' },
      },
    },
    {
      name: 'rectified without evidence',
      item: anItem({ status: 'in_progress', evidenceCount: 0 }),
      request: { to: 'rectified' as const },
      principal: principals.department,
      refused: {
        code: 'unprocessable',
        params: {
          reason:
            'An item can be marked rectified only with at least one stored evidence file (in_progress → rectified).',
          reasonZh: '标记为“已整改”前须至少上传一份已校验的佐证材料。',
        },
        details: { rule: 'evidence-required', from: 'in_progress', to: 'rectified', evidenceCount: 0 },
      },
    },
    {
      name: 'a close-out without evidence',
      item: anItem({ status: 'rectified', evidenceCount: 0, rectifiedAt: at.at, rectifiedBy: 'dept-1' }),
      request: { to: 'closed' as const },
      principal: principals.admin,
      refused: {
        code: 'unprocessable',
        params: {
          reason:
            'An item can be closed out only with at least one stored evidence file (rectified → closed).',
          reasonZh: '销号前须至少有一份已校验存储的佐证材料。',
        },
        details: { rule: 'evidence-required', from: 'rectified', to: 'closed', evidenceCount: 0 },
      },
    },
    {
      name: 'a close-out by who marked the item rectified',
      item: anItem({ status: 'rectified', evidenceCount: 1, rectifiedBy: 'admin-1' }),
      request: { to: 'closed' as const },
      principal: principals.admin,
      refused: {
        code: 'unprocessable',
        params: {
          reason:
            'The close-out (rectified → closed) must come from someone other than who marked the item rectified.',
          reasonZh: '销号须由标记“已整改”者以外的管理员进行。',
        },
        details: { rule: 'four-eyes', from: 'rectified', to: 'closed' },
      },
    },
  ])('$name', ({ item, request, principal, refused }) => {
    expect(refusal(item, request, principal)).toEqual(refused);
  });
});

describe('what each rule writes, and only that rule', () => {
  const admin = principals.admin;
  const dept = principals.department;

  it('a start changes the status only', () => {
    const item = anItem({ evidenceCount: 0 });
    const { item: next, event } = decideTransition(item, { to: 'in_progress', expectedVersion: 1 }, dept, at);
    expect(next).toEqual({
      ...item,
      status: 'in_progress',
      version: 2,
      chainHead: event.hash,
      updatedAt: at.at,
    });
    expect(event.data).toEqual({ from: 'not_started', to: 'in_progress', rule: 'start' });
    expect(event.actor).toEqual({ subject: 'dept-1', name: '张科员', roles: ['department'] });
  });

  it('rectify records who and when, even by who rectified it before a reopening', () => {
    const item = anItem({
      status: 'in_progress',
      evidenceCount: 1,
      rectifiedBy: 'dept-1',
      rectifiedAt: 'earlier',
    });
    const { item: next, event } = decideTransition(item, { to: 'rectified', expectedVersion: 1 }, dept, at);
    expect(next).toMatchObject({ status: 'rectified', rectifiedBy: 'dept-1', rectifiedAt: at.at });
    expect(next.signOff).toBeUndefined();
    expect(event.data).toEqual({ from: 'in_progress', to: 'rectified', rule: 'rectify' });
  });

  it('a close-out keeps who rectified, and trims the stated meaning', () => {
    const item = anItem({
      status: 'rectified',
      evidenceCount: 1,
      rectifiedBy: 'dept-1',
      rectifiedAt: 'earlier',
    });
    const { item: next } = decideTransition(
      item,
      { to: 'closed', expectedVersion: 1, meaning: '  整改到位  ' },
      admin,
      at,
    );
    expect(next).toMatchObject({
      rectifiedBy: 'dept-1',
      rectifiedAt: 'earlier',
      signOff: { meaning: '整改到位' },
    });
  });

  it('a blank meaning is the default meaning', () => {
    const item = anItem({ status: 'rectified', evidenceCount: 1, rectifiedBy: 'dept-1' });
    const { item: next } = decideTransition(
      item,
      { to: 'closed', expectedVersion: 1, meaning: '   ' },
      admin,
      at,
    );
    expect(next.signOff?.meaning).toBe(DEFAULT_SIGN_OFF_MEANING);
    expect(DEFAULT_SIGN_OFF_MEANING).toBe('整改到位，同意销号');
  });

  it('a reopening by the admin who marked the item rectified is allowed (four eyes is for close-outs)', () => {
    const item = anItem({ status: 'rectified', evidenceCount: 1, rectifiedBy: 'admin-1' });
    const { item: next, event } = decideTransition(
      item,
      { to: 'in_progress', expectedVersion: 1, reason: '  材料不全  ' },
      admin,
      at,
    );
    expect(next).toMatchObject({ status: 'in_progress', rectifiedBy: 'admin-1' });
    expect(next.signOff).toBeUndefined();
    expect(event.data).toEqual({ from: 'rectified', to: 'in_progress', rule: 'reopen', reason: '材料不全' });
  });

  it('a reason given to a rule that needs none is kept, trimmed', () => {
    const { event } = decideTransition(
      anItem(),
      { to: 'in_progress', expectedVersion: 1, reason: ' 开始 ' },
      dept,
      at,
    );
    expect(event.data).toEqual({ from: 'not_started', to: 'in_progress', rule: 'start', reason: '开始' });
  });
});
