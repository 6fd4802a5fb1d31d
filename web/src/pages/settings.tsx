import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError, seg } from '../api/client.ts';
import type {
  FollowUpRequest,
  Ledger,
  SummaryScheduleRequest,
  Webhook,
  WebhookRequest,
} from '../api/types.ts';
import { Card, Desk, deskPage, FormCard, LangField, useLedger } from '../components/admin-common.tsx';
import { Async, ErrorNotice, InputField, SelectField, SubmitRow } from '../components/ui.tsx';
import { useDraft } from '../lib/drafts.ts';
import { formatInstant } from '../lib/format.ts';
import { useLang, useT } from '../lib/i18n.tsx';
import { useSession } from '../lib/session.ts';
import { type Submission, useSubmit } from '../lib/use-submit.ts';

function Settings({ inspectionId }: { inspectionId: string }) {
  const t = useT();
  const [loaded] = useLedger(inspectionId);
  return (
    <Desk inspectionId={inspectionId} current="settings" title={t('设置', 'Settings')}>
      <p class="muted">
        {t(
          '系统不回显已保存的设置：表单显示默认值或本浏览器上次填写的内容，保存后显示服务器确认的值。',
          'Saved settings are not read back: each form shows the defaults or what was last typed on this browser, and what the server confirmed once saved.',
        )}
      </p>
      <Async loaded={loaded}>
        {(ledger) => (
          <>
            <FollowUpForm inspectionId={inspectionId} />
            <ScheduleForm inspectionId={inspectionId} timezone={ledger.inspection.timezone} />
            <Webhooks ledger={ledger} />
          </>
        )}
      </Async>
    </Desk>
  );
}

/**
 * 设置: follow-up periods, the weekly summary's slot, and each 科室's digest webhook. The API has
 * no read of these settings, so each form starts from the defaults or from what was last typed
 * on this browser (kept as a draft), and says what the server confirmed after saving.
 */
export default deskPage(['admin'], Settings);

/** Under each form: 保存 (and 删除 where given), the error that names no field, what the server confirmed. */
function Saved({
  saving,
  remove,
  children,
}: {
  saving: Submission<unknown>;
  remove?: () => void;
  children: ComponentChildren;
}) {
  const t = useT();
  return (
    <>
      <SubmitRow busy={saving.busy} label={t('保存', 'Save')}>
        {remove && (
          <button type="button" class="danger" disabled={saving.busy} onClick={remove}>
            {t('删除', 'Remove')}
          </button>
        )}
      </SubmitRow>
      {saving.general && <ErrorNotice error={saving.error} />}
      <div role="status">{children}</div>
    </>
  );
}

/** The follow-up periods, each a whole number within the bounds the API allows. */
const PERIODS: {
  key: keyof FollowUpRequest;
  id: string;
  min: number;
  max: number;
  label: [string, string];
  hint: [string, string];
}[] = [
  {
    key: 'lookBackMonths',
    id: 'followup-months',
    min: 1,
    max: 36,
    label: ['回头看间隔（月）', 'Look-back after (months)'],
    hint: [
      '销号后多少个月进行回头看，1–36，默认 6。',
      'Months from close-out to look-back, 1–36 (default 6).',
    ],
  },
  {
    key: 'reattestationDays',
    id: 'followup-days',
    min: 7,
    max: 366,
    label: ['长期坚持事项复核间隔（天）', 'Re-attest long-term items every (days)'],
    hint: ['7–366，默认 90。', '7–366 (default 90).'],
  },
];

