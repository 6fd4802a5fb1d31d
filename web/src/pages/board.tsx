import { useMemo, useState } from 'preact/hooks';
import { seg } from '../api/client.ts';
import type { Item, Ledger } from '../api/types.ts';
import { Desk, deskPage, downloadFromApi, TableScroll, useLedger } from '../components/admin-common.tsx';
import { filterItems, type ItemFilter, ItemFilters, ItemList, NO_FILTER } from '../components/item-table.tsx';
import { Async, ErrorNotice, Light } from '../components/ui.tsx';
import { formatInstant } from '../lib/format.ts';
import { type Lang, type Translate, useLang, useT } from '../lib/i18n.tsx';
import { useSession } from '../lib/session.ts';
import { useSubmit } from '../lib/use-submit.ts';

function Board({ inspectionId }: { inspectionId: string }) {
  const t = useT();
  const [loaded] = useLedger(inspectionId);
  return (
    // Once the ledger is read, the view heads itself with the inspection's title.
    <Desk
      inspectionId={inspectionId}
      current="board"
      title={loaded.state !== 'ready' ? t('整改看板', 'Board') : undefined}
    >
      <Async loaded={loaded}>{(ledger) => <BoardView ledger={ledger} />}</Async>
    </Desk>
  );
}

/**
 * 整改看板: one GET of the ledger, then everything is computed here. The overview is built once
 * per ledger and language; a filter change re-runs only the (memoised) filter and the list, so
 * a 2,000-item board stays responsive.
 */
export default deskPage(['admin', 'leader', 'auditor'], Board);

type Counts = Ledger['totals']['all'];

const COUNT_COLUMNS: [keyof Counts, string, string][] = [
  ['total', '全部', 'All'],
  ['not_started', '未启动', 'Not started'],
  ['in_progress', '正在整改', 'In progress'],
  ['rectified', '已整改', 'Rectified'],
  ['closed', '已销号', 'Closed'],
  ['overdue', '逾期', 'Overdue'],
];

function BoardView({ ledger }: { ledger: Ledger }) {
  const t = useT();
  const lang = useLang();
  const [filter, setFilter] = useState<ItemFilter>(NO_FILTER);
  const filtered = useMemo(() => filterItems(ledger.items, filter), [ledger.items, filter]);
  const aspects = useMemo(
    () => ledger.inspection.aspects.map((aspect) => ({ no: aspect.no, title: aspect.title })),
    [ledger],
  );
  const departments = useMemo(
    () =>
      [
        ...new Set([
          ...ledger.totals.byDepartment.map((row) => row.department),
          ...ledger.items.map((i) => i.responsibleDept),
        ]),
      ].sort((a, b) => a.localeCompare(b, 'zh-CN')),
    [ledger],
  );
  // The same vnode object across renders: Preact skips diffing it when only the filter changed.
  const overview = useMemo(() => <Overview ledger={ledger} lang={lang} />, [ledger, lang]);
  const list = useMemo(
    () => <ItemList items={filtered} today={ledger.today} limit={100} />,
    [filtered, ledger.today, lang],
  );
  return (
    <>
      <h1>
        {ledger.inspection.title}
        <span class="muted"> · {t('整改看板', 'Board')}</span>
      </h1>
      <p class="muted">
        {t('数据截至', 'As of')} {formatInstant(ledger.asOf, ledger.inspection.timezone, lang)}
      </p>
      {overview}
      <h2>{t('事项', 'Items')}</h2>
      <ItemFilters
        filter={filter}
        onChange={setFilter}
        aspects={aspects}
        departments={departments}
        idPrefix="board"
      />
      <Exports inspectionId={ledger.inspection.inspectionId} filter={filter} />
      <p class="muted" aria-live="polite">
        {t(
          `显示 ${filtered.length} / ${ledger.items.length} 项`,
          `Showing ${filtered.length} of ${ledger.items.length}`,
        )}
      </p>
      {list}
    </>
  );
}

