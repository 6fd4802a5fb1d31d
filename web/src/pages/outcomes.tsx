import { useState } from 'preact/hooks';
import { ApiError, NetworkError, seg } from '../api/client.ts';
import type { Inspection, Outcome, OutcomeList, OutcomeRequest } from '../api/types.ts';
import { DeskNav, inspectionOf, RoleGate, TableScroll, useInspection } from '../components/admin-common.tsx';
import { Async, describedBy, ErrorNotice, Field } from '../components/ui.tsx';
import { useDraft } from '../lib/drafts.ts';
import { formatDate, formatInstant, todayIn } from '../lib/format.ts';
import { useLang, useT } from '../lib/i18n.tsx';
import type { Route } from '../lib/router.ts';
import { hasRole, useSession } from '../lib/session.ts';
import { useLoad } from '../lib/use-load.ts';

/** The outcome kinds and their names, as shared/domain/plan/labels.ts (OUTCOME_LABELS) gives them. */
const KINDS: [Outcome['kind'], string, string][] = [
  ['regulation', '建立健全制度', 'Regulations issued'],
  ['dismissal', '免职', 'Dismissals'],
  ['criticism', '批评教育', 'Criticism'],
  ['punishment', '惩处', 'Punishments'],
  ['refund', '退缴', 'Refunds'],
];
const kindName = (kind: Outcome['kind'], lang: string) => {
  const found = KINDS.find(([key]) => key === kind);
  return found ? (lang === 'en' ? found[2] : found[1]) : kind;
};
const yuan = (amount: number, lang: string) =>
  new Intl.NumberFormat(lang, { style: 'currency', currency: 'CNY' }).format(amount);

/** 整改成效: what the plan and admins recorded, summed by kind; admins record more. */
export default function Page({ route }: { route: Route }) {
  return (
    <RoleGate roles={['admin', 'leader', 'auditor']}>
      <Outcomes inspectionId={inspectionOf(route)} />
    </RoleGate>
  );
}

function Outcomes({ inspectionId }: { inspectionId: string }) {
  const t = useT();
  const { api, me } = useSession();
  const inspection = useInspection(inspectionId);
  const [list, reload] = useLoad(
    (signal) => api.get<OutcomeList>(`/inspections/${seg(inspectionId)}/outcomes`, undefined, signal),
    [inspectionId],
  );
  return (
    <section class="admin-outcomes">
      <DeskNav inspectionId={inspectionId} current="outcomes" />
      <h1>
        {t('整改成效', 'Outcomes')}
        {inspection.state === 'ready' && <span class="muted"> · {inspection.value.title}</span>}
      </h1>
      <Async loaded={inspection}>
        {(found) => (
          <>
            <Async loaded={list}>{(outcomes) => <OutcomeTables list={outcomes} inspection={found} />}</Async>
            {hasRole(me, 'admin') && <RecordForm inspection={found} onRecorded={reload} />}
          </>
        )}
      </Async>
    </section>
  );
}

