import { useMemo, useState } from 'preact/hooks';
import type { Item } from '../api/types.ts';
import { daysBetween, formatDate } from '../lib/format.ts';
import { useLang, useT } from '../lib/i18n.tsx';
import { href } from '../lib/router.ts';
import { InputField, Light, SelectField, STATUS_OPTIONS, StatusBadge } from './ui.tsx';

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
  /** The props each filter shares: its id, its label and its value in the filter. */
  const bound = (key: 'text' | 'status' | 'light' | 'aspect' | 'dept', id: string, label: string) => ({
    id: `${idPrefix}-${id}`,
    label,
    value: filter[key],
    onValue: (value: string) => onChange({ ...filter, [key]: value }),
  });
  const all = () => <option value="">{t('全部', 'All')}</option>;
  return (
    <form class="filters" aria-label={t('筛选', 'Filters')} onSubmit={(event) => event.preventDefault()}>
      <InputField {...bound('text', 'q', t('搜索', 'Search'))} type="search" />
      <SelectField {...bound('status', 'status', t('状态', 'Status'))}>
        {all()}
        {STATUS_OPTIONS.map(([status, zh, en]) => (
          <option value={status} key={status}>
            {t(zh, en)}
          </option>
        ))}
      </SelectField>
      <SelectField {...bound('light', 'light', t('灯色', 'Light'))}>
        {all()}
        <option value="red">{t('红灯', 'Red')}</option>
        <option value="yellow">{t('黄灯', 'Amber')}</option>
        <option value="green">{t('绿灯', 'Green')}</option>
      </SelectField>
      {aspects && (
        <SelectField {...bound('aspect', 'aspect', t('方面', 'Aspect'))}>
          {all()}
          {aspects.map((aspect) => (
            <option value={String(aspect.no)} key={aspect.no}>
              {aspect.no}. {aspect.title}
            </option>
          ))}
        </SelectField>
      )}
      {departments && (
        <SelectField {...bound('dept', 'dept', t('责任科室', 'Department'))}>
          {all()}
          {departments.map((dept) => (
            <option value={dept} key={dept}>
              {dept}
            </option>
          ))}
        </SelectField>
      )}
      <div class="field check">
        <input
          id={`${idPrefix}-overdue`}
          type="checkbox"
          checked={filter.overdueOnly}
          onChange={(e) => onChange({ ...filter, overdueOnly: (e.target as HTMLInputElement).checked })}
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
