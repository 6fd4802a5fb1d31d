/**
 * Every Lambda function of Rectify, declared once: its handler file, what triggers it, its size
 * and the resources it may touch. The CDK stack (infra/) turns each entry into a function, its
 * trigger and least-privilege grants; the local runtime (local/) serves the same routes, polls
 * the same queues and fires the same schedules. Nothing is wired twice.
 *
 * This file is data only: it imports no handler and no AWS SDK, so the CDK app and the handlers
 * can both read it cheaply.
 */

import type { Role } from '#shared/domain/roles.ts';
import {
  type BucketName,
  type BusName,
  evidenceKeyPrefixes,
  type QueueName,
  type SigningKeyName,
  type TableName,
} from './resources.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** `public` routes carry no authorizer; all others need a valid JWT and one of the roles. */
export type RouteAuth = 'public' | readonly [Role, ...Role[]];

/** How a route keeps its Idempotency-Keys (see the `http` trigger's `idempotent`). */
export type IdempotencyMode = 'in-transaction' | 'claimed';

export type Trigger =
  | {
      readonly kind: 'http';
      readonly method: HttpMethod;
      readonly path: string;
      readonly auth: RouteAuth;
      /**
       * The route honours an `Idempotency-Key` header (same key and body → the first answer,
       * another body → 422): the handler chain applies it and /openapi.json documents the
       * header, both from here. How the key is kept:
       * - `in-transaction`: the route's whole effect is one transaction (an item change, an
       *   evidence withdrawal), and the key and its answer are written in that transaction; the
       *   key is read only when the change is refused (shared/services/idempotency.ts). No round
       *   trip is added.
       * - `claimed`: Powertools idempotency claims the key before the work (a retry while it
       *   runs → 409) and stores the answer after it (shared/http/idempotency.ts): for routes
       *   whose work is more than one transaction (an import, a queued job, an upload).
       */
      readonly idempotent?: IdempotencyMode;
    }
  /** API Gateway's `$default` route: whatever no other route matched. */
  | { readonly kind: 'http-fallback' }
  | { readonly kind: 'sqs'; readonly queue: QueueName; readonly batchSize?: number }
  /**
   * The table's stream, from its oldest record, with partial batch responses; a batch that still
   * fails after `retryAttempts` is described in the `onFailure` queue and skipped.
   */
  | {
      readonly kind: 'stream';
      readonly table: TableName;
      readonly batchSize: number;
      readonly retryAttempts: number;
      readonly onFailure: QueueName;
    }
  /**
   * An EventBridge Scheduler schedule: `cron` in Scheduler's six-field form, in the configured
   * time zone; `name` is what `npm run tick -- <name>` fires locally.
   */
  | { readonly kind: 'schedule'; readonly name: string; readonly cron: string }
  | { readonly kind: 's3'; readonly bucket: BucketName; readonly prefix: string };

export type Access =
  | {
      readonly table: TableName;
      readonly mode: 'read' | 'readWrite';
      /**
       * Puts the first chain records of a fresh import generation with BatchWriteItem (the
       * importer only): every other writer is denied BatchWriteItem on chain partitions, because
       * IAM cannot tell a batch's deletes from its puts (infra/constructs/bind-access.ts).
       */
      readonly batchPutsChains?: true;
    }
  /**
   * Objects under `prefix` only (the whole bucket without one); `delete` adds delete markers;
   * `listUploads` lists the bucket's unfinished multipart uploads (to abort those under `prefix`).
   */
  | {
      readonly bucket: BucketName;
      readonly mode: 'read' | 'write' | 'delete' | 'listUploads';
      readonly prefix?: string;
    }
  | { readonly bus: BusName; readonly mode: 'put' }
  /** Send messages to a queue (its URL in the queue's `envVar`). */
  | { readonly queue: QueueName; readonly mode: 'send' }
  /** `sign` with the key, or read its `publicKey`. */
  | { readonly key: SigningKeyName; readonly mode: 'sign' | 'publicKey' };

