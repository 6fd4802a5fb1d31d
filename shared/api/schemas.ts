import * as z from 'zod';
import { LEDGER_FIELDS, OUTCOME_KINDS } from '#shared/domain/plan/model.ts';
import { MAX_PROGRESS_TEXT } from '#shared/domain/progress.ts';
import { ITEM_STATUSES } from '#shared/domain/status.ts';
import { MAX_REASON_LENGTH } from '#shared/domain/transitions.ts';
import { LANGS } from '#shared/i18n/lang.ts';
import { requestTextChecks } from './queries.ts';

/**
 * The HTTP contract as zod schemas: handlers parse requests with them and /openapi.json is
 * generated from them, so documentation and validation cannot drift apart.
 */

/**
 * Every string a request carries, through requestTextChecks (queries.ts): well-formed Unicode,
 * stripped of control and bidi characters. The checks keep it a string schema, so
 * .trim().min().max() still chain and the OpenAPI document still says `string`.
 */
export const requestText = (kind: 'line' | 'multiline' = 'line') =>
  z.string().check(...requestTextChecks(kind));

export { ArchiveListQuery, LedgerQuery, SummaryListQuery } from './queries.ts';

export const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')
  .refine((value) => {
    const date = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
  }, 'not a calendar date')
  .meta({ format: 'date', example: '2024-09-30' });

export const ItemStatus = z
  .enum(ITEM_STATUSES)
  .meta({ description: '未启动 / 正在整改 / 已整改 / 已完成（已销号）' });

export const TransitionRequest = z
  .strictObject({
    to: ItemStatus,
    reason: requestText('multiline').trim().max(MAX_REASON_LENGTH).optional(),
    expectedVersion: z.number().int().min(1).meta({ description: 'The item version the change is based on' }),
    meaning: requestText()
      .trim()
      .max(500)
      .optional()
      .meta({ description: 'Stated meaning of a close-out (销号), e.g. 整改到位，同意销号' }),
  })
  .meta({ id: 'TransitionRequest' });

export const ProgressRequest = z
  .strictObject({
    text: requestText('multiline').trim().min(1).max(MAX_PROGRESS_TEXT),
    measuresDone: z.array(z.number().int().min(0)).max(500).default([]),
    effectiveDate: IsoDate.optional(),
  })
  .meta({ id: 'ProgressRequest' });

export const SpreadsheetUpload = z.strictObject({
  kind: z.enum(['xlsx', 'csv']),
  contentBase64: requestText().min(1).meta({ description: 'The file, base64-encoded' }),
  inspection: z.record(requestText(), requestText()).optional().meta({
    description: 'Inspection fields the spreadsheet lacks or should override (title, feedbackDate, …)',
  }),
  columns: z
    .record(requestText().max(50), requestText().max(200))
    // One entry per ledger field at most; the fields themselves are checked with the file.
    .refine((columns) => Object.keys(columns).length <= LEDGER_FIELDS.length, {
      message: `at most ${LEDGER_FIELDS.length} columns, one per field`,
    })
    .optional()
    .meta({
      description: `Ledger columns mapped by hand, field → the header as the file writes it, for headers the importer does not recognise; fields: ${LEDGER_FIELDS.join(', ')}`,
      example: { deadline: '完成日期', dept: '牵头单位' },
    }),
});

export const ImportRequest = z
  .strictObject({
    plan: z.unknown().optional().meta({ description: 'A rectify.plan/v1 document' }),
    spreadsheet: SpreadsheetUpload.optional(),
    replace: z.boolean().default(false).meta({
      description:
        "Replace an inspection's plan (admin only): items keep their status and history, changed plan fields are recorded (PlanRevised), items left out are withdrawn; a plan status ahead of an item's is refused (422)",
    }),
    withdrawReason: z
      .string()
      .trim()
      .min(1)
      .max(MAX_REASON_LENGTH)
      .optional()
      .meta({ description: 'With replace: why the items the new plan leaves out are withdrawn' }),
  })
  .refine((body) => (body.plan === undefined) !== (body.spreadsheet === undefined), {
    message: 'give exactly one of plan or spreadsheet',
  })
  .meta({ id: 'ImportRequest' });

