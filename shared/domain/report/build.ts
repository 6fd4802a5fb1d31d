import type { OutcomeTally } from '../outcomes.ts';
import { OUTCOME_LABELS } from '../plan/labels.ts';
import type { ItemStatus } from '../status.ts';
import type { Summary, SummaryItem, SummaryItemRef } from '../summary/model.ts';
import { enDate, MAX_NAMED, zhDate } from '../summary/paragraph.ts';
import type { ReportBlock, ReportDocument, ReportInput, ReportText } from './model.ts';

/**
 * The 整改情况报告 as blocks of text, from a summary and the office's texts. Pure: the same input
 * gives the same document. Part 二 follows the ledger exactly (the summary's items in ref order);
 * the defaults for the office's texts say only what the summary backs (no 回头看 dates, no
 * counts the ledger does not hold).
 */

type Lang = ReportInput['lang'];

const PROGRESS_ZH: Record<ItemStatus, string> = {
  not_started: '尚未启动',
  in_progress: '正在整改',
  rectified: '已整改',
  closed: '已完成',
};
const PROGRESS_EN: Record<ItemStatus, string> = {
  not_started: 'not started',
  in_progress: 'in progress',
  rectified: 'rectified',
  closed: 'closed',
};

const DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** 1 → 一, 10 → 十, 21 → 二十一, 105 → 一百零五: the numbers of （一） headings. */
export function chineseNumeral(n: number): string {
  if (!Number.isInteger(n) || n < 0) return String(n);
  if (n < 10) return DIGITS[n] as string;
  if (n < 20) return `十${n % 10 === 0 ? '' : DIGITS[n % 10]}`;
  if (n < 100) return `${DIGITS[Math.floor(n / 10)]}十${n % 10 === 0 ? '' : DIGITS[n % 10]}`;
  if (n < 1000) {
    const rest = n % 100;
    const tail =
      rest === 0
        ? ''
        : rest < 10
          ? `零${DIGITS[rest]}`
          : rest < 20
            ? `一${chineseNumeral(rest)}`
            : chineseNumeral(rest);
    return `${DIGITS[Math.floor(n / 100)]}百${tail}`;
  }
  return String(n);
}

const ROMAN = ['I', 'II', 'III', 'IV', 'V'];

const CJK = /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef“”‘’]/;

/** A field on one line: a line break inside Chinese text joins without a space, elsewhere with one. */
function oneLine(text: string): string {
  return text
    .trim()
    .replace(/\s*[\r\n]+\s*/g, (_, offset: number, whole: string) => {
      const before = whole[offset - 1] ?? '';
      const after = whole[offset + _.length] ?? '';
      return CJK.test(before) || CJK.test(after) ? '' : ' ';
    })
    .replace(/[ \t]+/g, ' ');
}

/** The non-empty lines of a text, each a paragraph of its own (公文 indents every paragraph). */
function lines(text: string): string[] {
  return text
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}

/** A sentence ended once: 。 added where the text has no end mark, a trailing ，；： replaced. */
function sentence(text: string, lang: Lang): string {
  const trimmed = text.trim();
  if (lang === 'en')
    return /[.!?。！？]["'”’)]?$/.test(trimmed) ? trimmed : `${trimmed.replace(/[,;:]$/, '')}.`;
  if (/[。！？!?…][”’」』）)]?$/.test(trimmed)) return trimmed;
  return `${trimmed.replace(/[，,；;：:、]$/, '')}。`;
}

/** A title as a clause: its own end mark dropped (问题1：<title>。<description>). */
const clause = (text: string) => oneLine(text).replace(/[。.;；，,]+$/, '');

const paragraphs = (text: string, ref?: string): ReportBlock[] =>
  lines(text).map((line) => ({ kind: 'paragraph', text: line, ...(ref ? { ref } : {}) }));

/** What the inspection is, for the wording: 巡视, 审计 or (most often) 巡察. */
function inspectionKind(summary: Summary): { zh: string; en: string } {
  const name = `${summary.inspection.inspectionGroup}${summary.inspection.title}`;
  if (name.includes('巡视')) return { zh: '巡视', en: 'inspection tour' };
  if (name.includes('审计')) return { zh: '审计', en: 'audit' };
  return { zh: '巡察', en: 'inspection' };
}

/**
 * 关于落实…反馈意见整改情况的报告. A title naming the feedback (…反馈意见整改, often with more after
 * it) gives everything up to 反馈意见, so 整改 is never said twice; any other title gives way to
 * the group's name.
 */
