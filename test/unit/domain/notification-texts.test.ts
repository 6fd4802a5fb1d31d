import { describe, expect, it } from 'vitest';
import {
  inboxesOf,
  inboxKey,
  type NotifiableEvent,
  notificationIdOf,
  notificationsFor,
  notificationText,
  recipientsFor,
} from '#shared/domain/notifications.ts';

/**
 * Who is told about what, and what they read (zh-CN and en), for every detail-type the notifier
 * consumes. The texts are what a department reads in its inbox and its chat digest.
 */

const ITEM = {
  eventId: 'e-1',
  inspectionId: 'insp-2024',
  itemId: 'insp-2024.1.1.1',
  ref: '1.1.1',
  title: '全科医生不足',
  department: '基层卫生科',
  leader: 'L-001',
  at: '2024-09-01T00:00:00.000Z',
};

const event = (detailType: string, data: Record<string, unknown>, detail = {}): NotifiableEvent => ({
  detailType,
  detail: { ...ITEM, ...detail, data },
});

const DEPT = 'dept:基层卫生科';
const LEADER = 'leader:L-001';
const ADMINS = 'admins';

const CASES: [string, NotifiableEvent, string[], string, string][] = [
  [
    'a start tells the leader',
    event('ItemStatusChanged', { from: 'not_started', to: 'in_progress', rule: 'start' }),
    [LEADER],
    '事项 1.1.1「全科医生不足」：未启动 → 正在整改',
    'Item 1.1.1 "全科医生不足": not started → in progress',
  ],
  [
    'rectified tells the leader and the admins, who close out',
    event('ItemStatusChanged', { from: 'in_progress', to: 'rectified', rule: 'rectify' }),
    [LEADER, ADMINS],
    '事项 1.1.1「全科医生不足」：正在整改 → 已整改',
    'Item 1.1.1 "全科医生不足": in progress → rectified',
  ],
  [
    'a close-out tells the department and the leader',
    event('ItemStatusChanged', { from: 'rectified', to: 'closed', rule: 'close-out' }),
    [DEPT, LEADER],
    '事项 1.1.1「全科医生不足」：已整改 → 已完成',
    'Item 1.1.1 "全科医生不足": rectified → closed',
  ],
  [
    'a reopening gives its reason',
    event('ItemStatusChanged', { from: 'closed', to: 'in_progress', rule: 'reopen', reason: '问题反弹' }),
    [DEPT, LEADER],
    '事项 1.1.1「全科医生不足」：已完成 → 正在整改（原因：问题反弹）',
    'Item 1.1.1 "全科医生不足": closed → in progress (reason: 问题反弹)',
  ],
  [
    'an unknown status is shown as it came',
    event('ItemStatusChanged', { from: 'archived', to: 7, rule: 'x' }),
    [DEPT, LEADER],
    '事项 1.1.1「全科医生不足」：archived → 7',
    'Item 1.1.1 "全科医生不足": archived → 7',
  ],
  [
    'progress tells the leader, clipped to 80 characters',
    event('ProgressReported', { text: '进'.repeat(81) }),
    [LEADER],
    `事项 1.1.1「全科医生不足」报送了整改进展：${'进'.repeat(80)}…`,
    `Item 1.1.1 "全科医生不足": progress reported: ${'进'.repeat(80)}…`,
  ],
  [
    'progress of exactly 80 characters is not clipped',
    event('ProgressReported', { text: '进'.repeat(80) }),
    [LEADER],
    `事项 1.1.1「全科医生不足」报送了整改进展：${'进'.repeat(80)}`,
    `Item 1.1.1 "全科医生不足": progress reported: ${'进'.repeat(80)}`,
  ],
  [
    'stored evidence tells the department',
    event('EvidenceStored', { fileName: '方案.pdf' }),
    [DEPT],
    '事项 1.1.1「全科医生不足」的佐证材料「方案.pdf」已校验入库',
    'Item 1.1.1 "全科医生不足": evidence "方案.pdf" was verified and stored',
  ],
  [
    'rejected evidence tells the department why, by its code',
    event('EvidenceRejected', { fileName: '方案.pdf', reason: 'hash-mismatch' }),
    [DEPT],
    '事项 1.1.1「全科医生不足」的佐证材料「方案.pdf」未通过校验：文件内容与申报的 SHA-256 不符',
    'Item 1.1.1 "全科医生不足": evidence "方案.pdf" was rejected: the content does not match the declared SHA-256',
  ],
  [
    'a withdrawal tells the leader, with the reason',
    event('EvidenceWithdrawn', { fileName: '方案.pdf', reason: '传错文件' }),
    [LEADER],
    '事项 1.1.1「全科医生不足」的佐证材料「方案.pdf」已撤回：传错文件',
    'Item 1.1.1 "全科医生不足": evidence "方案.pdf" was withdrawn: 传错文件',
  ],
  [
    'due soon tells the department and the leader',
    event('ItemDueSoon', { deadline: '2024-09-30', daysLeft: 5 }),
    [DEPT, LEADER],
    '事项 1.1.1「全科医生不足」距时限（2024-09-30）还有 5 天',
    'Item 1.1.1 "全科医生不足" is due in 5 day(s) (2024-09-30)',
  ],
  [
    'a milestone due soon names the milestone',
    event('ItemDueSoon', { deadline: '2024-07-01', daysLeft: 3, milestone: '过半检查' }),
    [DEPT, LEADER],
    '事项 1.1.1「全科医生不足」的节点“过半检查”距时限（2024-07-01）还有 3 天',
    'Item 1.1.1 "全科医生不足", milestone "过半检查", is due in 3 day(s) (2024-07-01)',
  ],
  [
    'overdue tells everyone who acts',
    event('ItemOverdue', { deadline: '2024-09-30', daysOverdue: 2 }),
    [DEPT, LEADER, ADMINS],
    '事项 1.1.1「全科医生不足」已超过整改时限（2024-09-30）2 天',
    'Item 1.1.1 "全科医生不足" is 2 day(s) past its deadline (2024-09-30)',
  ],
  [
    'an escalation after three red scans',
    event('ItemEscalated', { reason: 'red-three-scans', escalations: 1 }),
    [LEADER, ADMINS],
    '事项 1.1.1「全科医生不足」升级督办（第 1 次）：连续三次扫描超期',
    'Item 1.1.1 "全科医生不足" escalated (time 1): overdue in three scans',
  ],
  [
    'an escalation after two yellow scans',
    event('ItemEscalated', { reason: 'yellow-twice-without-progress', escalations: 2 }),
    [LEADER, ADMINS],
    '事项 1.1.1「全科医生不足」升级督办（第 2 次）：连续两次临期预警且无进展',
    'Item 1.1.1 "全科医生不足" escalated (time 2): due soon twice in a row without progress',
  ],
  [
    'an escalation for an unknown reason shows the reason',
    event('ItemEscalated', { reason: 'manual', escalations: 3 }),
    [LEADER, ADMINS],
    '事项 1.1.1「全科医生不足」升级督办（第 3 次）：manual',
    'Item 1.1.1 "全科医生不足" escalated (time 3): manual',
  ],
  [
    'a look-back due tells the admins',
    event('LookBackDue', { dueDate: '2025-03-01' }),
    [ADMINS],
    '事项 1.1.1「全科医生不足」已销号，回头看到期（2025-03-01）',
    'Item 1.1.1 "全科医生不足" was closed; its look-back is due (2025-03-01)',
  ],
  [
    'a confirmed look-back tells the department',
    event('LookBackConfirmed', {}),
    [DEPT],
    '事项 1.1.1「全科医生不足」回头看已确认',
    'Item 1.1.1 "全科医生不足": look-back confirmed',
  ],
  [
    'a missed re-attestation tells the department',
    event('ReattestationDue', { dueDate: '2025-01-01', cycleDays: 90 }),
    [DEPT],
    '长期坚持事项 1.1.1「全科医生不足」需在 2025-01-01 前重新确认（周期 90 天）',
    'Long-term Item 1.1.1 "全科医生不足" needs re-attestation by 2025-01-01 (every 90 days)',
  ],
  [
    'a summary tells the admins',
    event('SummaryGenerated', { asOf: '2024-09-01' }, { itemId: undefined }),
    [ADMINS],
    '巡察 insp-2024 的整改进展汇总已生成（截至 2024-09-01）',
    'The progress summary of inspection insp-2024 is ready (as of 2024-09-01)',
  ],
  [
    'an archive ready tells the admins',
    event('ArchiveReady', { files: 12 }),
    [ADMINS],
    '巡察 insp-2024 的审计档案已生成（12 个文件）',
    'The audit archive of inspection insp-2024 is ready (12 files)',
  ],
  [
    'an archive failure tells the admins why',
    event('ArchiveFailed', { reason: 'too large' }),
    [ADMINS],
    '巡察 insp-2024 的审计档案生成失败：too large',
    'The audit archive of inspection insp-2024 failed: too large',
  ],
  ['an event nobody is told of', event('Imported', {}), [], 'Imported', 'Imported'],
];

