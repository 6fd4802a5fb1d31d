import { useState } from 'preact/hooks';
import { ApiError, NetworkError, seg } from '../api/client.ts';
import type { Inspection, Summary, SummaryJob, SummaryList, SummaryRequest } from '../api/types.ts';
import {
  deskPage,
  FormCard,
  InspectionDesk,
  LangField,
  openLink,
  TableHead,
  TableScroll,
} from '../components/admin-common.tsx';
import { ReportTextForm } from '../components/report-text-form.tsx';
import { Async, ErrorNotice, InputField, SubmitRow } from '../components/ui.tsx';
import { useDraft } from '../lib/drafts.ts';
import { formatBytes, formatDate, formatInstant, todayIn } from '../lib/format.ts';
import { useLang, useT } from '../lib/i18n.tsx';
import { hasRole, useSession } from '../lib/session.ts';
import { follow, useLoad } from '../lib/use-load.ts';
import { useSubmit } from '../lib/use-submit.ts';

type Listed = SummaryList['summaries'][number];

function Summaries({ inspectionId }: { inspectionId: string }) {
  const t = useT();
  const { api, me } = useSession();
  const base = `/inspections/${seg(inspectionId)}/summaries`;
  // The summary shown: the latest unless one was picked from the list or just generated.
  const [shown, setShown] = useState<Summary | null>();
  const [latest] = useLoad(
    async (signal) => {
      try {
        return await api.get<Summary>(`${base}/latest`, undefined, signal);
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }
    },
    [inspectionId],
  );
  const [extra, setExtra] = useState<{ summaries: Listed[]; next?: string }>();
  const [firstPage, reloadList] = useLoad(
    async (signal) => {
      setExtra(undefined);
      return api.get<SummaryList>(base, { limit: 20 }, signal);
    },
    [inspectionId],
  );
  const [more, setMore] = useState<unknown>();

  async function loadMore(next: string) {
    setMore(undefined);
    try {
      const page = await api.get<SummaryList>(base, { limit: 20, next });
      setExtra({
        summaries: [...(extra?.summaries ?? []), ...page.summaries],
        ...(page.next ? { next: page.next } : {}),
      });
    } catch (error) {
      setMore(error);
    }
  }

  const current = shown !== undefined ? shown : latest.state === 'ready' ? latest.value : undefined;
  return (
    <InspectionDesk inspectionId={inspectionId} current="summaries" title={t('整改报告', 'Summaries')}>
      {(found) => (
        <>
          {hasRole(me, 'admin') && (
            <ReportTextForm inspectionId={found.inspectionId} timezone={found.timezone} />
          )}
          {hasRole(me, 'admin') && (
            <GenerateForm
              inspection={found}
              onGenerated={(summary) => {
                setShown(summary);
                reloadList();
              }}
            />
          )}
          <div aria-live="polite">
            {latest.state === 'loading' && shown === undefined ? (
              <p class="muted">{t('加载中…', 'Loading…')}</p>
            ) : latest.state === 'error' && shown === undefined ? (
              <ErrorNotice error={latest.error} />
            ) : current ? (
              <SummaryView
                key={current.summaryId}
                summary={current}
                inspection={found}
                onRefreshed={setShown}
              />
            ) : (
              <p class="muted">{t('还没有整改报告。', 'No summary yet.')}</p>
            )}
          </div>
          <h2>{t('全部报告', 'All summaries')}</h2>
          <Async loaded={firstPage}>
            {(page) => {
              const rows = [...page.summaries, ...(extra?.summaries ?? [])];
              const next = extra ? extra.next : page.next;
              return (
                <>
                  <SummaryTable
                    rows={rows}
                    inspection={found}
                    currentId={current?.summaryId}
                    onOpen={async (summaryId) =>
                      setShown(await api.get<Summary>(`/summaries/${seg(summaryId)}`))
                    }
                  />
                  {next && (
                    <button type="button" onClick={() => void loadMore(next)}>
                      {t('加载更多', 'Load more')}
                    </button>
                  )}
                  {more !== undefined && <ErrorNotice error={more} />}
                </>
              );
            }}
          </Async>
        </>
      )}
    </InspectionDesk>
  );
}

/**
 * 整改报告: the latest summary (paragraph, chart, its four files), the list of earlier ones, and
 * for admins 生成报告. File links are presigned for 5 minutes, so a link about to expire is
 * re-read from the API at the click.
 */
export default deskPage(['admin', 'leader', 'auditor'], Summaries);

