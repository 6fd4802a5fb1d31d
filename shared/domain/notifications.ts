import type { Lang } from '#shared/i18n/lang.ts';
import { rejectionText } from './evidence.ts';
import type { Principal } from './roles.ts';
import { type ItemStatus, STATUS_LABELS } from './status.ts';

/**
 * Who is told about what (DESIGN: notifications). An inbox belongs to a department (its users
 * see it), to a leader (by leader key: the item's `responsibleLeaderId`, else its leader's name,
 * matched against the reader's admin-set `leaderId`, as access.ts matches items), or to the admins.
 */
export type Recipient =
  | { readonly kind: 'department'; readonly department: string }
  | { readonly kind: 'leader'; readonly leaderKey: string }
  | { readonly kind: 'admins' };

/** What the notifier needs of a bus event: its detail-type and the fields every detail shares. */
export interface NotifiableEvent {
  readonly detailType: string;
  readonly detail: {
    readonly eventId: string;
    readonly inspectionId: string;
    readonly at: string;
    readonly itemId?: string;
    readonly ref?: string;
    readonly title?: string;
    readonly department?: string;
    /** The item's leader key (access.ts `leaderKeyOf`), as the chain record carries it. */
    readonly leader?: string;
    readonly data: Readonly<Record<string, unknown>>;
  };
}

/** One recipient's copy of an event, as the inbox shows it. */
export interface Notification {
  /** `<epoch ms>-<eventId>`: sorts by time, unique per event. */
  readonly notificationId: string;
  readonly recipient: string;
  readonly eventId: string;
  readonly detailType: string;
  readonly inspectionId: string;
  readonly itemId?: string;
  readonly at: string;
  readonly text: Readonly<Record<Lang, string>>;
  readonly readAt?: string;
}

export function inboxKey(recipient: Recipient): string {
  switch (recipient.kind) {
    case 'department':
      return `dept:${recipient.department}`;
    case 'leader':
      return `leader:${recipient.leaderKey}`;
    case 'admins':
      return 'admins';
  }
}

/**
 * The inboxes a principal reads: one per role that has one (auditors are told nothing). A leader
 * without a `leaderId` leads nothing, so reads no leader inbox (never the one of their name).
 */
export function inboxesOf(principal: Principal): string[] {
  const inboxes: string[] = [];
  if (principal.roles.includes('admin')) inboxes.push(inboxKey({ kind: 'admins' }));
  if (principal.roles.includes('leader') && principal.leaderId) {
    inboxes.push(inboxKey({ kind: 'leader', leaderKey: principal.leaderId }));
  }
  if (principal.roles.includes('department') && principal.department) {
    inboxes.push(inboxKey({ kind: 'department', department: principal.department }));
  }
  return inboxes;
}

type Audience = 'department' | 'leader' | 'admins';

/** Per detail-type, who is told. A status change depends on where the item went. */
function audienceOf(event: NotifiableEvent): readonly Audience[] {
  const data = event.detail.data;
  switch (event.detailType) {
    case 'ItemStatusChanged':
      // Rectified items wait for an admin's close-out; the leader follows every move.
      if (data.to === 'rectified') return ['leader', 'admins'];
      if (data.rule === 'start') return ['leader'];
      return ['department', 'leader'];
    case 'ProgressReported':
    case 'EvidenceWithdrawn':
      return ['leader'];
    case 'EvidenceStored':
    case 'EvidenceRejected':
    case 'LookBackConfirmed':
    case 'ReattestationDue':
      return ['department'];
    case 'ItemDueSoon':
      return ['department', 'leader'];
    case 'ItemOverdue':
      return ['department', 'leader', 'admins'];
    case 'ItemEscalated':
      return ['leader', 'admins'];
    case 'LookBackDue':
    case 'SummaryGenerated':
    case 'ArchiveReady':
    case 'ArchiveFailed':
      return ['admins'];
    default:
      return [];
  }
}

/** The recipients of an event, without duplicates; audiences the event cannot name are skipped. */
export function recipientsFor(event: NotifiableEvent): Recipient[] {
  const { department, leader } = event.detail;
  return audienceOf(event).flatMap((audience): Recipient[] => {
    if (audience === 'admins') return [{ kind: 'admins' }];
    if (audience === 'department') return department ? [{ kind: 'department', department }] : [];
    return leader ? [{ kind: 'leader', leaderKey: leader }] : [];
  });
}

const ESCALATIONS: Record<string, Record<Lang, string>> = {
  'red-three-scans': { 'zh-CN': '连续三次扫描超期', en: 'overdue in three scans' },
  'yellow-twice-without-progress': {
    'zh-CN': '连续两次临期预警且无进展',
    en: 'due soon twice in a row without progress',
  },
};

const clip = (text: string, max = 80) => (text.length > max ? `${text.slice(0, max)}…` : text);
const str = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value) : '');
const status = (value: unknown, lang: Lang) => STATUS_LABELS[value as ItemStatus]?.[lang] ?? str(value);

