import * as z from 'zod';
import type * as zm from 'zod/mini';
import { type HttpMethod, httpRoutes } from '#catalog/functions.ts';
import { SERVICE_VERSION } from '#shared/version.ts';
import {
  ArchiveList,
  ArchiveListQuery,
  ArchiveRequest,
  ArchiveView,
  ChainEventView,
  DownloadLink,
  ErrorBody,
  EvidenceRequest,
  EvidenceUpload,
  EvidenceView,
  FollowUpRequest,
  HistoryView,
  ImportPreview,
  ImportRequest,
  ImportResult,
  InspectionView,
  ItemView,
  LedgerQuery,
  LedgerView,
  LookBackRequest,
  NotificationList,
  NotificationQuery,
  NotificationView,
  OutcomeList,
  OutcomeRequest,
  OutcomeView,
  ProgressRequest,
  PublicKeyView,
  ReportTextRequest,
  ReportTextView,
  SummaryJobView,
  SummaryList,
  SummaryListQuery,
  SummaryRequest,
  SummaryScheduleRequest,
  SummaryView,
  TotalsView,
  TransitionRequest,
  WebhookRequest,
  WebhookView,
  WithdrawRequest,
} from './schemas.ts';

interface Operation {
  /**
   * The operation's id where the function's name would not be unique (a function serving
   * several routes). Ids are what client generators name methods after, so they never change
   * once published: a route added to a function gets its own id rather than renaming the others.
   */
  readonly operationId?: string;
  readonly summary: string;
  readonly body?: z.ZodType;
  /** Classic, or mini for the reads that bundle only their query (api/queries.ts). */
  readonly query?: z.ZodObject | zm.ZodMiniObject;
  readonly success: { readonly status: number; readonly schema?: z.ZodType; readonly description: string };
  /** Error statuses this route can answer besides 401/403 (always possible behind the authorizer). */
  readonly errors?: readonly number[];
}

const ItemChange = z.object({ item: ItemView, event: ChainEventView });