export const EvidenceRequest = z
  .strictObject({
    fileName: requestText().trim().min(1).max(255),
    contentType: requestText().trim().min(1).max(200),
    size: z.number().int().min(1, 'an empty file is not evidence'),
    sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'expected 64 hex digits'),
    description: requestText('multiline').trim().max(1_000).optional(),
    effectiveDate: IsoDate.optional(),
    measureIndex: z.number().int().min(0).optional(),
  })
  .meta({ id: 'EvidenceRequest' });

export const EvidenceUpload = z
  .object({
    evidenceId: z.string(),
    state: z.literal('pending'),
    upload: z.object({ url: z.string(), fields: z.record(z.string(), z.string()) }),
    expiresAt: z.iso.datetime(),
  })
  .meta({ id: 'EvidenceUpload' });

export const WithdrawRequest = z
  .strictObject({ reason: requestText('multiline').trim().min(1).max(MAX_REASON_LENGTH) })
  .meta({ id: 'WithdrawRequest' });

export const EvidenceView = z
  .object({
    evidenceId: z.string(),
    itemId: z.string(),
    fileName: z.string(),
    contentType: z.string(),
    size: z.number(),
    sha256: z.string(),
    state: z.enum(['pending', 'stored', 'rejected', 'withdrawn']),
    description: z.string().optional(),
    effectiveDate: IsoDate.optional(),
    measureIndex: z.number().optional(),
    requestedBy: z.object({ subject: z.string(), name: z.string() }),
    requestedAt: z.iso.datetime(),
    storedAt: z.iso.datetime().optional(),
    rejection: z
      .object({
        reason: z
          .string()
          .meta({ description: 'Stable code: size-mismatch | hash-mismatch | type-mismatch' }),
        detail: z.string().meta({
          description: 'What was declared and what arrived, in English (as the history records it)',
        }),
        message: z.string().meta({ description: 'Why, in the requested language (Accept-Language)' }),
        params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
      })
      .optional(),
  })
  .meta({ id: 'Evidence' });

export const DownloadLink = z
  .object({
    evidenceId: z.string(),
    fileName: z.string(),
    sha256: z.string(),
    size: z.number(),
    url: z.string(),
    expiresAt: z.iso.datetime(),
  })
  .meta({ id: 'DownloadLink' });

const Measure = z.object({ text: z.string(), done: z.boolean() });
const Actor = z.object({ subject: z.string(), name: z.string(), roles: z.array(z.string()) });

export const SignOff = z.object({
  by: Actor,
  at: z.iso.datetime(),
  decision: z.literal('approved'),
  meaning: z.string(),
  stateHash: z.string().length(64),
});

export const ItemView = z
  .object({
    itemId: z.string().meta({ example: 'sample-health-2024-r1.1.1.1' }),
    inspectionId: z.string(),
    ref: z.string().meta({ example: '1.1.1' }),
    aspectNo: z.number(),
    problemNo: z.number(),
    no: z.number(),
    title: z.string(),
    description: z.string().optional(),
    status: ItemStatus,
    statusLabel: z.string().meta({ description: 'The status in the requested language' }),
    importedStatus: ItemStatus.optional().meta({
      description: 'The status the plan (台账) gave the item at its first import, when not not_started',
    }),
    importNote: z.enum(['closed-before-import', 'rectified-before-import']).optional().meta({
      description:
        'The item is still in the state its 台账 brought in (no sign-off record of Rectify exists)',
    }),
    importNoteLabel: z.string().optional().meta({
      description: 'importNote in the requested language, e.g. 导入前已销号 / closed before import',
    }),
    longTerm: z.boolean(),
    responsibleLeader: z.string(),
    responsibleLeaderId: z.string().optional().meta({
      description: 'The leader id leaders are matched by (their custom:leaderId), when the plan gives one',
    }),
    responsibleDept: z.string(),
    deadline: IsoDate,
    overdue: z.boolean(),
    progress: z.string().optional(),
    measures: z.array(Measure),
    evidenceCount: z.number(),
    version: z.number(),
    chainHead: z.string(),
    rectifiedBy: z.string().optional(),
    rectifiedAt: z.iso.datetime().optional(),
    signOff: SignOff.optional(),
    updatedAt: z.iso.datetime(),
    lastProgressAt: z.iso.datetime().optional(),
    light: z.enum(['green', 'yellow', 'red']).meta({
      description:
        'Today: red past the deadline, yellow within 7 days of it or of a milestone (or a missed re-attestation), else green',
    }),
    escalations: z.number().meta({ description: 'Times the item was escalated (督办)' }),
    milestones: z
      .array(z.object({ key: z.string(), name: z.string(), due: IsoDate }))
      .meta({ description: 'Milestones counted back from the deadline (倒排)' }),
    lookBackDue: IsoDate.optional().meta({
      description: 'Closed items: when the look-back (回头看) falls due',
    }),
    reattestationDue: IsoDate.optional().meta({
      description: 'Long-term items (长期坚持): when the next re-attestation is due',
    }),
    withdrawn: z
      .object({
        at: z.iso.datetime(),
        by: Actor,
        importId: z.string(),
        reason: z.string(),
        reasonEn: z.string().optional(),
      })
      .optional()
      .meta({
        description:
          'Set when a replace import left the item out of the plan: readable, but counted nowhere and closed to writes',
      }),
  })
  .meta({ id: 'Item' });