function GenerateForm({
  inspection,
  onGenerated,
}: {
  inspection: Inspection;
  onGenerated: (s: Summary) => void;
}) {
  const t = useT();
  const lang = useLang();
  const { api } = useSession();
  const today = todayIn(inspection.timezone);
  const draft = useDraft<{ asOf: string; lang: 'zh-CN' | 'en' }>(`summary.${inspection.inspectionId}`, {
    asOf: '',
    lang,
  });
  const [job, setJob] = useState<SummaryJob>();
  const generating = useSubmit();
  const { fields, busy: sending } = generating;

  async function generate() {
    const body: SummaryRequest = {
      lang: draft.value.lang,
      ...(draft.value.asOf ? { asOf: draft.value.asOf } : {}),
    };
    try {
      const asked = await api.request<SummaryJob>(
        'POST',
        `/inspections/${seg(inspection.inspectionId)}/summaries`,
        {
          body,
          idempotencyKey: draft.idempotencyKey,
        },
      );
      // Accepted: the draft is done with; what follows is waiting for the generator (behind a queue).
      draft.clear();
      setJob(asked);
      const read = await follow(() => api.get<Summary | SummaryJob>(`/summaries/${seg(asked.summaryId)}`), {
        everyMs: 1000,
        settled: (answer) => 'files' in answer || answer.state === 'failed',
        // Not settled: still the job, with its progress.
        onProgress: (answer) => setJob(answer as SummaryJob),
      });
      if (!read || !('files' in read)) {
        throw new Error(
          t(
            `报告生成失败：${read?.failure?.reason ?? ''}`,
            `The summary failed: ${read?.failure?.reason ?? ''}`,
          ),
        );
      }
      onGenerated(read);
    } finally {
      setJob(undefined);
    }
  }

  return (
    <FormCard
      id="summary-form-title"
      title={t('生成整改情况报告', 'Generate a summary')}
      onSubmit={generating.form(generate)}
    >
      <div class="admin-grid">
        <InputField
          id="summary-asof"
          label={t('截至日期', 'As of')}
          hint={t(
            '可选；留空为现在，填写日期则截至当天结束',
            'Optional: now when blank, else the end of that day',
          )}
          error={fields.asOf}
          type="date"
          max={today}
          value={draft.value.asOf}
          onValue={(asOf) => draft.set({ ...draft.value, asOf })}
        />
        <LangField
          id="summary-lang"
          label={t('报告语言', 'Language')}
          error={fields.lang}
          value={draft.value.lang}
          onLang={(lang) => draft.set({ ...draft.value, lang })}
        />
      </div>
      <SubmitRow busy={sending} label={t('生成报告', 'Generate')}>
        {sending && (
          <span class="muted" aria-live="polite">
            {job?.progress
              ? t(
                  `正在生成：${PHASES[job.progress.phase][0]}${job.progress.items === undefined ? '' : `（${job.progress.items}项）`}…`,
                  `Generating: ${PHASES[job.progress.phase][1]}${job.progress.items === undefined ? '' : ` (${job.progress.items} items)`}…`,
                )
              : job
                ? t('已排队，等待生成…', 'Queued, waiting for the generator…')
                : t('正在提交…', 'Sending…')}
          </span>
        )}
      </SubmitRow>
      {generating.general && <ErrorNotice error={generating.error} />}
      {generating.error instanceof NetworkError && (
        <p class="muted">
          {t(
            '再次点击“生成报告”即可重试，不会重复生成。',
            'Press Generate again to retry; it will not run twice.',
          )}
        </p>
      )}
    </FormCard>
  );
}

const FILE_NAMES: Record<string, [string, string]> = {
  'summary.md': ['报告正文（Markdown）', 'Report (Markdown)'],
  'summary.json': ['完整数据（JSON）', 'Full data (JSON)'],
  'chart.svg': ['进度图（SVG）', 'Chart (SVG)'],
  'ledger.xlsx': ['台账（Excel）', 'Ledger (Excel)'],
  'report.docx': ['整改情况报告（Word，公文格式）', 'Report (Word, official-document layout)'],
};

const PHASES: Record<NonNullable<SummaryJob['progress']>['phase'], [string, string]> = {
  reading: ['读取台账', 'reading the ledger'],
  rendering: ['生成并保存文件', 'rendering and storing the files'],
  recording: ['记入整改历史', 'recording it in the trail'],
};

