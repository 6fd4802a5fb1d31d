import { useEffect, useState } from 'preact/hooks';
import type { ChainEvent, Item } from '../api/types.ts';
import { type BrowserChainCheck, verifyChain } from '../lib/chain.ts';
import { formatInstant } from '../lib/format.ts';
import { type Translate, useLang, useT } from '../lib/i18n.tsx';
import { STATUS_OPTIONS } from './ui.tsx';

/** Record types in words; an unknown type (a newer server) shows as its code. */
const TYPE_NAMES: Record<string, [string, string]> = {
  Imported: ['导入台账', 'Imported'],
  StatusChanged: ['状态变更', 'Status changed'],
  ProgressReported: ['报送工作进展', 'Progress reported'],
  EvidenceStored: ['佐证材料校验入库', 'Evidence stored'],
  EvidenceRejected: ['佐证材料未通过校验', 'Evidence rejected'],
  EvidenceWithdrawn: ['撤回佐证材料', 'Evidence withdrawn'],
  DueSoon: ['临期提醒', 'Due soon'],
  Overdue: ['超期', 'Overdue'],
  Escalated: ['升级督办', 'Escalated'],
  LookBackDue: ['回头看到期', 'Look-back due'],
  LookBackConfirmed: ['回头看已确认', 'Look-back confirmed'],
  ReattestationDue: ['长期坚持需重新确认', 'Re-attestation due'],
  PlanRevised: ['台账修订', 'Plan revised'],
  Withdrawn: ['移出台账', 'Withdrawn from the plan'],
};

export function typeName(type: string, t: Translate): string {
  const names = TYPE_NAMES[type];
  return names ? t(...names) : type;
}

const str = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value) : '');

function statusName(value: unknown, t: Translate): string {
  const option = STATUS_OPTIONS.find(([status]) => status === value);
  return option ? t(option[1], option[2]) : str(value);
}

/** The main data of a record as a line or two; the full record is one click away. */
function Summary({ event, item }: { event: ChainEvent; item: Item }) {
  const t = useT();
  const { data } = event;
  const measures = (indexes: unknown) =>
    Array.isArray(indexes)
      ? indexes
          .map((index) => item.measures[Number(index)]?.text ?? `#${Number(index) + 1}`)
          .join(t('；', '; '))
      : '';
  switch (event.type) {
    case 'StatusChanged':
      return (
        <>
          <p>
            {statusName(data.from, t)} → <strong>{statusName(data.to, t)}</strong>
          </p>
          {str(data.reason) && (
            <p>
              {t('理由：', 'Reason: ')}
              {str(data.reason)}
            </p>
          )}
          {typeof data.signOff === 'object' && data.signOff && (
            <p>
              {t('销号意见：', 'Sign-off: ')}
              {str((data.signOff as { meaning?: unknown }).meaning)}
            </p>
          )}
        </>
      );
    case 'ProgressReported':
      return (
        <>
          <p class="progress-text">{str(data.text)}</p>
          {measures(data.newlyDone) && (
            <p>
              {t('新完成措施：', 'Measures now done: ')}
              {measures(data.newlyDone)}
            </p>
          )}
          {str(data.effectiveDate) && (
            <p class="muted">
              {t('生效日期：', 'Effective: ')}
              {str(data.effectiveDate)}
            </p>
          )}
        </>
      );
    case 'EvidenceStored':
    case 'EvidenceRejected':
    case 'EvidenceWithdrawn':
      return (
        <p>
          {str(data.fileName)}
          {str(data.reason) && ` — ${str(data.reason)}`}
          {str(data.detail) && <span class="muted"> ({str(data.detail)})</span>}
        </p>
      );
    case 'DueSoon':
    case 'Overdue':
      return (
        <p>
          {t('时限', 'Deadline')} {str(data.deadline)}
          {str(data.milestone) && ` · ${str(data.milestone)}`}
          {str(data.daysLeft) && t(` · 剩${str(data.daysLeft)}天`, ` · ${str(data.daysLeft)} d left`)}
          {str(data.daysOverdue) &&
            t(` · 逾期${str(data.daysOverdue)}天`, ` · ${str(data.daysOverdue)} d overdue`)}
        </p>
      );
    case 'Withdrawn':
      return <p>{str(data.reason)}</p>;
    default:
      return null;
  }
}

