import { z } from 'zod';
import { formatPath } from '../validation.ts';
import {
  ACCEPTED_STATUS_LABELS,
  isCalendarDate,
  isTimeZone,
  parseOutcomeKind,
  parseStatusLabel,
} from './labels.ts';
import type { Plan, PlanAspect, PlanError, PlanOutcome, PlanResult } from './model.ts';
import { OUTCOME_KINDS } from './model.ts';

export const PLAN_FORMAT = 'rectify.plan/v1';
export const MAX_PLAN_ITEMS = 20_000;
export const DEFAULT_TIMEZONE = 'Asia/Shanghai';

const text = (max: number) => z.string().trim().min(1).max(max);
const optionalText = (max: number) => z.string().trim().max(max).optional();
const number = z.number().int().min(1);

/** A check with its message in both languages (`params.zh` carries the Chinese). */
const bilingual = (message: string, zh: string) => ({ message, params: { zh } });
const CalendarDate = z
  .string()
  .refine(
    isCalendarDate,
    bilingual('expected YYYY-MM-DD (a real calendar date)', '应为 YYYY-MM-DD 格式的有效日期'),
  );
const StatusLabel = z
  .string()
  .refine(
    (label) => parseStatusLabel(label) !== undefined,
    bilingual(
      `unknown status; accepted: ${ACCEPTED_STATUS_LABELS.join(', ')}`,
      `无法识别的状态，可用：${ACCEPTED_STATUS_LABELS.join('、')}`,
    ),
  );
const OutcomeKindLabel = z
  .string()
  .refine(
    (label) => parseOutcomeKind(label) !== undefined,
    bilingual(`unknown outcome kind; accepted: ${OUTCOME_KINDS.join(', ')}`, '无法识别的整改成效类型'),
  );

/**
 * The structure of a `rectify.plan/v1` document. Values with a meaning (dates, statuses,
 * numbering, references) are checked afterwards, so that every error is found in one pass and
 * each gets a message in both languages.
 */
export const PlanDocument = z
  .strictObject({
    format: z.literal(PLAN_FORMAT),
    inspection: z.strictObject({
      id: z
        .string()
        .regex(
          /^[a-z0-9-]{3,64}$/,
          bilingual('expected 3–64 characters of a-z, 0-9 and -', '编号应为 3–64 位小写字母、数字或连字符'),
        )
        .optional(),
      title: text(500),
      inspectedUnit: text(200),
      inspectionGroup: text(200),
      inspectionStart: CalendarDate,
      inspectionEnd: CalendarDate,
      feedbackDate: CalendarDate,
      firstResponsible: optionalText(100),
      timezone: z
        .string()
        .refine(isTimeZone, bilingual('unknown IANA time zone', '无法识别的时区'))
        .optional(),
    }),
    aspects: z
      .array(
        z.strictObject({
          no: number,
          title: text(500),
          problems: z.array(
            z.strictObject({
              no: number,
              title: text(500),
              items: z.array(
                z.strictObject({
                  no: number,
                  title: text(500),
                  description: optionalText(5_000),
                  status: StatusLabel,
                  longTerm: z.boolean(),
                  responsibleLeader: text(100),
                  responsibleDept: text(100),
                  deadline: CalendarDate,
                  progress: optionalText(10_000),
                  measures: z.array(z.strictObject({ text: text(2_000), done: z.boolean() })).max(200),
                }),
              ),
            }),
          ),
        }),
      )
      .min(1),
    outcomes: z
      .array(
        z.strictObject({
          kind: OutcomeKindLabel,
          count: z.number().int().min(0),
          amountCny: z.number().min(0).optional(),
          itemRef: z.string().optional(),
          note: optionalText(1_000),
        }),
      )
      .optional(),
  })
  .meta({ id: 'PlanDocument', description: 'rectify.plan/v1 (see plan-format.md)' });

type Document = z.output<typeof PlanDocument>;

/** Zod's own messages, in English and in Chinese (zod ships both locales). */
function structuralErrors(input: unknown, english: z.ZodSafeParseError<unknown>): PlanError[] {
  const chinese = PlanDocument.safeParse(input, { error: z.locales.zhCN().localeError });
  return english.error.issues.map((issue, index) => ({
    path: formatPath(issue.path) || '(root)',
    message: issue.message,
    messageZh:
      issue.code === 'custom' && typeof issue.params?.zh === 'string'
        ? issue.params.zh
        : chinese.success
          ? issue.message
          : (chinese.error.issues[index]?.message ?? issue.message),
  }));
}

const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const field = (value: unknown, key: string): unknown =>
  value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;

