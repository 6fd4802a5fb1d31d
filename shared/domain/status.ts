/**
 * Item status (DESIGN.md §2): not_started (未启动) → in_progress (正在整改) → rectified (已整改)
 * → closed (已完成/已销号). `longTerm` (长期坚持) is a flag beside the status, not a status.
 */
export const ITEM_STATUSES = ['not_started', 'in_progress', 'rectified', 'closed'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

export const STATUS_LABELS: Record<ItemStatus, { readonly 'zh-CN': string; readonly en: string }> = {
  not_started: { 'zh-CN': '未启动', en: 'not started' },
  in_progress: { 'zh-CN': '正在整改', en: 'in progress' },
  rectified: { 'zh-CN': '已整改', en: 'rectified' },
  closed: { 'zh-CN': '已完成', en: 'closed' },
};

/** For totals, "rectified" counts `rectified` + `closed` (DESIGN.md §2). */
export function countsAsRectified(status: ItemStatus): boolean {
  return status === 'rectified' || status === 'closed';
}

/** The order reports show statuses in: the most done first (the chart's stack, the tables' columns). */
export const STATUSES_MOST_DONE_FIRST: readonly ItemStatus[] = [
  'closed',
  'rectified',
  'in_progress',
  'not_started',
];