export function reportTitle(summary: Summary, lang: Lang): string {
  const { title, inspectionGroup } = summary.inspection;
  if (lang === 'en') return `Report on the Rectification of the Feedback of ${oneLine(inspectionGroup)}`;
  const flat = oneLine(title).replace(/^关于(落实)?/, '');
  const at = flat.lastIndexOf('反馈意见');
  const feedback = at > 0 ? flat.slice(0, at + '反馈意见'.length) : `${oneLine(inspectionGroup)}反馈意见`;
  return `关于落实${feedback}整改情况的报告`;
}

function defaultOpening(summary: Summary, lang: Lang): string {
  const { inspectionGroup, inspectedUnit, feedbackDate } = summary.inspection;
  const kind = inspectionKind(summary);
  if (lang === 'en') {
    return `After ${inspectionGroup} gave its ${kind.en} feedback to ${inspectedUnit} on ${enDate(feedbackDate)}, ${inspectedUnit} took up each issue raised and entered it in its rectification ledger. The progress of the rectification is reported as follows.`;
  }
  return `${inspectionGroup}于${zhDate(feedbackDate)}向${inspectedUnit}反馈${kind.zh}意见后，${inspectedUnit}对照反馈意见逐项建立整改台账，推进整改落实。现将整改情况报告如下：`;
}

function defaultOrganisation(summary: Summary, lang: Lang): string {
  const { inspectionGroup, inspectedUnit } = summary.inspection;
  const { totals } = summary;
  const departments = summary.byDepartment.filter((d) => d.total > 0).length;
  const leaders = new Set(summary.items.map((item) => item.leader)).size;
  if (lang === 'en') {
    if (totals.total === 0)
      return `No specific issues raised by ${inspectionGroup} have yet been entered in the ledger.`;
    const measures = totals.measuresTotal > 0 ? `, with ${totals.measuresTotal} rectification measures` : '';
    return `${inspectedUnit} entered each of the ${totals.total} specific issues raised by ${inspectionGroup} in its rectification ledger, naming for each the responsible leader, the responsible department and the deadline${measures}; ${leaders} leaders and ${departments} departments are responsible.`;
  }
  if (totals.total === 0) return `${inspectionGroup}反馈的具体事项尚未录入整改台账。`;
  const measures = totals.measuresTotal > 0 ? `，制定整改措施${totals.measuresTotal}条` : '';
  return `${inspectedUnit}将${inspectionGroup}反馈的${totals.total}个具体事项全部录入整改台账，逐项明确责任领导、责任科室和完成时限${measures}，共涉及责任领导${leaders}名、责任科室${departments}个。`;
}

/** Items named by ref and title, the first MAX_NAMED, then 等 / etc. */
function named(refs: readonly SummaryItemRef[], lang: Lang): string {
  const shown = refs.slice(0, MAX_NAMED);
  if (lang === 'en') {
    const list = shown.map((r) => `${r.ref} “${clause(r.title)}”`).join('; ');
    return refs.length > MAX_NAMED ? `${list}; etc.` : list;
  }
  const list = shown.map((r) => `第${r.ref}项“${clause(r.title)}”`).join('、');
  return refs.length > MAX_NAMED ? `${list}等` : list;
}

/**
 * 下一步: the items still open, by name; those overdue; the long-term ones kept up. The summary
 * holds no look-back (回头看) dates, so none is promised here.
 */
function defaultNextSteps(summary: Summary, lang: Lang): string {
  const { inProgress, notStarted, overdue, totals } = summary;
  const out: string[] = [];
  const open = inProgress.length + notStarted.length;
  if (lang === 'en') {
    if (open > 0) {
      const parts = [
        inProgress.length > 0 && `the ${inProgress.length} in progress (${named(inProgress, lang)})`,
        notStarted.length > 0 && `the ${notStarted.length} not started (${named(notStarted, lang)})`,
      ].filter(Boolean);
      out.push(
        `The responsible leaders and departments will be urged to complete ${parts.join(' and ')} by their deadlines.`,
      );
      if (overdue.length > 0) out.push(`${overdue.length} of them are past their deadlines and come first.`);
    } else if (totals.total > 0) {
      out.push('All specific issues raised have been rectified; the results will be consolidated.');
    }
    if (totals.longTerm > 0) {
      out.push(`The ${totals.longTerm} long-term items will be kept up and followed to prevent relapse.`);
    }
    return out.join('\n');
  }
  if (open > 0) {
    const parts = [
      inProgress.length > 0 && `正在整改的${inProgress.length}项（${named(inProgress, lang)}）`,
      notStarted.length > 0 && `尚未启动的${notStarted.length}项（${named(notStarted, lang)}）`,
    ].filter(Boolean);
    const late = overdue.length > 0 ? `其中${overdue.length}项已超过完成时限，优先督办。` : '';
    out.push(`对${parts.join('和')}，督促责任领导和责任科室加快推进，确保按期完成整改。${late}`);
  } else if (totals.total > 0) {
    out.push(`${inspectionKind(summary).zh}反馈的具体事项已全部整改完成，进一步巩固整改成效。`);
  }
  if (totals.longTerm > 0) {
    out.push(`对需要长期坚持的${totals.longTerm}项，持续跟踪落实，巩固整改成效，防止问题反弹。`);
  }
  return out.join('\n');
}

