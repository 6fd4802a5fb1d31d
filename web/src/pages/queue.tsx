import { useMemo, useState } from 'preact/hooks';
import { ApiError, seg } from '../api/client.ts';
import type {
  DownloadLink,
  Evidence,
  History,
  Inspection,
  Item,
  ItemChange,
  LookBackRequest,
  TransitionRequest,
} from '../api/types.ts';
import { Desk, deskPage, openLink, useLedger } from '../components/admin-common.tsx';
import {
  Async,
  ErrorNotice,
  errorText,
  InputField,
  Light,
  StatusBadge,
  SubmitRow,
  TextareaField,
} from '../components/ui.tsx';
import { useDraft } from '../lib/drafts.ts';
import { formatBytes, formatDate, formatInstant } from '../lib/format.ts';
import { type Translate, useLang, useT } from '../lib/i18n.tsx';
import { href } from '../lib/router.ts';
import { useSession } from '../lib/session.ts';
import { useLoad } from '../lib/use-load.ts';
import { useSubmit } from '../lib/use-submit.ts';

/** The meaning a close-out states unless the admin writes another (shared/domain/transitions.ts). */
const DEFAULT_MEANING = '整改到位，同意销号';

/**
 * Someone changed the item since this page read it (409 with the versions): the ledger is read
 * again so the next press is based on what is there now; what was typed stays in its draft.
 */
function isStale(error: unknown): boolean {
  return (
    error instanceof ApiError &&
    error.status === 409 &&
    typeof (error.details as { currentVersion?: unknown })?.currentVersion === 'number'
  );
}

/** Sends a change of the item; refused as based on a stale read, the ledger is read again first. */
async function changeItem(
  send: () => Promise<unknown>,
  item: { ref: string; title: string },
  t: Translate,
  onChanged: (message: string) => void,
): Promise<void> {
  try {
    await send();
  } catch (error) {
    if (isStale(error))
      onChanged(
        t(
          `${item.ref} ${item.title} 已被他人更新，已重新载入，请核对后再操作。`,
          `${item.ref} ${item.title} was changed by someone else and has been reloaded: check it, then try again.`,
        ),
      );
    throw error;
  }
}

function Queue({ inspectionId }: { inspectionId: string }) {
  const t = useT();
  const [loaded, reload] = useLedger(inspectionId);
  const [done, setDone] = useState<string>();
  const changed = (message: string) => {
    setDone(message);
    reload();
  };
  return (
    <Desk inspectionId={inspectionId} current="queue" title={t('待销号', 'Close-out queue')}>
      <p class="muted">
        {t(
          '销号须由标记“已整改”者以外的管理员进行；重新打开须说明原因。',
          'A close-out must come from an admin other than the one who marked the item rectified; reopening needs a reason.',
        )}
      </p>
      <div role="status">{done && <p class="notice ok">{done}</p>}</div>
      <Async loaded={loaded}>
        {(ledger) => (
          // While the items are read again after a change, nothing can be pressed on the old
          // versions (a second press would only meet the same conflict).
          <fieldset
            class="plain"
            disabled={loaded.state === 'ready' && loaded.refreshing}
            aria-busy={loaded.state === 'ready' && loaded.refreshing}
          >
            <QueueLists
              items={ledger.items}
              inspection={ledger.inspection}
              today={ledger.today}
              onChanged={changed}
            />
          </fieldset>
        )}
      </Async>
    </Desk>
  );
}

/**
 * 待销号: rectified items with their evidence, for close-out by an admin other than the one who
 * marked them rectified (the four-eyes rule of shared/domain/transitions.ts, explained before the
 * click), reopen with a reason; then closed items with their look-back (回头看).
 */
export default deskPage(['admin'], Queue);

