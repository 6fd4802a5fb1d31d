import * as z from 'zod';
import { cleanLine, cleanMultiline, isWellFormedText, MALFORMED_TEXT } from '../text.ts';
import {
  ACCEPTED_OUTCOME_LABELS,
  ACCEPTED_STATUS_LABELS,
  canonicalTimeZone,
  isCalendarDate,
  parseOutcomeKind,
  parseStatusLabel,
} from './labels.ts';
import { bilingual, planErrorsOf } from './messages.ts';
import type { Plan, PlanError, PlanItem, PlanOutcome, PlanResult } from './model.ts';

/** The format tag every plan document carries. */
export const PLAN_FORMAT = 'rectify.plan/v1';
/** The most items one plan may hold; a real 台账 has tens, the largest seen a few thousand. */
export const MAX_PLAN_ITEMS = 20_000;
/** Deadlines are calendar dates in this zone when the plan names none (DESIGN.md §3.7). */
export const DEFAULT_TIMEZONE = 'Asia/Shanghai';

/** Length limits: generous for real text, small enough that one plan stays a few MB. */
export const PLAN_LIMITS = {
  title: 500,
  name: 200,
  /** Cognito custom attributes hold up to 2,048 characters; an id is far shorter. */
  leaderId: 128,
  description: 5_000,
  progress: 10_000,
  measure: 2_000,
  measuresPerItem: 200,
  note: 1_000,
  outcomes: 1_000,
} as const;

const SLUG = /^[a-z0-9-]{3,64}$/;
const ITEM_REF = /^\d+\.\d+\.\d+$/;

/**
 * Plan text is cleaned as request text is (shared/domain/text.ts): refused when not well-formed
 * Unicode, control and bidi characters removed; names and titles are single-line, measures,
 * descriptions, progress and notes keep their line breaks.
 */
type TextKind = 'line' | 'multiline';
const planText = (kind: TextKind) =>
  z
    .string()
    .refine(isWellFormedText, bilingual(MALFORMED_TEXT.message, MALFORMED_TEXT.messageZh))
    .overwrite(kind === 'line' ? cleanLine : cleanMultiline)
    .trim();
const requiredText = (max: number, kind: TextKind = 'line') => planText(kind).min(1).max(max);
const optionalText = (max: number, kind: TextKind = 'line') => planText(kind).max(max).optional();
const Numbering = z
  .number()
  .int()
  .min(1)
  .meta({ description: 'Position at its level, unique among siblings' });

const CalendarDate = z
  .string()
  .refine(
    isCalendarDate,
    bilingual('expected YYYY-MM-DD (a real calendar date)', '应为 YYYY-MM-DD 格式的有效日期'),
  )
  .meta({ format: 'date' });

const StatusLabel = z
  .string()
  .refine(
    (label) => parseStatusLabel(label) !== undefined,
    bilingual(
      `unknown status; accepted: ${ACCEPTED_STATUS_LABELS.join(', ')}`,
      `无法识别的状态，可用：${ACCEPTED_STATUS_LABELS.join('、')}`,
    ),
  )
  .meta({
    description:
      'not_started | in_progress | rectified | closed, or 未启动/正在整改/已整改/已完成; 长期坚持 sets longTerm',
  });

const OutcomeKindLabel = z
  .string()
  .refine(
    (label) => parseOutcomeKind(label) !== undefined,
    bilingual(
      `unknown outcome kind; accepted: ${ACCEPTED_OUTCOME_LABELS.join(', ')}`,
      `无法识别的整改成效类型，可用：${ACCEPTED_OUTCOME_LABELS.join('、')}`,
    ),
  )
  .meta({
    description:
      'regulation | dismissal | criticism | punishment | refund (or 建立健全制度/免职/批评教育/惩处/退缴)',
  });

const Measure = z.strictObject({ text: requiredText(PLAN_LIMITS.measure, 'multiline'), done: z.boolean() });

const Item = z.strictObject({
  no: Numbering,
  title: requiredText(PLAN_LIMITS.title),
  description: optionalText(PLAN_LIMITS.description, 'multiline'),
  status: StatusLabel,
  longTerm: z.boolean(),
  responsibleLeader: requiredText(PLAN_LIMITS.name),
  responsibleLeaderId: optionalText(PLAN_LIMITS.leaderId).meta({
    description:
      "The leader's id, equal to the custom:leaderId an admin set on the leader's account; without it the leader is matched by responsibleLeader",
  }),
  responsibleDept: requiredText(PLAN_LIMITS.name),
  deadline: CalendarDate,
  progress: optionalText(PLAN_LIMITS.progress, 'multiline'),
  measures: z.array(Measure).max(PLAN_LIMITS.measuresPerItem),
});

const Problem = z.strictObject({
  no: Numbering,
  title: requiredText(PLAN_LIMITS.title),
  items: z.array(Item).min(1),
});

