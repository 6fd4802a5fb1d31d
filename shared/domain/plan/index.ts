/**
 * Plan import (plan-format.md `rectify.plan/v1`): a JSON document or a spreadsheet 台账, each
 * validated by one set of rules into the same normalised Plan.
 */
export {
  DEFAULT_TIMEZONE,
  MAX_PLAN_ITEMS,
  PLAN_FORMAT,
  PLAN_LIMITS,
  PlanDocument,
  type PlanDocumentInput,
  parsePlanJson,
} from './json.ts';
export {
  ACCEPTED_OUTCOME_LABELS,
  ACCEPTED_STATUS_LABELS,
  OUTCOME_LABELS,
  parseOutcomeKind,
  parseStatusLabel,
} from './labels.ts';
export type * from './model.ts';
export { LEDGER_FIELDS, OUTCOME_KINDS } from './model.ts';
export {
  LEDGER_COLUMN_NAMES,
  parsePlanSpreadsheet,
  readPlanSpreadsheet,
  type SpreadsheetLayout,
  type SpreadsheetOptions,
} from './spreadsheet.ts';
