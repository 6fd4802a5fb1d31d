/**
 * The console's view of the HTTP contract: types only, inferred from the very zod schemas the
 * handlers parse with and /openapi.json is generated from. Nothing here reaches the bundle
 * (`import type`), and a contract change fails `npm run typecheck` on the pages that use it.
 */
import type * as z from 'zod';
import type * as S from '../../../shared/api/schemas.ts';

export type Item = z.output<typeof S.ItemView>;
export type Inspection = z.output<typeof S.InspectionView>;
export type Ledger = z.output<typeof S.LedgerView>;
export type ChainEvent = z.output<typeof S.ChainEventView>;
export type History = z.output<typeof S.HistoryView>;
export type Evidence = z.output<typeof S.EvidenceView>;
export type EvidenceUpload = z.output<typeof S.EvidenceUpload>;
export type DownloadLink = z.output<typeof S.DownloadLink>;
export type ImportResult = z.output<typeof S.ImportResult>;
export type ImportPreview = z.output<typeof S.ImportPreview>;
export type Notification = z.output<typeof S.NotificationView>;
export type NotificationList = z.output<typeof S.NotificationList>;
export type Totals = z.output<typeof S.TotalsView>;
export type Webhook = z.output<typeof S.WebhookView>;
export type Outcome = z.output<typeof S.OutcomeView>;
export type OutcomeList = z.output<typeof S.OutcomeList>;
export type Summary = z.output<typeof S.SummaryView>;
export type SummaryJob = z.output<typeof S.SummaryJobView>;
export type ReportText = z.output<typeof S.ReportTextView>;
export type SummaryList = z.output<typeof S.SummaryList>;
export type Archive = z.output<typeof S.ArchiveView>;
export type ArchiveList = z.output<typeof S.ArchiveList>;
export type PublicKey = z.output<typeof S.PublicKeyView>;
export type ApiErrorBody = z.output<typeof S.ErrorBody>;

export type TransitionRequest = z.input<typeof S.TransitionRequest>;
export type ProgressRequest = z.input<typeof S.ProgressRequest>;
export type EvidenceRequest = z.input<typeof S.EvidenceRequest>;
export type WithdrawRequest = z.input<typeof S.WithdrawRequest>;
export type ImportRequest = z.input<typeof S.ImportRequest>;
export type LookBackRequest = z.input<typeof S.LookBackRequest>;
export type OutcomeRequest = z.input<typeof S.OutcomeRequest>;
export type FollowUpRequest = z.input<typeof S.FollowUpRequest>;
export type WebhookRequest = z.input<typeof S.WebhookRequest>;
export type SummaryRequest = z.input<typeof S.SummaryRequest>;
export type SummaryScheduleRequest = z.input<typeof S.SummaryScheduleRequest>;
export type ArchiveRequest = z.input<typeof S.ArchiveRequest>;

export type ItemStatus = Item['status'];

export interface Me {
  readonly subject: string;
  readonly name: string;
  readonly roles: readonly ('admin' | 'leader' | 'department' | 'auditor')[];
  readonly department: string | null;
  readonly leaderId?: string;
}

export type ItemChange = { item: Item; event: ChainEvent };