export const LookBackRequest = z
  .strictObject({ note: requestText('multiline').trim().min(1).max(MAX_REASON_LENGTH).optional() })
  .meta({ id: 'LookBackRequest' });

export const ChainEventView = z
  .object({
    seq: z.number(),
    prevHash: z.string(),
    hash: z.string(),
    eventId: z.string(),
    itemId: z.string(),
    inspectionId: z.string(),
    type: z.string(),
    at: z.iso.datetime(),
    actor: Actor,
    data: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'ChainEvent' });

export const HistoryView = z
  .object({
    itemId: z.string(),
    events: z.array(ChainEventView),
    verification: z.object({
      ok: z.boolean(),
      length: z.number().optional(),
      head: z.string().optional(),
      brokenAt: z.number().optional(),
      reason: z.string().optional(),
      detail: z.string().optional(),
    }),
  })
  .meta({ id: 'History' });

const Counts = z.object({
  not_started: z.number(),
  in_progress: z.number(),
  rectified: z.number(),
  closed: z.number(),
  total: z.number(),
  rectifiedTotal: z.number(),
  overdue: z.number(),
  measuresTotal: z.number(),
  measuresDone: z.number(),
});

export const InspectionView = z
  .object({
    inspectionId: z.string(),
    title: z.string(),
    inspectedUnit: z.string(),
    inspectionGroup: z.string(),
    inspectionStart: IsoDate,
    inspectionEnd: IsoDate,
    feedbackDate: IsoDate,
    firstResponsible: z.string().optional(),
    timezone: z.string(),
    itemCount: z.number(),
    importedAt: z.iso.datetime(),
    generations: z.array(z.string()).meta({
      description:
        'Import generations, the current first, then those replace imports left behind (newest first); read one with ledger?generation=',
    }),
    aspects: z.array(
      z.object({
        no: z.number(),
        title: z.string(),
        problems: z.array(z.object({ no: z.number(), title: z.string() })),
      }),
    ),
  })
  .meta({ id: 'Inspection' });

export const LedgerView = z
  .object({
    inspection: InspectionView,
    generation: z.string().meta({ description: 'The import generation these items are of' }),
    asOf: z.iso.datetime(),
    today: IsoDate.meta({
      description: "Today's date in the inspection's time zone (overdue is judged against it)",
    }),
    totals: z.object({
      all: Counts,
      byAspect: z.array(Counts.extend({ aspectNo: z.number(), title: z.string() })),
      byDepartment: z.array(Counts.extend({ department: z.string() })),
    }),
    items: z.array(ItemView),
  })
  .meta({ id: 'Ledger' });

export const ImportResult = z
  .object({
    inspectionId: z.string(),
    importId: z.string(),
    itemCount: z.number(),
    replaced: z.boolean(),
    columns: z.record(z.string(), z.string()).optional().meta({
      description:
        'For a spreadsheet: the header each ledger field was read from (detected or mapped by hand)',
    }),
  })
  .meta({ id: 'ImportResult' });

const PlanErrorView = z.object({ path: z.string(), message: z.string(), messageZh: z.string() });
const PreviewLayout = {
  columns: z.record(z.string(), z.string()).meta({
    description: 'The header each ledger field would be read from (empty for a JSON plan)',
  }),
  header: z.array(z.string()).meta({ description: 'The header row as read' }),
};