function FollowUpForm({ inspectionId }: { inspectionId: string }) {
  const t = useT();
  const { api } = useSession();
  const draft = useDraft(`settings.followup.${inspectionId}`, {
    lookBackMonths: '6',
    reattestationDays: '90',
  });
  const saving = useSubmit<FollowUpRequest>();
  const { fields, result: saved } = saving;
  const save = () => {
    const body: FollowUpRequest = {
      lookBackMonths: Number(draft.value.lookBackMonths),
      reattestationDays: Number(draft.value.reattestationDays),
    };
    return api.request<FollowUpRequest>('PUT', `/inspections/${seg(inspectionId)}/follow-up`, { body });
  };

  return (
    <FormCard
      id="followup-title"
      title={t('回头看与复核', 'Look-back and re-attestation')}
      onSubmit={saving.form(save)}
    >
      {PERIODS.map(({ key, id, min, max, label, hint }) => (
        <InputField
          key={key}
          id={id}
          label={t(...label)}
          hint={t(...hint)}
          error={fields[key]}
          type="number"
          inputMode="numeric"
          min={min}
          max={max}
          required
          value={draft.value[key]}
          onValue={(typed) => draft.set({ ...draft.value, [key]: typed })}
        />
      ))}
      <Saved saving={saving}>
        {saved && (
          <p class="notice ok">
            {t(
              `已保存：销号后 ${saved.lookBackMonths} 个月回头看；长期坚持事项每 ${saved.reattestationDays} 天复核。`,
              `Saved: look-back ${saved.lookBackMonths} months after close-out; long-term items re-attested every ${saved.reattestationDays} days.`,
            )}
          </p>
        )}
      </Saved>
    </FormCard>
  );
}

const WEEKDAYS: [number, string, string][] = [
  [1, '星期一', 'Monday'],
  [2, '星期二', 'Tuesday'],
  [3, '星期三', 'Wednesday'],
  [4, '星期四', 'Thursday'],
  [5, '星期五', 'Friday'],
  [6, '星期六', 'Saturday'],
  [7, '星期日', 'Sunday'],
];

function ScheduleForm({ inspectionId, timezone }: { inspectionId: string; timezone: string }) {
  const t = useT();
  const { api } = useSession();
  const draft = useDraft<{ enabled: boolean; weekday: string; hour: string; lang: 'zh-CN' | 'en' }>(
    `settings.schedule.${inspectionId}`,
    { enabled: true, weekday: '1', hour: '9', lang: 'zh-CN' },
  );
  const saving = useSubmit<SummaryScheduleRequest>();
  const { fields, result: saved } = saving;
  const set = (patch: Partial<typeof draft.value>) => draft.set({ ...draft.value, ...patch });
  const save = () => {
    const body: SummaryScheduleRequest = {
      enabled: draft.value.enabled,
      weekday: Number(draft.value.weekday),
      hour: Number(draft.value.hour),
      lang: draft.value.lang,
    };
    return api.request<SummaryScheduleRequest>('PUT', `/inspections/${seg(inspectionId)}/summary-schedule`, {
      body,
    });
  };

  const weekdayName = (weekday: number) => {
    const found = WEEKDAYS.find(([number]) => number === weekday);
    return found ? t(found[1], found[2]) : String(weekday);
  };
  return (
    <FormCard id="schedule-title" title={t('每周整改报告', 'Weekly summary')} onSubmit={saving.form(save)}>
      <div class="field check">
        <input
          id="schedule-enabled"
          type="checkbox"
          checked={draft.value.enabled}
          onChange={(e) => set({ enabled: (e.target as HTMLInputElement).checked })}
        />
        <label for="schedule-enabled">{t('每周自动生成报告', 'Generate a summary every week')}</label>
      </div>
      <div class="admin-grid">
        <SelectField
          id="schedule-weekday"
          label={t('星期', 'Weekday')}
          error={fields.weekday}
          value={draft.value.weekday}
          disabled={!draft.value.enabled}
          onValue={(weekday) => set({ weekday })}
        >
          {WEEKDAYS.map(([number, zh, en]) => (
            <option key={number} value={String(number)}>
              {t(zh, en)}
            </option>
          ))}
        </SelectField>
        <SelectField
          id="schedule-hour"
          label={t('时间（整点）', 'Hour')}
          hint={t(`按巡察所在时区 ${timezone}`, `In the inspection's time zone, ${timezone}`)}
          error={fields.hour}
          value={draft.value.hour}
          disabled={!draft.value.enabled}
          onValue={(hour) => set({ hour })}
        >
          {Array.from({ length: 24 }, (_, hour) => (
            <option key={hour} value={String(hour)}>
              {`${String(hour).padStart(2, '0')}:00`}
            </option>
          ))}
        </SelectField>
        <LangField
          id="schedule-lang"
          label={t('报告语言', 'Summary language')}
          error={fields.lang}
          value={draft.value.lang}
          onLang={(lang) => set({ lang })}
        />
      </div>
      <Saved saving={saving}>
        {saved && (
          <p class="notice ok">
            {saved.enabled
              ? t(
                  `已保存：每${weekdayName(saved.weekday)} ${String(saved.hour).padStart(2, '0')}:00（${timezone}）生成报告。`,
                  `Saved: a summary every ${weekdayName(saved.weekday)} at ${String(saved.hour).padStart(2, '0')}:00 (${timezone}).`,
                )
              : t('已保存：不再每周自动生成报告。', 'Saved: no weekly summary.')}
          </p>
        )}
      </Saved>
    </FormCard>
  );
}