function SummaryView({
  summary,
  inspection,
  onRefreshed,
}: {
  summary: Summary;
  inspection: Inspection;
  onRefreshed: (summary: Summary) => void;
}) {
  const t = useT();
  const lang = useLang();
  const { api } = useSession();
  const [error, setError] = useState<unknown>();
  const chart = summary.files.find((file) => file.name === 'chart.svg');
  const reread = () => api.get<Summary>(`/summaries/${seg(summary.summaryId)}`);

  async function download(event: MouseEvent, name: string, expiresAt: string) {
    // A link with more than 20 s left is followed as it is; an older one is re-read first.
    if (Date.parse(expiresAt) - Date.now() > 20_000) return;
    event.preventDefault();
    setError(undefined);
    try {
      const fresh = await reread();
      onRefreshed(fresh);
      const file = fresh.files.find((candidate) => candidate.name === name);
      if (file) openLink(file.url);
    } catch (caught) {
      setError(caught);
    }
  }

  return (
    <article class="card admin-summary" aria-labelledby="summary-title">
      <h2 id="summary-title">
        {t('整改情况报告', 'Summary')}
        {t(
          `（截至 ${formatDate(summary.asOfDate, lang)}）`,
          ` (as of ${formatDate(summary.asOfDate, lang)})`,
        )}
      </h2>
      <p class="muted">
        {t('生成于', 'Generated')} {formatInstant(summary.generatedAt, inspection.timezone, lang)} ·{' '}
        {summary.trigger === 'schedule' ? t('每周自动', 'weekly schedule') : summary.generatedBy.name}
      </p>
      <p class="admin-paragraph">{summary.paragraph[lang]}</p>
      {summary.changes && (
        <p class="muted">
          {t(
            `较上次报告：新增已整改 ${summary.changes.newlyRectified} 项，新增逾期 ${summary.changes.newlyOverdue} 项。`,
            `Since the previous summary: ${summary.changes.newlyRectified} newly rectified, ${summary.changes.newlyOverdue} newly overdue.`,
          )}
        </p>
      )}
      {chart && (
        <img
          class="admin-chart"
          src={chart.url}
          alt={t('整改进度图：各状态事项数', 'Progress chart: items by status')}
          // An expired link shows nothing: re-read the summary for a fresh one (once).
          onError={() => {
            if (Date.parse(chart.expiresAt) <= Date.now()) void reread().then(onRefreshed, setError);
          }}
        />
      )}
      <h3>{t('报告文件', 'Files')}</h3>
      <ul class="admin-files">
        {summary.files.map((file) => (
          <li key={file.name}>
            <span>
              {t(...(FILE_NAMES[file.name] ?? [file.name, file.name]))}{' '}
              <span class="muted">
                {file.name} · {formatBytes(file.size)}
              </span>
            </span>
            <a
              href={file.url}
              // Storage saves it (Content-Disposition: attachment); should a store show it
              // instead (the local emulator does), the console stays open in this tab.
              target="_blank"
              rel="noopener"
              onClick={(event) => void download(event as unknown as MouseEvent, file.name, file.expiresAt)}
            >
              {t('下载', 'Download')}
              <span class="sr-only"> {file.name}</span>
            </a>
          </li>
        ))}
      </ul>
      {error !== undefined && <ErrorNotice error={error} />}
    </article>
  );
}

function SummaryTable({
  rows,
  inspection,
  currentId,
  onOpen,
}: {
  rows: readonly Listed[];
  inspection: Inspection;
  currentId: string | undefined;
  onOpen: (summaryId: string) => Promise<void>;
}) {
  const t = useT();
  const lang = useLang();
  const [error, setError] = useState<unknown>();
  if (rows.length === 0) return <p class="muted">{t('还没有整改报告。', 'No summary yet.')}</p>;
  return (
    <>
      <TableScroll label={t('全部报告', 'All summaries')}>
        <table>
          <TableHead
            columns={[
              t('截至', 'As of'),
              t('生成于', 'Generated'),
              t('方式', 'Trigger'),
              t('摘要', 'Paragraph'),
            ]}
            action={t('操作', 'Action')}
          />
          <tbody>
            {rows.map((row) => (
              <tr key={row.summaryId} aria-current={row.summaryId === currentId ? 'true' : undefined}>
                <td>{formatDate(row.asOfDate, lang)}</td>
                <td>{formatInstant(row.generatedAt, inspection.timezone, lang)}</td>
                <td>{row.trigger === 'schedule' ? t('每周自动', 'Schedule') : t('手动', 'Request')}</td>
                <td class="admin-excerpt">{row.paragraph[lang]}</td>
                <td>
                  {row.summaryId === currentId ? (
                    <span class="muted">{t('正在查看', 'Shown')}</span>
                  ) : (
                    <button
                      type="button"
                      class="link"
                      onClick={() => {
                        setError(undefined);
                        onOpen(row.summaryId).catch(setError);
                      }}
                    >
                      {t('查看', 'Show')}
                      <span class="sr-only">{formatDate(row.asOfDate, lang)}</span>
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      {error !== undefined && <ErrorNotice error={error} />}
    </>
  );
}