describe('notifications for each detail-type', () => {
  it.each(CASES)('%s', (_case, notifiable, recipients, zh, en) => {
    expect(recipientsFor(notifiable).map(inboxKey)).toEqual(recipients);
    expect(notificationText(notifiable)).toEqual({ 'zh-CN': zh, en });
  });

  it('shows an item without ref or title with empty quotes, and a value that is not text as nothing', () => {
    const bare = event('EvidenceStored', { fileName: { not: 'text' } }, { ref: undefined, title: undefined });
    expect(notificationText(bare)).toEqual({
      'zh-CN': '事项 「」的佐证材料「」已校验入库',
      en: 'Item  "": evidence "" was verified and stored',
    });
  });
});

describe('recipients', () => {
  it('skips the department and the leader when the event names neither', () => {
    const overdue = event(
      'ItemOverdue',
      { deadline: '2024-09-30', daysOverdue: 2 },
      {
        department: undefined,
        leader: undefined,
      },
    );
    expect(recipientsFor(overdue)).toEqual([{ kind: 'admins' }]);
  });

  it('makes one copy per recipient, with the same id, text and item', () => {
    const overdue = event('ItemOverdue', { deadline: '2024-09-30', daysOverdue: 2 });
    const copies = notificationsFor(overdue);
    expect(copies.map((copy) => copy.recipient)).toEqual([DEPT, LEADER, ADMINS]);
    expect(copies[0]).toEqual({
      notificationId: '1725148800000-e-1',
      recipient: DEPT,
      eventId: 'e-1',
      detailType: 'ItemOverdue',
      inspectionId: 'insp-2024',
      itemId: 'insp-2024.1.1.1',
      at: ITEM.at,
      text: notificationText(overdue),
    });
    expect(new Set(copies.map((copy) => copy.notificationId)).size).toBe(1);
  });

  it('leaves out the item of an inspection-wide event', () => {
    const [copy] = notificationsFor(event('SummaryGenerated', { asOf: '2024-09-01' }, { itemId: undefined }));
    expect(copy).not.toHaveProperty('itemId');
  });
});

describe('notificationIdOf', () => {
  it('pads the epoch milliseconds to 13 digits so that ids sort by time', () => {
    expect(notificationIdOf('1970-01-01T00:00:01.000Z', 'e')).toBe('0000000001000-e');
    expect(notificationIdOf('2024-09-01T00:00:00.000Z', 'e')).toBe('1725148800000-e');
  });
});

describe('inboxesOf', () => {
  it.each([
    ['an admin', { roles: ['admin'] }, ['admins']],
    ['a department user', { roles: ['department'], department: '财务科' }, ['dept:财务科']],
    ['a department user without a department', { roles: ['department'] }, []],
    ['an auditor', { roles: ['auditor'] }, []],
    [
      'a department user who leads',
      { roles: ['leader', 'department'], department: '财务科', leaderId: 'L-9' },
      ['leader:L-9', 'dept:财务科'],
    ],
    ['a department claim without the role', { roles: ['auditor'], department: '财务科' }, []],
  ] as const)('%s', (_case, claims, inboxes) => {
    expect(inboxesOf({ subject: 's', name: 'n', ...claims })).toEqual(inboxes);
  });
});