/** CNY without trailing zeros (4384.5), as the summary paragraph writes amounts. */
const yuan = (amount: number) => String(Math.round(amount * 100) / 100);
const grouped = (amount: number) =>
  new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 }).format(Math.round(amount * 100) / 100);

/** 整改成效: only the outcomes recorded (kinds with a count, refunds with an amount), with their notes. */
function outcomesText(tallies: readonly OutcomeTally[], lang: Lang): string | undefined {
  const recorded = tallies.filter((t) => t.count > 0 && (t.kind !== 'refund' || t.amountCny > 0));
  if (recorded.length === 0) return undefined;
  const notes = (t: OutcomeTally) => {
    // A note that only repeats the kind's name (批评教育 under 批评教育) adds nothing.
    const kept = t.notes
      .map(clause)
      .filter((note) => note.replace(OUTCOME_LABELS[t.kind]['zh-CN'], '').trim());
    if (kept.length === 0) return '';
    return lang === 'en' ? ` (${kept.join('; ')})` : `（${kept.join('；')}）`;
  };
  if (lang === 'en') {
    const words: Record<OutcomeTally['kind'], (t: OutcomeTally) => string> = {
      regulation: (t) => `${t.count} ${t.count === 1 ? 'regulation' : 'regulations'} established or improved`,
      dismissal: (t) => `${t.count} ${t.count === 1 ? 'person' : 'people'} removed from post`,
      criticism: (t) => `${t.count} ${t.count === 1 ? 'person' : 'people'} criticised and educated`,
      punishment: (t) => `${t.count} ${t.count === 1 ? 'person' : 'people'} punished`,
      refund: (t) => `CNY ${grouped(t.amountCny)} of irregular funds recovered`,
    };
    return `Outcomes of the rectification: ${recorded.map((t) => `${words[t.kind](t)}${notes(t)}`).join('; ')}.`;
  }
  const words: Record<OutcomeTally['kind'], (t: OutcomeTally) => string> = {
    regulation: (t) => `建立健全制度${t.count}项`,
    dismissal: (t) => `免职${t.count}人`,
    criticism: (t) => `批评教育${t.count}人`,
    punishment: (t) => `惩处${t.count}人`,
    refund: (t) => `退缴违规钱款${yuan(t.amountCny)}元`,
  };
  return `通过整改，${recorded.map((t) => `${words[t.kind](t)}${notes(t)}`).join('；')}。`;
}

/** The lines of one item: 问题N, 工作进展, 整改情况 (a progress text of several lines stays in order). */
function itemBlocks(item: SummaryItem, description: string | undefined, lang: Lang): ReportBlock[] {
  // 问题N numbers the item as the ledger does: N is the last part of its ref (a.p.N), its number
  // within its problem. An item withdrawn from the plan leaves a gap rather than renumbering the
  // rest, so 问题3 here is 问题3 in the ledger and in every earlier report.
  const n = item.ref.split('.').at(-1) ?? item.ref;
  const ref = item.ref;
  const detail = description?.trim() ? sentence(oneLine(description), lang) : '';
  const progress = item.progress ? lines(item.progress) : [];
  if (lang === 'en') {
    const status = `${PROGRESS_EN[item.status]}${item.longTerm ? ', to be kept up long-term' : ''}`;
    return [
      { kind: 'paragraph', ref, text: `Issue ${n}: ${clause(item.title)}.${detail ? ` ${detail}` : ''}` },
      { kind: 'paragraph', ref, text: `Status: ${status}.` },
      ...(progress.length === 0
        ? [{ kind: 'paragraph' as const, ref, text: 'Progress: none reported.' }]
        : progress.map((line, i) => ({
            kind: 'paragraph' as const,
            ref,
            text: i === 0 ? `Progress: ${sentence(line, lang)}` : sentence(line, lang),
          }))),
    ];
  }
  const status = `${PROGRESS_ZH[item.status]}${item.longTerm ? '，长期坚持' : ''}`;
  return [
    { kind: 'paragraph', ref, text: `问题${n}：${clause(item.title)}。${detail}` },
    { kind: 'paragraph', ref, text: `工作进展：${status}。` },
    ...(progress.length === 0
      ? // Nothing reported is said as such, never filled in.
        [{ kind: 'paragraph' as const, ref, text: '整改情况：暂无报送。' }]
      : progress.map((line, i) => ({
          kind: 'paragraph' as const,
          ref,
          text: i === 0 ? `整改情况：${sentence(line, lang)}` : sentence(line, lang),
        }))),
  ];
}