function OutcomeTables({ list, inspection }: { list: OutcomeList; inspection: Inspection }) {
  const t = useT();
  const lang = useLang();
  return (
    <>
      <h2>{t('按类型合计', 'Totals by kind')}</h2>
      {list.tally.length === 0 ? (
        <p class="muted">{t('还没有整改成效记录。', 'No outcome recorded yet.')}</p>
      ) : (
        <TableScroll label={t('按类型合计', 'Totals by kind')}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('类型', 'Kind')}</th>
                <th scope="col">{t('数量', 'Count')}</th>
                <th scope="col">{t('金额', 'Amount')}</th>
                <th scope="col">{t('说明', 'Notes')}</th>
              </tr>
            </thead>
            <tbody>
              {list.tally.map((row) => (
                <tr key={row.kind}>
                  <th scope="row">{kindName(row.kind, lang)}</th>
                  <td>{row.count}</td>
                  <td>{row.kind === 'refund' || row.amountCny > 0 ? yuan(row.amountCny, lang) : '—'}</td>
                  <td>{row.notes.join('；')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      {list.outcomes.length > 0 && (
        <>
          <h2>{t('明细', 'Each outcome')}</h2>
          <TableScroll label={t('明细', 'Each outcome')}>
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('日期', 'Date')}</th>
                  <th scope="col">{t('类型', 'Kind')}</th>
                  <th scope="col">{t('数量', 'Count')}</th>
                  <th scope="col">{t('金额', 'Amount')}</th>
                  <th scope="col">{t('事项', 'Item')}</th>
                  <th scope="col">{t('说明', 'Note')}</th>
                  <th scope="col">{t('来源', 'Source')}</th>
                </tr>
              </thead>
              <tbody>
                {list.outcomes.map((outcome) => (
                  <tr key={outcome.outcomeId}>
                    <td>{outcome.date ? formatDate(outcome.date, lang) : '—'}</td>
                    <td>{kindName(outcome.kind, lang)}</td>
                    <td>{outcome.count}</td>
                    <td>{outcome.amountCny !== undefined ? yuan(outcome.amountCny, lang) : '—'}</td>
                    <td>{outcome.itemRef ?? '—'}</td>
                    <td>{outcome.note ?? ''}</td>
                    <td>
                      {outcome.source === 'plan'
                        ? t('台账', 'Plan')
                        : t(
                            `${outcome.recordedBy.name} 登记于 ${formatInstant(outcome.recordedAt, inspection.timezone, lang)}`,
                            `Recorded by ${outcome.recordedBy.name}, ${formatInstant(outcome.recordedAt, inspection.timezone, lang)}`,
                          )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        </>
      )}
    </>
  );
}

interface OutcomeDraft {
  kind: Outcome['kind'];
  count: string;
  amountCny: string;
  date: string;
  itemRef: string;
  note: string;
}

function RecordForm({ inspection, onRecorded }: { inspection: Inspection; onRecorded: () => void }) {
  const t = useT();
  const lang = useLang();
  const { api } = useSession();
  const today = todayIn(inspection.timezone);
  const draft = useDraft<OutcomeDraft>(`outcome.${inspection.inspectionId}`, {
    kind: 'regulation',
    count: '1',
    amountCny: '',
    date: today,
    itemRef: '',
    note: '',
  });
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<unknown>();
  const [recorded, setRecorded] = useState<Outcome>();
  const value = draft.value;
  const set = (patch: Partial<OutcomeDraft>) => draft.set({ ...value, ...patch });
  const fields = error instanceof ApiError ? error.fieldErrors(lang) : {};
  const general = error !== undefined && Object.keys(fields).length === 0;
  const refund = value.kind === 'refund';

  async function submit(event: Event) {
    event.preventDefault();
    setSending(true);
    setError(undefined);
    setRecorded(undefined);
    const body: OutcomeRequest = {
      kind: value.kind,
      count: Number(value.count),
      date: value.date,
      ...(refund && value.amountCny.trim() ? { amountCny: Number(value.amountCny) } : {}),
      ...(value.itemRef.trim() ? { itemRef: value.itemRef.trim() } : {}),
      ...(value.note.trim() ? { note: value.note.trim() } : {}),
    };
    try {
      const outcome = await api.request<Outcome>(
        'POST',
        `/inspections/${seg(inspection.inspectionId)}/outcomes`,
        {
          body,
          idempotencyKey: draft.idempotencyKey,
        },
      );
      draft.clear();
      setRecorded(outcome);
      onRecorded();
    } catch (caught) {
      setError(caught);
    } finally {
      setSending(false);
    }
  }

  const field = (name: keyof OutcomeDraft) => fields[name];
  return (
    <form class="card admin-form" onSubmit={submit} aria-labelledby="outcome-form-title">
      <h2 id="outcome-form-title">{t('登记整改成效', 'Record an outcome')}</h2>
      <div class="admin-grid">
        <Field id="outcome-kind" label={t('类型', 'Kind')} error={field('kind')}>
          <select
            id="outcome-kind"
            value={value.kind}
            aria-describedby={describedBy('outcome-kind', field('kind'))}
            onChange={(e) => set({ kind: (e.target as HTMLSelectElement).value as Outcome['kind'] })}
          >
            {KINDS.map(([kind, zh, en]) => (
              <option key={kind} value={kind}>
                {t(zh, en)}
              </option>
            ))}
          </select>
        </Field>
        <Field
          id="outcome-count"
          label={t('数量', 'Count')}
          hint={t('制度项数、人数或退缴笔数', 'Regulations, people or refunds')}
          error={field('count')}
        >
          <input
            id="outcome-count"
            type="number"
            inputMode="numeric"
            min={0}
            step={1}
            required
            value={value.count}
            aria-describedby={describedBy('outcome-count', field('count'), 'hint')}
            onInput={(e) => set({ count: (e.target as HTMLInputElement).value })}
          />
        </Field>
        {refund && (
          <Field
            id="outcome-amount"
            label={t('退缴金额（元）', 'Amount recovered (CNY)')}
            hint={t('退缴须填写金额，精确到分', 'Required for refunds, to the fen')}
            error={field('amountCny')}
          >
            <input
              id="outcome-amount"
              type="number"
              inputMode="decimal"
              min={0}
              step={0.01}
              required
              value={value.amountCny}
              aria-describedby={describedBy('outcome-amount', field('amountCny'), 'hint')}
              onInput={(e) => set({ amountCny: (e.target as HTMLInputElement).value })}
            />
          </Field>
        )}
        <Field
          id="outcome-date"
          label={t('生效日期', 'Date')}
          hint={t('不晚于今天', 'Not after today')}
          error={field('date')}
        >
          <input
            id="outcome-date"
            type="date"
            max={today}
            required
            value={value.date}
            aria-describedby={describedBy('outcome-date', field('date'), 'hint')}
            onInput={(e) => set({ date: (e.target as HTMLInputElement).value })}
          />
        </Field>
        <Field
          id="outcome-ref"
          label={t('对应事项编号（可选）', 'Item ref (optional)')}
          hint={t('如 1.2.3', 'e.g. 1.2.3')}
          error={field('itemRef')}
        >
          <input
            id="outcome-ref"
            type="text"
            inputMode="decimal"
            pattern="\d{1,4}\.\d{1,4}\.\d{1,4}"
            value={value.itemRef}
            aria-describedby={describedBy('outcome-ref', field('itemRef'), 'hint')}
            onInput={(e) => set({ itemRef: (e.target as HTMLInputElement).value })}
          />
        </Field>
      </div>
      <Field
        id="outcome-note"
        label={t('说明（可选）', 'Note (optional)')}
        hint={t(
          '简短说明对象或内容，如“校级领导干部”，会写入报告',
          'Who or what, briefly (used in the report)',
        )}
        error={field('note')}
      >
        <textarea
          id="outcome-note"
          rows={2}
          maxLength={500}
          value={value.note}
          aria-describedby={describedBy('outcome-note', field('note'), 'hint')}
          onInput={(e) => set({ note: (e.target as HTMLTextAreaElement).value })}
        />
      </Field>
      <div class="actions">
        <button type="submit" class="primary" disabled={sending}>
          {sending ? t('正在提交…', 'Submitting…') : t('提交', 'Submit')}
        </button>
      </div>
      {general && <ErrorNotice error={error} />}
      {error instanceof NetworkError && (
        <p class="muted">
          {t(
            '再次点击“提交”即可重试，不会重复登记。',
            'Press Submit again to retry; it will not be recorded twice.',
          )}
        </p>
      )}
      <div role="status">
        {recorded && (
          <p class="notice ok">
            {t(
              `已登记：${kindName(recorded.kind, lang)} ${recorded.count}`,
              `Recorded: ${kindName(recorded.kind, lang)} ${recorded.count}`,
            )}
          </p>
        )}
      </div>
    </form>
  );
}
