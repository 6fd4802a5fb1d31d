import * as z from 'zod';
import {
  DETAIL_TYPES,
  type DetailType,
  type InspectionDetailType,
  ITEM_DETAIL_TYPES,
  type ItemDetailType,
} from '#catalog/detail-types.ts';
import { CORRELATION_ID_PATTERN } from '#shared/correlation-id.ts';
import { ITEM_STATUSES } from '#shared/domain/status.ts';
import { LANGS } from '#shared/i18n/lang.ts';

export { DETAIL_TYPES, type DetailType, type InspectionDetailType, ITEM_DETAIL_TYPES, type ItemDetailType };

/**
 * The versioned contracts of the events Rectify puts on its EventBridge bus (events/README.md).
 * Every detail is a strict object: a field the contract does not name is an error, so the
 * publisher cannot ship drift (a store attribute, a renamed field) without a failing check.
 * `events/schemas/<DetailType>.v1.json` is generated from these schemas for other languages.
 */

/** `source` of every event Rectify puts on its bus. */
export const EVENT_SOURCE = 'rectify';
/** `schemaVersion` of every detail described here. */
export const SCHEMA_VERSION = 1;

const Text = z.string().min(1);
const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lower-case hex digits');
/** A calendar date (YYYY-MM-DD); the pattern also refuses dates that do not exist (2023-02-29). */
const CalendarDate = z.iso.date();
const Instant = z.iso.datetime({ offset: true });
const InspectionId = z
  .string()
  .regex(/^[a-z0-9-]{3,64}$/, 'expected 3–64 lower-case letters, digits and hyphens')
  .describe('the inspection’s slug');
const Ref = z
  .string()
  .regex(/^\d{1,4}\.\d{1,4}\.\d{1,4}$/, 'expected "aspect.problem.item", e.g. "1.2.3"')
  .describe('aspect.problem.item numbers, e.g. "1.2.3"');
const ItemId = z
  .string()
  .regex(/^[a-z0-9-]{3,64}\.\d{1,4}\.\d{1,4}\.\d{1,4}$/, 'expected "<inspectionId>.<ref>"')
  .describe('"<inspectionId>.<ref>", e.g. "xc-2022-05.1.2.3"');

/** Outside the chain's hash: the store keeps it beside the chain record the event is made from. */
const CorrelationId = z
  .string()
  .regex(CORRELATION_ID_PATTERN, 'expected up to 64 letters, digits and . _ : + = / -')
  .optional()
  .describe(
    'the id of the request, scheduled run or queue message that caused the event: the same id is in every log line of the work along its way',
  );

const Actor = z.strictObject({
  subject: Text.describe('stable subject id: the user’s `sub`, or `system:<name>` for Rectify’s own scans'),
  name: z.string().describe('display name (shown and recorded; never used for access)'),
  roles: z
    .array(z.string())
    .describe('the actor’s roles (admin, leader, department, auditor); empty for system actors'),
});

/** The envelope of every item event: which item, as it stood, who, when, and its link in the chain. */
function itemEvent<Data extends z.ZodType>(data: Data) {
  return z
    .strictObject({
      schemaVersion: z.literal(SCHEMA_VERSION),
      eventId: z.uuid().describe('the chain record’s eventId; consumers deduplicate on it'),
      itemId: ItemId,
      inspectionId: InspectionId,
      ref: Ref,
      title: Text.describe('the item’s title when the event happened'),
      department: Text.describe('the responsible department (责任科室)'),
      leader: Text.optional().describe(
        'the item’s leader key (责任领导): its responsibleLeaderId, else the leader’s name as the plan writes it',
      ),
      at: Instant,
      actor: Actor,
      seq: z.int().min(1).describe('position of the record in the item’s hash chain'),
      hash: Sha256.describe('the chain record’s hash'),
      correlationId: CorrelationId,
      data,
    })
    .refine((detail) => detail.itemId === `${detail.inspectionId}.${detail.ref}`, {
      path: ['itemId'],
      message: 'expected "<inspectionId>.<ref>" of this detail',
    });
}

/** The envelope of the events about a whole inspection (summaries, archives). */
function inspectionEvent<Data extends z.ZodType>(data: Data) {
  return z.strictObject({
    schemaVersion: z.literal(SCHEMA_VERSION),
    eventId: z.uuid().describe('unique per event; consumers deduplicate on it'),
    inspectionId: InspectionId,
    at: Instant,
    actor: Actor.optional().describe('who asked for it; absent when a schedule did'),
    correlationId: CorrelationId,
    data,
  });
}

const SignOff = z.strictObject({
  by: Actor,
  at: Instant,
  decision: z.literal('approved'),
  meaning: Text.describe('the stated meaning, e.g. "整改到位，同意销号"'),
  stateHash: Sha256.describe('SHA-256 of the item’s canonical state at sign-off'),
});

