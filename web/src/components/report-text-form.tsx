import { useEffect, useState } from 'preact/hooks';
import { seg } from '../api/client.ts';
import type { ReportText } from '../api/types.ts';
import { useDraft } from '../lib/drafts.ts';
import { formatInstant } from '../lib/format.ts';
import { useLang, useT } from '../lib/i18n.tsx';
import { useSession } from '../lib/session.ts';
import { useSubmit } from '../lib/use-submit.ts';
import { ErrorNotice, InputField, SubmitRow, TextareaField } from './ui.tsx';

type Texts = ReportText['texts'];
const FIELDS: readonly { key: keyof Texts; zh: string; en: string; rows: number }[] = [
  { key: 'opening', zh: '开头段落', en: 'Opening paragraph', rows: 4 },
  { key: 'organisation', zh: '一、整改工作组织情况', en: 'Part 1: how the work was organised', rows: 6 },
  { key: 'nextSteps', zh: '三、下一步工作打算', en: 'Part 3: next steps', rows: 6 },
  { key: 'issuingUnit', zh: '落款单位', en: 'Issuing unit', rows: 1 },
];

/**
 * The parts of the 整改情况报告 the office writes itself (admins). Left empty, the report writes a
 * default from the data; saved, every later report uses the text (a report as of an earlier date
 * uses what was saved by then). The whole set is saved at once, kept as a draft until it is.
 */
export function ReportTextForm({ inspectionId, timezone }: { inspectionId: string; timezone: string }) {
  const t = useT();
  const lang = useLang();
  const { api } = useSession();
  const route = `/inspections/${seg(inspectionId)}/report-text`;
  const draft = useDraft<Texts>(`report-text.${inspectionId}`, {});
  const [saved, setSaved] = useState<ReportText>();
  const [loadError, setLoadError] = useState<unknown>();
  const saving = useSubmit();
  const { fields } = saving;
  // What the form shows: the saved texts, with the edits not yet sent (the draft) over them.
  const edited = Object.keys(draft.value).length > 0;
  const shown: Texts = edited ? draft.value : (saved?.texts ?? {});

  useEffect(() => {
    api.get<ReportText>(route).then(setSaved, setLoadError);
  }, [route]);

  async function save() {
    const body = Object.fromEntries(
      Object.entries(shown).filter(([, value]) => typeof value === 'string' && value.trim()),
    );
    const result = await api.request<ReportText>('PUT', route, {
      body,
      idempotencyKey: draft.idempotencyKey,
    });
    // Accepted: the form now shows what is saved, and the next edit starts a new draft and key.
    setSaved(result);
    draft.clear();
  }

  return (
    <details class="card report-text">
      <summary>
        {t(
          '报告文字（开头、组织情况、下一步、落款）',
          'Report texts (opening, organisation, next steps, signature)',
        )}
      </summary>
      <form onSubmit={saving.form(save)} aria-label={t('报告文字', 'Report texts')}>
        <p class="muted">
          {t(
            '留空的部分由系统根据台账生成默认文字；保存后，此后生成的报告使用这些文字，每次保存记入整改历史。',
            'Empty parts get a default written from the ledger; once saved, later reports use these texts, and each save is recorded in the trail.',
          )}
        </p>
        {loadError !== undefined && <ErrorNotice error={loadError} />}
        {FIELDS.map(({ key, zh, en, rows }) => {
          const field = {
            id: `report-text-${key}`,
            label: t(zh, en),
            error: fields[key],
            value: shown[key] ?? '',
            onValue: (value: string) => draft.set({ ...shown, [key]: value }),
          };
          return rows === 1 ? (
            <InputField key={key} {...field} />
          ) : (
            <TextareaField key={key} {...field} rows={rows} />
          );
        })}
        {saving.general && <ErrorNotice error={saving.error} />}
        <SubmitRow busy={saving.busy} label={t('保存报告文字', 'Save the texts')}>
          {saved?.savedAt && (
            <span class="muted" role="status">
              {t(
                `已保存：${saved.savedBy?.name ?? ''} · ${formatInstant(saved.savedAt, timezone, lang)}`,
                `Saved by ${saved.savedBy?.name ?? ''} · ${formatInstant(saved.savedAt, timezone, lang)}`,
              )}
            </span>
          )}
        </SubmitRow>
      </form>
    </details>
  );
}