function QueueLists({
  items,
  inspection,
  today,
  onChanged,
}: {
  items: readonly Item[];
  inspection: Inspection;
  today: string;
  onChanged: (message: string) => void;
}) {
  const t = useT();
  const rectified = useMemo(
    () => items.filter((item) => item.status === 'rectified' && !item.withdrawn),
    [items],
  );
  const closed = useMemo(
    () =>
      items
        .filter((item) => item.status === 'closed' && !item.withdrawn)
        .sort((a, b) => (a.lookBackDue ?? '9999').localeCompare(b.lookBackDue ?? '9999')),
    [items],
  );
  return (
    <>
      <h2>
        {t(`已整改，待销号（${rectified.length}）`, `Rectified, awaiting close-out (${rectified.length})`)}
      </h2>
      {rectified.length === 0 && <p class="muted">{t('没有待销号的事项。', 'Nothing awaits close-out.')}</p>}
      {rectified.map((item) => (
        <RectifiedCard
          key={`${item.itemId}@${item.version}`}
          item={item}
          inspection={inspection}
          onChanged={onChanged}
        />
      ))}
      <h2>{t(`已销号（${closed.length}）`, `Closed (${closed.length})`)}</h2>
      {closed.length === 0 && <p class="muted">{t('还没有已销号的事项。', 'No item is closed yet.')}</p>}
      {closed.map((item) => (
        <ClosedCard
          key={`${item.itemId}@${item.version}`}
          item={item}
          inspection={inspection}
          today={today}
          onChanged={onChanged}
        />
      ))}
    </>
  );
}

/** The card's heading: ref, the title as a link to the item, light and status. */
function CardHead({ item, headingId }: { item: Item; headingId: string }) {
  return (
    <>
      <h3 id={headingId}>
        <span class="ref">{item.ref}</span> <a href={href('items', item.itemId)}>{item.title}</a>
      </h3>
      <p class="item-meta">
        <Light light={item.light} />
        <StatusBadge item={item} />
        <span>{item.responsibleDept}</span>
        <span class="muted">{item.responsibleLeader}</span>
        {item.importNoteLabel && <span class="tag">{item.importNoteLabel}</span>}
      </p>
    </>
  );
}

function RectifiedCard({
  item,
  inspection,
  onChanged,
}: {
  item: Item;
  inspection: Inspection;
  onChanged: (message: string) => void;
}) {
  const t = useT();
  const lang = useLang();
  const { api, me } = useSession();
  const slug = domId(item.itemId);
  const [details] = useLoad(
    (signal) =>
      Promise.all([
        api.get<{ evidence: Evidence[] }>(`/items/${seg(item.itemId)}/evidence`, undefined, signal),
        api.get<History>(`/items/${seg(item.itemId)}/history`, undefined, signal),
      ]),
    [item.itemId, item.version],
  );
  const marker = details.state === 'ready' ? rectifier(details.value[1]) : undefined;
  // The rule is the server's; the page only says beforehand when it will refuse.
  const mine = item.rectifiedBy !== undefined && item.rectifiedBy === me.subject;
  const noEvidence = item.evidenceCount < 1 && item.importNote === undefined;
  const close = useDraft<{ meaning: string }>(`queue.close.${item.itemId}`, { meaning: DEFAULT_MEANING });
  const closing = useSubmit();
  const meaningId = `close-meaning-${slug}`;
  const ruleId = `close-rule-${slug}`;
  const closeErrorId = `close-error-${slug}`;
  const meaningError = closing.fields.meaning;

  async function closeOut() {
    const meaning = close.value.meaning.trim();
    const body: TransitionRequest = {
      to: 'closed',
      expectedVersion: item.version,
      ...(meaning ? { meaning } : {}),
    };
    await changeItem(
      () =>
        api.request<ItemChange>('POST', `/items/${seg(item.itemId)}/transitions`, {
          body,
          idempotencyKey: close.idempotencyKey,
        }),
      item,
      t,
      onChanged,
    );
    close.clear();
    onChanged(t(`已销号：${item.ref} ${item.title}`, `Closed out: ${item.ref} ${item.title}`));
  }

  const headingId = `card-${slug}`;
  return (
    <article class="card admin-card" aria-labelledby={headingId}>
      <CardHead item={item} headingId={headingId} />
      <p>
        {t('标记已整改：', 'Marked rectified by ')}
        {item.rectifiedBy ? (
          <>
            <strong>{marker?.name ?? item.rectifiedBy}</strong>
            {mine && t('（您本人）', ' (you)')}
            {item.rectifiedAt && <> · {formatInstant(item.rectifiedAt, inspection.timezone, lang)}</>}
          </>
        ) : (
          <span class="muted">
            {t(
              '导入台账时已是“已整改”（无本系统的标记记录）',
              'rectified in the plan as imported (no mark in Rectify)',
            )}
          </span>
        )}
      </p>
      {item.progress && <p class="admin-progress">{item.progress}</p>}
      <h4>{t(`佐证材料（${item.evidenceCount}）`, `Evidence (${item.evidenceCount})`)}</h4>
      <Async loaded={details}>
        {([{ evidence }]) => <EvidenceList evidence={evidence} inspection={inspection} />}
      </Async>

      <form class="admin-form" onSubmit={closing.form(closeOut)}>
        <InputField
          id={meaningId}
          label={t('销号意见', 'Close-out statement')}
          error={meaningError}
          type="text"
          maxLength={500}
          value={close.value.meaning}
          onValue={(meaning) => close.set({ meaning })}
        />
        <SubmitRow
          busy={closing.busy}
          label={t('销号', 'Close out')}
          describedBy={
            [mine || noEvidence ? ruleId : '', closing.error ? closeErrorId : ''].filter(Boolean).join(' ') ||
            undefined
          }
        />
        {(mine || noEvidence) && (
          <div id={ruleId} class="notice admin-rule">
            {mine && (
              <p>
                {t(
                  '销号须由标记“已整改”者以外的管理员进行。本事项由您标记为“已整改”，请另一位管理员销号；您点击“销号”将被拒绝。',
                  'A close-out must come from someone other than who marked the item rectified. You marked this item rectified, so another admin must close it out; your close-out will be refused.',
                )}
              </p>
            )}
            {noEvidence && (
              <p>
                {t(
                  '销号前须至少有一份已校验存储的佐证材料；本事项目前没有。',
                  'A close-out needs at least one stored evidence file; this item has none.',
                )}
              </p>
            )}
          </div>
        )}
        {closing.error !== undefined && !meaningError && (
          <p id={closeErrorId} class="notice error" role="alert">
            {errorText(closing.error, t)}
          </p>
        )}
      </form>
      <ReopenForm item={item} onChanged={onChanged} />
    </article>
  );
}

