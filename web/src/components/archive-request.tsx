import { useState } from 'preact/hooks';
import { ApiError, seg } from '../api/client.ts';
import type { ArchiveRequest, Inspection } from '../api/types.ts';
import { useDraft } from '../lib/drafts.ts';
import { useLang, useT } from '../lib/i18n.tsx';
import { useSession } from '../lib/session.ts';
import { useSubmit } from '../lib/use-submit.ts';
import { errorText, InputField, SelectField } from './ui.tsx';

interface ArchiveDraft {
  aspect: string;
  department: string;
  refs: string;
  from: string;
  to: string;
}

const EMPTY: ArchiveDraft = { aspect: '', department: '', refs: '', from: '', to: '' };
const REF = /^\d{1,4}\.\d{1,4}\.\d{1,4}$/;

/** Refs as typed: separated by commas (either width), 、, semicolons or spaces. */
export const splitRefs = (text: string) => text.split(/[\s,，、;；]+/).filter(Boolean);

/** The request body: only the filters given (an empty field means "all"). */
export function archiveBody(draft: ArchiveDraft): ArchiveRequest {
  const refs = splitRefs(draft.refs);
  return {
    ...(refs.length ? { refs } : {}),
    ...(draft.aspect ? { aspect: Number(draft.aspect) } : {}),
    ...(draft.department ? { department: draft.department } : {}),
    ...(draft.from ? { from: draft.from } : {}),
    ...(draft.to ? { to: draft.to } : {}),
  };
}

/** FNV-1a, 32 bits, hex: a short, stable tag of a request body. */
function bodyTag(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/**
 * 申请证据包: the filters ArchiveRequest allows, each labelled. The fields and the Idempotency-Key
 * stay in a draft until the server accepts (202), so a retry after a failure or a reload cannot
 * order the same archive twice. The key sent is the draft's key tagged with the body: a retry of
 * the same filters reuses it, while changed filters are a new request (the server refuses a key
 * reused with another body).
 */
export function ArchiveRequestForm({
  inspection,
  departments,
  onAccepted,
}: {
  inspection: Inspection;
  departments: readonly string[];
  onAccepted: (archiveId: string) => void;
}) {
  const { api } = useSession();
  const t = useT();
  const lang = useLang();
  const draft = useDraft<ArchiveDraft>(`archive.${inspection.inspectionId}`, EMPTY);
  const sending = useSubmit();
  const [fields, setFields] = useState<Record<string, string>>({});
  const value = draft.value;
  /** The props each filter shares: its id, value and error, and how it is set. */
  const bound = (name: keyof ArchiveDraft) => ({
    id: `archive-${name}`,
    value: value[name],
    error: fields[name],
    onValue: (typed: string) => draft.set({ ...value, [name]: typed }),
  });
  /** What the text and date filters add: their errors are marked invalid as well as named. */
  const typed = (name: keyof ArchiveDraft) => ({
    ...bound(name),
    'aria-invalid': fields[name] ? ('true' as const) : undefined,
  });

  const submit = (event: Event) => {
    event.preventDefault();
    // Wrong refs and a reversed range are named here, before a round trip; the server checks too.
    const local: Record<string, string> = {};
    const badRefs = splitRefs(value.refs).filter((ref) => !REF.test(ref));
    if (badRefs.length)
      local.refs = t(
        `事项编号应为“方面.问题.事项”，如 1.1.2：${badRefs.join('、')}`,
        `Item refs are aspect.problem.item, e.g. 1.1.2: ${badRefs.join(', ')}`,
      );
    if (value.from && value.to && value.from > value.to)
      local.to = t('截止日期早于起始日期', 'The end date is before the start date');
    setFields(local);
    if (Object.keys(local).length) return;
    void sending.run(async () => {
      const body = archiveBody(value);
      try {
        const accepted = await api.request<{ archiveId: string }>(
          'POST',
          `/inspections/${seg(inspection.inspectionId)}/archives`,
          { body, idempotencyKey: `${draft.idempotencyKey}.${bodyTag(JSON.stringify(body))}` },
        );
        draft.clear();
        onAccepted(accepted.archiveId);
      } catch (failure) {
        if (failure instanceof ApiError) {
          const byField: Record<string, string> = {};
          // `refs.0` and `refs` both belong to the refs field.
          for (const [path, text] of Object.entries(failure.fieldErrors(lang)))
            byField[path.split('.')[0] as string] ??= text;
          setFields(byField);
        }
        throw failure;
      }
    });
  };

  const refsHint = t(
    '可填多个，用逗号或空格分隔，如 1.1.2, 2.1.1；留空为全部事项',
    'Several allowed, separated by commas or spaces, e.g. 1.1.2, 2.1.1; empty for all items',
  );
  const dateHint = t(
    '按佐证材料的生效日期（没有时按上传日期）筛选；留空不限',
    'By the evidence’s effective date (or upload date when it has none); empty for no limit',
  );

  return (
    <form class="archive-request" onSubmit={submit} noValidate>
      <div class="admin-grid">
        <SelectField {...bound('aspect')} label={t('方面', 'Aspect')}>
          <option value="">{t('全部方面', 'All aspects')}</option>
          {inspection.aspects.map((aspect) => (
            <option key={aspect.no} value={String(aspect.no)}>
              {aspect.no}. {aspect.title}
            </option>
          ))}
        </SelectField>
        <SelectField {...bound('department')} label={t('责任科室', 'Department')}>
          <option value="">{t('全部科室', 'All departments')}</option>
          {departments.map((department) => (
            <option key={department} value={department}>
              {department}
            </option>
          ))}
        </SelectField>
        <InputField
          {...typed('refs')}
          label={t('事项编号', 'Item refs')}
          hint={refsHint}
          type="text"
          inputMode="decimal"
          autoComplete="off"
        />
        <InputField
          {...typed('from')}
          label={t('佐证日期（起）', 'Evidence from')}
          hint={dateHint}
          type="date"
        />
        <InputField {...typed('to')} label={t('佐证日期（止）', 'Evidence to')} type="date" />
      </div>
      {sending.error !== undefined && Object.keys(fields).length === 0 && (
        <p class="notice error" role="alert">
          {errorText(sending.error, t)}
        </p>
      )}
      <p class="actions">
        <button type="submit" class="primary" disabled={sending.busy}>
          {t('申请证据包', 'Request archive')}
        </button>
        {sending.busy && <span class="muted">{t('提交中…', 'Sending…')}</span>}
      </p>
    </form>
  );
}