const MeasureIndexes = z.array(z.int().min(0)).describe('0-based indexes into the item’s measures');
const EvidenceFile = {
  evidenceId: Text,
  fileName: Text.describe('the sanitised original file name'),
  sha256: Sha256.describe('SHA-256 of the file'),
};
const FileSize = z.int().min(1).describe('bytes');

/** A contract's parts (its sample event is in samples.ts, for tests and docs only). */
interface Definition {
  readonly description: string;
  readonly schema: z.ZodType;
}

const itemEvents = {
  ItemStatusChanged: {
    description: 'An item’s status changed (start, rectify, close-out, reopen) / 事项状态变更',
    schema: itemEvent(
      z.strictObject({
        from: z.enum(ITEM_STATUSES),
        to: z.enum(ITEM_STATUSES),
        rule: z.enum(['start', 'rectify', 'close-out', 'reopen']),
        reason: Text.optional().describe('why; always given for a reopen'),
        signOff: SignOff.optional().describe('the sign-off (销号) of a close-out'),
      }),
    ),
  },
  ProgressReported: {
    description: 'A department reported progress on an item / 报送整改进展',
    schema: itemEvent(
      z.strictObject({
        text: Text,
        measuresDone: MeasureIndexes.describe('every measure now done (0-based)'),
        newlyDone: MeasureIndexes.describe('the measures this report marked done (0-based)'),
        effectiveDate: CalendarDate.optional().describe('when the work took effect, if not the report’s day'),
      }),
    ),
  },
  EvidenceStored: {
    description: 'An evidence file was verified and stored / 佐证材料校验通过并入库',
    schema: itemEvent(z.strictObject({ ...EvidenceFile, size: FileSize })),
  },
  EvidenceRejected: {
    description: 'An uploaded evidence file failed verification / 佐证材料未通过校验',
    schema: itemEvent(
      z.strictObject({
        ...EvidenceFile,
        size: FileSize.describe('the declared size in bytes'),
        reason: z.enum(['size-mismatch', 'hash-mismatch', 'type-mismatch']),
        detail: Text.describe('what was declared and what arrived'),
      }),
    ),
  },
  EvidenceWithdrawn: {
    description: 'A stored evidence file was withdrawn / 佐证材料已撤回',
    schema: itemEvent(z.strictObject({ ...EvidenceFile, reason: Text })),
  },
  ItemDueSoon: {
    description: 'An item or its milestone falls due within a week (yellow light) / 临期预警（黄灯）',
    schema: itemEvent(
      z.strictObject({
        deadline: CalendarDate.describe('the item’s deadline, or the milestone’s due date'),
        daysLeft: z.int().min(0),
        scanDate: CalendarDate.describe('the scan’s calendar date in the inspection’s time zone'),
        milestone: Text.optional().describe('the milestone (倒排节点) that falls due, when not the deadline'),
      }),
    ),
  },
  ItemOverdue: {
    description: 'An item is past its deadline (red light) / 超期（红灯）',
    schema: itemEvent(
      z.strictObject({
        deadline: CalendarDate,
        daysOverdue: z.int().min(1),
        scanDate: CalendarDate,
        redScans: z.int().min(1).describe('red scans so far, this one included'),
      }),
    ),
  },
  ItemEscalated: {
    description: 'An item was escalated for supervision / 督办',
    schema: itemEvent(
      z.strictObject({
        reason: z.enum(['red-three-scans', 'yellow-twice-without-progress']),
        escalations: z.int().min(1).describe('times the item has been escalated, this one included'),
        light: z.enum(['yellow', 'red']),
        scanDate: CalendarDate,
      }),
    ),
  },
  LookBackDue: {
    description: 'A closed item’s look-back falls due / 回头看到期',
    schema: itemEvent(z.strictObject({ closedAt: Instant, dueDate: CalendarDate })),
  },
  LookBackConfirmed: {
    description: 'An admin confirmed the rectification held at look-back / 回头看确认整改成效',
    schema: itemEvent(z.strictObject({ note: Text.optional() })),
  },
  ReattestationDue: {
    description: 'A long-term item missed its re-attestation cycle / 长期坚持事项逾期未报送',
    schema: itemEvent(
      z.strictObject({
        cycleDays: z.int().min(1),
        lastAttestedAt: Instant.describe('the latest progress report, or the rectification'),
        dueDate: CalendarDate,
      }),
    ),
  },
} as const satisfies Record<ItemDetailType, Definition>;

const inspectionEvents = {
  SummaryGenerated: {
    description: 'A progress summary of an inspection was generated / 整改情况报告已生成',
    schema: inspectionEvent(
      z.strictObject({
        summaryId: Text,
        asOf: Instant,
        lang: z.enum(LANGS),
        files: z.array(z.strictObject({ name: Text, sha256: Sha256, size: z.int().min(0) })),
      }),
    ),
  },
  ArchiveReady: {
    description: 'An evidence archive of an inspection is ready to download / 证据包已生成',
    schema: inspectionEvent(
      z.strictObject({
        archiveId: Text,
        sizeBytes: z.int().min(0),
        sha256: Sha256,
        files: z.int().min(0).describe('number of files in the archive'),
      }),
    ),
  },
  ArchiveFailed: {
    description: 'An evidence archive could not be built / 证据包生成失败',
    schema: inspectionEvent(z.strictObject({ archiveId: Text, reason: Text })),
  },
} as const satisfies Record<InspectionDetailType, Definition>;