export const ImportPreview = z
  .discriminatedUnion('ok', [
    z.object({
      ok: z.literal(true),
      ...PreviewLayout,
      sample: z
        .array(z.record(z.string(), z.string()))
        .meta({ description: 'The first data rows as read, field → cell text' }),
      counts: z.object({
        aspects: z.number(),
        problems: z.number(),
        items: z.number(),
        measures: z.number(),
      }),
      inspection: z.record(z.string(), z.unknown()),
    }),
    z.object({
      ok: z.literal(false),
      ...PreviewLayout,
      errors: z.array(PlanErrorView).meta({ description: 'Every error, at its row and column or path' }),
    }),
  ])
  .meta({ id: 'ImportPreview' });

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.unknown().optional(),
      requestId: z.string().optional(),
    }),
  })
  .meta({ id: 'Error' });

export const NotificationQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  before: z
    .string()
    .regex(/^\d{13}-[0-9a-f-]{36}$/, 'a notification id')
    .optional()
    .meta({ description: 'The `next` of the previous page: only older notifications' }),
  unread: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional(),
});

export const NotificationView = z
  .object({
    notificationId: z.string(),
    detailType: z.string(),
    inspectionId: z.string(),
    itemId: z.string().optional(),
    at: z.iso.datetime(),
    text: z.string(),
    read: z.boolean(),
    readAt: z.iso.datetime().optional(),
  })
  .meta({ id: 'Notification' });

export const NotificationList = z
  .object({ notifications: z.array(NotificationView), next: z.string().optional() })
  .meta({ id: 'NotificationList' });

export const TotalsView = z
  .object({
    inspectionId: z.string(),
    importId: z.string(),
    totals: z.object({
      items: z.number(),
      byStatus: z.record(ItemStatus, z.number()),
      byLight: z.record(z.enum(['green', 'yellow', 'red']), z.number()),
      measures: z.object({ total: z.number(), done: z.number() }),
    }),
  })
  .meta({ id: 'Totals' });

export const WebhookRequest = z
  .strictObject({
    url: requestText()
      .max(2048)
      .meta({ description: 'Incoming-webhook URL: https:// (http:// only to 127.0.0.1)' }),
    format: z
      .enum(['wecom', 'dingtalk', 'slack'])
      .meta({ description: 'The chat dialect: WeCom, DingTalk or Slack' }),
  })
  .meta({ id: 'WebhookRequest' });

export const WebhookView = z
  .object({ department: z.string(), format: z.string(), updatedAt: z.iso.datetime() })
  .meta({ id: 'Webhook' });

export const FollowUpRequest = z
  .strictObject({
    lookBackMonths: z
      .number()
      .int()
      .min(1)
      .max(36)
      .meta({ description: 'Months from close-out to look-back (回头看); default 6' }),
    reattestationDays: z
      .number()
      .int()
      .min(7)
      .max(366)
      .meta({ description: 'Days between re-attestations of long-term items (长期坚持); default 90' }),
  })
  .meta({ id: 'FollowUpRequest' });

export const OutcomeRequest = z
  .strictObject({
    kind: z.enum(OUTCOME_KINDS).meta({
      description:
        '建立健全制度 regulation · 免职 dismissal · 批评教育 criticism · 惩处 punishment · 退缴 refund',
    }),
    count: z.number().int().min(0).max(1_000_000).meta({ description: 'Regulations, people or refunds' }),
    amountCny: z
      .number()
      .min(0)
      .max(1e12)
      .multipleOf(0.01)
      .optional()
      .meta({ description: 'Yuan recovered (refunds only, required for them)' }),
    itemRef: z
      .string()
      .regex(/^\d{1,4}\.\d{1,4}\.\d{1,4}$/, 'an item ref a.p.i')
      .optional()
      .meta({ description: 'The item it answers, `aspect.problem.item`' }),
    note: requestText('multiline')
      .trim()
      .min(1)
      .max(500)
      .optional()
      .meta({ description: 'Who or what, e.g. 校级领导干部 (a short phrase is used in the report)' }),
    date: IsoDate.meta({ description: 'When it took effect, in the inspection zone; not after today' }),
  })
  .meta({ id: 'OutcomeRequest' });

