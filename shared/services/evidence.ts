import { randomUUID } from 'node:crypto';
import type * as z from 'zod';
import type { EvidenceRequest } from '#shared/api/schemas.ts';
import { canWrite } from '#shared/domain/access.ts';
import {
  type FieldIssue,
  Forbidden,
  NotFound,
  RuleViolation,
  ValidationFailed,
} from '#shared/domain/errors.ts';
import {
  decideWithdrawal,
  EVIDENCE_TYPES,
  type Evidence,
  evidenceType,
  extensionOf,
  rejectionText,
  safeFileName,
} from '#shared/domain/evidence.ts';
import { refuseWithdrawn } from '#shared/domain/plan-revision.ts';
import type { Principal } from '#shared/domain/roles.ts';
import { actorRef } from '#shared/domain/roles.ts';
import type { Lang } from '#shared/i18n/lang.ts';
import {
  evidenceDownloadLink,
  evidenceUploadKey,
  presignEvidenceUpload,
} from '#shared/storage/evidence-objects.ts';
import type { EvidenceStore } from '#shared/store/evidence-store.ts';
import type { IdempotencyKey } from '#shared/store/idempotency-keys.ts';
import type { LedgerStore } from '#shared/store/ledger-store.ts';
import { answerOnce, idempotencyKeysBeside } from './idempotency.ts';
import { findVisibleItem } from './items.ts';

/** Uploads must start within 15 minutes of the request. */
export const UPLOAD_EXPIRY_SECONDS = 15 * 60;
/** The largest evidence file, unless EVIDENCE_MAX_BYTES says otherwise. */
export const DEFAULT_MAX_EVIDENCE_BYTES = 100 * 1024 * 1024;

function maxEvidenceBytes(): number {
  const configured = Number(process.env.EVIDENCE_MAX_BYTES);
  return Number.isInteger(configured) && configured > 0 ? configured : DEFAULT_MAX_EVIDENCE_BYTES;
}

/** What the request declares that the allowlist or the item forbids, every problem at once. */
function requestIssues(request: z.output<typeof EvidenceRequest>, measures: number): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const type = evidenceType(request.contentType);
  const allowed = EVIDENCE_TYPES.map((t) => t.contentType).join(', ');
  if (!type) {
    issues.push({
      path: 'contentType',
      message: `${request.contentType} is not an accepted evidence type; accepted: ${allowed}`,
      messageZh: `不接受的佐证材料类型 ${request.contentType}`,
    });
  } else if (!type.extensions.includes(extensionOf(request.fileName))) {
    issues.push({
      path: 'fileName',
      message: `a ${request.contentType} file must end in .${type.extensions.join(' or .')}`,
      messageZh: `${request.contentType} 文件的扩展名应为 .${type.extensions.join(' 或 .')}`,
    });
  }
  const max = maxEvidenceBytes();
  if (request.size > max) {
    issues.push({ path: 'size', message: `at most ${max} bytes`, messageZh: `文件不能超过 ${max} 字节` });
  }
  if (request.measureIndex !== undefined && request.measureIndex >= measures) {
    issues.push({
      path: 'measureIndex',
      message: `the item has ${measures} measure(s); there is no measure ${request.measureIndex}`,
      messageZh: `该事项没有第 ${request.measureIndex} 条措施`,
    });
  }
  return issues;
}

/**
 * Opens an upload: records the evidence as pending and returns a presigned POST whose policy
 * fixes the key (derived from the evidence id, never from the file name), the exact size, the
 * Content-Type and the SHA-256 checksum, and stores the Content-Disposition with the object so
 * the Chinese name survives download. The verifier checks all of it again when the file lands.
 */
