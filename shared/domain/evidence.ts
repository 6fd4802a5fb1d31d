import type { Lang } from '#shared/i18n/lang.ts';
import { RuleViolation } from './errors.ts';
import type { ActorRef, Item, ItemEvent } from './item.ts';
import { recordEvent } from './item.ts';
import { STATUS_LABELS } from './status.ts';

/**
 * Evidence (佐证材料): the file types Rectify accepts, how each is recognised from its first
 * bytes (the upload is verified after it lands, whatever the client declared), and the record
 * of one file's life: pending → stored | rejected, and stored → withdrawn.
 *
 * A rejection keeps a stable machine code (`type-mismatch` …) and the values it is about; its
 * text is rendered at read time in the reader's language (rejectionText), never stored in one.
 *
 * Withdrawing from an item that is rectified or closed is refused, not turned into a reopen:
 * the item's state rests on that evidence (a sign-off even sealed it in its state hash), and
 * reopening is an admin's decision with a reason, which a department's withdrawal must not take
 * implicitly. The user is told to have the item reopened first; then the withdrawal goes through.
 */

export const EVIDENCE_STATES = ['pending', 'stored', 'rejected', 'withdrawn'] as const;
export type EvidenceState = (typeof EVIDENCE_STATES)[number];

interface EvidenceType {
  readonly extensions: readonly string[];
  readonly contentType: string;
  /** Whether the first bytes of a file are what a file of this type starts with. */
  readonly matches: (head: Uint8Array) => boolean;
}

const startsWith = (head: Uint8Array, ...bytes: number[]) =>
  bytes.every((byte, index) => head[index] === byte);