function ClosedCard({
  item,
  inspection,
  today,
  onChanged,
}: {
  item: Item;
  inspection: Inspection;
  today: string;
  onChanged: (message: string) => void;
}) {
  const t = useT();
  const lang = useLang();
  const { api } = useSession();
  const slug = domId(item.itemId);
  const lookBack = useDraft<{ note: string }>(`queue.lookback.${item.itemId}`, { note: '' });
  const confirming = useSubmit();
  const noteError = confirming.fields.note;
  const due = item.lookBackDue !== undefined && item.lookBackDue <= today;

  async function confirm() {
    const note = lookBack.value.note.trim();
    const body: LookBackRequest = note ? { note } : {};
    await api.request<ItemChange>('POST', `/items/${seg(item.itemId)}/look-back`, {
      body,
      idempotencyKey: lookBack.idempotencyKey,
    });
    lookBack.clear();
    onChanged(t(`已确认回头看：${item.ref} ${item.title}`, `Look-back confirmed: ${item.ref} ${item.title}`));
  }

  const headingId = `card-${slug}`;
  return (
    <article class="card admin-card" aria-labelledby={headingId}>
      <CardHead item={item} headingId={headingId} />
      {item.signOff && (
        <p>
          {t('销号：', 'Closed out by ')}
          <strong>{item.signOff.by.name}</strong> ·{' '}
          {formatInstant(item.signOff.at, inspection.timezone, lang)} · {item.signOff.meaning}
        </p>
      )}
      <p>
        {t('回头看：', 'Look-back: ')}
        {item.lookBackDue ? (
          <>
            {formatDate(item.lookBackDue, lang)}{' '}
            {due ? (
              <strong class="soon">{t('（已到期）', '(due)')}</strong>
            ) : (
              <span class="muted">{t('（未到期）', '(not yet due)')}</span>
            )}
          </>
        ) : (
          <span class="muted">{t('无', 'none')}</span>
        )}
      </p>
      {/* Confirmable once due (the server refuses earlier): no button that can only be refused. */}
      {due && (
        <form class="admin-form" onSubmit={confirming.form(confirm)}>
          <TextareaField
            id={`lookback-note-${slug}`}
            label={t('回头看情况（可选）', 'Look-back note (optional)')}
            error={noteError}
            rows={2}
            value={lookBack.value.note}
            onValue={(note) => lookBack.set({ note })}
          />
          <SubmitRow busy={confirming.busy} label={t('回头看确认', 'Confirm look-back')} plain />
          {confirming.error !== undefined && !noteError && <ErrorNotice error={confirming.error} />}
        </form>
      )}
      <ReopenForm item={item} onChanged={onChanged} />
    </article>
  );
}