/** The summary's items by aspect and problem, in ref order (the summary sorts them so). */
function byProblem(items: readonly SummaryItem[]) {
  const aspects = new Map<number, Map<number, SummaryItem[]>>();
  for (const item of items) {
    let problems = aspects.get(item.aspectNo);
    if (!problems) {
      problems = new Map();
      aspects.set(item.aspectNo, problems);
    }
    const list = problems.get(item.problemNo);
    if (list) list.push(item);
    else problems.set(item.problemNo, [item]);
  }
  return aspects;
}

const textOr = (text: string | undefined, fallback: () => string) => (text?.trim() ? text : fallback());

export function buildReport(input: ReportInput): ReportDocument {
  const { summary, lang } = input;
  const texts: ReportText = input.texts;
  const en = lang === 'en';
  const blocks: ReportBlock[] = [];
  const h1 = (n: number, zh: string, english: string) =>
    blocks.push({
      kind: 'heading1',
      text: en ? `${ROMAN[n - 1]}. ${english}` : `${chineseNumeral(n)}、${zh}`,
    });
  const h2 = (n: number, text: string) =>
    blocks.push({ kind: 'heading2', text: en ? `(${n}) ${text}` : `（${chineseNumeral(n)}）${text}` });

  blocks.push(...paragraphs(textOr(texts.opening, () => defaultOpening(summary, lang))));

  h1(1, '整改工作组织情况', 'Organisation of the rectification');
  blocks.push(...paragraphs(textOr(texts.organisation, () => defaultOrganisation(summary, lang))));

  h1(2, '整改落实情况', 'Rectification of the issues raised');
  blocks.push(...paragraphs(summary.paragraph[lang]));
  let aspectCount = 0;
  for (const [aspectNo, problems] of [...byProblem(summary.items)].sort(([a], [b]) => a - b)) {
    const outline = input.aspects.find((a) => a.no === aspectNo);
    const aspectTitle =
      outline?.title ?? summary.byAspect.find((a) => a.aspectNo === aspectNo)?.title ?? `${aspectNo}`;
    h2(++aspectCount, clause(aspectTitle));
    // Problems are numbered within their aspect, 1, 2, … as they appear (a problem whose items
    // were all withdrawn has nothing to report and takes no number).
    let problemCount = 0;
    for (const [problemNo, items] of [...problems].sort(([a], [b]) => a - b)) {
      const problemTitle = clause(outline?.problems.find((p) => p.no === problemNo)?.title ?? `${problemNo}`);
      problemCount += 1;
      blocks.push({
        kind: 'heading3',
        text: en
          ? `${problemCount}. On the problem “${problemTitle}”`
          : `${problemCount}．针对“${problemTitle}”的问题`,
      });
      for (const item of items) blocks.push(...itemBlocks(item, input.descriptions[item.ref], lang));
    }
  }
  const outcomes = outcomesText(summary.outcomes.byKind, lang);
  if (outcomes) {
    h2(++aspectCount, en ? 'Outcomes' : '整改成效');
    blocks.push({ kind: 'paragraph', text: outcomes });
  }

  h1(3, '下一步工作打算', 'Next steps');
  blocks.push(...paragraphs(textOr(texts.nextSteps, () => defaultNextSteps(summary, lang))));

  return {
    lang,
    title: reportTitle(summary, lang),
    blocks,
    signature: {
      unit: oneLine(texts.issuingUnit?.trim() ? texts.issuingUnit : summary.inspection.inspectedUnit),
      date: en ? enDate(summary.asOfDate) : zhDate(summary.asOfDate),
      seal: en ? '(Seal)' : '（盖章）',
    },
  };
}