function brokenText(
  check: Extract<BrowserChainCheck, { index: number }>,
  events: readonly ChainEvent[],
  t: Translate,
) {
  const record = events[check.index];
  const type = record ? typeName(record.type, t) : '';
  const why =
    check.reason === 'hash-mismatch'
      ? t('记录内容与其哈希不符（内容被改动）', 'its content does not match its hash (it was changed)')
      : check.reason === 'prev-hash-mismatch'
        ? t('与前一条记录的哈希不衔接', 'it does not link to the hash of the record before it')
        : t('序号不连续（记录被删除或调换）', 'the sequence breaks (a record was removed or moved)');
  return t(
    `哈希链在第${check.brokenAt}条记录（${type}）处断开：${why}。`,
    `The hash chain breaks at record ${check.brokenAt} (${type}): ${why}.`,
  );
}

/**
 * The item's history, oldest first, and "verify chain": every hash recomputed here, in the
 * browser, so the check does not rest on the server's own word.
 */
export function HistoryTimeline({
  events,
  item,
  timezone,
}: {
  events: readonly ChainEvent[];
  item: Item;
  timezone: string;
}) {
  const t = useT();
  const lang = useLang();
  const [check, setCheck] = useState<BrowserChainCheck>();
  // A reloaded history has not been verified yet.
  useEffect(() => setCheck(undefined), [events]);
  const broken = check && !check.ok ? check : undefined;
  // verifyChain cannot see records cut off the end; the item's own head and version can.
  const truncated =
    check?.ok && events.length > 0 && (check.head !== item.chainHead || check.length !== item.version);

  return (
    <>
      <div class="actions">
        <button type="button" onClick={() => setCheck(verifyChain(events))}>
          {t('验证哈希链', 'Verify chain')}
        </button>
      </div>
      <div aria-live="polite">
        {check &&
          (broken ? (
            <p class="notice error" role="alert">
              ✗ {brokenText(broken, events, t)}
            </p>
          ) : truncated ? (
            <p class="notice error" role="alert">
              ✗{' '}
              {t(
                `各条记录衔接完整（${events.length}条），但链尾与事项当前状态（第${item.version}条）不一致：可能缺少最新记录，请刷新后再验证。`,
                `The ${events.length} records link up, but the chain's end does not match the item (record ${item.version}): records may be missing; reload and verify again.`,
              )}
            </p>
          ) : (
            <p class="notice ok">
              ✓ {t(`哈希链完整（${events.length}条）`, `Hash chain intact (${events.length} records)`)}
            </p>
          ))}
      </div>
      {events.length === 0 ? (
        <p class="muted">{t('暂无记录', 'No records yet')}</p>
      ) : (
        <ol class="timeline">
          {events.map((event, index) => {
            const isBroken = broken?.index === index;
            return (
              <li key={`${event.seq}-${event.eventId}`} class={isBroken ? 'broken' : undefined}>
                <div class="history-head">
                  <span class="ref">#{event.seq}</span> <strong>{typeName(event.type, t)}</strong>
                  {isBroken && (
                    <span class="tag broken-tag">{t('✗ 未通过校验', '✗ fails verification')}</span>
                  )}
                </div>
                <div class="muted">
                  {event.actor.name} ·{' '}
                  <time dateTime={event.at}>{formatInstant(event.at, timezone, lang)}</time>
                </div>
                <Summary event={event} item={item} />
                <details>
                  <summary>{t('记录详情', 'Record details')}</summary>
                  <pre class="hash">{JSON.stringify(event.data, null, 2)}</pre>
                  <p class="hash">hash {event.hash}</p>
                  <p class="hash">prevHash {event.prevHash}</p>
                </details>
              </li>
            );
          })}
        </ol>
      )}
    </>
  );
}
