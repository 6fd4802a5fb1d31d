import { useMemo, useState } from 'preact/hooks';
import type { Item } from '../api/types.ts';
import { daysBetween, formatDate } from '../lib/format.ts';
import { useLang, useT } from '../lib/i18n.tsx';
import { href } from '../lib/router.ts';
import { Light, STATUS_OPTIONS, StatusBadge } from './ui.tsx';

export interface ItemFilter {
  readonly text: string;
  readonly status: string;
  readonly light: string;
  readonly aspect: string;
  readonly dept: string;
  readonly overdueOnly: boolean;
}

export const NO_FILTER: ItemFilter = {
  text: '',
  status: '',
  light: '',
  aspect: '',
  dept: '',
  overdueOnly: false,
};

/** Items that pass the filter; text matches title, ref, description, 科室 and leader. */
export function filterItems(items: readonly Item[], filter: ItemFilter): Item[] {
  const needle = filter.text.trim().toLowerCase();
  return items.filter(
    (item) =>
      (!filter.status || item.status === filter.status) &&
      (!filter.light || item.light === filter.light) &&
      (!filter.aspect || String(item.aspectNo) === filter.aspect) &&
      (!filter.dept || item.responsibleDept === filter.dept) &&
      (!filter.overdueOnly || item.overdue) &&
      (!needle ||
        `${item.ref} ${item.title} ${item.description ?? ''} ${item.responsibleDept} ${item.responsibleLeader}`
          .toLowerCase()
          .includes(needle)),
  );
}

/**
 * The filter bar: search, status, light, overdue; aspect and 科室 when the caller passes choices
 * (the board does; a clerk's list has one 科室).
 */
export function ItemFilters({
  filter,
  onChange,
  aspects,
  departments,
  idPrefix,
}: {
  filter: ItemFilter;
  onChange: (filter: ItemFilter) => void;
  aspects?: readonly { no: number; title: string }[];
  departments?: readonly string[];
  idPrefix: string;
}) {
  const t = useT();
  const set = (patch: Partial<ItemFilter>) => onChange({ ...filter, ...patch });
  const value = (event: Event) => (event.target as HTMLInputElement | HTMLSelectElement).value;
  return (
    <form class="filters" aria-label={t('筛选', 'Filters')} onSubmit={(event) => event.preventDefault()}>
      <div class="field">
        <label for={`${idPrefix}-q`}>{t('搜索', 'Search')}</label>
        <input
          id={`${idPrefix}-q`}
          type="search"
          value={filter.text}
          onInput={(e) => set({ text: value(e) })}
        />
      </div>
      <div class="field">
        <label for={`${idPrefix}-status`}>{t('状态', 'Status')}</label>
        <select id={`${idPrefix}-status`} value={filter.status} onChange={(e) => set({ status: value(e) })}>
          <option value="">{t('全部', 'All')}</option>
          {STATUS_OPTIONS.map(([status, zh, en]) => (
            <option value={status} key={status}>
              {t(zh, en)}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for={`${idPrefix}-light`}>{t('灯色', 'Light')}</label>
        <select id={`${idPrefix}-light`} value={filter.light} onChange={(e) => set({ light: value(e) })}>
          <option value="">{t('全部', 'All')}</option>
          <option value="red">{t('红灯', 'Red')}</option>
          <option value="yellow">{t('黄灯', 'Amber')}</option>
          <option value="green">{t('绿灯', 'Green')}</option>
        </select>
      </div>
      {aspects && (
        <div class="field">
          <label for={`${idPrefix}-aspect`}>{t('方面', 'Aspect')}</label>
          <select id={`${idPrefix}-aspect`} value={filter.aspect} onChange={(e) => set({ aspect: value(e) })}>
            <option value="">{t('全部', 'All')}</option>
            {aspects.map((aspect) => (
              <option value={String(aspect.no)} key={aspect.no}>
                {aspect.no}. {aspect.title}
              </option>
            ))}
          </select>
        </div>
      )}
      {departments && (
        <div class="field">
          <label for={`${idPrefix}-dept`}>{t('责任科室', 'Department')}</label>
          <select id={`${idPrefix}-dept`} value={filter.dept} onChange={(e) => set({ dept: value(e) })}>
            <option value="">{t('全部', 'All')}</option>
            {departments.map((dept) => (
              <option value={dept} key={dept}>
                {dept}
              </option>
            ))}
          </select>
        </div>
      )}
      <div class="field check">
        <input
          id={`${idPrefix}-overdue`}
          type="checkbox"
          checked={filter.overdueOnly}
          onChange={(e) => set({ overdueOnly: (e.target as HTMLInputElement).checked })}
        />
        <label for={`${idPrefix}-overdue`}>{t('仅看逾期', 'Overdue only')}</label>
      </div>
    </form>
  );
}

/**
 * Items as a list of cards (one per row on a phone, a grid row on a desktop): the title is the
 * link to the item's page; light, status, deadline and days left, measures done, evidence.
 */
export function ItemList({
  items,
  today,
  limit = 500,
}: {
  items: readonly Item[];
  today: string;
  limit?: number;
}) {
  const t = useT();
  const lang = useLang();
  const [shown, setShown] = useState(limit);
  const visible = useMemo(() => items.slice(0, shown), [items, shown]);
  if (items.length === 0) return <p class="muted">{t('没有符合条件的事项', 'No items match')}</p>;
  return (
    <>
      <ul class="items">
        {visible.map((item) => {
          const days = daysBetween(today, item.deadline);
          const done = item.measures.filter((measure) => measure.done).length;
          const closed = item.status === 'closed' || item.status === 'rectified';
          return (
            <li key={item.itemId} class={`item-row${item.withdrawn ? ' withdrawn' : ''}`}>
              <div class="item-title">
                <span class="ref">{item.ref}</span> <a href={href('items', item.itemId)}>{item.title}</a>
                {item.longTerm && <span class="tag">{t('长期坚持', 'Long-term')}</span>}
                {item.withdrawn && <span class="tag">{t('已撤回', 'Withdrawn')}</span>}
              </div>
              <div class="item-meta">
                <Light light={item.light} />
                <StatusBadge item={item} />
                <span>
                  {t('时限', 'Due')} {formatDate(item.deadline, lang)}
                  {!closed && (
                    <span class={days < 0 ? 'overdue' : days <= 7 ? 'soon' : 'muted'}>
                      {' '}
                      {days < 0
                        ? t(`逾期${-days}天`, `${-days} d overdue`)
                        : t(`剩${days}天`, `${days} d left`)}
                    </span>
                  )}
                </span>
                <span>
                  {t('措施', 'Measures')} {done}/{item.measures.length}
                </span>
                <span>
                  {t('佐证', 'Evidence')} {item.evidenceCount}
                </span>
                <span class="muted">{item.responsibleDept}</span>
              </div>
            </li>
          );
        })}
      </ul>
      {items.length > shown && (
        <button type="button" onClick={() => setShown(shown + limit)}>
          {t(`显示更多（共${items.length}项）`, `Show more (${items.length} in all)`)}
        </button>
      )}
    </>
  );
}