const Aspect = z.strictObject({
  no: Numbering,
  title: requiredText(PLAN_LIMITS.title),
  problems: z.array(Problem).min(1),
});

const Inspection = z.strictObject({
  id: z
    .string()
    .refine(
      (id) => SLUG.test(id),
      bilingual('expected 3–64 characters of a-z, 0-9 and -', '编号应为 3–64 位小写字母、数字或连字符'),
    )
    .optional(),
  title: requiredText(PLAN_LIMITS.title),
  inspectedUnit: requiredText(PLAN_LIMITS.name),
  inspectionGroup: requiredText(PLAN_LIMITS.name),
  inspectionStart: CalendarDate,
  inspectionEnd: CalendarDate,
  feedbackDate: CalendarDate,
  firstResponsible: optionalText(PLAN_LIMITS.name),
  timezone: z
    .string()
    .refine(
      (zone) => canonicalTimeZone(zone) !== undefined,
      bilingual(
        'unknown IANA time zone (e.g. Asia/Shanghai)',
        '无法识别的时区（IANA 名称，如 Asia/Shanghai）',
      ),
    )
    .optional(),
});

const Outcome = z.strictObject({
  kind: OutcomeKindLabel,
  count: z.number().int().min(0),
  amountCny: z.number().min(0).optional(),
  itemRef: z
    .string()
    .optional()
    .meta({ description: 'The item this outcome belongs to, "aspect.problem.item"' }),
  note: optionalText(PLAN_LIMITS.note, 'multiline'),
});

/**
 * The zod schema of a `rectify.plan/v1` document (plan-format.md), for parsing and for the
 * OpenAPI document. Strict: an unknown key is an error, because a misspelt optional field
 * (`progess`) would otherwise vanish silently. Checks across fields (unique numbering,
 * references, dates in order, size) are in `parsePlanJson`.
 */
export const PlanDocument = z
  .strictObject({
    format: z.literal(PLAN_FORMAT),
    inspection: Inspection,
    aspects: z.array(Aspect).min(1),
    outcomes: z.array(Outcome).max(PLAN_LIMITS.outcomes).optional(),
  })
  .meta({ id: 'PlanDocument', description: 'rectify.plan/v1 (see plan-format.md)' });

/** A plan document as a client writes it. */
export type PlanDocumentInput = z.input<typeof PlanDocument>;
type Document = z.output<typeof PlanDocument>;

const asArray = (value: unknown): readonly unknown[] => (Array.isArray(value) ? value : []);
const field = (value: unknown, key: string): unknown =>
  value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
const isNumbering = (value: unknown): value is number =>
  Number.isSafeInteger(value) && (value as number) >= 1;

function countItems(input: unknown): number {
  let count = 0;
  for (const aspect of asArray(field(input, 'aspects')))
    for (const problem of asArray(field(aspect, 'problems')))
      count += asArray(field(problem, 'items')).length;
  return count;
}

/** Every `no` unique among its siblings; a duplicate is reported where it is, naming the first. */
function checkUniqueNumbers(entries: readonly unknown[], at: string, errors: PlanError[]): void {
  const first = new Map<number, number>();
  entries.forEach((entry, index) => {
    const no = field(entry, 'no');
    if (!isNumbering(no)) return;
    const earlier = first.get(no);
    if (earlier === undefined) first.set(no, index);
    else
      errors.push({
        path: `${at}[${index}].no`,
        message: `number ${no} is already used by ${at}[${earlier}]`,
        messageZh: `序号 ${no} 与 ${at}[${earlier}] 重复`,
      });
  });
}

/**
 * The checks across fields, run on the raw input even where parts of it are malformed, so that
 * one pass reports every error there is.
 */
function crossFieldErrors(input: unknown): PlanError[] {
  const errors: PlanError[] = [];
  const inspection = field(input, 'inspection');
  const start = field(inspection, 'inspectionStart');
  const end = field(inspection, 'inspectionEnd');
  if (typeof start === 'string' && typeof end === 'string' && isCalendarDate(start) && isCalendarDate(end)) {
    if (start > end)
      errors.push({
        path: 'inspection.inspectionEnd',
        message: `the inspection ends (${end}) before it starts (${start})`,
        messageZh: `巡察结束日期（${end}）早于开始日期（${start}）`,
      });
  }
  const aspects = asArray(field(input, 'aspects'));
  checkUniqueNumbers(aspects, 'aspects', errors);
  const refs = new Set<string>();
  aspects.forEach((aspect, a) => {
    const problems = asArray(field(aspect, 'problems'));
    checkUniqueNumbers(problems, `aspects[${a}].problems`, errors);
    problems.forEach((problem, p) => {
      const items = asArray(field(problem, 'items'));
      checkUniqueNumbers(items, `aspects[${a}].problems[${p}].items`, errors);
      for (const item of items)
        refs.add(`${field(aspect, 'no')}.${field(problem, 'no')}.${field(item, 'no')}`);
    });
  });
  asArray(field(input, 'outcomes')).forEach((outcome, o) => {
    const itemRef = field(outcome, 'itemRef');
    if (typeof itemRef !== 'string') return;
    if (!ITEM_REF.test(itemRef))
      errors.push({
        path: `outcomes[${o}].itemRef`,
        message: `expected an item reference "aspect.problem.item" such as 1.2.3, got "${itemRef}"`,
        messageZh: `应为“方面.问题.事项”形式的事项编号（如 1.2.3），实际为“${itemRef}”`,
      });
    else if (!refs.has(itemRef))
      errors.push({
        path: `outcomes[${o}].itemRef`,
        message: `no item ${itemRef} in this plan`,
        messageZh: `方案中没有事项 ${itemRef}`,
      });
  });
  return errors;
}

