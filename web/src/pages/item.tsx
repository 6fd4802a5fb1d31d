import { useRef, useState } from 'preact/hooks';
import { ApiError, NetworkError, seg } from '../api/client.ts';
import type {
  ChainEvent,
  Evidence,
  History,
  Inspection,
  Item,
  ItemChange,
  Me,
  ProgressRequest,
  TransitionRequest,
} from '../api/types.ts';
import { EvidenceList } from '../components/evidence-list.tsx';
import { EvidenceUploader } from '../components/evidence-upload.tsx';
import { HistoryTimeline } from '../components/history-timeline.tsx';
import {
  Async,
  describedBy,
  ErrorNotice,
  errorText,
  Field,
  InputField,
  Light,
  StatusBadge,
  SubmitRow,
} from '../components/ui.tsx';
import { useActionKey, useDraft } from '../lib/drafts.ts';
import { daysBetween, formatDate, formatInstant, todayIn } from '../lib/format.ts';
import { type Translate, useLang, useT } from '../lib/i18n.tsx';
import { useSession } from '../lib/session.ts';
import { useLoad } from '../lib/use-load.ts';
import { useSubmit } from '../lib/use-submit.ts';

/** Where a zone is not known (an inspection the list did not return): the plans' usual zone. */
const FALLBACK_ZONE = 'Asia/Shanghai';

/**
 * Whether the caller may change this item: the server's rule (shared/domain/access.ts) mirrored,
 * so forms the server would refuse are not offered. The server still decides.
 */
function canWrite(me: Me, item: Item): boolean {
  const leaderKey = item.responsibleLeaderId || item.responsibleLeader;
  return me.roles.some(
    (role) =>
      role === 'admin' ||
      (role === 'department' && me.department === item.responsibleDept) ||
      (role === 'leader' && me.leaderId !== undefined && me.leaderId === leaderKey),
  );
}

/** 事项: `#/items/<id>`. Keyed by id, so drafts and uploads never follow the user to another item. */
export function ItemPage({ itemId }: { itemId: string }) {
  return <ItemView key={itemId} itemId={itemId} />;
}

function ItemView({ itemId }: { itemId: string }) {
  const { api } = useSession();
  const t = useT();
  const [refresh, setRefresh] = useState(0);
  const changed = () => setRefresh((n) => n + 1);
  const [loaded, reload] = useLoad(
    async (signal) => {
      const [item, { inspections }] = await Promise.all([
        api.get<Item>(`/items/${seg(itemId)}`, undefined, signal),
        api.get<{ inspections: Inspection[] }>('/inspections', undefined, signal),
      ]);
      return { item, inspection: inspections.find((one) => one.inspectionId === item.inspectionId) };
    },
    [itemId, refresh],
  );

  if (loaded.state === 'error') {
    const notFound = loaded.error instanceof ApiError && loaded.error.status === 404;
    return (
      <section>
        <h1>{notFound ? t('未找到', 'Not found') : t('事项', 'Item')}</h1>
        <ErrorNotice error={loaded.error} />
        <p class="actions">
          {!notFound && (
            <button type="button" onClick={reload}>
              {t('重新加载', 'Reload')}
            </button>
          )}
          <a href="#/">{t('返回我的事项', 'Back to my items')}</a>
        </p>
      </section>
    );
  }
  return (
    <Async loaded={loaded}>
      {({ item, inspection }) => (
        <ItemBody item={item} inspection={inspection} refresh={refresh} onChanged={changed} />
      )}
    </Async>
  );
}

