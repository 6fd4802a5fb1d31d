/**
 * The definitions of every stateful resource: keys, indexes, streams, bucket rules, the bus.
 * Both the CDK stack (infra/constructs) and the local runtime's bootstrap (local/bootstrap.ts)
 * read these, so the emulator holds the same shapes the cloud does. Adding a queue, an index or
 * a rule happens here, once.
 */

import { DETAIL_TYPES, ITEM_DETAIL_TYPES } from './detail-types.ts';

export interface TableDefinition {
  /** Environment variable through which a function learns the table's name. */
  readonly envVar: string;
  readonly partitionKey: string;
  readonly sortKey: string;
  readonly globalIndexes: readonly {
    readonly name: string;
    readonly partitionKey: string;
    readonly sortKey: string;
  }[];
  /** Stream view for the event publisher; the ledger streams new and old images. */
  readonly stream: 'NEW_AND_OLD_IMAGES' | 'NONE';
  /** Attribute DynamoDB TTL expires items by (idempotency records, notifications). */
  readonly timeToLiveAttribute?: string;
}

export type ObjectLockMode = 'GOVERNANCE' | 'COMPLIANCE';

export interface BucketDefinition {
  readonly envVar: string;
  readonly versioned: boolean;
  readonly objectLock: boolean;
  /**
   * Retention every new version gets in a dev stack (the CDK context `evidenceLockMode` /
   * `evidenceLockDays` overrides it per stack; every other stage is COMPLIANCE, infra/app.ts):
   * GOVERNANCE can be lifted by a privileged principal, COMPLIANCE by no one.
   */
  readonly defaultRetention?: { readonly mode: ObjectLockMode; readonly days: number };
  /** Incomplete multipart uploads are aborted after this many days. */
  readonly abortIncompleteMultipartAfterDays: number;
  /** Objects are deleted this many days after they were written (derived files only). */
  readonly expireObjectsAfterDays?: number;
}

/** An asymmetric KMS key a function signs with (and whose public half anyone may have). */
export interface SigningKeyDefinition {
  readonly envVar: string;
  readonly keySpec: 'ECC_NIST_P256';
  readonly signingAlgorithm: 'ECDSA_SHA_256';
  readonly description: string;
}

export interface BusDefinition {
  readonly envVar: string;
  /** `source` of every event Rectify puts on the bus. */
  readonly source: string;
}

export interface QueueDefinition {
  /** For queues functions send to: the environment variable holding the queue's URL. */
  readonly envVar?: string;
  /** Longer than the consumer's timeout, so a message is not redelivered while still in work. */
  readonly visibilityTimeoutSeconds: number;
  /** Receives before a message moves to the queue's dead-letter queue. */
  readonly maxReceiveCount: number;
}

/** S3 ObjectCreated notifications for keys under `prefix`, sent to a queue. */
export interface BucketNotificationDefinition {
  readonly bucket: keyof typeof buckets;
  readonly prefix: string;
  readonly queue: keyof typeof queues;
}

export const tables = {
  ledger: {
    envVar: 'LEDGER_TABLE_NAME',
    partitionKey: 'PK',
    sortKey: 'SK',
    // Overloaded single-table indexes; shared/store/keys.ts says what each entity puts in them.
    globalIndexes: [
      // GSI1: one department's items across inspections; the list of inspections.
      { name: 'GSI1', partitionKey: 'GSI1PK', sortKey: 'GSI1SK' },
      // GSI2: open items by deadline (sparse: closed items leave it), for the deadline scanner.
      { name: 'GSI2', partitionKey: 'GSI2PK', sortKey: 'GSI2SK' },
    ],
    stream: 'NEW_AND_OLD_IMAGES',
    timeToLiveAttribute: 'expiresAt',
  },
} as const satisfies Record<string, TableDefinition>;

export const buckets = {
  evidence: {
    envVar: 'EVIDENCE_BUCKET_NAME',
    versioned: true,
    objectLock: true,
    defaultRetention: { mode: 'GOVERNANCE', days: 365 },
    abortIncompleteMultipartAfterDays: 7,
  },
  /**
   * Evidence archives (证据包): built from the locked evidence, so they can be built again; kept
   * 30 days. Not versioned: an archive is written once, under a key of its own.
   */
  archives: {
    envVar: 'ARCHIVE_BUCKET_NAME',
    versioned: false,
    objectLock: false,
    abortIncompleteMultipartAfterDays: 1,
    expireObjectsAfterDays: 30,
  },
} as const satisfies Record<string, BucketDefinition>;

/**
 * The evidence bucket's key layout, written once: the storage adapters build keys from it, the
 * upload notification filters on it, and each function's S3 access is granted by it.
 */