export interface FunctionSpec {
  /** Path of the handler module from the project root; it exports `handler`. */
  readonly entry: string;
  readonly description: string;
  readonly triggers: readonly Trigger[];
  readonly memoryMiB: number;
  readonly timeoutSeconds: number;
  readonly access: readonly Access[];
  /**
   * Extra Node.js flags (NODE_OPTIONS) for functions whose memory must stay flat while they
   * stream large objects.
   */
  readonly nodeOptions?: readonly string[];
}

/**
 * Socket reads arrive as fresh buffers that V8 frees only when it collects garbage; with the
 * default 16 MiB semi-space a 100 MiB stream left ~60 MiB of dead buffers at its peak, with
 * 1 MiB it stays within a few MiB (`npm run bench:evidence` measures both).
 */
export const STREAMING_NODE_OPTIONS = ['--max-semi-space-size=1'] as const;

const ALL_ROLES = ['admin', 'leader', 'department', 'auditor'] as const satisfies RouteAuth;
/** Roles that change items (auditors never write ledger data). */
const WRITERS = ['admin', 'leader', 'department'] as const satisfies RouteAuth;
const READ_LEDGER: Access = { table: 'ledger', mode: 'read' };
const WRITE_LEDGER: Access = { table: 'ledger', mode: 'readWrite' };
/** Evidence archives are for auditors (巡察组, 纪检, external audit) and the inspection office. */
const AUDITORS = ['auditor', 'admin'] as const satisfies RouteAuth;
/** Inspection-wide reports name every department's items: not for department users. */
const REPORT_READERS = ['admin', 'leader', 'auditor'] as const satisfies RouteAuth;
/** A summary generator writes its files and reads the previous summary's (and signs links). */
const SUMMARY_FILES: readonly Access[] = [
  { bucket: 'evidence', mode: 'write', prefix: evidenceKeyPrefixes.summaries },
  { bucket: 'evidence', mode: 'read', prefix: evidenceKeyPrefixes.summaries },
];