function ItemBody({
  item,
  inspection,
  refresh,
  onChanged,
}: {
  item: Item;
  inspection: Inspection | undefined;
  refresh: number;
  onChanged: () => void;
}) {
  const { me } = useSession();
  const t = useT();
  const timezone = inspection?.timezone ?? FALLBACK_ZONE;
  const writer = canWrite(me, item) && !item.withdrawn;
  const finished = item.status === 'closed' && !item.longTerm;

  return (
    <article class="item-page">
      <p class="back">
        <a href="#/">← {t('我的事项', 'My items')}</a>
      </p>
      <h1>
        <span class="ref">{item.ref}</span> {item.title}
      </h1>
      {inspection && <p class="muted">{inspection.title}</p>}
      {item.withdrawn && <WithdrawnNotice item={item} timezone={timezone} />}
      <Facts item={item} timezone={timezone} />
      {item.description && <p class="description">{item.description}</p>}
      {item.progress && (
        <section aria-labelledby="current-progress">
          <h2 id="current-progress">{t('当前进展', 'Current progress')}</h2>
          <p class="progress-text">{item.progress}</p>
        </section>
      )}
      <Measures item={item} />
      <Milestones item={item} />
      {item.signOff && <SignOffNotice item={item} timezone={timezone} />}
      {writer && <ItemActions item={item} onChanged={onChanged} />}
      {writer &&
        (finished ? (
          <p class="notice">
            {t(
              '本事项已销号，不能再报送进展；如需继续整改，请管理员先重新打开。',
              'This item is closed; progress can no longer be reported. An admin must reopen it first.',
            )}
          </p>
        ) : (
          <ProgressForm item={item} timezone={timezone} onChanged={onChanged} />
        ))}
      <section aria-labelledby="evidence-heading">
        <h2 id="evidence-heading">
          {t('佐证材料', 'Evidence')} <span class="muted">({item.evidenceCount})</span>
        </h2>
        {writer && <EvidenceUploader itemId={item.itemId} onSettled={onChanged} />}
        <EvidenceSection
          itemId={item.itemId}
          refresh={refresh}
          timezone={timezone}
          // The server refuses withdrawals once the item is rectified: the sign-off counted them.
          onWithdrawn={
            writer && (item.status === 'not_started' || item.status === 'in_progress') ? onChanged : undefined
          }
        />
      </section>
      <section aria-labelledby="history-heading">
        <h2 id="history-heading">{t('整改历史', 'History')}</h2>
        <HistorySection item={item} refresh={refresh} timezone={timezone} />
      </section>
    </article>
  );
}

function Facts({ item, timezone }: { item: Item; timezone: string }) {
  const t = useT();
  const lang = useLang();
  const days = daysBetween(todayIn(timezone), item.deadline);
  const open = item.status === 'not_started' || item.status === 'in_progress';
  return (
    <dl class="facts">
      <div>
        <dt>{t('灯色', 'Light')}</dt>
        <dd>
          <Light light={item.light} />
        </dd>
      </div>
      <div>
        <dt>{t('状态', 'Status')}</dt>
        <dd>
          <StatusBadge item={item} />
          {item.importNoteLabel && <span class="tag">{item.importNoteLabel}</span>}
        </dd>
      </div>
      <div>
        <dt>{t('整改时限', 'Deadline')}</dt>
        <dd>
          {formatDate(item.deadline, lang)}
          {open && (
            <span class={days < 0 ? 'overdue' : days <= 7 ? 'soon' : 'muted'}>
              {' '}
              {days < 0 ? t(`逾期${-days}天`, `${-days} d overdue`) : t(`剩${days}天`, `${days} d left`)}
            </span>
          )}
        </dd>
      </div>
      <div>
        <dt>{t('责任科室', 'Department')}</dt>
        <dd>{item.responsibleDept}</dd>
      </div>
      <div>
        <dt>{t('责任领导', 'Leader')}</dt>
        <dd>{item.responsibleLeader}</dd>
      </div>
      {item.longTerm && (
        <div>
          <dt>{t('类型', 'Kind')}</dt>
          <dd>
            <span class="tag">{t('长期坚持', 'Long-term')}</span>
            {item.reattestationDue &&
              t(
                ` 下次确认 ${formatDate(item.reattestationDue, lang)}`,
                ` next re-attestation ${formatDate(item.reattestationDue, lang)}`,
              )}
          </dd>
        </div>
      )}
      {item.escalations > 0 && (
        <div>
          <dt>{t('督办', 'Escalations')}</dt>
          <dd>{t(`已升级督办${item.escalations}次`, `${item.escalations} time(s)`)}</dd>
        </div>
      )}
      {item.lastProgressAt && (
        <div>
          <dt>{t('最近报送', 'Last report')}</dt>
          <dd>{formatInstant(item.lastProgressAt, timezone, lang)}</dd>
        </div>
      )}
      {item.lookBackDue && (
        <div>
          <dt>{t('回头看', 'Look-back')}</dt>
          <dd>{formatDate(item.lookBackDue, lang)}</dd>
        </div>
      )}
    </dl>
  );
}