/** Every route's contract. A test checks that each manifest route has one, and no more. */
export const CONTRACT: Record<string, Operation> = {
  'GET /health': { summary: 'Liveness probe', success: { status: 200, description: 'Service is up' } },
  'GET /me': {
    summary: 'The caller as the verified token describes them',
    success: {
      status: 200,
      description: 'Identity',
      schema: z.object({
        subject: z.string(),
        name: z.string(),
        roles: z.array(z.string()),
        department: z.string().nullable(),
        leaderId: z.string().optional().meta({ description: 'custom:leaderId, for leaders' }),
      }),
    },
  },
  'POST /items/{itemId}/look-back': {
    summary: 'Confirm a due look-back (回头看) of a closed item (admins); reopening is a transition',
    body: LookBackRequest,
    success: { status: 200, schema: ItemChange, description: 'Confirmed, with its chain record' },
    errors: [400, 404, 422],
  },
  'GET /inspections/{inspectionId}/totals': {
    summary: "An inspection's counters by status, light and measures (kept from the event stream)",
    success: { status: 200, schema: TotalsView, description: 'Totals' },
    errors: [404],
  },
  'POST /inspections/{inspectionId}/totals/rebuild': {
    summary: "Recompute an inspection's counters from its ledger (admins)",
    success: { status: 200, schema: TotalsView, description: 'The recomputed totals' },
    errors: [404],
  },
  'PUT /departments/{department}/webhook': {
    summary: "Set a department's daily-digest webhook (WeCom, DingTalk or Slack incoming webhook; admins)",
    body: WebhookRequest,
    success: {
      status: 200,
      schema: WebhookView,
      description: 'Set (the URL is not echoed: it carries the chat key)',
    },
    errors: [400],
  },
  'DELETE /departments/{department}/webhook': {
    operationId: 'deleteWebhook',
    summary: "Remove a department's digest webhook (admins)",
    success: { status: 204, description: 'Removed' },
    errors: [404],
  },
  'PUT /inspections/{inspectionId}/follow-up': {
    summary: "Set an inspection's look-back and re-attestation periods (admins)",
    body: FollowUpRequest,
    success: { status: 200, schema: FollowUpRequest, description: 'The periods now in force' },
    errors: [400, 404],
  },
  'GET /me/notifications': {
    summary:
      "The caller's inbox, newest first: what was addressed to their department, their name (leaders) or the admins",
    query: NotificationQuery,
    success: { status: 200, schema: NotificationList, description: 'Notifications' },
    errors: [400],
  },
  'POST /me/notifications/{notificationId}/read': {
    summary: 'Mark one notification read (the first reading time is kept)',
    success: { status: 200, schema: NotificationView, description: 'The notification' },
    errors: [404],
  },
  'PUT /inspections/{inspectionId}/report-text': {
    operationId: 'setReportText',
    summary: "Save the report's own texts (opening, part 一, part 三, 落款); each save is a chain record",
    body: ReportTextRequest,
    success: { status: 200, schema: ReportTextView, description: 'Saved; reports from now on use them' },
    errors: [400, 404, 413, 415, 422],
  },
  'GET /inspections/{inspectionId}/report-text': {
    operationId: 'getReportText',
    summary: 'The report texts in force (empty: the report writes its defaults)',
    success: { status: 200, schema: ReportTextView, description: 'The texts' },
    errors: [404],
  },
  'POST /inspections/{inspectionId}/outcomes': {
    operationId: 'recordOutcome',
    summary:
      'Record an outcome (整改成效 / 问责): regulation, dismissal, criticism, punishment or refund (admins)',
    body: OutcomeRequest,
    success: { status: 201, schema: OutcomeView, description: 'The outcome, now in the inspection chain' },
    errors: [400, 404, 409],
  },
  'GET /inspections/{inspectionId}/outcomes': {
    operationId: 'listOutcomes',
    summary: "The inspection's outcomes: the latest plan's and those recorded since, with sums by kind",
    success: { status: 200, schema: OutcomeList, description: 'Outcomes' },
    errors: [404],
  },
  'POST /inspections/{inspectionId}/summaries': {
    summary:
      'Ask for a progress summary (整改情况报告) now, or as of an earlier instant (admins); it is made behind a queue',
    body: SummaryRequest,
    success: {
      status: 202,
      schema: SummaryJobView,
      description: 'Queued: follow it with GET /summaries/{summaryId} until its state is ready (or failed)',
    },
    errors: [400, 404, 409],
  },
  'GET /inspections/{inspectionId}/summaries': {
    operationId: 'listSummaries',
    summary: "The inspection's summaries, newest as-of first",
    query: SummaryListQuery,
    success: { status: 200, schema: SummaryList, description: 'A page of summaries' },
    errors: [400, 404],
  },
  'GET /inspections/{inspectionId}/summaries/latest': {
    operationId: 'getLatestSummary',
    summary: 'The summary with the latest as-of instant',
    success: { status: 200, schema: SummaryView, description: 'The summary and links to its files' },
    errors: [404],
  },
  'GET /summaries/{summaryId}': {
    operationId: 'getSummary',
    summary: 'One summary, or the job of one asked for and not made yet',
    success: {
      status: 200,
      schema: z.union([SummaryView, SummaryJobView]),
      description:
        'The summary (state ready) and links to its files, or its job (queued, building or failed)',
    },
    errors: [404],
  },
  'PUT /inspections/{inspectionId}/summary-schedule': {
    summary: "Set the weekly summary's weekday and hour in the inspection time zone, or turn it off (admins)",
    body: SummaryScheduleRequest,
    success: { status: 200, schema: SummaryScheduleRequest, description: 'The slot now in force' },
    errors: [400, 404],
  },
  'POST /inspections/{inspectionId}/archives': {
    summary:
      'Request an evidence archive (证据包): ZIP of evidence, histories, latest summary and a signed manifest (auditors, admins)',
    body: ArchiveRequest,
    success: { status: 202, description: '`{ archiveId, status }`: the builder works behind a queue' },
    errors: [400, 404, 409],
  },
  'GET /archives/{archiveId}': {
    operationId: 'getArchive',
    summary:
      'An archive: status, progress, size, SHA-256, warnings, and a 15-minute download link once ready',
    success: { status: 200, schema: ArchiveView, description: 'The archive' },
    errors: [404],
  },
  'GET /inspections/{inspectionId}/archives': {
    operationId: 'listArchives',
    summary: "The inspection's archives, newest request first",
    query: ArchiveListQuery,
    success: { status: 200, schema: ArchiveList, description: 'A page of archives' },
    errors: [400, 404],
  },
  'GET /archives/public-key': {
    operationId: 'getArchivePublicKey',
    summary:
      'The public key archive manifests are signed with (verify offline with `rectify verify --public-key`)',
    success: { status: 200, schema: PublicKeyView, description: 'The key, PEM' },
  },
  'GET /openapi.json': { summary: 'This document', success: { status: 200, description: 'OpenAPI 3.1' } },
  'POST /inspections/import': {
    summary: 'Import a rectification plan (JSON or spreadsheet), whole or not at all',
    body: ImportRequest,
    success: { status: 201, schema: ImportResult, description: 'Imported' },
    errors: [400, 409, 413, 415, 422],
  },
  'POST /inspections/import/preview': {
    operationId: 'previewImport',
    summary:
      'Read a plan as the import would — the column each field comes from, the first rows, the counts, or every error — and write nothing (admins)',
    body: ImportRequest,
    success: { status: 200, schema: ImportPreview, description: 'What the import would read, or its errors' },
    errors: [400, 413, 415],
  },
  'GET /inspections': {
    summary: 'List inspections',
    success: {
      status: 200,
      schema: z.object({ inspections: z.array(InspectionView) }),
      description: 'Inspections',
    },
  },
  'GET /inspections/{inspectionId}/ledger': {
    summary: 'The ledger (工作台账) the caller may see, as JSON, CSV or XLSX',
    query: LedgerQuery,
    success: {
      status: 200,
      schema: LedgerView,
      description: 'Ledger (or a CSV/XLSX file with format=csv|xlsx)',
    },
    errors: [400, 404],
  },
  'GET /items/{itemId}': {
    summary: 'One item',
    success: { status: 200, schema: ItemView, description: 'Item' },
    errors: [404],
  },
  'GET /items/{itemId}/history': {
    summary: "The item's hash-chained history",
    success: { status: 200, schema: HistoryView, description: 'History with its verification' },
    errors: [404],
  },
  'POST /items/{itemId}/transitions': {
    summary: 'Change the status of an item',
    body: TransitionRequest,
    success: { status: 200, schema: ItemChange, description: 'Changed' },
    errors: [400, 404, 409, 413, 415, 422],
  },
  'POST /items/{itemId}/evidence': {
    summary: 'Open an evidence upload (佐证材料): a presigned POST straight to S3, verified on arrival',
    body: EvidenceRequest,
    success: { status: 201, schema: EvidenceUpload, description: 'Upload opened' },
    errors: [400, 404, 413, 415],
  },
  'GET /items/{itemId}/evidence': {
    summary: "An item's evidence files, in every state",
    success: {
      status: 200,
      schema: z.object({ itemId: z.string(), evidence: z.array(EvidenceView) }),
      description: 'Evidence',
    },
    errors: [404],
  },
  'GET /evidence/{evidenceId}': {
    summary: 'One evidence file: metadata, state, uploader, times, hash',
    success: { status: 200, schema: EvidenceView, description: 'Evidence' },
    errors: [404],
  },
  'GET /evidence/{evidenceId}/download': {
    summary: 'A presigned download link, valid 5 minutes, keeping the original (Chinese) file name',
    success: { status: 200, schema: DownloadLink, description: 'Link' },
    errors: [404, 422],
  },
  'POST /evidence/{evidenceId}/withdraw': {
    summary: 'Withdraw a stored file: kept in storage and history, no longer counted',
    body: WithdrawRequest,
    success: {
      status: 200,
      schema: z.object({ evidence: EvidenceView, item: ItemView }),
      description: 'Withdrawn',
    },
    errors: [400, 404, 413, 415, 422],
  },
  'POST /items/{itemId}/progress': {
    summary: 'Report progress (工作进展) on an item',
    body: ProgressRequest,
    success: { status: 201, schema: ItemChange, description: 'Recorded' },
    errors: [400, 404, 409, 413, 415, 422],
  },
};