export const functions = {
  health: {
    entry: 'functions/health/handler.ts',
    description: 'Liveness probe: answers without a token and touches no data.',
    triggers: [{ kind: 'http', method: 'GET', path: '/health', auth: 'public' }],
    memoryMiB: 256,
    timeoutSeconds: 3,
    access: [],
  },
  me: {
    entry: 'functions/me/handler.ts',
    description: "The caller's identity as the verified token states it: subject, name, roles, department.",
    triggers: [{ kind: 'http', method: 'GET', path: '/me', auth: ALL_ROLES }],
    memoryMiB: 256,
    timeoutSeconds: 3,
    access: [],
  },
  openapi: {
    entry: 'functions/openapi/handler.ts',
    description: 'OpenAPI 3.1 document generated from the manifest and the zod schemas.',
    triggers: [{ kind: 'http', method: 'GET', path: '/openapi.json', auth: 'public' }],
    memoryMiB: 256,
    timeoutSeconds: 5,
    access: [],
  },
  importPlan: {
    entry: 'functions/import-plan/handler.ts',
    description: 'Imports a rectification plan (JSON or spreadsheet) whole or not at all.',
    triggers: [
      { kind: 'http', method: 'POST', path: '/inspections/import', auth: ['admin'], idempotent: 'claimed' },
    ],
    memoryMiB: 1024,
    timeoutSeconds: 29,
    access: [{ table: 'ledger', mode: 'readWrite', batchPutsChains: true }],
  },
  previewImport: {
    entry: 'functions/preview-import/handler.ts',
    description:
      'Reads a plan as the import would (columns, first rows, counts or errors) and writes nothing.',
    triggers: [{ kind: 'http', method: 'POST', path: '/inspections/import/preview', auth: ['admin'] }],
    memoryMiB: 1024,
    timeoutSeconds: 29,
    // Parsing only: no table, no bucket.
    access: [],
  },
  listInspections: {
    entry: 'functions/list-inspections/handler.ts',
    description: 'Lists inspections.',
    triggers: [{ kind: 'http', method: 'GET', path: '/inspections', auth: ALL_ROLES }],
    memoryMiB: 256,
    timeoutSeconds: 10,
    access: [READ_LEDGER],
  },
  getLedger: {
    entry: 'functions/get-ledger/handler.ts',
    description: 'The ledger the caller may see, with totals; JSON, CSV or XLSX.',
    triggers: [{ kind: 'http', method: 'GET', path: '/inspections/{inspectionId}/ledger', auth: ALL_ROLES }],
    memoryMiB: 1024,
    timeoutSeconds: 29,
    access: [READ_LEDGER],
  },
  getItem: {
    entry: 'functions/get-item/handler.ts',
    description: 'One item with its status, measures, evidence count and overdue flag.',
    triggers: [{ kind: 'http', method: 'GET', path: '/items/{itemId}', auth: ALL_ROLES }],
    memoryMiB: 512,
    timeoutSeconds: 10,
    access: [READ_LEDGER],
  },
  itemHistory: {
    entry: 'functions/item-history/handler.ts',
    description: "An item's hash-chained status events, oldest first, with the chain's verification.",
    triggers: [{ kind: 'http', method: 'GET', path: '/items/{itemId}/history', auth: ALL_ROLES }],
    memoryMiB: 512,
    timeoutSeconds: 10,
    access: [READ_LEDGER],
  },
  transitionItem: {
    entry: 'functions/transition-item/handler.ts',
    description:
      'Changes an item status by the state machine; state and its chain record in one transaction.',
    triggers: [
      {
        kind: 'http',
        method: 'POST',
        path: '/items/{itemId}/transitions',
        auth: WRITERS,
        idempotent: 'in-transaction',
      },
    ],
    memoryMiB: 512,
    timeoutSeconds: 10,
    access: [WRITE_LEDGER],
  },
  reportProgress: {
    entry: 'functions/report-progress/handler.ts',
    description: 'Records a progress form (工作进展) and the measures it marks done, as a chain record.',
    triggers: [
      {
        kind: 'http',
        method: 'POST',
        path: '/items/{itemId}/progress',
        auth: WRITERS,
        idempotent: 'in-transaction',
      },
    ],
    memoryMiB: 512,
    timeoutSeconds: 10,
    access: [WRITE_LEDGER],
  },
  requestEvidence: {
    entry: 'functions/request-evidence/handler.ts',
    description: 'Opens an evidence upload: a pending record and a presigned POST straight to S3.',
    triggers: [
      {
        kind: 'http',
        method: 'POST',
        path: '/items/{itemId}/evidence',
        auth: WRITERS,
        idempotent: 'claimed',
      },
    ],
    memoryMiB: 512,
    timeoutSeconds: 10,
    // PutObject lets it sign the upload; the object key comes from the evidence id.
    access: [WRITE_LEDGER, { bucket: 'evidence', mode: 'write', prefix: evidenceKeyPrefixes.uploads }],
  },
  listItemEvidence: {
    entry: 'functions/list-item-evidence/handler.ts',
    description: "An item's evidence files, in every state.",
    triggers: [{ kind: 'http', method: 'GET', path: '/items/{itemId}/evidence', auth: ALL_ROLES }],
    memoryMiB: 256,
    timeoutSeconds: 10,
    access: [READ_LEDGER],
  },
  getEvidence: {
    entry: 'functions/get-evidence/handler.ts',
    description: 'One evidence file: metadata, state, uploader, times, effective date and hash.',
    triggers: [{ kind: 'http', method: 'GET', path: '/evidence/{evidenceId}', auth: ALL_ROLES }],
    memoryMiB: 256,
    timeoutSeconds: 10,
    access: [READ_LEDGER],
  },
  downloadEvidence: {
    entry: 'functions/download-evidence/handler.ts',
    description: 'A presigned GET of a stored evidence file, valid 5 minutes.',
    triggers: [{ kind: 'http', method: 'GET', path: '/evidence/{evidenceId}/download', auth: ALL_ROLES }],
    memoryMiB: 256,
    timeoutSeconds: 10,
    // GetObject lets it sign the link.
    access: [READ_LEDGER, { bucket: 'evidence', mode: 'read', prefix: evidenceKeyPrefixes.uploads }],
  },
  withdrawEvidence: {
    entry: 'functions/withdraw-evidence/handler.ts',
    description: 'Withdraws a stored evidence file with a reason; it stays in storage and history.',
    triggers: [
      {
        kind: 'http',
        method: 'POST',
        path: '/evidence/{evidenceId}/withdraw',
        auth: WRITERS,
        idempotent: 'in-transaction',
      },
    ],
    memoryMiB: 256,
    timeoutSeconds: 10,
    access: [WRITE_LEDGER],
  },
  verifyEvidence: {
    entry: 'functions/verify-evidence/handler.ts',
    description: 'Verifies each uploaded evidence file (size, SHA-256, type) and stores or rejects it.',
    triggers: [{ kind: 'sqs', queue: 'evidenceUploads', batchSize: 5 }],
    memoryMiB: 512,
    timeoutSeconds: 300,
    // Reads uploads/, copies rejected files to quarantine/ and hides them from uploads/ with a
    // delete marker (locked versions cannot be deleted); nothing else deletes anything.
    access: [
      WRITE_LEDGER,
      { bucket: 'evidence', mode: 'read', prefix: evidenceKeyPrefixes.uploads },
      { bucket: 'evidence', mode: 'write', prefix: evidenceKeyPrefixes.quarantine },
      { bucket: 'evidence', mode: 'delete', prefix: evidenceKeyPrefixes.uploads },
    ],
    nodeOptions: STREAMING_NODE_OPTIONS,
  },
  confirmLookBack: {
    entry: 'functions/confirm-look-back/handler.ts',
    description: 'An admin confirms a due look-back (回头看) of a closed item; recorded in its chain.',
    triggers: [
      {
        kind: 'http',
        method: 'POST',
        path: '/items/{itemId}/look-back',
        auth: ['admin'],
        idempotent: 'in-transaction',
      },
    ],
    memoryMiB: 256,
    timeoutSeconds: 10,
    access: [WRITE_LEDGER],
  },
  getTotals: {
    entry: 'functions/get-totals/handler.ts',
    description: "An inspection's counters (by status, light, measures): one item read.",
    triggers: [
      { kind: 'http', method: 'GET', path: '/inspections/{inspectionId}/totals', auth: ['admin', 'auditor'] },
    ],
    memoryMiB: 256,
    timeoutSeconds: 10,
    access: [READ_LEDGER],
  },
  rebuildTotals: {
    entry: 'functions/rebuild-totals/handler.ts',
    description: "Recomputes an inspection's counters from its ledger.",
    triggers: [
      { kind: 'http', method: 'POST', path: '/inspections/{inspectionId}/totals/rebuild', auth: ['admin'] },
    ],
    memoryMiB: 1024,
    timeoutSeconds: 29,
    access: [WRITE_LEDGER],
  },
  countItems: {
    entry: 'functions/count-items/handler.ts',
    description: "Keeps each inspection's counters from the item events (idempotent, order-free).",
    triggers: [{ kind: 'sqs', queue: 'aggregates', batchSize: 10 }],
    memoryMiB: 256,
    timeoutSeconds: 60,
    access: [WRITE_LEDGER],
  },
  setFollowUp: {
    entry: 'functions/set-follow-up/handler.ts',
    description: "Sets an inspection's look-back (回头看) and re-attestation (长期坚持) periods.",
    triggers: [
      { kind: 'http', method: 'PUT', path: '/inspections/{inspectionId}/follow-up', auth: ['admin'] },
    ],
    memoryMiB: 256,
    timeoutSeconds: 10,
    access: [WRITE_LEDGER],
  },
  setWebhook: {
    entry: 'functions/set-webhook/handler.ts',
    description: "Sets or removes a department's daily-digest webhook.",
    triggers: [
      { kind: 'http', method: 'PUT', path: '/departments/{department}/webhook', auth: ['admin'] },
      { kind: 'http', method: 'DELETE', path: '/departments/{department}/webhook', auth: ['admin'] },
    ],
    memoryMiB: 256,
    timeoutSeconds: 10,
    access: [WRITE_LEDGER],
  },
  sendDigests: {
    entry: 'functions/send-digests/handler.ts',
    description: "Daily digest per department: one webhook message listing the day's notifications.",
    triggers: [{ kind: 'schedule', name: 'digest', cron: 'cron(0 18 * * ? *)' }],
    memoryMiB: 256,
    timeoutSeconds: 300,
    access: [WRITE_LEDGER],
  },
  listNotifications: {
    entry: 'functions/list-notifications/handler.ts',
    description: "The caller's inbox: notifications addressed to their department, name or the admins.",
    triggers: [
      { kind: 'http', method: 'GET', path: '/me/notifications', auth: ['admin', 'leader', 'department'] },
    ],
    memoryMiB: 256,
    timeoutSeconds: 10,
    access: [READ_LEDGER],
  },
  readNotification: {
    entry: 'functions/read-notification/handler.ts',
    description: "Marks one of the caller's notifications read.",
    triggers: [
      {
        kind: 'http',
        method: 'POST',
        path: '/me/notifications/{notificationId}/read',
        auth: ['admin', 'leader', 'department'],
      },
    ],
    memoryMiB: 256,
    timeoutSeconds: 10,
    access: [WRITE_LEDGER],
  },
  notify: {
    entry: 'functions/notify/handler.ts',
    description: 'Delivers each bus event to the inboxes of those it concerns (once per event id).',
    triggers: [{ kind: 'sqs', queue: 'notifications', batchSize: 10 }],
    memoryMiB: 256,
    timeoutSeconds: 60,
    access: [WRITE_LEDGER],
  },
  publishEvents: {
    entry: 'functions/publish-events/handler.ts',
    description: 'Puts every chain event the ledger stream inserts on the event bus (batches of 10).',
    triggers: [
      { kind: 'stream', table: 'ledger', batchSize: 100, retryAttempts: 10, onFailure: 'unpublished' },
    ],
    memoryMiB: 256,
    timeoutSeconds: 60,
    access: [{ bus: 'events', mode: 'put' }],
  },
  runScan: {
    entry: 'functions/run-scan/handler.ts',
    description:
      'Daily scans: deadlines (due soon, overdue, escalation 督办), look-back (回头看) and re-attestation (长期坚持).',
    triggers: [
      { kind: 'schedule', name: 'deadlines', cron: 'cron(0 8 * * ? *)' },
      { kind: 'schedule', name: 'lookback', cron: 'cron(30 8 * * ? *)' },
      { kind: 'schedule', name: 'reattest', cron: 'cron(45 8 * * ? *)' },
    ],
    memoryMiB: 512,
    timeoutSeconds: 900,
    access: [WRITE_LEDGER],
  },
  outcomes: {
    entry: 'functions/outcomes/handler.ts',
    description: 'Records (admins) and lists the outcomes of an inspection (整改成效 / 问责).',
    triggers: [
      {
        kind: 'http',
        method: 'POST',
        path: '/inspections/{inspectionId}/outcomes',
        auth: ['admin'],
        idempotent: 'claimed',
      },
      { kind: 'http', method: 'GET', path: '/inspections/{inspectionId}/outcomes', auth: REPORT_READERS },
    ],
    memoryMiB: 256,
    timeoutSeconds: 10,
    access: [WRITE_LEDGER],
  },
  requestSummary: {
    entry: 'functions/request-summary/handler.ts',
    description:
      'Asks for a progress summary (整改情况报告) now or as of an earlier instant; made behind a queue.',
    triggers: [
      {
        kind: 'http',
        method: 'POST',
        path: '/inspections/{inspectionId}/summaries',
        auth: ['admin'],
        idempotent: 'claimed',
      },
    ],
    memoryMiB: 256,
    timeoutSeconds: 10,
    access: [WRITE_LEDGER, { queue: 'summaryJobs', mode: 'send' }],
  },
  buildSummary: {
    entry: 'functions/build-summary/handler.ts',
    description:
      'Generates a summary asked for (or queued by the weekly schedule) and its files, however long the inspection takes to read.',
    triggers: [{ kind: 'sqs', queue: 'summaryJobs', batchSize: 1 }],
    memoryMiB: 1024,
    timeoutSeconds: 900,
    access: [WRITE_LEDGER, ...SUMMARY_FILES],
    // Thousands of items pass through memory once: collect young garbage early (bench:summaries).
    nodeOptions: STREAMING_NODE_OPTIONS,
  },
  readSummaries: {
    entry: 'functions/read-summaries/handler.ts',
    description: "An inspection's summaries: a page of them, the latest, or one, with links to its files.",
    triggers: [
      { kind: 'http', method: 'GET', path: '/inspections/{inspectionId}/summaries', auth: REPORT_READERS },
      {
        kind: 'http',
        method: 'GET',
        path: '/inspections/{inspectionId}/summaries/latest',
        auth: REPORT_READERS,
      },
      { kind: 'http', method: 'GET', path: '/summaries/{summaryId}', auth: REPORT_READERS },
    ],
    memoryMiB: 256,
    timeoutSeconds: 10,
    // GetObject lets it sign the links.
    access: [READ_LEDGER, { bucket: 'evidence', mode: 'read', prefix: evidenceKeyPrefixes.summaries }],
  },
  reportText: {
    entry: 'functions/report-text/handler.ts',
    description: 'Saves (admins) and reads the texts of the 整改情况报告 the office writes itself.',
    triggers: [
      {
        kind: 'http',
        method: 'PUT',
        path: '/inspections/{inspectionId}/report-text',
        auth: ['admin'],
        idempotent: 'claimed',
      },
      { kind: 'http', method: 'GET', path: '/inspections/{inspectionId}/report-text', auth: REPORT_READERS },
    ],
    memoryMiB: 256,
    timeoutSeconds: 10,
    access: [WRITE_LEDGER],
  },
  setSummarySchedule: {
    entry: 'functions/set-summary-schedule/handler.ts',
    description: "Sets an inspection's weekly summary slot (weekday and hour in its zone) or turns it off.",
    triggers: [
      { kind: 'http', method: 'PUT', path: '/inspections/{inspectionId}/summary-schedule', auth: ['admin'] },
    ],
    memoryMiB: 256,
    timeoutSeconds: 10,
    access: [WRITE_LEDGER],
  },
  scheduledSummaries: {
    entry: 'functions/scheduled-summaries/handler.ts',
    description:
      'Queues the weekly summary of every active inspection, each in its slot and time zone; buildSummary makes them.',
    triggers: [
      { kind: 'schedule', name: 'summaries', cron: 'cron(0 9 ? * MON *)' },
      { kind: 'schedule', name: 'summaries-hourly', cron: 'cron(0 * * * ? *)' },
    ],
    memoryMiB: 256,
    // A few reads and a job per due inspection: well under a minute for hundreds of inspections.
    timeoutSeconds: 120,
    // Reads inspections, aggregates and summaries; writes summary jobs (the ledger table holds all four).
    access: [WRITE_LEDGER, { queue: 'summaryJobs', mode: 'send' }],
  },
  requestArchive: {
    entry: 'functions/request-archive/handler.ts',
    description:
      'Requests an evidence archive (证据包) of an inspection; the builder makes it behind a queue.',
    triggers: [
      {
        kind: 'http',
        method: 'POST',
        path: '/inspections/{inspectionId}/archives',
        auth: AUDITORS,
        idempotent: 'claimed',
      },
    ],
    memoryMiB: 256,
    timeoutSeconds: 10,
    access: [WRITE_LEDGER, { queue: 'archiveJobs', mode: 'send' }],
  },
  readArchives: {
    entry: 'functions/read-archives/handler.ts',
    description:
      "An archive's status and download link, an inspection's archives, and the signing public key.",
    triggers: [
      { kind: 'http', method: 'GET', path: '/archives/{archiveId}', auth: AUDITORS },
      { kind: 'http', method: 'GET', path: '/inspections/{inspectionId}/archives', auth: AUDITORS },
      { kind: 'http', method: 'GET', path: '/archives/public-key', auth: AUDITORS },
    ],
    memoryMiB: 256,
    timeoutSeconds: 10,
    // GetObject lets it sign the download link.
    access: [
      READ_LEDGER,
      { bucket: 'archives', mode: 'read', prefix: 'archives/' },
      { key: 'archiveSigning', mode: 'publicKey' },
    ],
  },
  buildArchive: {
    entry: 'functions/build-archive/handler.ts',
    description: 'Streams an inspection’s evidence, histories and latest summary into a signed ZIP in S3.',
    triggers: [{ kind: 'sqs', queue: 'archiveJobs', batchSize: 1 }],
    memoryMiB: 1024,
    timeoutSeconds: 900,
    access: [
      WRITE_LEDGER,
      { bucket: 'evidence', mode: 'read', prefix: evidenceKeyPrefixes.uploads },
      { bucket: 'evidence', mode: 'read', prefix: evidenceKeyPrefixes.summaries },
      // Write the ZIP; list and abort what an earlier attempt left unfinished.
      { bucket: 'archives', mode: 'write', prefix: 'archives/' },
      { bucket: 'archives', mode: 'listUploads', prefix: 'archives/' },
      { key: 'archiveSigning', mode: 'sign' },
    ],
    nodeOptions: STREAMING_NODE_OPTIONS,
  },
  routeNotFound: {
    entry: 'functions/route-not-found/handler.ts',
    description:
      'Answers 404 for unknown paths and 405 for a known path with the wrong method, in the API error format.',
    triggers: [{ kind: 'http-fallback' }],
    memoryMiB: 256,
    timeoutSeconds: 3,
    access: [],
  },
} as const satisfies Record<string, FunctionSpec>;