/** Every `no` unique among its siblings; a duplicate names the first holder. */
function checkUniqueNumbers(entries: readonly unknown[], at: string, errors: PlanError[]) {
  const first = new Map<number, number>();
  entries.forEach((entry, index) => {
    const no = field(entry, 'no');
    if (typeof no !== 'number') return;
    const earlier = first.get(no);
    if (earlier === undefined) first.set(no, index);
    else {
      errors.push({
        path: `${at}[${index}].no`,
        message: `number ${no} is already used by ${at}[${earlier}]`,
        messageZh: `序号 ${no} 与 ${at}[${earlier}] 重复`,
      });
    }
  });
}

/**
 * The checks across fields (numbering, references, dates in order, size), run on the raw input
 * even when parts of it are malformed, so one pass reports every error there is.
 */
function crossFieldErrors(input: unknown): PlanError[] {
  const errors: PlanError[] = [];
  const inspection = field(input, 'inspection');
  const start = field(inspection, 'inspectionStart');
  const end = field(inspection, 'inspectionEnd');
  if (
    typeof start === 'string' &&
    typeof end === 'string' &&
    isCalendarDate(start) &&
    isCalendarDate(end) &&
    start > end
  ) {
    errors.push({
      path: 'inspection.inspectionEnd',
      message: 'the inspection ends before it starts',
      messageZh: '巡察结束日期早于开始日期',
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
  if (refs.size > MAX_PLAN_ITEMS) {
    errors.push({
      path: 'aspects',
      message: `a plan holds at most ${MAX_PLAN_ITEMS} items, this one ${refs.size}`,
      messageZh: `一个方案最多 ${MAX_PLAN_ITEMS} 个事项，本方案 ${refs.size} 个`,
    });
  }
  asArray(field(input, 'outcomes')).forEach((outcome, o) => {
    const itemRef = field(outcome, 'itemRef');
    if (typeof itemRef === 'string' && !refs.has(itemRef)) {
      errors.push({
        path: `outcomes[${o}].itemRef`,
        message: `no item ${itemRef} in this plan`,
        messageZh: `方案中没有事项 ${itemRef}`,
      });
    }
  });
  return errors;
}

/** Builds the normalised plan from a document that passed every check. */
function normalise(document: Document): Plan {
  const { inspection } = document;
  const byNo = <T extends { no: number }>(list: readonly T[]) => [...list].sort((x, y) => x.no - y.no);
  const aspects: PlanAspect[] = document.aspects.map((aspect) => ({
    no: aspect.no,
    title: aspect.title,
    problems: byNo(aspect.problems).map((problem) => ({
      no: problem.no,
      title: problem.title,
      items: byNo(problem.items).map((item) => {
        // The schema accepted the label, so it parses.
        const status = parseStatusLabel(item.status) ?? { status: 'not_started' as const, longTerm: false };
        return {
          no: item.no,
          ref: `${aspect.no}.${problem.no}.${item.no}`,
          title: item.title,
          ...(item.description ? { description: item.description } : {}),
          status: status.status,
          longTerm: item.longTerm || status.longTerm,
          responsibleLeader: item.responsibleLeader,
          responsibleDept: item.responsibleDept,
          deadline: item.deadline,
          ...(item.progress ? { progress: item.progress } : {}),
          measures: item.measures.map((measure) => ({ text: measure.text, done: measure.done })),
        };
      }),
    })),
  }));
  const outcomes: PlanOutcome[] = (document.outcomes ?? []).map((outcome) => ({
    kind: parseOutcomeKind(outcome.kind) ?? 'regulation',
    count: outcome.count,
    ...(outcome.amountCny !== undefined ? { amountCny: outcome.amountCny } : {}),
    ...(outcome.itemRef ? { itemRef: outcome.itemRef } : {}),
    ...(outcome.note ? { note: outcome.note } : {}),
  }));
  return {
    format: PLAN_FORMAT,
    inspection: {
      ...(inspection.id ? { id: inspection.id } : {}),
      title: inspection.title,
      inspectedUnit: inspection.inspectedUnit,
      inspectionGroup: inspection.inspectionGroup,
      inspectionStart: inspection.inspectionStart,
      inspectionEnd: inspection.inspectionEnd,
      feedbackDate: inspection.feedbackDate,
      ...(inspection.firstResponsible ? { firstResponsible: inspection.firstResponsible } : {}),
      timezone: inspection.timezone ?? DEFAULT_TIMEZONE,
    },
    aspects: byNo(aspects),
    outcomes,
  };
}

/**
 * Validates and normalises a `rectify.plan/v1` document. Never throws on bad input: it returns
 * every error with its path (`aspects[0].problems[1].items[0].deadline`) in English and Chinese.
 */
export function parsePlanJson(input: unknown): PlanResult {
  const parsed = PlanDocument.safeParse(input);
  const errors = [...(parsed.success ? [] : structuralErrors(input, parsed)), ...crossFieldErrors(input)];
  if (!parsed.success || errors.length > 0) return { ok: false, errors };
  return { ok: true, plan: normalise(parsed.data) };
}
