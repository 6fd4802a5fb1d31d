import { canonicalJson, sha256Hex } from './chain.ts';
import { Forbidden, RuleViolation, StaleVersion } from './errors.ts';
import { type Item, type ItemEvent, recordEvent, type SignOff, signableState } from './item.ts';
import { importNoteOf } from './ledger.ts';
import { actorRef, type Principal, type Role } from './roles.ts';
import { type ItemStatus, STATUS_LABELS } from './status.ts';

export const DEFAULT_SIGN_OFF_MEANING = '整改到位，同意销号';
export const MAX_REASON_LENGTH = 2_000;

interface TransitionRule {
  readonly from: ItemStatus;
  readonly to: ItemStatus;
  /** Name used in errors and the trail. */
  readonly rule: 'start' | 'rectify' | 'close-out' | 'reopen';
  readonly roles: readonly Role[];
  readonly reasonRequired: boolean;
}

/** The state machine: not_started → in_progress → rectified → closed, and reopen after look-back. */
export const TRANSITIONS: readonly TransitionRule[] = [
  {
    from: 'not_started',
    to: 'in_progress',
    rule: 'start',
    roles: ['department', 'leader', 'admin'],
    reasonRequired: false,
  },
  {
    from: 'in_progress',
    to: 'rectified',
    rule: 'rectify',
    roles: ['department', 'leader', 'admin'],
    reasonRequired: false,
  },
  { from: 'rectified', to: 'closed', rule: 'close-out', roles: ['admin'], reasonRequired: false },
  { from: 'rectified', to: 'in_progress', rule: 'reopen', roles: ['admin'], reasonRequired: true },
  { from: 'closed', to: 'in_progress', rule: 'reopen', roles: ['admin'], reasonRequired: true },
];

export interface TransitionRequest {
  readonly to: ItemStatus;
  readonly reason?: string;
  readonly expectedVersion: number;
  /** The stated meaning of a close-out (销号); defaults to "整改到位，同意销号". */
  readonly meaning?: string;
}

const label = (status: ItemStatus) => `${status} (${STATUS_LABELS[status]['zh-CN']})`;

/**
 * Decides a status change: checks the version, that the transition exists, the actor's role,
 * and the rule's own conditions; returns the new item and its sealed StatusChanged record.
 * Visibility (404 for other departments' items) is checked by the caller before this.
 */
export function decideTransition(
  item: Item,
  request: TransitionRequest,
  principal: Principal,
  context: { eventId: string; at: string },
): { item: Item; event: ItemEvent } {
  if (request.expectedVersion !== item.version) {
    throw new StaleVersion(`item ${item.itemId}`, request.expectedVersion, item.version);
  }
  const from = item.status;
  const { to } = request;
  const transition = TRANSITIONS.find((t) => t.from === from && t.to === to);
  if (!transition) {
    const allowed = TRANSITIONS.filter((t) => t.from === from).map((t) => `${t.to} (${t.rule})`);
    throw new RuleViolation(
      'no-such-transition',
      {
        en: `An item cannot move from ${label(from)} to ${label(to)}; from ${from} it can move to: ${allowed.join(', ') || 'nothing'}.`,
        zh: `事项不能从“${STATUS_LABELS[from]['zh-CN']}”变更为“${STATUS_LABELS[to]['zh-CN']}”。`,
      },
      { from, to, allowed: TRANSITIONS.filter((t) => t.from === from).map((t) => t.to) },
    );
  }
  if (!principal.roles.some((role) => transition.roles.includes(role))) {
    throw new Forbidden(`${transition.rule} an item (${from} → ${to} needs ${transition.roles.join(' | ')})`);
  }
  const reason = request.reason?.trim();
  if (transition.reasonRequired && !reason) {
    throw new RuleViolation(
      'reason-required',
      {
        en: `A reason is required to ${transition.rule} (${from} → ${to}).`,
        zh: '重新打开事项必须说明理由。',
      },
      { from, to },
    );
  }
  if (transition.rule === 'rectify' && item.evidenceCount < 1) {
    throw new RuleViolation(
      'evidence-required',
      {
        en: `An item can be marked rectified only with at least one stored evidence file (${from} → ${to}).`,
        zh: '标记为“已整改”前须至少上传一份已校验的佐证材料。',
      },
      { from, to, evidenceCount: item.evidenceCount },
    );
  }
  // A close-out (销号) signs off on proof, so it needs stored evidence too (withdrawals after the
  // rectify step would otherwise leave a sign-off with nothing behind it). The exception is an
  // item still in the rectified state its 台账 brought in: its evidence is on paper in that 台账,
  // not in Rectify. Once such an item is reopened and rectified again here, `rectifiedAt` is set
  // and the ordinary rule applies (rectify itself already demanded stored evidence).
  if (transition.rule === 'close-out' && item.evidenceCount < 1 && importNoteOf(item) === undefined) {
    throw new RuleViolation(
      'evidence-required',
      {
        en: `An item can be closed out only with at least one stored evidence file (${from} → ${to}).`,
        zh: '销号前须至少有一份已校验存储的佐证材料。',
      },
      { from, to, evidenceCount: item.evidenceCount },
    );
  }
  if (transition.rule === 'close-out' && item.rectifiedBy === principal.subject) {
    throw new RuleViolation(
      'four-eyes',
      {
        en: `The close-out (${from} → ${to}) must come from someone other than who marked the item rectified.`,
        zh: '销号须由标记“已整改”者以外的管理员进行。',
      },
      { from, to },
    );
  }

  const actor = actorRef(principal);
  let signOff: SignOff | undefined;
  if (transition.rule === 'close-out') {
    signOff = {
      by: actor,
      at: context.at,
      decision: 'approved',
      meaning: request.meaning?.trim() || DEFAULT_SIGN_OFF_MEANING,
      stateHash: sha256Hex(canonicalJson(signableState(item))),
    };
  }
  const next: Partial<Item> = {
    status: to,
    ...(transition.rule === 'rectify' ? { rectifiedBy: principal.subject, rectifiedAt: context.at } : {}),
    ...(signOff ? { signOff } : {}),
  };
  const recorded = recordEvent(
    item,
    'StatusChanged',
    actor,
    { from, to, rule: transition.rule, ...(reason ? { reason } : {}), ...(signOff ? { signOff } : {}) },
    next,
    context,
  );
  // A reopened item is no longer signed off; the sign-off stays in the trail.
  if (transition.rule === 'reopen') {
    const { signOff: _dropped, ...reopened } = recorded.item;
    return { event: recorded.event, item: reopened };
  }
  return recorded;
}