export async function requestUpload(
  stores: { ledger: LedgerStore; evidence: EvidenceStore },
  principal: Principal,
  itemId: string,
  request: z.output<typeof EvidenceRequest>,
  now = new Date(),
) {
  const { item } = await findVisibleItem(stores.ledger, principal, itemId);
  if (!canWrite(principal, item)) throw new Forbidden(`add evidence to item ${itemId}`);
  refuseWithdrawn(item);
  const issues = requestIssues(request, item.measures.length);
  if (issues.length > 0) throw new ValidationFailed(issues);

  const evidenceId = `ev-${randomUUID()}`;
  const fileName = safeFileName(request.fileName);
  const evidence: Evidence = {
    evidenceId,
    itemId: item.itemId,
    inspectionId: item.inspectionId,
    ref: item.ref,
    fileName,
    contentType: request.contentType,
    size: request.size,
    sha256: request.sha256.toLowerCase(),
    ...(request.description ? { description: request.description } : {}),
    ...(request.effectiveDate ? { effectiveDate: request.effectiveDate } : {}),
    ...(request.measureIndex !== undefined ? { measureIndex: request.measureIndex } : {}),
    state: 'pending',
    objectKey: evidenceUploadKey(evidenceId),
    requestedBy: actorRef(principal),
    requestedAt: now.toISOString(),
  };
  await stores.evidence.create(evidence);

  const upload = await presignEvidenceUpload(evidence, UPLOAD_EXPIRY_SECONDS);
  return {
    evidenceId,
    state: 'pending' as const,
    upload,
    expiresAt: new Date(now.getTime() + UPLOAD_EXPIRY_SECONDS * 1000).toISOString(),
  };
}

/**
 * An evidence file the principal may see: the same rule as its item, and the same 404 for
 * files of items they cannot see.
 */
export async function findVisibleEvidence(
  stores: { ledger: LedgerStore; evidence: EvidenceStore },
  principal: Principal,
  evidenceId: string,
) {
  const evidence = await stores.evidence.get(evidenceId);
  if (!evidence) throw new NotFound('evidence', evidenceId);
  try {
    const found = await findVisibleItem(stores.ledger, principal, evidence.itemId);
    return { evidence, ...found };
  } catch (error) {
    if (error instanceof NotFound) throw new NotFound('evidence', evidenceId);
    throw error;
  }
}

/**
 * The API's view of an evidence record: where it is stored stays inside. A rejection shows its
 * stable code (`reason`), the English detail the chain record has, and `message` in the caller's
 * language, rendered now from the code and its values.
 */
export function evidenceView(evidence: Evidence, lang: Lang) {
  const { objectKey: _key, objectVersionId: _version, rejection, ...view } = evidence;
  if (!rejection) return view;
  return { ...view, rejection: { ...rejection, message: rejectionText(rejection, lang) } };
}

/** A short-lived presigned GET of a stored (or withdrawn, still kept) file, by its version. */
export async function downloadLink(evidence: Evidence, now = new Date()) {
  if (evidence.state !== 'stored' && evidence.state !== 'withdrawn') {
    throw new RuleViolation(
      'evidence-not-stored',
      {
        en: `This file is ${evidence.state}; only stored files can be downloaded.`,
        zh: '该材料尚未校验存储，不能下载。',
      },
      { state: evidence.state },
    );
  }
  const link = await evidenceDownloadLink(evidence, now);
  return {
    evidenceId: evidence.evidenceId,
    fileName: evidence.fileName,
    sha256: evidence.sha256,
    size: evidence.size,
    ...link,
  };
}

/** Withdraws a stored file with a reason: out of the count, kept in storage and history. */
export async function withdrawEvidence(
  stores: { ledger: LedgerStore; evidence: EvidenceStore },
  principal: Principal,
  evidenceId: string,
  reason: string,
  lang: Lang,
  /** The request's Idempotency-Key, remembered with the answer by the withdrawal's transaction. */
  idempotencyKey?: IdempotencyKey,
) {
  const keys = idempotencyKeysBeside(stores.ledger);
  return answerOnce(keys, idempotencyKey, async () => {
    const { evidence, item, inspection } = await findVisibleEvidence(stores, principal, evidenceId);
    if (!canWrite(principal, item)) throw new Forbidden(`withdraw evidence of item ${item.itemId}`);
    const decided = decideWithdrawal(item, evidence, actorRef(principal), reason, {
      eventId: randomUUID(),
      at: new Date().toISOString(),
    });
    const answer = { evidence: evidenceView(decided.evidence, lang), item: decided.item };
    await stores.ledger.commitEvidenceChange(
      inspection,
      item,
      decided.item,
      decided.event,
      decided.evidence,
      'stored',
      idempotencyKey ? [keys.remember(idempotencyKey, answer)] : [],
    );
    return answer;
  });
}