const byNo = <T extends { readonly no: number }>(list: readonly T[]): T[] =>
  [...list].sort((x, y) => x.no - y.no);
/** Optional text is left out when blank, so `""` and a missing key normalise alike. */
const optional = <K extends string>(key: K, value: string | undefined) =>
  value ? ({ [key]: value } as { [P in K]: string }) : {};

/** Builds the normalised plan from a document that passed every check. */
function normalise(document: Document): Plan {
  const { inspection } = document;
  const aspects = byNo(document.aspects).map((aspect) => ({
    no: aspect.no,
    title: aspect.title,
    problems: byNo(aspect.problems).map((problem) => ({
      no: problem.no,
      title: problem.title,
      items: byNo(problem.items).map((item): PlanItem => {
        // The schema accepted the label, so it parses.
        const label = parseStatusLabel(item.status) ?? { status: 'not_started', longTerm: false };
        return {
          no: item.no,
          ref: `${aspect.no}.${problem.no}.${item.no}`,
          title: item.title,
          ...optional('description', item.description),
          status: label.status,
          longTerm: item.longTerm || label.longTerm,
          responsibleLeader: item.responsibleLeader,
          ...optional('responsibleLeaderId', item.responsibleLeaderId),
          responsibleDept: item.responsibleDept,
          deadline: item.deadline,
          ...optional('progress', item.progress),
          measures: item.measures.map((measure) => ({ text: measure.text, done: measure.done })),
        };
      }),
    })),
  }));
  const outcomes = (document.outcomes ?? []).map(
    (outcome): PlanOutcome => ({
      kind: parseOutcomeKind(outcome.kind) ?? 'regulation',
      count: outcome.count,
      ...(outcome.amountCny !== undefined ? { amountCny: outcome.amountCny } : {}),
      ...optional('itemRef', outcome.itemRef),
      ...optional('note', outcome.note),
    }),
  );
  return {
    format: PLAN_FORMAT,
    inspection: {
      ...optional('id', inspection.id),
      title: inspection.title,
      inspectedUnit: inspection.inspectedUnit,
      inspectionGroup: inspection.inspectionGroup,
      inspectionStart: inspection.inspectionStart,
      inspectionEnd: inspection.inspectionEnd,
      feedbackDate: inspection.feedbackDate,
      ...optional('firstResponsible', inspection.firstResponsible),
      timezone: canonicalTimeZone(inspection.timezone ?? DEFAULT_TIMEZONE) ?? DEFAULT_TIMEZONE,
    },
    aspects,
    outcomes,
  };
}

/**
 * Validates and normalises a `rectify.plan/v1` document: Chinese status labels become codes,
 * blank optional text is dropped, every level is sorted by `no`, items get their `a.p.i` ref.
 * Never throws on bad input: it returns every error, each with its path
 * (`aspects[0].problems[1].items[0].deadline`) and a message in English and Chinese. A plan
 * over MAX_PLAN_ITEMS is refused with that one error before anything else is checked.
 */
export function parsePlanJson(input: unknown): PlanResult {
  const items = countItems(input);
  if (items > MAX_PLAN_ITEMS)
    return {
      ok: false,
      errors: [
        {
          path: 'aspects',
          message: `a plan holds at most ${MAX_PLAN_ITEMS} items, this one ${items}`,
          messageZh: `一个方案最多 ${MAX_PLAN_ITEMS} 个事项，本方案 ${items} 个`,
        },
      ],
    };
  const parsed = PlanDocument.safeParse(input, { reportInput: true });
  const errors = [...(parsed.success ? [] : planErrorsOf(parsed.error)), ...crossFieldErrors(input)];
  if (!parsed.success || errors.length > 0) return { ok: false, errors };
  return { ok: true, plan: normalise(parsed.data) };
}