/** zod's JSON Schema for one schema, with its named parts moved into `components.schemas`. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output', components: Record<string, unknown>): unknown {
  const {
    $schema: _dialect,
    $defs,
    ...generated
  } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown> & {
    $defs?: Record<string, unknown>;
  };
  // A named schema reads differently as input and as output (a field with a default is optional
  // in a request, always present in a response). The first reading takes the plain name; a
  // different one gets a suffix, so a response never overwrites what a request may omit.
  const names = new Map<string, string>();
  const suffix = io === 'input' ? 'Input' : 'Output';
  const componentName = (name: string) => names.get(name) ?? name;
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value).map(([key, inner]) => [
          key,
          key === '$ref' && typeof inner === 'string' && inner.startsWith('#/$defs/')
            ? `#/components/schemas/${componentName(inner.slice('#/$defs/'.length))}`
            : rewrite(inner),
        ]),
      );
    }
    return value;
  };
  const definitions = Object.entries($defs ?? {});
  // Names first (a definition may refer to another), then the rewritten definitions.
  for (const [name, definition] of definitions) {
    const existing = components[name];
    if (existing !== undefined && JSON.stringify(existing) !== JSON.stringify(rewrite(definition))) {
      names.set(name, `${name}${suffix}`);
    }
  }
  for (const [name, definition] of definitions) components[componentName(name)] = rewrite(definition);
  return rewrite(generated);
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Invalid request; details list every problem with its path',
  401: 'Missing or invalid token',
  403: 'The role may not do this',
  404: 'Not found (or not visible to the caller)',
  409: 'Conflict: stale version, duplicate import, or the same Idempotency-Key still running',
  413: 'Body too large',
  415: 'Wrong Content-Type',
  422: 'A rule forbids it (named in details.rule)',
};

/** OpenAPI 3.1, generated from the manifest's routes and the zod schemas the handlers use. */
export function openApiDocument(serverUrl?: string): Record<string, unknown> {
  const components: Record<string, unknown> = {};
  const errorRef = (() => {
    jsonSchema(ErrorBody, 'output', components);
    return { $ref: '#/components/schemas/Error' };
  })();
  const paths: Record<string, Record<string, unknown>> = {};
  const operationIds = new Set<string>();
  for (const route of httpRoutes()) {
    const operation = CONTRACT[`${route.method} ${route.path}`];
    if (!operation) throw new Error(`no contract for ${route.method} ${route.path}`);
    // OpenAPI requires unique ids; a duplicate would make generated clients drop an operation.
    const operationId = operation.operationId ?? route.functionName;
    if (operationIds.has(operationId)) {
      throw new Error(
        `operationId ${operationId} of ${route.method} ${route.path} is taken: name it in CONTRACT`,
      );
    }
    operationIds.add(operationId);
    const isPublic = route.auth === 'public';
    const pathParameters = [...route.path.matchAll(/\{([^}]+)\}/g)].map((match) => ({
      name: match[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const queryParameters = operation.query
      ? Object.entries(operation.query.shape).map(([name, schema]) => ({
          name,
          in: 'query',
          required: false,
          schema: jsonSchema(schema as z.ZodType, 'input', components),
        }))
      : [];
    // Declared once, on the route in the manifest: the handler chain applies it from there too.
    const headerParameters = route.idempotent
      ? [
          {
            name: 'Idempotency-Key',
            in: 'header',
            required: false,
            schema: { type: 'string', maxLength: 255 },
          },
        ]
      : [];
    const errors = [...(isPublic ? [] : [401, 403]), ...(operation.errors ?? [])];
    const method = route.method.toLowerCase() as Lowercase<HttpMethod>;
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, unknown>)[method] = {
      operationId,
      summary: operation.summary,
      ...(isPublic ? { security: [] } : { 'x-rectify-roles': route.auth }),
      parameters: [...pathParameters, ...queryParameters, ...headerParameters],
      ...(operation.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: jsonSchema(operation.body, 'input', components) } },
            },
          }
        : {}),
      responses: {
        [operation.success.status]: {
          description: operation.success.description,
          ...(operation.success.schema
            ? {
                content: {
                  'application/json': { schema: jsonSchema(operation.success.schema, 'output', components) },
                },
              }
            : {}),
        },
        ...Object.fromEntries(
          errors.map((status) => [
            status,
            { description: STATUS_TEXT[status], content: { 'application/json': { schema: errorRef } } },
          ]),
        ),
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Rectify API',
      version: SERVICE_VERSION,
      description: '巡察整改 / 审计整改 tracking. Send the Cognito ID token as a bearer token.',
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: components,
    },
    paths,
  };
}