const definitions = { ...itemEvents, ...inspectionEvents };

export type EventDetail<T extends DetailType> = z.output<(typeof definitions)[T]['schema']>;

/** An event as EventBridge delivers it to a rule's target. */
export interface BusEvent<T extends DetailType> {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': T;
  readonly source: typeof EVENT_SOURCE;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: EventDetail<T>;
}

export interface Contract<T extends DetailType> {
  readonly version: typeof SCHEMA_VERSION;
  /** The schema of the event's `detail`. */
  readonly schema: (typeof definitions)[T]['schema'];
  /** One line: English / 中文. */
  readonly description: string;
}

/**
 * Every detail-type Rectify publishes, with its schema and description. The sample events live in
 * samples.ts, which imports this module and not the other way round, so no function's bundle
 * carries them.
 */
export const contracts = Object.fromEntries(
  DETAIL_TYPES.map((detailType) => [detailType, { version: SCHEMA_VERSION, ...definitions[detailType] }]),
) as { readonly [T in DetailType]: Contract<T> };

export function isDetailType(value: string): value is DetailType {
  return Object.hasOwn(definitions, value);
}

/**
 * The schema of a whole event as EventBridge delivers it. The envelope is AWS's, so it admits
 * fields the contract does not name (EventBridge adds `replay-name` to replayed events); only
 * `detail` is Rectify's and strict.
 */
export function busEventSchema<T extends DetailType>(detailType: T) {
  return z.looseObject({
    version: z.literal('0'),
    id: z.uuid().describe('EventBridge’s id of this delivery; deduplicate on detail.eventId instead'),
    'detail-type': z.literal(detailType),
    source: z.literal(EVENT_SOURCE),
    account: z.string().regex(/^\d{12}$/),
    time: Instant,
    region: Text,
    resources: z.array(z.string()),
    detail: definitions[detailType].schema,
  });
}

export interface ContractIssue {
  /** Where in the detail, e.g. `data.to` or `actor.roles[0]`. */
  readonly path: string;
  readonly message: string;
}

/** An event (or what would become one) that does not fit its contract. */
export class ContractViolation extends Error {
  readonly detailType: string;
  readonly issues: readonly ContractIssue[];

  constructor(detailType: string, issues: readonly ContractIssue[], subject = 'detail') {
    const listed = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
    super(`${subject} does not fit the ${detailType} contract: ${listed}`);
    this.name = 'ContractViolation';
    this.detailType = detailType;
    this.issues = issues;
  }
}

const pathText = (path: readonly PropertyKey[]) =>
  path
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index ? '.' : ''}${String(key)}`))
    .join('');

function issuesOf(error: z.ZodError): ContractIssue[] {
  return error.issues.flatMap((issue) =>
    // An unknown key is reported on its object; name each key where it sits instead.
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: pathText([...issue.path, key]), message: 'unknown field' }))
      : [{ path: pathText(issue.path) || '(detail)', message: issue.message }],
  );
}

/**
 * The typed detail of an event of `detailType`, or a ContractViolation naming the detail-type
 * and every failing field. `subject` names what is checked in that message.
 */
export function parseEvent<T extends DetailType>(
  detailType: T,
  detail: unknown,
  subject?: string,
): EventDetail<T>;
export function parseEvent(detailType: string, detail: unknown, subject?: string): EventDetail<DetailType>;
export function parseEvent(detailType: string, detail: unknown, subject = 'detail'): EventDetail<DetailType> {
  if (!isDetailType(detailType)) {
    throw new ContractViolation(
      detailType,
      [{ path: 'detail-type', message: `not one Rectify publishes (${DETAIL_TYPES.join(', ')})` }],
      subject,
    );
  }
  const result = (definitions[detailType].schema as z.ZodType<EventDetail<DetailType>>).safeParse(detail);
  if (!result.success) throw new ContractViolation(detailType, issuesOf(result.error), subject);
  return result.data;
}

/**
 * An event as a rule's SQS target receives it (the message body): its detail-type and its detail,
 * checked against the contract. Throws a ContractViolation for an event that does not fit.
 */
export function parseBusMessage(body: string): { detailType: DetailType; detail: EventDetail<DetailType> } {
  const message = JSON.parse(body) as { 'detail-type'?: unknown; detail?: unknown };
  const detailType = String(message['detail-type']);
  const detail = parseEvent(detailType, message.detail, 'message');
  return { detailType: detailType as DetailType, detail };
}