export const OutcomeView = z
  .object({
    outcomeId: z.string(),
    kind: z.enum(OUTCOME_KINDS),
    count: z.number(),
    amountCny: z.number().optional(),
    itemRef: z.string().optional(),
    note: z.string().optional(),
    date: z.string().optional(),
    source: z.enum(['plan', 'recorded']),
    recordedAt: z.iso.datetime(),
    recordedBy: Actor,
  })
  .meta({ id: 'Outcome' });

export const OutcomeList = z
  .object({
    inspectionId: z.string(),
    outcomes: z.array(OutcomeView),
    tally: z.array(
      z.object({
        kind: z.enum(OUTCOME_KINDS),
        count: z.number(),
        amountCny: z.number(),
        notes: z.array(z.string()),
      }),
    ),
  })
  .meta({ id: 'OutcomeList' });

export const SummaryRequest = z
  .strictObject({
    asOf: z
      .union([z.iso.datetime({ offset: true }), IsoDate])
      .optional()
      .meta({
        description:
          'The instant the summary is of (default now); a date means the end of that day in the inspection zone',
      }),
    lang: z
      .enum(LANGS)
      .default('zh-CN')
      .meta({ description: 'Language of summary.md, the chart and the sheet' }),
  })
  .meta({ id: 'SummaryRequest' });

