import { useState } from 'preact/hooks';
import { seg } from '../api/client.ts';
import type { Inspection, Ledger, Totals } from '../api/types.ts';
import { DeskNav } from '../components/desk-nav.tsx';
import { filterItems, ItemFilters, ItemList, NO_FILTER } from '../components/item-table.tsx';
import { Async } from '../components/ui.tsx';
import { formatDate } from '../lib/format.ts';
import { useLang, useT } from '../lib/i18n.tsx';
import { href } from '../lib/router.ts';
import { hasRole, useSession } from '../lib/session.ts';
import { useLoad } from '../lib/use-load.ts';

/**
 * 我的事项. A 科室 clerk or a leader sees their items of every inspection (the server filters: a
 * 科室 its own, a leader those they lead). The inspection office and auditors, who see every item,
 * get each inspection's totals and desks instead: one small read each, where a list of every
 * item of a 2,000-item plan would be a slow page nobody reads.
 */
export function Home() {
  const { me } = useSession();
  const t = useT();
  const overseer = hasRole(me, 'admin', 'auditor');
  const ownItems = hasRole(me, 'department', 'leader');
  return (
    <section>
      <h1>{t('我的事项', 'My items')}</h1>
      {overseer && <InspectionOverview />}
      {ownItems && <OwnItems />}
    </section>
  );
}

function InspectionOverview() {
  const { api, me } = useSession();
  const t = useT();
  const lang = useLang();
  const [loaded] = useLoad(async (signal) => {
    const { inspections } = await api.get<{ inspections: Inspection[] }>('/inspections', undefined, signal);
    return Promise.all(
      inspections.map(async (inspection) => ({
        inspection,
        totals: await api
          .get<Totals>(`/inspections/${seg(inspection.inspectionId)}/totals`, undefined, signal)
          .then((totals) => totals.totals)
          .catch(() => undefined),
      })),
    );
  }, []);
  return (
    <Async loaded={loaded}>
      {(overview) =>
        overview.length === 0 ? (
          <p class="muted">
            {t('还没有整改台账。', 'No rectification plan yet.')}{' '}
            {hasRole(me, 'admin') && <a href={href('import')}>{t('导入台账', 'Import a plan')}</a>}
          </p>
        ) : (
          <>
            {overview.map(({ inspection, totals }) => (
              <article
                class="inspection"
                key={inspection.inspectionId}
                aria-labelledby={`insp-${inspection.inspectionId}`}
              >
                <h2 id={`insp-${inspection.inspectionId}`}>
                  <a href={href('inspections', inspection.inspectionId, 'board')}>{inspection.title}</a>
                </h2>
                <p class="muted">
                  {inspection.inspectionGroup} · {t('反馈', 'Feedback')}{' '}
                  {formatDate(inspection.feedbackDate, lang)}
                </p>
                {totals && (
                  <p>
                    {t(
                      `共${totals.items}项：已销号${totals.byStatus.closed ?? 0}，已整改${totals.byStatus.rectified ?? 0}，正在整改${totals.byStatus.in_progress ?? 0}，未启动${totals.byStatus.not_started ?? 0}；红灯${totals.byLight.red ?? 0}、黄灯${totals.byLight.yellow ?? 0}、绿灯${totals.byLight.green ?? 0}`,
                      `${totals.items} items: ${totals.byStatus.closed ?? 0} closed, ${totals.byStatus.rectified ?? 0} rectified, ${totals.byStatus.in_progress ?? 0} in progress, ${totals.byStatus.not_started ?? 0} not started; ${totals.byLight.red ?? 0} red, ${totals.byLight.yellow ?? 0} amber, ${totals.byLight.green ?? 0} green`,
                    )}
                  </p>
                )}
                <DeskNav
                  inspectionId={inspection.inspectionId}
                  label={t(`${inspection.title}的工作台`, `Desks for ${inspection.title}`)}
                />
              </article>
            ))}
            {hasRole(me, 'admin') && (
              <p>
                <a href={href('import')}>{t('导入台账', 'Import a plan')}</a>
              </p>
            )}
          </>
        )
      }
    </Async>
  );
}

function OwnItems() {
  const { api, me } = useSession();
  const t = useT();
  const [loaded] = useLoad(async (signal) => {
    const { inspections } = await api.get<{ inspections: Inspection[] }>('/inspections', undefined, signal);
    return Promise.all(
      inspections.map((inspection) =>
        api.get<Ledger>(`/inspections/${seg(inspection.inspectionId)}/ledger`, undefined, signal),
      ),
    );
  }, []);
  const [filter, setFilter] = useState(NO_FILTER);
  const leader = hasRole(me, 'leader');
  return (
    <Async loaded={loaded}>
      {(ledgers) => {
        const withItems = ledgers.filter((ledger) => ledger.items.length > 0);
        if (withItems.length === 0)
          return <p class="muted">{t('暂无分配给您的整改事项。', 'No items are assigned to you.')}</p>;
        return (
          <>
            <ItemFilters filter={filter} onChange={setFilter} idPrefix="mine" />
            {withItems.map((ledger) => (
              <article
                class="inspection"
                key={ledger.inspection.inspectionId}
                aria-labelledby={`own-${ledger.inspection.inspectionId}`}
              >
                <h2 id={`own-${ledger.inspection.inspectionId}`}>{ledger.inspection.title}</h2>
                <p class="muted">
                  {ledger.inspection.inspectionGroup} ·{' '}
                  {t(`共${ledger.items.length}项`, `${ledger.items.length} items`)}
                </p>
                {leader && (
                  <DeskNav
                    inspectionId={ledger.inspection.inspectionId}
                    label={t(`${ledger.inspection.title}的工作台`, `Desks for ${ledger.inspection.title}`)}
                  />
                )}
                <ItemList items={filterItems(ledger.items, filter)} today={ledger.today} limit={200} />
              </article>
            ))}
          </>
        );
      }}
    </Async>
  );
}
