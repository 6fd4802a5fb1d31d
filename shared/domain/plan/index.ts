export { DEFAULT_TIMEZONE, MAX_PLAN_ITEMS, PLAN_FORMAT, PlanDocument, parsePlanJson } from './json.ts';
export { ACCEPTED_STATUS_LABELS, parseStatusLabel } from './labels.ts';
export type * from './model.ts';
export { parsePlanSpreadsheet } from './spreadsheet.ts';
