import type { OutcomeTally } from '../outcomes.ts';
import type { OutcomeKind } from '../plan/model.ts';

/**
 * The narrative paragraph of a summary, written the way these reports are written:
 *
 *   截至2022年10月20日，巡察反馈的39个具体事项已经整改完成37项，正在整改2项（A，B）。提出整改措施69条，
 *   已经完成67条。建立健全制度19项，免职4人、批评教育7人，惩处1人，退缴违规钱款4384元。
 *
 * A clause appears only when its number is not zero; in-progress items are named (the first
 * MAX_NAMED, then 等); an outcome kind whose records share one short note naming who was dealt
 * with uses it (免职校级领导干部4人).
 */
export interface ParagraphFacts {
  /** YYYY-MM-DD in the inspection's zone. */
  readonly asOfDate: string;
  readonly items: number;
  readonly rectified: number;
  readonly inProgressTitles: readonly string[];
  readonly notStarted: number;
  readonly measuresTotal: number;
  readonly measuresDone: number;
  readonly outcomes: readonly OutcomeTally[];
}

/** In-progress items named in the parenthesis before it says 等 (etc.). */
export const MAX_NAMED = 10;

const PEOPLE: readonly OutcomeKind[] = ['dismissal', 'criticism', 'punishment'];
const VERB_ZH: Record<OutcomeKind, string> = {
  regulation: '建立健全制度',
  dismissal: '免职',
  criticism: '批评教育',
  punishment: '惩处',
  refund: '退缴违规钱款',
};

/** CNY without trailing zeros: 4384, 4384.5, 4384.25. */
const yuan = (amount: number) => String(Math.round(amount * 100) / 100);
const grouped = (amount: number) =>
  new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 }).format(Math.round(amount * 100) / 100);

/** A calendar date (YYYY-MM-DD) as Chinese documents write it: 2024年10月20日. */
export function zhDate(date: string): string {
  const [year, month, day] = date.split('-').map(Number);
  return `${year}年${month}月${day}日`;
}

/** A calendar date (YYYY-MM-DD) in English: 20 October 2024. */
export function enDate(date: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(`${date}T00:00:00Z`));
}

/**
 * Who a personnel outcome names: the note all its records share, when it is a short phrase (not a
 * sentence, not the verb again); the verb is dropped from its start (批评教育青年教师 → 青年教师).
 */
function whom(tally: OutcomeTally): string {
  if (!PEOPLE.includes(tally.kind) || tally.notes.length !== 1) return '';
  const verb = VERB_ZH[tally.kind];
  const note = (tally.notes[0] ?? '').replace(new RegExp(`^${verb}`), '').trim();
  return note.length <= 12 && !/[，。；、,.;:：\s]/.test(note) ? note : '';
}

function zhOutcomes(tallies: readonly OutcomeTally[]): string {
  const of = (kind: OutcomeKind) => tallies.find((t) => t.kind === kind);
  const clause = (kind: OutcomeKind): string | undefined => {
    const tally = of(kind);
    if (!tally || tally.count === 0) return undefined;
    if (kind === 'regulation') return `${VERB_ZH.regulation}${tally.count}项`;
    if (kind === 'refund')
      return tally.amountCny > 0 ? `${VERB_ZH.refund}${yuan(tally.amountCny)}元` : undefined;
    return `${VERB_ZH[kind]}${whom(tally)}${tally.count}人`;
  };
  // Dismissals and criticism (组织处理) are one run joined by 、, as the reports write them.
  const organisational = [clause('dismissal'), clause('criticism')].filter(Boolean).join('、');
  const clauses = [clause('regulation'), organisational, clause('punishment'), clause('refund')].filter(
    (text): text is string => Boolean(text),
  );
  return clauses.length > 0 ? `${clauses.join('，')}。` : '';
}

