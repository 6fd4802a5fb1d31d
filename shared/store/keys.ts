/**
 * The single-table layout of the ledger (one place, so every access pattern is visible here).
 *
 * | entity      | PK                              | SK              | GSI1PK / GSI1SK                                   | GSI2PK / GSI2SK                 |
 * |-------------|---------------------------------|-----------------|---------------------------------------------------|---------------------------------|
 * | inspection  | INSP#<inspectionId>             | META            | INSPECTIONS / <feedbackDate>#<inspectionId>       | —                               |
 * | item        | LEDGER#<inspectionId>#<importId> | ITEM#<ref>      | DEPT#<dept> / <inspectionId>#<importId>#<ref>     | OPEN / <deadline>#<itemId> (open items only) |
 * | chain event | CHAIN#<importId>#<ref>          | SEQ#<seq>       | —                                                 | —                               |
 * | inspection event | INSPCHAIN#<inspectionId>   | SEQ#<seq>       | —                                                 | —                               |
 * | summary     | SUMMARY#<summaryId>             | META            | SUMMARIES#<inspectionId> / <asOf>#<summaryId>     | —                               |
 * | summary job | SUMMARYJOB#<summaryId>          | META            | —                                                 | —                               |
 * | archive     | ARCHIVE#<archiveId>             | META            | ARCHIVES#<inspectionId> / <requestedAt>#<archiveId> | —                             |
 * | evidence    | EVIDENCE#<evidenceId>           | META            | ITEMEVIDENCE#<itemId> / <requestedAt>#<evidenceId> | —                              |
 * | idempotency | IDEMPOTENCY#<function>          | <key hash>      | —                                                 | —                               |
 * | key in a change | IDEMPOTENCY#<function>#<key hash> | KEY         | —                                                 | —                               |
 * | notification| INBOX#<recipient>               | N#<notificationId> | —                                              | —                               |
 * | totals      | AGG#<inspectionId>#<importId>   | TOTALS          | —                                                 | —                               |
 * | counted item| AGG#<inspectionId>#<importId>   | ITEM#<ref>      | —                                                 | —                               |
 * | webhook     | WEBHOOKS                        | <department>    | —                                                 | —                               |
 * | digest sent | DIGEST#<department>             | <date>          | —                                                 | —                               |
 *
 * Items of one import generation share a partition (the ledger is one Query); chains get a
 * partition each, so history reads and imports spread across partitions. Refs and seqs are
 * zero-padded so that sort order is numeric order.
 */

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** `1.2.3` → `0001.0002.0003`, so items sort by aspect, problem, item number. */
export function sortableRef(ref: string): string {
  return ref
    .split('.')
    .map((part) => pad(Number(part), 4))
    .join('.');
}

export const keys = {
  inspection: (inspectionId: string) => ({ PK: `INSP#${inspectionId}`, SK: 'META' }),
  inspectionList: (feedbackDate: string, inspectionId: string) => ({
    GSI1PK: 'INSPECTIONS',
    GSI1SK: `${feedbackDate}#${inspectionId}`,
  }),
  ledgerPartition: (inspectionId: string, importId: string) => `LEDGER#${inspectionId}#${importId}`,
  item: (inspectionId: string, importId: string, ref: string) => ({
    PK: `LEDGER#${inspectionId}#${importId}`,
    SK: `ITEM#${sortableRef(ref)}`,
  }),
  itemByDepartment: (department: string, inspectionId: string, importId: string, ref: string) => ({
    GSI1PK: `DEPT#${department}`,
    GSI1SK: `${inspectionId}#${importId}#${sortableRef(ref)}`,
  }),
  openByDeadline: (deadline: string, itemId: string) => ({ GSI2PK: 'OPEN', GSI2SK: `${deadline}#${itemId}` }),
  chainPartition: (importId: string, ref: string) => `CHAIN#${importId}#${sortableRef(ref)}`,
  chainEvent: (importId: string, ref: string, seq: number) => ({
    PK: `CHAIN#${importId}#${sortableRef(ref)}`,
    SK: `SEQ#${pad(seq, 8)}`,
  }),
  /** The inspection's own chain (outcomes, summaries) lives across import generations. */
  inspectionChainPartition: (inspectionId: string) => `INSPCHAIN#${inspectionId}`,
  inspectionEvent: (inspectionId: string, seq: number) => ({
    PK: `INSPCHAIN#${inspectionId}`,
    SK: `SEQ#${pad(seq, 8)}`,
  }),
  summary: (summaryId: string) => ({ PK: `SUMMARY#${summaryId}`, SK: 'META' }),
  summaryOfInspection: (inspectionId: string, asOf: string, summaryId: string) => ({
    GSI1PK: `SUMMARIES#${inspectionId}`,
    GSI1SK: `${asOf}#${summaryId}`,
  }),
  summariesOfInspection: (inspectionId: string) => `SUMMARIES#${inspectionId}`,
  summaryJob: (summaryId: string) => ({ PK: `SUMMARYJOB#${summaryId}`, SK: 'META' }),
  archive: (archiveId: string) => ({ PK: `ARCHIVE#${archiveId}`, SK: 'META' }),
  archiveOfInspection: (inspectionId: string, requestedAt: string, archiveId: string) => ({
    GSI1PK: `ARCHIVES#${inspectionId}`,
    GSI1SK: `${requestedAt}#${archiveId}`,
  }),
  archivesOfInspection: (inspectionId: string) => `ARCHIVES#${inspectionId}`,
  evidence: (evidenceId: string) => ({ PK: `EVIDENCE#${evidenceId}`, SK: 'META' }),
  evidenceOfItem: (itemId: string, requestedAt: string, evidenceId: string) => ({
    GSI1PK: `ITEMEVIDENCE#${itemId}`,
    GSI1SK: `${requestedAt}#${evidenceId}`,
  }),
  totals: (inspectionId: string, importId: string) => ({
    PK: `AGG#${inspectionId}#${importId}`,
    SK: 'TOTALS',
  }),
  countedItem: (inspectionId: string, importId: string, ref: string) => ({
    PK: `AGG#${inspectionId}#${importId}`,
    SK: `ITEM#${sortableRef(ref)}`,
  }),
  webhooks: 'WEBHOOKS',
  webhook: (department: string) => ({ PK: 'WEBHOOKS', SK: department }),
  digest: (department: string, date: string) => ({ PK: `DIGEST#${department}`, SK: date }),
  inbox: (recipient: string) => `INBOX#${recipient}`,
  notification: (recipient: string, notificationId: string) => ({
    PK: `INBOX#${recipient}`,
    SK: `N#${notificationId}`,
  }),
  /** A key remembered in a change's own transaction: a partition each, so no key is hot. */
  idempotencyKey: (functionName: string, keyHash: string) => ({
    PK: `IDEMPOTENCY#${functionName}#${keyHash}`,
    SK: 'KEY',
  }),
} as const;

export const NOTIFICATION_SK_PREFIX = 'N#';
export const ITEM_SK_PREFIX = 'ITEM#';
export const SEQ_SK_PREFIX = 'SEQ#';
