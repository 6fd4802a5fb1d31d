import { useState } from 'preact/hooks';
import { ApiError, seg } from '../api/client.ts';
import type {
  FollowUpRequest,
  Ledger,
  SummaryScheduleRequest,
  Webhook,
  WebhookRequest,
} from '../api/types.ts';
import { DeskNav, inspectionOf, RoleGate, useLedger } from '../components/admin-common.tsx';
import { Async, describedBy, ErrorNotice, Field } from '../components/ui.tsx';
import { useDraft } from '../lib/drafts.ts';
import { formatInstant } from '../lib/format.ts';
import { useLang, useT } from '../lib/i18n.tsx';
import type { Route } from '../lib/router.ts';
import { useSession } from '../lib/session.ts';

/**
 * 设置: follow-up periods, the weekly summary's slot, and each 科室's digest webhook. The API has
 * no read of these settings, so each form starts from the defaults or from what was last typed
 * on this browser (kept as a draft), and says what the server confirmed after saving.
 */
export default function Page({ route }: { route: Route }) {
  return (
    <RoleGate roles={['admin']}>
      <Settings inspectionId={inspectionOf(route)} />
    </RoleGate>
  );
}

function Settings({ inspectionId }: { inspectionId: string }) {
  const t = useT();
  const [loaded] = useLedger(inspectionId);
  return (
    <section class="admin-settings">
      <DeskNav inspectionId={inspectionId} current="settings" />
      <h1>{t('设置', 'Settings')}</h1>
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
    </section>
  );
}

/** Problems of a 400 by field, and the rest as one message. */
function problems(error: unknown, lang: 'zh-CN' | 'en') {
  const fields = error instanceof ApiError ? error.fieldErrors(lang) : {};
  return { fields, general: error !== undefined && Object.keys(fields).length === 0 };
}