function WithdrawnNotice({ item, timezone }: { item: Item; timezone: string }) {
  const t = useT();
  const lang = useLang();
  const withdrawn = item.withdrawn;
  if (!withdrawn) return null;
  const reason = lang === 'en' && withdrawn.reasonEn ? withdrawn.reasonEn : withdrawn.reason;
  return (
    <p class="notice error">
      {t('本事项已移出整改台账（', 'This item was withdrawn from the plan (')}
      {withdrawn.by.name} · {formatInstant(withdrawn.at, timezone, lang)}
      {t('）：', '): ')}
      {reason}
      {t(
        '。仅供查阅，不再计入统计，也不能再修改。',
        '. It is kept for reading, counted nowhere and closed to changes.',
      )}
    </p>
  );
}

function Measures({ item }: { item: Item }) {
  const t = useT();
  const done = item.measures.filter((measure) => measure.done).length;
  return (
    <section aria-labelledby="measures-heading">
      <h2 id="measures-heading">
        {t('整改措施', 'Measures')}{' '}
        <span class="muted">
          {t(`（已完成${done}/${item.measures.length}）`, `(${done} of ${item.measures.length} done)`)}
        </span>
      </h2>
      {item.measures.length === 0 ? (
        <p class="muted">{t('无', 'None')}</p>
      ) : (
        <ol class="checklist">
          {item.measures.map((measure, index) => (
            <li key={index} class={measure.done ? 'done' : 'todo'}>
              <span class="check-mark" aria-hidden="true">
                {measure.done ? '☑' : '☐'}
              </span>{' '}
              {measure.text}{' '}
              <span class={measure.done ? 'measure-done' : 'muted'}>
                {measure.done ? t('（已完成）', '(done)') : t('（未完成）', '(not done)')}
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function Milestones({ item }: { item: Item }) {
  const t = useT();
  const lang = useLang();
  if (item.milestones.length === 0) return null;
  return (
    <section aria-labelledby="milestones-heading">
      <h2 id="milestones-heading">{t('时间节点', 'Milestones')}</h2>
      <ul class="milestones">
        {item.milestones.map((milestone) => (
          <li key={milestone.key}>
            {milestone.name} — {formatDate(milestone.due, lang)}
          </li>
        ))}
      </ul>
    </section>
  );
}

function SignOffNotice({ item, timezone }: { item: Item; timezone: string }) {
  const t = useT();
  const lang = useLang();
  const signOff = item.signOff;
  if (!signOff) return null;
  return (
    <section aria-labelledby="signoff-heading" class="card">
      <h2 id="signoff-heading">{t('销号', 'Sign-off')}</h2>
      <p>
        {signOff.meaning} — {signOff.by.name} · {formatInstant(signOff.at, timezone, lang)}
      </p>
      <p class="hash">
        {t('状态哈希', 'State hash')} {signOff.stateHash}
      </p>
    </section>
  );
}

/** Why a status change was refused, in the user's words: the server's message, plus what to do. */
function transitionError(error: unknown, t: Translate): string {
  if (error instanceof NetworkError)
    return t(
      '未发送：网络连接失败。请检查网络后再按一次（不会重复提交）。',
      'Not sent: network error. Check the connection and press again (it will not be applied twice).',
    );
  if (error instanceof ApiError && error.status === 409)
    return t(
      '事项已被他人更新，已重新载入最新内容，请确认后再操作。',
      'The item was changed by someone else; it has been reloaded. Check it and try again.',
    );
  if (error instanceof ApiError && error.rule === 'evidence-required')
    return `${error.message} ${t('请先在下方“上传佐证材料”，待校验入库后再申请。', 'Upload evidence below first and wait until it is stored.')}`;
  return errorText(error, t);
}

/** Status changes a writer may ask for: 开始整改 (not started) and 申请整改完成 (in progress). */
function ItemActions({ item, onChanged }: { item: Item; onChanged: () => void }) {
  const { api } = useSession();
  const t = useT();
  const [key, renewKey] = useActionKey();
  const changing = useSubmit<{ ok: boolean; text: string }>();
  const { busy, result } = changing;
  const to =
    item.status === 'not_started' ? 'in_progress' : item.status === 'in_progress' ? 'rectified' : undefined;
  if (!to && !result) return null;

  const change = (target: TransitionRequest['to']) =>
    changing.run(async () => {
      try {
        const body: TransitionRequest = { to: target, expectedVersion: item.version };
        const done = await api.request<ItemChange>('POST', `/items/${seg(item.itemId)}/transitions`, {
          body,
          idempotencyKey: key,
        });
        renewKey();
        onChanged();
        return {
          ok: true,
          text: t(`状态已变更为“${done.item.statusLabel}”。`, `Status is now "${done.item.statusLabel}".`),
        };
      } catch (error) {
        // A network failure keeps the key, so pressing again cannot apply the change twice.
        if (!(error instanceof NetworkError)) renewKey();
        if (error instanceof ApiError && error.status === 409) onChanged();
        return { ok: false, text: transitionError(error, t) };
      }
    });

  const needsEvidence = to === 'rectified' && item.evidenceCount < 1;
  return (
    <section class="item-actions" aria-label={t('状态操作', 'Status')}>
      <div class="actions">
        {to === 'in_progress' && (
          <button type="button" class="primary" disabled={busy} onClick={() => change('in_progress')}>
            {t('开始整改', 'Start rectification')}
          </button>
        )}
        {to === 'rectified' && (
          <button
            type="button"
            class="primary"
            disabled={busy}
            aria-describedby={needsEvidence ? 'rectify-hint' : undefined}
            onClick={() => change('rectified')}
          >
            {t('申请整改完成', 'Mark rectified')}
          </button>
        )}
      </div>
      {needsEvidence && (
        <p id="rectify-hint" class="muted">
          {t(
            '申请整改完成前，须至少有一份已校验入库的佐证材料。',
            'At least one stored evidence file is needed before marking the item rectified.',
          )}
        </p>
      )}
      <div aria-live="polite">
        {result && (
          <p class={`notice ${result.ok ? 'ok' : 'error'}`} role={result.ok ? 'status' : 'alert'}>
            {result.ok ? '✓ ' : '✗ '}
            {result.text}
          </p>
        )}
      </div>
    </section>
  );
}

interface ProgressDraft {
  readonly text: string;
  readonly measuresDone: readonly number[];
  readonly effectiveDate: string;
}

const EMPTY_PROGRESS: ProgressDraft = { text: '', measuresDone: [], effectiveDate: '' };

/** Field errors of a 400, by the form's own fields; what names no field goes to the form. */
function splitErrors(error: ApiError, lang: 'zh-CN' | 'en') {
  const fields: { text?: string; measures?: string; date?: string; form?: string } = {};
  const rest: string[] = [];
  for (const [path, message] of Object.entries(error.fieldErrors(lang))) {
    if (path === 'text') fields.text = message;
    else if (path.startsWith('measuresDone')) fields.measures = fields.measures ?? message;
    else if (path === 'effectiveDate') fields.date = message;
    else rest.push(message);
  }
  if (rest.length) fields.form = rest.join(' ');
  if (!fields.text && !fields.measures && !fields.date && !fields.form) fields.form = error.message;
  return fields;
}

/**
 * 工作进展: what was done, which measures are now done, as of when. The draft lives in
 * localStorage with its Idempotency-Key until the server accepts it, so a failed or offline
 * submit keeps the text and its retry is recorded once.
 */
function ProgressForm({
  item,
  timezone,
  onChanged,
}: {
  item: Item;
  timezone: string;
  onChanged: () => void;
}) {
  const { api } = useSession();
  const t = useT();
  const lang = useLang();
  const draft = useDraft<ProgressDraft>(`progress.${item.itemId}`, EMPTY_PROGRESS);
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<ReturnType<typeof splitErrors>>({});
  const [accepted, setAccepted] = useState<ChainEvent>();
  // Bumped only when the server says this key was already used with another body: the first
  // attempt may have been recorded before the user edited the text (see the history).
  const [keyTurn, setKeyTurn] = useState(0);
  const textRef = useRef<HTMLTextAreaElement>(null);
  const value = { ...EMPTY_PROGRESS, ...draft.value };
  const id = `progress-${item.itemId}`;
  const set = (patch: Partial<ProgressDraft>) => draft.set({ ...value, ...patch });

  async function submit(event: Event) {
    event.preventDefault();
    if (busy) return;
    if (!value.text.trim()) {
      setErrors({ text: t('请填写工作进展。', 'Describe the progress.') });
      textRef.current?.focus();
      return;
    }
    setBusy(true);
    setErrors({});
    setAccepted(undefined);
    const body: ProgressRequest = {
      text: value.text,
      measuresDone: [...value.measuresDone],
      ...(value.effectiveDate ? { effectiveDate: value.effectiveDate } : {}),
    };
    try {
      const change = await api.request<ItemChange>('POST', `/items/${seg(item.itemId)}/progress`, {
        body,
        idempotencyKey: keyTurn ? `${draft.idempotencyKey}.${keyTurn}` : draft.idempotencyKey,
      });
      draft.clear();
      setKeyTurn(0);
      setAccepted(change.event);
      onChanged();
    } catch (error) {
      if (error instanceof NetworkError) {
        setErrors({
          form: t(
            '未发送：网络连接失败。填写的内容已保留在本页，请检查网络后再按“提交”（不会重复记录）。',
            'Not sent: network error. What you typed is kept here; check the connection and press Submit again (it will not be recorded twice).',
          ),
        });
      } else if (error instanceof ApiError && error.status === 400) {
        const split = splitErrors(error, lang);
        setErrors(split);
        if (split.text) textRef.current?.focus();
      } else if (error instanceof ApiError && error.rule === 'idempotency-key-reused') {
        setKeyTurn((n) => n + 1);
        setErrors({
          form: t(
            '上一次提交可能已被记录，而内容随后有改动。请先查看下方整改历史；如仍需报送，再按一次“提交”。',
            'An earlier attempt may have been recorded before the text changed. Check the history below; press Submit again to report this text too.',
          ),
        });
        onChanged();
      } else {
        setErrors({ form: errorText(error, t) });
        if (error instanceof ApiError && error.status === 409) onChanged();
      }
    } finally {
      setBusy(false);
    }
  }

  const toggle = (index: number, checked: boolean) =>
    set({
      measuresDone: checked
        ? [...new Set([...value.measuresDone, index])].sort((a, b) => a - b)
        : value.measuresDone.filter((n) => n !== index),
    });
  const open = item.measures.some((measure) => !measure.done);

  return (
    <section aria-labelledby={`${id}-heading`} class="card">
      <h2 id={`${id}-heading`}>{t('报送进展', 'Report progress')}</h2>
      <form onSubmit={submit} noValidate>
        <Field id={`${id}-text`} label={t('工作进展', 'Progress')} error={errors.text}>
          <textarea
            id={`${id}-text`}
            ref={textRef}
            value={value.text}
            maxLength={10_000}
            aria-required="true"
            aria-invalid={errors.text ? 'true' : undefined}
            aria-describedby={describedBy(`${id}-text`, errors.text)}
            onInput={(event) => set({ text: event.currentTarget.value })}
          />
        </Field>
        {item.measures.length > 0 && (
          <fieldset
            class={`measures${errors.measures ? ' invalid' : ''}`}
            aria-describedby={errors.measures ? `${id}-measures-error` : undefined}
          >
            <legend>{t('本次完成的整改措施', 'Measures now done')}</legend>
            {!open && <p class="muted">{t('措施均已完成。', 'All measures are done.')}</p>}
            {item.measures.map((measure, index) => (
              <div class="field check" key={index}>
                <input
                  id={`${id}-m${index}`}
                  type="checkbox"
                  checked={measure.done || value.measuresDone.includes(index)}
                  disabled={measure.done}
                  onChange={(event) => toggle(index, event.currentTarget.checked)}
                />
                <label for={`${id}-m${index}`}>
                  {measure.text}
                  {measure.done && <span class="muted">{t('（已完成）', ' (done)')}</span>}
                </label>
              </div>
            ))}
            {errors.measures && (
              <small id={`${id}-measures-error`} class="field-error" role="alert">
                {errors.measures}
              </small>
            )}
          </fieldset>
        )}
        <InputField
          id={`${id}-date`}
          label={t('生效日期（可选）', 'Effective date (optional)')}
          error={errors.date}
          hint={t(
            '所报工作实际完成的日期，默认为今天。',
            'When the reported work took effect; today if empty.',
          )}
          type="date"
          value={value.effectiveDate}
          max={todayIn(timezone)}
          aria-invalid={errors.date ? 'true' : undefined}
          onValue={(effectiveDate) => set({ effectiveDate })}
        />
        <div aria-live="polite">
          {errors.form && (
            <p class="notice error" role="alert">
              ✗ {errors.form}
            </p>
          )}
          {accepted && (
            <div class="notice ok" role="status">
              <p>✓ {t('已提交，已记入整改历史：', 'Submitted and recorded in the history:')}</p>
              <p class="progress-text">{String(accepted.data.text ?? '')}</p>
            </div>
          )}
        </div>
        <SubmitRow busy={busy} label={t('提交', 'Submit')} busyLabel={t('提交中…', 'Submitting…')} />
      </form>
    </section>
  );
}

function EvidenceSection({
  itemId,
  refresh,
  timezone,
  onWithdrawn,
}: {
  itemId: string;
  refresh: number;
  timezone: string;
  onWithdrawn: (() => void) | undefined;
}) {
  const { api } = useSession();
  const [loaded] = useLoad(
    (signal) =>
      api.get<{ itemId: string; evidence: Evidence[] }>(`/items/${seg(itemId)}/evidence`, undefined, signal),
    [itemId, refresh],
  );
  return (
    <Async loaded={loaded}>
      {({ evidence }) => <EvidenceList evidence={evidence} timezone={timezone} onWithdrawn={onWithdrawn} />}
    </Async>
  );
}

function HistorySection({ item, refresh, timezone }: { item: Item; refresh: number; timezone: string }) {
  const { api } = useSession();
  const [loaded] = useLoad(
    (signal) => api.get<History>(`/items/${seg(item.itemId)}/history`, undefined, signal),
    [item.itemId, refresh],
  );
  return (
    <Async loaded={loaded}>
      {(history) => <HistoryTimeline events={history.events} item={item} timezone={timezone} />}
    </Async>
  );
}