export function paragraphZh(facts: ParagraphFacts): string {
  const named = facts.inProgressTitles.slice(0, MAX_NAMED);
  const more = facts.inProgressTitles.length > MAX_NAMED ? '等' : '';
  let items: string;
  if (facts.items === 0) {
    items = `截至${zhDate(facts.asOfDate)}，尚无巡察反馈的具体事项录入台账。`;
  } else if (facts.rectified === facts.items) {
    items = `截至${zhDate(facts.asOfDate)}，巡察反馈的${facts.items}个具体事项已经全部整改完成。`;
  } else {
    const parts = [`已经整改完成${facts.rectified}项`];
    if (facts.inProgressTitles.length > 0) {
      parts.push(`正在整改${facts.inProgressTitles.length}项（${named.join('，')}${more}）`);
    }
    if (facts.notStarted > 0) parts.push(`尚未启动${facts.notStarted}项`);
    items = `截至${zhDate(facts.asOfDate)}，巡察反馈的${facts.items}个具体事项${parts.join('，')}。`;
  }
  const measures =
    facts.measuresTotal === 0
      ? ''
      : facts.measuresDone === facts.measuresTotal
        ? `提出整改措施${facts.measuresTotal}条，已经全部完成。`
        : `提出整改措施${facts.measuresTotal}条，已经完成${facts.measuresDone}条。`;
  return `${items}${measures}${zhOutcomes(facts.outcomes)}`;
}

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

function enOutcomes(tallies: readonly OutcomeTally[]): string {
  const count = (kind: OutcomeKind) => tallies.find((t) => t.kind === kind)?.count ?? 0;
  const refund = tallies.find((t) => t.kind === 'refund');
  const clauses = [
    count('regulation') > 0 &&
      `${plural(count('regulation'), 'regulation was', 'regulations were')} established or improved`,
    count('dismissal') > 0 && `${plural(count('dismissal'), 'person was', 'people were')} removed from post`,
    count('criticism') > 0 &&
      `${plural(count('criticism'), 'person was', 'people were')} criticised and educated`,
    count('punishment') > 0 && `${plural(count('punishment'), 'person was', 'people were')} punished`,
    refund &&
      refund.count > 0 &&
      refund.amountCny > 0 &&
      `CNY ${grouped(refund.amountCny)} of irregular funds was recovered`,
  ].filter((text): text is string => Boolean(text));
  if (clauses.length === 0) return '';
  const text = clauses.length === 1 ? clauses[0] : `${clauses.slice(0, -1).join(', ')} and ${clauses.at(-1)}`;
  return ` ${text?.charAt(0).toUpperCase()}${text?.slice(1)}.`;
}

export function paragraphEn(facts: ParagraphFacts): string {
  const asOf = `As of ${enDate(facts.asOfDate)}`;
  let items: string;
  if (facts.items === 0) {
    items = `${asOf}, no specific issues raised by the inspection have been entered in the ledger.`;
  } else if (facts.rectified === facts.items) {
    items = `${asOf}, all ${plural(facts.items, 'specific issue', 'specific issues')} raised by the inspection have been rectified.`;
  } else {
    const named = facts.inProgressTitles.slice(0, MAX_NAMED);
    const more = facts.inProgressTitles.length > MAX_NAMED ? ', etc.' : '';
    const parts = [`${facts.rectified} ${facts.rectified === 1 ? 'has' : 'have'} been rectified`];
    if (facts.inProgressTitles.length > 0) {
      parts.push(
        `${facts.inProgressTitles.length} ${facts.inProgressTitles.length === 1 ? 'is' : 'are'} in progress (${named.join('; ')}${more})`,
      );
    }
    if (facts.notStarted > 0)
      parts.push(`${facts.notStarted} ${facts.notStarted === 1 ? 'has' : 'have'} not started`);
    const joined = parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
    items = `${asOf}, of the ${plural(facts.items, 'specific issue', 'specific issues')} raised by the inspection, ${joined}.`;
  }
  const measures =
    facts.measuresTotal === 0
      ? ''
      : facts.measuresDone === facts.measuresTotal
        ? ` All ${plural(facts.measuresTotal, 'rectification measure', 'rectification measures')} proposed are complete.`
        : ` Of the ${plural(facts.measuresTotal, 'rectification measure', 'rectification measures')} proposed, ${facts.measuresDone} ${facts.measuresDone === 1 ? 'is' : 'are'} complete.`;
  return `${items}${measures}${enOutcomes(facts.outcomes)}`;
}
