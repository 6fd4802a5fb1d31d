import { NetworkError, seg } from '../api/client.ts';
import type { Inspection, Outcome, OutcomeList, OutcomeRequest } from '../api/types.ts';
import { deskPage, FormCard, InspectionDesk, TableHead, TableScroll } from '../components/admin-common.tsx';
import { Async, ErrorNotice, InputField, SelectField, SubmitRow, TextareaField } from '../components/ui.tsx';
import { useDraft } from '../lib/drafts.ts';
import { formatDate, formatInstant, todayIn } from '../lib/format.ts';
import { useLang, useT } from '../lib/i18n.tsx';
import { hasRole, useSession } from '../lib/session.ts';
import { useLoad } from '../lib/use-load.ts';
import { useSubmit } from '../lib/use-submit.ts';

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

function Outcomes({ inspectionId }: { inspectionId: string }) {
  const t = useT();
  const { api, me } = useSession();
  const [list, reload] = useLoad(
    (signal) => api.get<OutcomeList>(`/inspections/${seg(inspectionId)}/outcomes`, undefined, signal),
    [inspectionId],
  );
  return (
    <InspectionDesk inspectionId={inspectionId} current="outcomes" title={t('整改成效', 'Outcomes')}>
      {(found) => (
        <>
          <Async loaded={list}>{(outcomes) => <OutcomeTables list={outcomes} inspection={found} />}</Async>
          {hasRole(me, 'admin') && <RecordForm inspection={found} onRecorded={reload} />}
        </>
      )}
    </InspectionDesk>
  );
}

/** 整改成效: what the plan and admins recorded, summed by kind; admins record more. */
export default deskPage(['admin', 'leader', 'auditor'], Outcomes);

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
            <TableHead
              columns={[t('类型', 'Kind'), t('数量', 'Count'), t('金额', 'Amount'), t('说明', 'Notes')]}
            />
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
              <TableHead
                columns={[
                  t('日期', 'Date'),
                  t('类型', 'Kind'),
                  t('数量', 'Count'),
                  t('金额', 'Amount'),
                  t('事项', 'Item'),
                  t('说明', 'Note'),
                  t('来源', 'Source'),
                ]}
              />
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
  const recording = useSubmit<Outcome>();
  const value = draft.value;
  const refund = value.kind === 'refund';
  /** The props every field of the form shares: its id, its value and its server error. */
  const bound = (name: keyof OutcomeDraft, id: string = name) => ({
    id: `outcome-${id}`,
    value: value[name],
    error: recording.fields[name],
    onValue: (typed: string) => draft.set({ ...value, [name]: typed }),
  });

  async function record() {
    const body: OutcomeRequest = {
      kind: value.kind,
      count: Number(value.count),
      date: value.date,
      ...(refund && value.amountCny.trim() ? { amountCny: Number(value.amountCny) } : {}),
      ...(value.itemRef.trim() ? { itemRef: value.itemRef.trim() } : {}),
      ...(value.note.trim() ? { note: value.note.trim() } : {}),
    };
    const outcome = await api.request<Outcome>(
      'POST',
      `/inspections/${seg(inspection.inspectionId)}/outcomes`,
      {
        body,
        idempotencyKey: draft.idempotencyKey,
      },
    );
    draft.clear();
    onRecorded();
    return outcome;
  }

  const recorded = recording.result;
  return (
    <FormCard
      id="outcome-form-title"
      title={t('登记整改成效', 'Record an outcome')}
      onSubmit={recording.form(record)}
    >
      <div class="admin-grid">
        <SelectField {...bound('kind')} label={t('类型', 'Kind')}>
          {KINDS.map(([kind, zh, en]) => (
            <option key={kind} value={kind}>
              {t(zh, en)}
            </option>
          ))}
        </SelectField>
        <InputField
          {...bound('count')}
          label={t('数量', 'Count')}
          hint={t('制度项数、人数或退缴笔数', 'Regulations, people or refunds')}
          {...NUMBER}
          inputMode="numeric"
          step={1}
        />
        {refund && (
          <InputField
            {...bound('amountCny', 'amount')}
            label={t('退缴金额（元）', 'Amount recovered (CNY)')}
            hint={t('退缴须填写金额，精确到分', 'Required for refunds, to the fen')}
            {...NUMBER}
            inputMode="decimal"
            step={0.01}
          />
        )}
        <InputField
          {...bound('date')}
          label={t('生效日期', 'Date')}
          hint={t('不晚于今天', 'Not after today')}
          type="date"
          max={today}
          required
        />
        <InputField
          {...bound('itemRef', 'ref')}
          label={t('对应事项编号（可选）', 'Item ref (optional)')}
          hint={t('如 1.2.3', 'e.g. 1.2.3')}
          type="text"
          inputMode="decimal"
          pattern="\d{1,4}\.\d{1,4}\.\d{1,4}"
        />
      </div>
      <TextareaField
        {...bound('note')}
        label={t('说明（可选）', 'Note (optional)')}
        hint={t(
          '简短说明对象或内容，如“校级领导干部”，会写入报告',
          'Who or what, briefly (used in the report)',
        )}
        rows={2}
        maxLength={500}
      />
      <SubmitRow
        busy={recording.busy}
        label={t('提交', 'Submit')}
        busyLabel={t('正在提交…', 'Submitting…')}
      />
      {recording.general && <ErrorNotice error={recording.error} />}
      {recording.error instanceof NetworkError && (
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
    </FormCard>
  );
}

/** A count or an amount: a number, not below zero, required. */
const NUMBER = { type: 'number', min: 0, required: true } as const;
