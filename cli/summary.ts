import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import Table from 'cli-table3';
import type { ApiClient } from './client.ts';
import { downloadVerified } from './evidence.ts';
import { type Lang, PLAIN_TABLE, type Totals, terminalText, totalsLine } from './format.ts';

interface Counts extends Totals {
  rectified: number;
}

/** The summary as the API returns it (shared/api/schemas.ts SummaryView). */
export interface SummaryView {
  summaryId: string;
  inspectionId: string;
  asOf: string;
  asOfDate: string;
  paragraph: Record<Lang, string>;
  totals: Counts;
  byAspect: (Counts & { aspectNo: number; title: string })[];
  byDepartment: (Counts & { department: string })[];
  files: { name: string; url: string; sha256: string; size: number }[];
}

const HEAD = {
  'zh-CN': ['', '事项', '已销号', '已整改', '正在整改', '未启动', '逾期', '措施完成'],
  en: ['', 'Items', 'Closed', 'Rectified', 'In progress', 'Not started', 'Overdue', 'Measures done'],
} as const;

/** The totals, by aspect, by department and in all, as a terminal table. */
export function summaryTable(summary: SummaryView, lang: Lang): string {
  const table = new Table({ head: [...HEAD[lang]], ...PLAIN_TABLE });
  const row = (label: string, counts: Counts) => [
    terminalText(label),
    counts.total,
    counts.closed,
    counts.rectified,
    counts.in_progress,
    counts.not_started,
    counts.overdue,
    `${counts.measuresDone}/${counts.measuresTotal}`,
  ];
  const section = (zh: string, en: string) => [{ colSpan: 8, content: lang === 'en' ? en : zh }];
  table.push(section('按方面', 'By aspect'));
  for (const aspect of summary.byAspect) table.push(row(`${aspect.aspectNo}. ${aspect.title}`, aspect));
  table.push(section('按责任科室', 'By department'));
  for (const department of summary.byDepartment) table.push(row(department.department, department));
  table.push(row(lang === 'en' ? 'All' : '合计', summary.totals));
  return `${table.toString()}\n${totalsLine(summary.totals, lang)}`;
}

/** Downloads the summary's four files into `directory`, each checked against its SHA-256. */
export async function saveSummaryFiles(summary: SummaryView, directory: string): Promise<string[]> {
  await mkdir(directory, { recursive: true });
  return Promise.all(
    summary.files.map(async (file) => {
      const target = path.join(directory, path.basename(file.name));
      await downloadVerified(file.url, target, file.sha256);
      return target;
    }),
  );
}

/** A summary asked for and not made yet (shared/api/schemas.ts SummaryJobView). */
interface SummaryJobView {
  summaryId: string;
  state: 'queued' | 'building' | 'ready' | 'failed';
  progress?: { phase: string; items?: number };
  failure?: { reason: string };
}

const POLL_MS = 1_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Asks for a summary of an inspection and waits while it is made behind the queue (or fetches
 * the latest one). The Idempotency-Key makes a retried request one summary.
 */
export async function fetchSummary(
  api: ApiClient,
  inspectionId: string,
  options: { asOf?: string; lang: Lang; latest?: boolean },
  onProgress: (job: SummaryJobView) => void = () => {},
): Promise<SummaryView> {
  const route = `/inspections/${encodeURIComponent(inspectionId)}/summaries`;
  if (options.latest) return api.get<SummaryView>(`${route}/latest`);
  const asked = await api.post<SummaryJobView>(
    route,
    { lang: options.lang, ...(options.asOf ? { asOf: options.asOf } : {}) },
    { 'idempotency-key': randomUUID() },
  );
  for (;;) {
    const read = await api.get<SummaryView | SummaryJobView>(
      `/summaries/${encodeURIComponent(asked.summaryId)}`,
    );
    if ('files' in read) return read;
    if (read.state === 'failed') {
      throw new Error(`summary ${asked.summaryId} failed: ${read.failure?.reason ?? 'no reason recorded'}`);
    }
    onProgress(read);
    await sleep(POLL_MS);
  }
}
