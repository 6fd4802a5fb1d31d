import { useState } from 'preact/hooks';
import { seg } from '../api/client.ts';
import type { Inspection, Ledger } from '../api/types.ts';
import { filterItems, ItemFilters, ItemList, NO_FILTER } from '../components/item-table.tsx';
import { Async } from '../components/ui.tsx';
import { formatDate } from '../lib/format.ts';
import { useLang, useT } from '../lib/i18n.tsx';
import { href } from '../lib/router.ts';
import { hasRole, useSession } from '../lib/session.ts';
import { useLoad } from '../lib/use-load.ts';

/**
 * 我的事项: every inspection's items the caller may see (the server filters: a 科室 sees its own,
 * a leader those they lead), then each inspection's desks for admins and auditors.
 */
export function Home() {
  const { api, me } = useSession();
  const t = useT();
  const [loaded] = useLoad(async (signal) => {
    const { inspections } = await api.get<{ inspections: Inspection[] }>('/inspections', undefined, signal);
    const ledgers = await Promise.all(
      inspections.map((inspection) =>
        api.get<Ledger>(`/inspections/${seg(inspection.inspectionId)}/ledger`, undefined, signal),
      ),
    );
    return ledgers;
  }, []);
  const [filter, setFilter] = useState(NO_FILTER);
  const desks = hasRole(me, 'admin', 'auditor', 'leader');

  return (
    <section>
      <h1>{t('我的事项', 'My items')}</h1>
      <Async loaded={loaded}>
        {(ledgers) =>
          ledgers.length === 0 ? (
            <p class="muted">
              {t('还没有整改台账。', 'No rectification plan yet.')}
              {hasRole(me, 'admin') && <a href={href('import')}>{t('导入台账', 'Import a plan')}</a>}
            </p>
          ) : (
            <>
              <ItemFilters filter={filter} onChange={setFilter} idPrefix="mine" />
              {ledgers.map((ledger) => (
                <InspectionItems
                  key={ledger.inspection.inspectionId}
                  ledger={ledger}
                  filter={filter}
                  desks={desks}
                />
              ))}
            </>
          )
        }
      </Async>
    </section>
  );
}

function InspectionItems({
  ledger,
  filter,
  desks,
}: {
  ledger: Ledger;
  filter: typeof NO_FILTER;
  desks: boolean;
}) {
  const t = useT();
  const lang = useLang();
  const { me } = useSession();
  const { inspection } = ledger;
  const items = filterItems(ledger.items, filter);
  const id = inspection.inspectionId;
  return (
    <article class="inspection">
      <h2>{inspection.title}</h2>
      <p class="muted">
        {inspection.inspectionGroup} · {t('反馈', 'Feedback')} {formatDate(inspection.feedbackDate, lang)} ·{' '}
        {t(`共${ledger.items.length}项`, `${ledger.items.length} items`)}
      </p>
      {desks && (
        <nav class="desks" aria-label={t(`${inspection.title}的工作台`, `Desks for ${inspection.title}`)}>
          {hasRole(me, 'admin', 'auditor', 'leader') && (
            <a href={href('inspections', id, 'board')}>{t('整改看板', 'Board')}</a>
          )}
          {hasRole(me, 'admin') && (
            <a href={href('inspections', id, 'queue')}>{t('待销号', 'Close-out queue')}</a>
          )}
          {hasRole(me, 'admin', 'auditor', 'leader') && (
            <a href={href('inspections', id, 'summaries')}>{t('整改报告', 'Summaries')}</a>
          )}
          {hasRole(me, 'admin', 'auditor', 'leader') && (
            <a href={href('inspections', id, 'outcomes')}>{t('整改成效', 'Outcomes')}</a>
          )}
          {hasRole(me, 'admin') && <a href={href('inspections', id, 'settings')}>{t('设置', 'Settings')}</a>}
          {hasRole(me, 'admin', 'auditor') && <a href={href('archives', id)}>{t('证据包', 'Archives')}</a>}
        </nav>
      )}
      <ItemList items={items} today={ledger.today} limit={200} />
    </article>
  );
}