/** 重新打开 with its required reason (rectified or closed → in_progress). */
function ReopenForm({ item, onChanged }: { item: Item; onChanged: (message: string) => void }) {
  const t = useT();
  const { api } = useSession();
  const slug = domId(item.itemId);
  const draft = useDraft<{ reason: string }>(`queue.reopen.${item.itemId}`, { reason: '' });
  const reopening = useSubmit();
  const [missing, setMissing] = useState(false);
  const reasonId = `reopen-reason-${slug}`;
  const { error } = reopening;
  const serverReason =
    error instanceof ApiError
      ? (reopening.fields.reason ?? (error.rule === 'reason-required' ? error.message : undefined))
      : undefined;
  const reasonError =
    serverReason ?? (missing ? t('重新打开须说明原因', 'Reopening needs a reason') : undefined);

  function reopen(event: Event) {
    event.preventDefault();
    const reason = draft.value.reason.trim();
    if (!reason) {
      reopening.reset();
      setMissing(true);
      document.getElementById(reasonId)?.focus();
      return;
    }
    setMissing(false);
    const body: TransitionRequest = { to: 'in_progress', expectedVersion: item.version, reason };
    void reopening.run(async () => {
      await changeItem(
        () =>
          api.request<ItemChange>('POST', `/items/${seg(item.itemId)}/transitions`, {
            body,
            idempotencyKey: draft.idempotencyKey,
          }),
        item,
        t,
        onChanged,
      );
      draft.clear();
      onChanged(t(`已重新打开：${item.ref} ${item.title}`, `Reopened: ${item.ref} ${item.title}`));
    });
  }

  return (
    <div class="admin-reopen">
      <form class="admin-form" onSubmit={reopen} noValidate>
        <TextareaField
          id={reasonId}
          label={t('重新打开原因', 'Reason for reopening')}
          error={reasonError}
          rows={3}
          required
          aria-invalid={reasonError ? true : undefined}
          value={draft.value.reason}
          onValue={(reason) => draft.set({ reason })}
        />
        <SubmitRow busy={reopening.busy} label={t('重新打开', 'Reopen')} danger />
        {error !== undefined && !serverReason && <ErrorNotice error={error} />}
      </form>
    </div>
  );
}

function EvidenceList({ evidence, inspection }: { evidence: readonly Evidence[]; inspection: Inspection }) {
  const t = useT();
  const lang = useLang();
  const { api } = useSession();
  const downloading = useSubmit();
  if (evidence.length === 0) return <p class="muted">{t('没有佐证材料。', 'No evidence.')}</p>;
  // Asked for at the click: the link is valid for 5 minutes only.
  const download = async (evidenceId: string) =>
    openLink((await api.get<DownloadLink>(`/evidence/${seg(evidenceId)}/download`)).url);
  const stateText: Record<Evidence['state'], [string, string]> = {
    pending: ['校验中', 'verifying'],
    stored: ['已校验', 'stored'],
    rejected: ['已拒收', 'rejected'],
    withdrawn: ['已撤回', 'withdrawn'],
  };
  return (
    <>
      <ul class="admin-evidence">
        {evidence.map((file) => (
          <li key={file.evidenceId}>
            <span class="admin-file">{file.fileName}</span>{' '}
            <span class="muted">
              {formatBytes(file.size)} · {t(...stateText[file.state])} · {file.requestedBy.name} ·{' '}
              {formatInstant(file.storedAt ?? file.requestedAt, inspection.timezone, lang)}
            </span>
            {file.state === 'stored' && (
              <button
                type="button"
                class="link"
                onClick={() => void downloading.run(() => download(file.evidenceId))}
              >
                {t('下载', 'Download')}
                <span class="sr-only"> {file.fileName}</span>
              </button>
            )}
          </li>
        ))}
      </ul>
      {downloading.error !== undefined && <ErrorNotice error={downloading.error} />}
    </>
  );
}

/** Who marked the item rectified last, by name, from its history (the item keeps the subject). */
function rectifier(history: History): { name: string; subject: string } | undefined {
  for (let index = history.events.length - 1; index >= 0; index -= 1) {
    const event = history.events[index];
    if (event?.type === 'StatusChanged' && event.data.rule === 'rectify') return event.actor;
  }
  return undefined;
}

/** An id-safe form of an item id (they hold dots and any character a plan gives). */
function domId(value: string): string {
  let hash = 0;
  for (const char of value) hash = (Math.imul(hash, 31) + (char.codePointAt(0) ?? 0)) | 0;
  return `${value.replace(/[^A-Za-z0-9_-]/g, '_')}-${(hash >>> 0).toString(36)}`;
}
