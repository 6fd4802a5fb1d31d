import type { AspectOutline } from '../inspection.ts';
import type { Summary } from '../summary/model.ts';

/**
 * The 整改情况报告 as a document (report.docx): the parts the office writes itself, and what the
 * report is built from. The body (part 二) and the totals paragraph come from the ledger alone.
 */

/** Texts the office writes for its report; each is optional, a default is written from the data. */
export interface ReportText {
  /** The opening paragraph, before part 一. */
  readonly opening?: string;
  /** Part 一: how the rectification was organised. */
  readonly organisation?: string;
  /** Part 三: next steps (下一步工作打算). */
  readonly nextSteps?: string;
  /** The issuing unit in the 落款 (default: the inspected unit's 党组/党委 as the plan names the unit). */
  readonly issuingUnit?: string;
}

export const REPORT_TEXT_FIELDS = ['opening', 'organisation', 'nextSteps', 'issuingUnit'] as const;

export interface ReportInput {
  /** The snapshot the report is of: its items (ref order, as of its instant), paragraph, totals, outcomes. */
  readonly summary: Summary;
  /** The plan's aspects with their problems' titles (the summary keeps only their numbers). */
  readonly aspects: readonly AspectOutline[];
  /** Each item's description (具体表现) by ref, as of the summary's instant. */
  readonly descriptions: Readonly<Record<string, string>>;
  /** What the office wrote, as it stood at the summary's instant. */
  readonly texts: ReportText;
  readonly lang: 'zh-CN' | 'en';
}

/**
 * The report as text, before any file format: what report-docx.ts lays out in 公文 format and what
 * tests read back. One block is one paragraph; office texts with line breaks are split into blocks.
 */
export type ReportBlockKind =
  /** 一、二、三、 (黑体). */
  | 'heading1'
  /** （一）（二） an aspect, or 整改成效 (楷体). */
  | 'heading2'
  /** 1．针对“…”的问题 (仿宋, as the body: GB/T 9704 sets the third level in the body's face). */
  | 'heading3'
  | 'paragraph';

export interface ReportBlock {
  readonly kind: ReportBlockKind;
  readonly text: string;
  /** The item a paragraph is about (its 问题N, 工作进展 and 整改情况 lines), for readers and tests. */
  readonly ref?: string;
}

export interface ReportDocument {
  readonly lang: 'zh-CN' | 'en';
  /** 关于落实…反馈意见整改情况的报告. */
  readonly title: string;
  readonly blocks: readonly ReportBlock[];
  /** 落款: the issuing unit, the date (the summary's as-of date, in words) and the seal's place. */
  readonly signature: { readonly unit: string; readonly date: string; readonly seal: string };
}