const PDF = (head: Uint8Array) => startsWith(head, 0x25, 0x50, 0x44, 0x46, 0x2d); // %PDF-
const ZIP = (head: Uint8Array) => startsWith(head, 0x50, 0x4b, 0x03, 0x04); // PK\3\4 (also docx/xlsx/ofd)
const OLE2 = (head: Uint8Array) => startsWith(head, 0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1); // doc/xls
const JPEG = (head: Uint8Array) => startsWith(head, 0xff, 0xd8, 0xff);
const PNG = (head: Uint8Array) => startsWith(head, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
/** Bytes that end a buffer in the middle of a UTF-8 character: a lead byte, then continuations. */
function incompleteTail(tail: Uint8Array): boolean {
  const [lead, ...rest] = tail;
  return (
    lead !== undefined && lead >= 0xc0 && lead <= 0xf7 && rest.every((byte) => byte >= 0x80 && byte <= 0xbf)
  );
}

/**
 * Text has no signature: accept UTF-8 without NUL bytes. The sniffed bytes may end inside a
 * multi-byte character, so an incomplete last character is allowed.
 */
const TEXT = (head: Uint8Array) => {
  if (head.includes(0)) return false;
  const strict = new TextDecoder('utf-8', { fatal: true });
  for (let cut = 0; cut <= Math.min(3, head.length); cut++) {
    if (cut > 0 && !incompleteTail(head.subarray(head.length - cut))) continue;
    try {
      strict.decode(head.subarray(0, head.length - cut));
      return true;
    } catch {
      // not valid with this many trailing bytes left out
    }
  }
  return false;
};

/** The default allowlist: pdf, ofd, doc/docx, xls/xlsx, jpg, png, zip, txt. */
export const EVIDENCE_TYPES: readonly EvidenceType[] = [
  { extensions: ['pdf'], contentType: 'application/pdf', matches: PDF },
  { extensions: ['ofd'], contentType: 'application/ofd', matches: ZIP },
  { extensions: ['doc'], contentType: 'application/msword', matches: OLE2 },
  {
    extensions: ['docx'],
    contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    matches: ZIP,
  },
  { extensions: ['xls'], contentType: 'application/vnd.ms-excel', matches: OLE2 },
  {
    extensions: ['xlsx'],
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    matches: ZIP,
  },
  { extensions: ['jpg', 'jpeg'], contentType: 'image/jpeg', matches: JPEG },
  { extensions: ['png'], contentType: 'image/png', matches: PNG },
  { extensions: ['zip'], contentType: 'application/zip', matches: ZIP },
  { extensions: ['txt'], contentType: 'text/plain', matches: TEXT },
];

/** How many leading bytes the sniffer needs. */
export const SNIFF_BYTES = 512;

export function evidenceType(contentType: string): EvidenceType | undefined {
  const bare = contentType.split(';')[0]?.trim().toLowerCase();
  return EVIDENCE_TYPES.find((type) => type.contentType === bare);
}

export function extensionOf(fileName: string): string {
  const match = /\.([A-Za-z0-9]{1,10})$/.exec(fileName);
  return match?.[1]?.toLowerCase() ?? '';
}

/**
 * A file name safe to keep as metadata and to offer on download: no path, no control
 * characters, no characters Windows refuses, at most 200 characters; Chinese is kept.
 */
export function safeFileName(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  const cleaned = [...base]
    .filter((character) => {
      const code = character.charCodeAt(0);
      return code >= 0x20 && code !== 0x7f;
    })
    .join('')
    .replace(/[<>:"|?*]/g, '_')
    .replace(/^\.+/, '')
    .trim();
  return (cleaned || 'evidence').slice(0, 200);
}

/** One evidence file and what became of it. */
export interface Evidence {
  readonly evidenceId: string;
  readonly itemId: string;
  readonly inspectionId: string;
  readonly ref: string;
  /** The sanitised original name, kept as metadata only; the object key derives from the id. */
  readonly fileName: string;
  readonly contentType: string;
  readonly size: number;
  /** Hex SHA-256 the uploader declared; the verifier recomputes it from the stored bytes. */
  readonly sha256: string;
  readonly description?: string;
  /** When the evidence took effect (YYYY-MM-DD), apart from the immutable upload time. */
  readonly effectiveDate?: string;
  readonly measureIndex?: number;
  readonly state: EvidenceState;
  readonly objectKey: string;
  readonly requestedBy: ActorRef;
  readonly requestedAt: string;
  readonly storedAt?: string;
  readonly objectVersionId?: string;
  readonly rejection?: Rejection;
  readonly withdrawal?: { readonly by: ActorRef; readonly at: string; readonly reason: string };
}

export type RejectionReason = 'size-mismatch' | 'hash-mismatch' | 'type-mismatch';

/** Why the verifier refused a file: the code, an English detail (as the chain record has it), the values. */
export interface Rejection {
  readonly reason: RejectionReason | string;
  readonly detail: string;
  /** What was declared and what arrived; absent on records written before they were kept. */
  readonly params?: Readonly<Record<string, string | number>>;
}

export type VerificationResult =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly reason: RejectionReason;
      readonly detail: string;
      readonly params?: Readonly<Record<string, string | number>>;
    };

type Params = Readonly<Record<string, string | number>> | undefined;
const REJECTION_TEXTS: Record<RejectionReason, Record<Lang, (p: Params) => string>> = {
  'size-mismatch': {
    'zh-CN': (p) => `文件大小与申报不符${p ? `：申报 ${p.declared} 字节，实际收到 ${p.received} 字节` : ''}`,
    en: (p) =>
      `the size differs from the declared size${p ? `: declared ${p.declared} bytes, received ${p.received}` : ''}`,
  },
  'hash-mismatch': {
    'zh-CN': (p) => `文件内容与申报的 SHA-256 不符${p ? `：申报 ${p.declared}，实际 ${p.received}` : ''}`,
    en: (p) =>
      `the content does not match the declared SHA-256${p ? `: declared ${p.declared}, received ${p.received}` : ''}`,
  },
  'type-mismatch': {
    'zh-CN': (p) => (p ? `文件内容不是申报的类型 ${p.declared}` : '文件内容与申报的类型不符'),
    en: (p) => (p ? `the bytes are not ${p.declared}` : 'the content is not of the declared type'),
  },
};

/**
 * A rejection in the reader's language, from its code and values. Records from before the values
 * were kept get the code's general text; an unknown code falls back to the stored detail.
 */
export function rejectionText(
  rejection: Pick<Rejection, 'reason' | 'params'> & { detail?: string },
  lang: Lang,
): string {
  if (!Object.hasOwn(REJECTION_TEXTS, rejection.reason)) return rejection.detail ?? rejection.reason;
  return REJECTION_TEXTS[rejection.reason as RejectionReason][lang](rejection.params);
}

/** Compares what arrived with what was declared. */
export function verifyUpload(
  declared: Pick<Evidence, 'size' | 'sha256' | 'contentType'>,
  arrived: { readonly size: number; readonly sha256: string; readonly head: Uint8Array },
): VerificationResult {
  if (arrived.size !== declared.size) {
    return {
      ok: false,
      reason: 'size-mismatch',
      detail: `declared ${declared.size} bytes, received ${arrived.size}`,
      params: { declared: declared.size, received: arrived.size },
    };
  }
  if (arrived.sha256 !== declared.sha256.toLowerCase()) {
    return {
      ok: false,
      reason: 'hash-mismatch',
      detail: `declared SHA-256 ${declared.sha256}, received ${arrived.sha256}`,
      params: { declared: declared.sha256, received: arrived.sha256 },
    };
  }
  const type = evidenceType(declared.contentType);
  if (!type?.matches(arrived.head)) {
    return {
      ok: false,
      reason: 'type-mismatch',
      detail: `the bytes are not ${declared.contentType}`,
      params: { declared: declared.contentType },
    };
  }
  return { ok: true };
}

/** The trail's actor for what the verifier decides. */
export const VERIFIER: ActorRef = { subject: 'system:evidence-verifier', name: '佐证材料校验', roles: [] };

/**
 * The outcome of verifying a pending upload: the evidence's new state and the item's next chain
 * record (EvidenceStored, which also counts the file, or EvidenceRejected with the reason).
 */
export function decideVerification(
  item: Item,
  evidence: Evidence,
  result: VerificationResult,
  context: { eventId: string; at: string; objectVersionId?: string },
): { item: Item; event: ItemEvent; evidence: Evidence } {
  const file = {
    evidenceId: evidence.evidenceId,
    fileName: evidence.fileName,
    sha256: evidence.sha256,
    size: evidence.size,
  };
  if (result.ok) {
    const recorded = recordEvent(
      item,
      'EvidenceStored',
      VERIFIER,
      file,
      { evidenceCount: item.evidenceCount + 1 },
      context,
    );
    const stored: Evidence = {
      ...evidence,
      state: 'stored',
      storedAt: context.at,
      ...(context.objectVersionId ? { objectVersionId: context.objectVersionId } : {}),
    };
    return { ...recorded, evidence: stored };
  }
  // The chain record (and the EvidenceRejected event, whose contract is fixed) keeps code and
  // English detail; the evidence record also keeps the values, to render in any language.
  const { reason, detail, params } = result;
  const recorded = recordEvent(item, 'EvidenceRejected', VERIFIER, { ...file, reason, detail }, {}, context);
  return {
    ...recorded,
    evidence: {
      ...evidence,
      state: 'rejected',
      rejection: { reason, detail, ...(params ? { params } : {}) },
    },
  };
}

/**
 * Withdraws a stored file (撤回): it stays in storage, in the archive and in the history, but no
 * longer counts toward the item being rectified. Only stored evidence can be withdrawn.
 */
export function decideWithdrawal(
  item: Item,
  evidence: Evidence,
  actor: ActorRef,
  reason: string,
  context: { eventId: string; at: string },
): { item: Item; event: ItemEvent; evidence: Evidence } {
  if (evidence.state !== 'stored') {
    throw new RuleViolation(
      'evidence-not-stored',
      {
        en: `Only stored evidence can be withdrawn; this file is ${evidence.state}.`,
        zh: '只能撤回已校验存储的佐证材料。',
      },
      { state: evidence.state },
    );
  }
  if (item.status === 'rectified' || item.status === 'closed') {
    throw new RuleViolation(
      'item-rectified',
      {
        en: `Item ${item.itemId} is ${STATUS_LABELS[item.status].en}; its evidence cannot be withdrawn. Ask an admin to reopen the item first, then withdraw the file.`,
        zh: `事项 ${item.ref} ${item.status === 'closed' ? '已销号' : '已整改'}，不能撤回其佐证材料；请先由管理员重新打开该事项，再撤回。`,
      },
      { status: item.status },
    );
  }
  const recorded = recordEvent(
    item,
    'EvidenceWithdrawn',
    actor,
    { evidenceId: evidence.evidenceId, fileName: evidence.fileName, sha256: evidence.sha256, reason },
    { evidenceCount: Math.max(0, item.evidenceCount - 1) },
    context,
  );
  return {
    ...recorded,
    evidence: { ...evidence, state: 'withdrawn', withdrawal: { by: actor, at: context.at, reason } },
  };
}