function FollowUpForm({ inspectionId }: { inspectionId: string }) {
  const t = useT();
  const lang = useLang();
  const { api } = useSession();
  const draft = useDraft(`settings.followup.${inspectionId}`, {
    lookBackMonths: '6',
    reattestationDays: '90',
  });
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState<FollowUpRequest>();
  const { fields, general } = problems(error, lang);

  async function save(event: Event) {
    event.preventDefault();
    setSaving(true);
    setError(undefined);
    setSaved(undefined);
    const body: FollowUpRequest = {
      lookBackMonths: Number(draft.value.lookBackMonths),
      reattestationDays: Number(draft.value.reattestationDays),
    };
    try {
      setSaved(
        await api.request<FollowUpRequest>('PUT', `/inspections/${seg(inspectionId)}/follow-up`, { body }),
      );
    } catch (caught) {
      setError(caught);
    } finally {
      setSaving(false);
    }
  }

  return (
    <form class="card admin-form" onSubmit={save} aria-labelledby="followup-title">
      <h2 id="followup-title">{t('回头看与复核', 'Look-back and re-attestation')}</h2>
      <Field
        id="followup-months"
        label={t('回头看间隔（月）', 'Look-back after (months)')}
        hint={t(
          '销号后多少个月进行回头看，1–36，默认 6。',
          'Months from close-out to look-back, 1–36 (default 6).',
        )}
        error={fields.lookBackMonths}
      >
        <input
          id="followup-months"
          type="number"
          inputMode="numeric"
          min={1}
          max={36}
          required
          value={draft.value.lookBackMonths}
          aria-describedby={describedBy('followup-months', fields.lookBackMonths, 'hint')}
          onInput={(e) => draft.set({ ...draft.value, lookBackMonths: (e.target as HTMLInputElement).value })}
        />
      </Field>
      <Field
        id="followup-days"
        label={t('长期坚持事项复核间隔（天）', 'Re-attest long-term items every (days)')}
        hint={t('7–366，默认 90。', '7–366 (default 90).')}
        error={fields.reattestationDays}
      >
        <input
          id="followup-days"
          type="number"
          inputMode="numeric"
          min={7}
          max={366}
          required
          value={draft.value.reattestationDays}
          aria-describedby={describedBy('followup-days', fields.reattestationDays, 'hint')}
          onInput={(e) =>
            draft.set({ ...draft.value, reattestationDays: (e.target as HTMLInputElement).value })
          }
        />
      </Field>
      <div class="actions">
        <button type="submit" class="primary" disabled={saving}>
          {t('保存', 'Save')}
        </button>
      </div>
      {general && <ErrorNotice error={error} />}
      <div role="status">
        {saved && (
          <p class="notice ok">
            {t(
              `已保存：销号后 ${saved.lookBackMonths} 个月回头看；长期坚持事项每 ${saved.reattestationDays} 天复核。`,
              `Saved: look-back ${saved.lookBackMonths} months after close-out; long-term items re-attested every ${saved.reattestationDays} days.`,
            )}
          </p>
        )}
      </div>
    </form>
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
  const lang = useLang();
  const { api } = useSession();
  const draft = useDraft<{ enabled: boolean; weekday: string; hour: string; lang: 'zh-CN' | 'en' }>(
    `settings.schedule.${inspectionId}`,
    { enabled: true, weekday: '1', hour: '9', lang: 'zh-CN' },
  );
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState<SummaryScheduleRequest>();
  const { fields, general } = problems(error, lang);
  const set = (patch: Partial<typeof draft.value>) => draft.set({ ...draft.value, ...patch });

  async function save(event: Event) {
    event.preventDefault();
    setSaving(true);
    setError(undefined);
    setSaved(undefined);
    const body: SummaryScheduleRequest = {
      enabled: draft.value.enabled,
      weekday: Number(draft.value.weekday),
      hour: Number(draft.value.hour),
      lang: draft.value.lang,
    };
    try {
      setSaved(
        await api.request<SummaryScheduleRequest>(
          'PUT',
          `/inspections/${seg(inspectionId)}/summary-schedule`,
          {
            body,
          },
        ),
      );
    } catch (caught) {
      setError(caught);
    } finally {
      setSaving(false);
    }
  }

  const weekdayName = (weekday: number) => {
    const found = WEEKDAYS.find(([number]) => number === weekday);
    return found ? t(found[1], found[2]) : String(weekday);
  };
  return (
    <form class="card admin-form" onSubmit={save} aria-labelledby="schedule-title">
      <h2 id="schedule-title">{t('每周整改报告', 'Weekly summary')}</h2>
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
        <Field id="schedule-weekday" label={t('星期', 'Weekday')} error={fields.weekday}>
          <select
            id="schedule-weekday"
            value={draft.value.weekday}
            disabled={!draft.value.enabled}
            aria-describedby={describedBy('schedule-weekday', fields.weekday)}
            onChange={(e) => set({ weekday: (e.target as HTMLSelectElement).value })}
          >
            {WEEKDAYS.map(([number, zh, en]) => (
              <option key={number} value={String(number)}>
                {t(zh, en)}
              </option>
            ))}
          </select>
        </Field>
        <Field
          id="schedule-hour"
          label={t('时间（整点）', 'Hour')}
          hint={t(`按巡察所在时区 ${timezone}`, `In the inspection's time zone, ${timezone}`)}
          error={fields.hour}
        >
          <select
            id="schedule-hour"
            value={draft.value.hour}
            disabled={!draft.value.enabled}
            aria-describedby={describedBy('schedule-hour', fields.hour, 'hint')}
            onChange={(e) => set({ hour: (e.target as HTMLSelectElement).value })}
          >
            {Array.from({ length: 24 }, (_, hour) => (
              <option key={hour} value={String(hour)}>
                {`${String(hour).padStart(2, '0')}:00`}
              </option>
            ))}
          </select>
        </Field>
        <Field id="schedule-lang" label={t('报告语言', 'Summary language')} error={fields.lang}>
          <select
            id="schedule-lang"
            value={draft.value.lang}
            aria-describedby={describedBy('schedule-lang', fields.lang)}
            onChange={(e) => set({ lang: (e.target as HTMLSelectElement).value === 'en' ? 'en' : 'zh-CN' })}
          >
            <option value="zh-CN">中文</option>
            <option value="en">English</option>
          </select>
        </Field>
      </div>
      <div class="actions">
        <button type="submit" class="primary" disabled={saving}>
          {t('保存', 'Save')}
        </button>
      </div>
      {general && <ErrorNotice error={error} />}
      <div role="status">
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
      </div>
    </form>
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
    <section class="card" aria-labelledby="webhooks-title">
      <h2 id="webhooks-title">{t('科室每日提醒（Webhook）', 'Department daily digests (webhooks)')}</h2>
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
    </section>
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
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [state, setState] = useState<{ kind: 'saved'; view: Webhook } | { kind: 'removed' }>();
  const { fields, general } = problems(error, lang);
  const urlId = `webhook-url-${index}`;
  const formatId = `webhook-format-${index}`;
  const path = `/departments/${seg(department)}/webhook`;
  const departmentError = fields.department;

  async function save(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    setState(undefined);
    try {
      const view = await api.request<Webhook>('PUT', path, {
        body: { url: url.trim(), format } satisfies WebhookRequest,
      });
      setState({ kind: 'saved', view });
      setUrl('');
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }
  async function remove() {
    setBusy(true);
    setError(undefined);
    setState(undefined);
    try {
      await api.request<void>('DELETE', path);
      setState({ kind: 'removed' });
    } catch (caught) {
      setError(
        caught instanceof ApiError && caught.status === 404
          ? new Error(t('该科室没有设置 Webhook。', 'This department has no webhook.'))
          : caught,
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="admin-form admin-webhook" onSubmit={save}>
      <fieldset>
        <legend>{department}</legend>
        <div class="admin-grid">
          <Field id={urlId} label={t('Webhook 地址', 'Webhook URL')} error={fields.url ?? departmentError}>
            <input
              id={urlId}
              type="url"
              required
              inputMode="url"
              autoComplete="off"
              placeholder="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"
              value={url}
              aria-describedby={describedBy(urlId, fields.url ?? departmentError)}
              onInput={(e) => setUrl((e.target as HTMLInputElement).value)}
            />
          </Field>
          <Field id={formatId} label={t('消息格式', 'Format')} error={fields.format}>
            <select
              id={formatId}
              value={format}
              aria-describedby={describedBy(formatId, fields.format)}
              onChange={(e) => setFormat((e.target as HTMLSelectElement).value as WebhookRequest['format'])}
            >
              <option value="wecom">{t('企业微信', 'WeCom')}</option>
              <option value="dingtalk">{t('钉钉', 'DingTalk')}</option>
              <option value="slack">Slack</option>
            </select>
          </Field>
        </div>
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            {t('保存', 'Save')}
          </button>
          <button type="button" class="danger" disabled={busy} onClick={() => void remove()}>
            {t('删除', 'Remove')}
          </button>
        </div>
        {general && <ErrorNotice error={error} />}
        <div role="status">
          {state?.kind === 'saved' && (
            <p class="notice ok">
              {t(
                `已保存（${state.view.format}，${formatInstant(state.view.updatedAt, timezone, lang)}）`,
                `Saved (${state.view.format}, ${formatInstant(state.view.updatedAt, timezone, lang)})`,
              )}
            </p>
          )}
          {state?.kind === 'removed' && <p class="notice ok">{t('已删除。', 'Removed.')}</p>}
        </div>
      </fieldset>
    </form>
  );
}