export const evidenceKeyPrefixes = {
  /** Uploads land at `uploads/<evidenceId>`; a stored file stays there, locked. */
  uploads: 'uploads/',
  /** Copies of rejected uploads, at `quarantine/<evidenceId>`. */
  quarantine: 'quarantine/',
  /** Summary files, at `summaries/<inspectionId>/<summaryId>/<file name>`. */
  summaries: 'summaries/',
} as const;

export const signingKeys = {
  archiveSigning: {
    envVar: 'ARCHIVE_SIGNING_KEY_ID',
    keySpec: 'ECC_NIST_P256',
    signingAlgorithm: 'ECDSA_SHA_256',
    description: 'Signs evidence archive manifests; auditors verify with its public key.',
  },
} as const satisfies Record<string, SigningKeyDefinition>;

export const buses = {
  events: { envVar: 'EVENT_BUS_NAME', source: 'rectify' },
} as const satisfies Record<string, BusDefinition>;

export const queues = {
  /** Evidence files that landed in uploads/, waiting for the verifier. */
  evidenceUploads: { visibilityTimeoutSeconds: 6 * 60, maxReceiveCount: 5 },
  /** Item events, waiting to be counted into their inspection's totals. */
  aggregates: { visibilityTimeoutSeconds: 2 * 60, maxReceiveCount: 5 },
  /** Events that tell someone something, waiting for the notifier. */
  notifications: { visibilityTimeoutSeconds: 2 * 60, maxReceiveCount: 5 },
  /**
   * Stream records the publisher could not put on the bus after every retry (the stream event
   * source's on-failure destination): kept for inspection and replay.
   */
  unpublished: { visibilityTimeoutSeconds: 60, maxReceiveCount: 5 },
  /** Archive requests, waiting for the builder (which may take up to its 15-minute timeout). */
  archiveJobs: { envVar: 'ARCHIVE_JOBS_QUEUE_URL', visibilityTimeoutSeconds: 16 * 60, maxReceiveCount: 3 },
  /** Summaries asked for through the API, waiting for the generator (up to its 15-minute timeout). */
  summaryJobs: { envVar: 'SUMMARY_JOBS_QUEUE_URL', visibilityTimeoutSeconds: 16 * 60, maxReceiveCount: 3 },
  /** Schedule invocations that still failed after Scheduler's retries (its dead-letter queue). */
  scheduleFailures: { visibilityTimeoutSeconds: 60, maxReceiveCount: 5 },
} as const satisfies Record<string, QueueDefinition>;

/** A rule on a bus that sends the events of some detail-types to a consumer's queue. */
export interface BusRuleDefinition {
  readonly bus: keyof typeof buses;
  readonly queue: keyof typeof queues;
  readonly description: string;
  /** The rule's pattern is `{ source: [bus source], 'detail-type': detailTypes }`. */
  readonly detailTypes: readonly string[];
}

/**
 * The bus's rules. CDK creates them as EventBridge rules with SQS targets; the local bootstrap
 * creates the same rules in the emulator, so which event reaches which queue is decided by
 * EventBridge's own pattern matching in both places.
 */
export const busRules = {
  notify: {
    bus: 'events',
    queue: 'notifications',
    description: 'Events that someone is told about (inbox and daily digest).',
    detailTypes: DETAIL_TYPES,
  },
  count: {
    bus: 'events',
    queue: 'aggregates',
    description: 'Item events, for the per-inspection counters.',
    detailTypes: ITEM_DETAIL_TYPES,
  },
} as const satisfies Record<string, BusRuleDefinition>;

/** The event pattern of a rule, the same in CDK and in the emulator. */
export function busRulePattern(rule: BusRuleDefinition): { source: string[]; 'detail-type': string[] } {
  return { source: [buses[rule.bus].source], 'detail-type': [...rule.detailTypes] };
}

export const bucketNotifications: readonly BucketNotificationDefinition[] = [
  { bucket: 'evidence', prefix: evidenceKeyPrefixes.uploads, queue: 'evidenceUploads' },
];

/**
 * The time zone schedules fire in (08:00 means 08:00 there); the CDK context `scheduleTimezone`
 * overrides it per stack. Each inspection still judges dates in its own time zone.
 */
export const SCHEDULE_TIMEZONE = 'Asia/Shanghai';

export type TableName = keyof typeof tables;
export type QueueName = keyof typeof queues;
export type BucketName = keyof typeof buckets;
export type BusName = keyof typeof buses;
export type SigningKeyName = keyof typeof signingKeys;
export type BusRuleName = keyof typeof busRules;

/**
 * Physical names used where Rectify names resources itself (the local runtime and tests; in the
 * cloud CloudFormation generates names). `stage` keeps parallel test files apart.
 */
export function localResourceName(stage: string, logicalName: string): string {
  return `rectify-${stage}-${logicalName}`.toLowerCase();
}