const SummaryFileView = z.object({
  name: z.enum(['summary.json', 'summary.md', 'chart.svg', 'ledger.xlsx', 'report.docx']),
  contentType: z.string(),
  size: z.number(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  url: z.url().meta({ description: 'Presigned GET, valid 5 minutes' }),
  expiresAt: z.iso.datetime(),
});

export const SummaryView = z
  .looseObject({
    summaryId: z.string(),
    inspectionId: z.string(),
    importId: z.string(),
    asOf: z.iso.datetime(),
    asOfDate: IsoDate,
    generatedAt: z.iso.datetime(),
    generatedBy: Actor,
    trigger: z.enum(['schedule', 'request']),
    lang: z.enum(LANGS),
    paragraph: z.object({ 'zh-CN': z.string(), en: z.string() }),
    totals: z.record(z.string(), z.unknown()),
    outcomes: z.record(z.string(), z.unknown()),
    changes: z
      .object({ previousSummaryId: z.string(), newlyRectified: z.number(), newlyOverdue: z.number() })
      .nullable(),
    files: z.array(SummaryFileView),
    chain: z.object({ seq: z.number(), hash: z.string() }),
  })
  .meta({
    id: 'Summary',
    description:
      'The headline of a summary (paragraph, totals, outcomes, breakdowns) and links to its four files; the full lists are in summary.json',
  });

export const SummaryJobView = z
  .object({
    summaryId: z.string(),
    inspectionId: z.string(),
    asOf: z.iso
      .datetime()
      .meta({ description: 'The instant the summary is of, fixed when it was asked for' }),
    lang: z.enum(LANGS),
    requestedBy: Actor,
    requestedAt: z.iso.datetime(),
    trigger: z
      .enum(['schedule', 'request'])
      .meta({ description: 'Asked for through the API (request), or queued by the weekly schedule' }),
    state: z.enum(['queued', 'building', 'ready', 'failed']),
    progress: z
      .object({
        phase: z.enum(['reading', 'rendering', 'recording']),
        at: z.iso.datetime(),
        items: z.number().optional(),
      })
      .optional(),
    failure: z.object({ reason: z.string(), at: z.iso.datetime() }).optional(),
  })
  .meta({
    id: 'SummaryJob',
    description:
      'A summary asked for (or queued by the weekly schedule) and not made yet, or failed: follow it with GET /summaries/{id}',
  });

export const SummaryList = z
  .object({
    summaries: z.array(
      z.object({
        summaryId: z.string(),
        asOf: z.iso.datetime(),
        asOfDate: IsoDate,
        generatedAt: z.iso.datetime(),
        trigger: z.enum(['schedule', 'request']),
        paragraph: z.object({ 'zh-CN': z.string(), en: z.string() }),
      }),
    ),
    next: z.string().optional(),
  })
  .meta({ id: 'SummaryList' });

/** Texts of the 整改情况报告 the office writes; the whole set is saved each time (omitted = default). */
const reportText = (max: number) => requestText('multiline').trim().min(1).max(max).optional();
export const ReportTextRequest = z
  .strictObject({
    opening: reportText(5_000).meta({ description: 'The opening paragraph (before part 一)' }),
    organisation: reportText(20_000).meta({ description: 'Part 一: how the rectification was organised' }),
    nextSteps: reportText(20_000).meta({ description: 'Part 三: next steps (下一步工作打算)' }),
    issuingUnit: requestText().trim().min(1).max(100).optional().meta({
      description: 'The issuing unit in the 落款 (default: the inspected unit)',
    }),
  })
  .meta({ id: 'ReportTextRequest' });

export const ReportTextView = z
  .object({
    inspectionId: z.string(),
    texts: z.object({
      opening: z.string().optional(),
      organisation: z.string().optional(),
      nextSteps: z.string().optional(),
      issuingUnit: z.string().optional(),
    }),
    savedAt: z.iso.datetime().optional(),
    savedBy: z.object({ subject: z.string(), name: z.string() }).optional(),
  })
  .meta({ id: 'ReportText' });

export const SummaryScheduleRequest = z
  .strictObject({
    enabled: z.boolean(),
    weekday: z.number().int().min(1).max(7).meta({ description: 'ISO weekday, 1 = Monday' }),
    hour: z.number().int().min(0).max(23).meta({ description: 'Hour in the inspection time zone' }),
    lang: z.enum(LANGS).default('zh-CN'),
  })
  .meta({ id: 'SummaryScheduleRequest' });

export const ArchiveRequest = z
  .strictObject({
    refs: z
      .array(z.string().regex(/^\d{1,4}\.\d{1,4}\.\d{1,4}$/, 'an item ref a.p.i'))
      .min(1)
      .max(1000)
      .optional()
      .meta({ description: 'Only these items' }),
    aspect: z.number().int().min(1).optional().meta({ description: 'Only this aspect (方面)' }),
    department: requestText()
      .trim()
      .min(1)
      .max(100)
      .optional()
      .meta({ description: 'Only this department’s items' }),
    from: IsoDate.optional().meta({ description: 'Evidence effective (or stored) on or after this date' }),
    to: IsoDate.optional().meta({ description: 'Evidence effective (or stored) on or before this date' }),
  })
  .meta({ id: 'ArchiveRequest' });

const ArchiveProgress = z.object({
  filesDone: z.number(),
  filesTotal: z.number(),
  bytesDone: z.number(),
  bytesTotal: z.number(),
});

export const ArchiveView = z
  .looseObject({
    archiveId: z.string(),
    inspectionId: z.string(),
    status: z.enum(['queued', 'building', 'ready', 'failed']),
    attempt: z.number(),
    filters: ArchiveRequest,
    requestedBy: Actor,
    requestedAt: z.iso.datetime(),
    progress: ArchiveProgress.nullable(),
    sizeBytes: z.number().optional(),
    sha256: z.string().optional(),
    fileCount: z.number().optional(),
    warnings: z.array(z.string()),
    downloadUrl: z.url().optional().meta({ description: 'Presigned GET, valid 15 minutes (when ready)' }),
    expiresAt: z.iso.datetime().optional().meta({ description: 'When downloadUrl expires' }),
    archiveExpiresAt: z.iso.datetime().optional().meta({ description: 'When the archive is deleted' }),
    failure: z.object({ reason: z.string(), at: z.iso.datetime() }).optional(),
  })
  .meta({ id: 'Archive' });

export const ArchiveList = z
  .object({
    archives: z.array(ArchiveView.omit({ downloadUrl: true, expiresAt: true })),
    next: z.string().optional(),
  })
  .meta({ id: 'ArchiveList' });

export const PublicKeyView = z
  .object({
    keyId: z.string(),
    algorithm: z.literal('ECDSA_SHA_256'),
    publicKeyPem: z
      .string()
      .meta({ description: 'SubjectPublicKeyInfo, PEM: give it to `rectify verify --public-key`' }),
    publicKeySha256: z.string().meta({ description: 'SHA-256 of the key (DER), as manifest.sig names it' }),
  })
  .meta({ id: 'ArchivePublicKey' });