function Webhooks({ ledger }: { ledger: Ledger }) {
  const t = useT();
  const departments = [
    ...new Set([
      ...ledger.totals.byDepartment.map((row) => row.department),
      ...ledger.items.map((item) => item.responsibleDept),
    ]),
  ].sort((a, b) => a.localeCompare(b, 'zh-CN'));
  return (
    <Card id="webhooks-title" title={t('科室每日提醒（Webhook）', 'Department daily digests (webhooks)')}>
      <p class="muted">
        {t(
          '每个责任科室可设置一个企业微信、钉钉或 Slack 群机器人地址，接收每日提醒。地址含群密钥，保存后不回显。',
          "Each department can have a WeCom, DingTalk or Slack incoming-webhook URL for its daily digest. The URL carries the chat's key and is not shown again once saved.",
        )}
      </p>
      {departments.length === 0 && (
        <p class="muted">{t('台账中没有责任科室。', 'The plan names no department.')}</p>
      )}
      {departments.map((department, index) => (
        <WebhookForm
          key={department}
          department={department}
          index={index}
          timezone={ledger.inspection.timezone}
        />
      ))}
    </Card>
  );
}

function WebhookForm({
  department,
  index,
  timezone,
}: {
  department: string;
  index: number;
  timezone: string;
}) {
  const t = useT();
  const lang = useLang();
  const { api } = useSession();
  // Not a draft in localStorage: the URL is a secret (it carries the chat's key).
  const [url, setUrl] = useState('');
  const [format, setFormat] = useState<WebhookRequest['format']>('wecom');
  const saving = useSubmit<{ kind: 'saved'; view: Webhook } | { kind: 'removed' }>();
  const { fields, result: state } = saving;
  const path = `/departments/${seg(department)}/webhook`;

  async function save() {
    const view = await api.request<Webhook>('PUT', path, {
      body: { url: url.trim(), format } satisfies WebhookRequest,
    });
    setUrl('');
    return { kind: 'saved', view } as const;
  }
  async function remove() {
    try {
      await api.request<void>('DELETE', path);
    } catch (caught) {
      throw caught instanceof ApiError && caught.status === 404
        ? new Error(t('该科室没有设置 Webhook。', 'This department has no webhook.'))
        : caught;
    }
    return { kind: 'removed' } as const;
  }

  return (
    <form class="admin-form admin-webhook" onSubmit={saving.form(save)}>
      <fieldset>
        <legend>{department}</legend>
        <div class="admin-grid">
          <InputField
            id={`webhook-url-${index}`}
            label={t('Webhook 地址', 'Webhook URL')}
            error={fields.url ?? fields.department}
            type="url"
            required
            inputMode="url"
            autoComplete="off"
            placeholder="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"
            value={url}
            onValue={setUrl}
          />
          <SelectField
            id={`webhook-format-${index}`}
            label={t('消息格式', 'Format')}
            error={fields.format}
            value={format}
            onValue={(value) => setFormat(value as WebhookRequest['format'])}
          >
            <option value="wecom">{t('企业微信', 'WeCom')}</option>
            <option value="dingtalk">{t('钉钉', 'DingTalk')}</option>
            <option value="slack">Slack</option>
          </SelectField>
        </div>
        <Saved saving={saving} remove={() => void saving.run(remove)}>
          {state?.kind === 'saved' && (
            <p class="notice ok">
              {t(
                `已保存（${state.view.format}，${formatInstant(state.view.updatedAt, timezone, lang)}）`,
                `Saved (${state.view.format}, ${formatInstant(state.view.updatedAt, timezone, lang)})`,
              )}
            </p>
          )}
          {state?.kind === 'removed' && <p class="notice ok">{t('已删除。', 'Removed.')}</p>}
        </Saved>
      </fieldset>
    </form>
  );
}