/** The notification's text, in both languages, from the event alone (no reads). */
export function notificationText(event: NotifiableEvent): Record<Lang, string> {
  const { detail } = event;
  const data = detail.data;
  const zhItem = `事项 ${detail.ref ?? ''}「${detail.title ?? ''}」`;
  const enItem = `Item ${detail.ref ?? ''} "${detail.title ?? ''}"`;
  const both = (zh: string, en: string): Record<Lang, string> => ({ 'zh-CN': zh, en });
  switch (event.detailType) {
    case 'ItemStatusChanged': {
      const reason = str(data.reason);
      return both(
        `${zhItem}：${status(data.from, 'zh-CN')} → ${status(data.to, 'zh-CN')}${reason ? `（原因：${reason}）` : ''}`,
        `${enItem}: ${status(data.from, 'en')} → ${status(data.to, 'en')}${reason ? ` (reason: ${reason})` : ''}`,
      );
    }
    case 'ProgressReported':
      return both(
        `${zhItem}报送了整改进展：${clip(str(data.text))}`,
        `${enItem}: progress reported: ${clip(str(data.text))}`,
      );
    case 'EvidenceStored':
      return both(
        `${zhItem}的佐证材料「${str(data.fileName)}」已校验入库`,
        `${enItem}: evidence "${str(data.fileName)}" was verified and stored`,
      );
    case 'EvidenceRejected': {
      // The event carries the code (its contract has no values), so the code's general text.
      const rejection = { reason: str(data.reason) };
      return both(
        `${zhItem}的佐证材料「${str(data.fileName)}」未通过校验：${rejectionText(rejection, 'zh-CN')}`,
        `${enItem}: evidence "${str(data.fileName)}" was rejected: ${rejectionText(rejection, 'en')}`,
      );
    }
    case 'EvidenceWithdrawn':
      return both(
        `${zhItem}的佐证材料「${str(data.fileName)}」已撤回：${str(data.reason)}`,
        `${enItem}: evidence "${str(data.fileName)}" was withdrawn: ${str(data.reason)}`,
      );
    case 'ItemDueSoon': {
      const milestone = str(data.milestone);
      return both(
        `${zhItem}${milestone ? `的节点“${milestone}”` : ''}距时限（${str(data.deadline)}）还有 ${str(data.daysLeft)} 天`,
        `${enItem}${milestone ? `, milestone "${milestone}",` : ''} is due in ${str(data.daysLeft)} day(s) (${str(data.deadline)})`,
      );
    }
    case 'ItemOverdue':
      return both(
        `${zhItem}已超过整改时限（${str(data.deadline)}）${str(data.daysOverdue)} 天`,
        `${enItem} is ${str(data.daysOverdue)} day(s) past its deadline (${str(data.deadline)})`,
      );
    case 'ItemEscalated': {
      const reason = ESCALATIONS[str(data.reason)];
      return both(
        `${zhItem}升级督办（第 ${str(data.escalations)} 次）：${reason?.['zh-CN'] ?? str(data.reason)}`,
        `${enItem} escalated (time ${str(data.escalations)}): ${reason?.en ?? str(data.reason)}`,
      );
    }
    case 'LookBackDue':
      return both(
        `${zhItem}已销号，回头看到期（${str(data.dueDate)}）`,
        `${enItem} was closed; its look-back is due (${str(data.dueDate)})`,
      );
    case 'LookBackConfirmed':
      return both(`${zhItem}回头看已确认`, `${enItem}: look-back confirmed`);
    case 'ReattestationDue':
      return both(
        `长期坚持${zhItem}需在 ${str(data.dueDate)} 前重新确认（周期 ${str(data.cycleDays)} 天）`,
        `Long-term ${enItem} needs re-attestation by ${str(data.dueDate)} (every ${str(data.cycleDays)} days)`,
      );
    case 'SummaryGenerated':
      return both(
        `巡察 ${detail.inspectionId} 的整改进展汇总已生成（截至 ${str(data.asOf)}）`,
        `The progress summary of inspection ${detail.inspectionId} is ready (as of ${str(data.asOf)})`,
      );
    case 'ArchiveReady':
      return both(
        `巡察 ${detail.inspectionId} 的审计档案已生成（${str(data.files)} 个文件）`,
        `The audit archive of inspection ${detail.inspectionId} is ready (${str(data.files)} files)`,
      );
    case 'ArchiveFailed':
      return both(
        `巡察 ${detail.inspectionId} 的审计档案生成失败：${str(data.reason)}`,
        `The audit archive of inspection ${detail.inspectionId} failed: ${str(data.reason)}`,
      );
    default:
      return both(`${event.detailType}`, `${event.detailType}`);
  }
}

/** The notification id: time first, so that an inbox sorts newest-first by key. */
export function notificationIdOf(at: string, eventId: string): string {
  return `${String(Date.parse(at)).padStart(13, '0')}-${eventId}`;
}

/** Every recipient's copy of one event. */
export function notificationsFor(event: NotifiableEvent): Notification[] {
  const text = notificationText(event);
  const { detail } = event;
  return recipientsFor(event).map((recipient) => ({
    notificationId: notificationIdOf(detail.at, detail.eventId),
    recipient: inboxKey(recipient),
    eventId: detail.eventId,
    detailType: event.detailType,
    inspectionId: detail.inspectionId,
    ...(detail.itemId ? { itemId: detail.itemId } : {}),
    at: detail.at,
    text,
  }));
}