export type FunctionName = keyof typeof functions;

export interface HttpRoute {
  readonly functionName: FunctionName;
  readonly method: HttpMethod;
  readonly path: string;
  readonly auth: RouteAuth;
  /** Whether the route honours an Idempotency-Key, and how it keeps them. */
  readonly idempotent: IdempotencyMode | undefined;
}

/** Whether any of the function's routes claims its Idempotency-Keys (its bundle then needs the library). */
export function claimsIdempotencyKeys(spec: FunctionSpec): boolean {
  return (spec.triggers as readonly Trigger[]).some(
    (trigger) => trigger.kind === 'http' && trigger.idempotent === 'claimed',
  );
}

/** A function's own HTTP routes, as its handler checks them (shared/http/handler.ts). */
export interface OwnRoutes {
  readonly routes: readonly Omit<HttpRoute, 'functionName'>[];
  /** It serves API Gateway's `$default` route. */
  readonly fallback: boolean;
}

export function ownRoutes(spec: FunctionSpec): OwnRoutes {
  const triggers = spec.triggers as readonly Trigger[];
  return {
    routes: triggers.flatMap((trigger) =>
      trigger.kind === 'http'
        ? [{ method: trigger.method, path: trigger.path, auth: trigger.auth, idempotent: trigger.idempotent }]
        : [],
    ),
    fallback: triggers.some((trigger) => trigger.kind === 'http-fallback'),
  };
}

/** Every HTTP route of every function, in declaration order. */
export function httpRoutes(): HttpRoute[] {
  return Object.entries(functions).flatMap(([functionName, spec]) =>
    ownRoutes(spec).routes.map((route) => ({ functionName: functionName as FunctionName, ...route })),
  );
}

/** The one function behind the `$default` route. */
export function fallbackFunction(): FunctionName {
  const names = Object.entries(functions)
    .filter(([, spec]) => (spec.triggers as readonly Trigger[]).some((t) => t.kind === 'http-fallback'))
    .map(([name]) => name as FunctionName);
  if (names.length !== 1)
    throw new Error(`exactly one http-fallback function expected, found ${names.length}`);
  return names[0] as FunctionName;
}