function Overview({ ledger, lang }: { ledger: Ledger; lang: Lang }) {
  const t: Translate = (zh, en) => (lang === 'en' ? en : zh);
  const { all, byAspect, byDepartment } = ledger.totals;
  const lights = countLights(ledger.items);
  return (
    <>
      <h2 class="sr-only">{t('总体情况', 'Totals')}</h2>
      <dl class="admin-totals">
        {COUNT_COLUMNS.map(([key, zh, en]) => (
          <div key={key} class={`total-${key}`}>
            <dt>{t(zh, en)}</dt>
            <dd>{all[key]}</dd>
          </div>
        ))}
        <div class="total-measures">
          <dt>{t('措施完成', 'Measures done')}</dt>
          <dd>
            {all.measuresDone}/{all.measuresTotal}
          </dd>
        </div>
      </dl>
      <h2>{t('灯色', 'Lights')}</h2>
      <ul class="admin-lights">
        {(['red', 'yellow', 'green'] as const).map((light) => (
          <li key={light}>
            <Light light={light} /> <strong>{lights[light]}</strong>
            <span class="sr-only">{t('项', ' items')}</span>
          </li>
        ))}
      </ul>
      <h2>{t('按方面', 'By aspect')}</h2>
      <CountTable
        caption={t('按方面统计', 'Counts by aspect')}
        head={t('方面', 'Aspect')}
        rows={byAspect.map((row) => [`${row.aspectNo}. ${row.title}`, row])}
        t={t}
      />
      <h2>{t('按责任科室', 'By department')}</h2>
      <CountTable
        caption={t('按责任科室统计', 'Counts by department')}
        head={t('责任科室', 'Department')}
        rows={byDepartment.map((row) => [row.department, row])}
        t={t}
      />
    </>
  );
}

function CountTable({
  caption,
  head,
  rows,
  t,
}: {
  caption: string;
  head: string;
  rows: [string, Counts][];
  t: Translate;
}) {
  return (
    <TableScroll label={caption}>
      <table class="admin-counts">
        <caption class="sr-only">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{head}</th>
            {COUNT_COLUMNS.map(([key, zh, en]) => (
              <th key={key} scope="col">
                {t(zh, en)}
              </th>
            ))}
            <th scope="col">{t('措施完成', 'Measures done')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([name, counts]) => (
            <tr key={name}>
              <th scope="row">{name}</th>
              {COUNT_COLUMNS.map(([key]) => (
                <td key={key} class={key === 'overdue' && counts.overdue > 0 ? 'overdue' : undefined}>
                  {counts[key]}
                </td>
              ))}
              <td>
                {counts.measuresDone}/{counts.measuresTotal}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

/** Lights of the items that count (a withdrawn item is readable but counted nowhere). */
function countLights(items: readonly Item[]): Record<Item['light'], number> {
  const counts = { red: 0, yellow: 0, green: 0 };
  for (const item of items) if (!item.withdrawn) counts[item.light] += 1;
  return counts;
}

/** 导出CSV / 导出Excel with the filters the API applies (status, 科室, overdue). */
function Exports({ inspectionId, filter }: { inspectionId: string; filter: ItemFilter }) {
  const t = useT();
  const lang = useLang();
  const { api } = useSession();
  const exporting = useSubmit();
  const [format, setFormat] = useState<'csv' | 'xlsx'>();
  const busy = exporting.busy ? format : undefined;
  const unsupported = Boolean(filter.text.trim() || filter.light || filter.aspect);
  const exportAs = (chosen: 'csv' | 'xlsx') => {
    setFormat(chosen);
    return exporting.run(() =>
      downloadFromApi(
        api,
        `/inspections/${seg(inspectionId)}/ledger`,
        {
          format: chosen,
          status: filter.status || undefined,
          dept: filter.dept || undefined,
          overdue: filter.overdueOnly ? 'true' : undefined,
          lang,
        },
        `${inspectionId}.${chosen}`,
      ),
    );
  };
  return (
    <div class="admin-exports">
      <div class="actions">
        <button type="button" disabled={busy !== undefined} onClick={() => void exportAs('csv')}>
          {busy === 'csv' ? t('正在导出…', 'Exporting…') : t('导出CSV', 'Export CSV')}
        </button>
        <button type="button" disabled={busy !== undefined} onClick={() => void exportAs('xlsx')}>
          {busy === 'xlsx' ? t('正在导出…', 'Exporting…') : t('导出Excel', 'Export Excel')}
        </button>
      </div>
      {unsupported && (
        <p class="muted">
          {t(
            '导出按状态、责任科室和逾期筛选；搜索、灯色和方面不影响导出。',
            'Exports follow the status, department and overdue filters; search, light and aspect do not apply.',
          )}
        </p>
      )}
      {exporting.error !== undefined && <ErrorNotice error={exporting.error} />}
    </div>
  );
}
