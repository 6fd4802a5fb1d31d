import type { BusEvent, DetailType, EventDetail } from './contracts.ts';

/**
 * One complete event per detail-type, as a rule's target receives it: the life of one item of
 * the sample plan (test/fixtures/plan.sample.json) and the inspection around it. Typed against
 * the contracts, checked against them by the tests, and copied into each JSON Schema file as
 * its `examples`, so consumers in other languages have them too.
 */

function busEvent<T extends DetailType>(detailType: T, id: string, detail: EventDetail<T>): BusEvent<T> {
  return {
    version: '0',
    id,
    'detail-type': detailType,
    source: 'rectify',
    account: '123456789012',
    // EventBridge stamps the time the publisher gives it (the detail's `at`) to the second.
    time: new Date(detail.at).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: 'cn-north-1',
    resources: [],
    detail,
  };
}

const item = {
  schemaVersion: 1,
  itemId: 'sample-health-2024-r1.1.1.1',
  inspectionId: 'sample-health-2024-r1',
  ref: '1.1.1',
  title: '乡镇卫生院全科医生配备不足',
  department: '基层卫生科',
  leader: '王强',
} as const;

const actors = {
  department: { subject: 'dept-1', name: '张科员', roles: ['department'] },
  admin: { subject: 'admin-2', name: '整改办', roles: ['admin'] },
  auditor: { subject: 'auditor-1', name: '巡察组', roles: ['auditor'] },
  verifier: { subject: 'system:evidence-verifier', name: '佐证材料校验', roles: [] },
  deadlineScan: { subject: 'system:deadline-scan', name: '时限扫描', roles: [] },
  followUpScan: { subject: 'system:follow-up-scan', name: '回头看与长期坚持提醒', roles: [] },
};

const report = {
  evidenceId: 'ev-5c45cf43-9249-4dcb-bc93-bd97e072d92e',
  fileName: '全科医生招录公告.pdf',
  sha256: '18ac3e7343f016890c510e93f935261169d9e3f565436429830faf0934f4f8e4',
};

export const samples: { readonly [T in DetailType]: BusEvent<T> } = {
  ItemStatusChanged: busEvent('ItemStatusChanged', 'f1c0e7a4-3b9e-4c55-9a0e-6b1d2f3a4c5d', {
    ...item,
    eventId: '76670573-d888-4d77-97db-0dfd59e398a0',
    at: '2024-10-15T02:00:00.000Z',
    actor: actors.admin,
    seq: 10,
    hash: 'ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb',
    data: {
      from: 'rectified',
      to: 'closed',
      rule: 'close-out',
      signOff: {
        by: actors.admin,
        at: '2024-10-15T02:00:00.000Z',
        decision: 'approved',
        meaning: '整改到位，同意销号',
        stateHash: '3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d',
      },
    },
  }),
  ProgressReported: busEvent('ProgressReported', '0b6a8f2e-7d4c-4e1a-8f3b-2c9d5e6f7a8b', {
    ...item,
    eventId: 'a66c7654-f4a5-4089-80b5-bd3303d349fc',
    at: '2024-08-16T02:15:00.000Z',
    actor: actors.department,
    seq: 2,
    hash: '2e7d2c03a9507ae265ecf5b5356885a53393a2029d241394997265a1a25aefc6',
    data: {
      text: '一是新招录全科医生32名；二是开展城乡对口支援。',
      measuresDone: [0, 1],
      newlyDone: [1],
      effectiveDate: '2024-08-15',
    },
  }),
  EvidenceStored: busEvent('EvidenceStored', '1d2e3f40-5a6b-4c7d-8e9f-0a1b2c3d4e5f', {
    ...item,
    eventId: 'e1d98c59-62d5-4d58-b719-593fa4f4b9aa',
    at: '2024-08-16T02:20:31.000Z',
    actor: actors.verifier,
    seq: 3,
    hash: '3f79bb7b435b05321651daefd374cdc681dc06faa65e374e38337b88ca046dea',
    data: { ...report, size: 482_133 },
  }),
  EvidenceRejected: busEvent('EvidenceRejected', '2e3f4051-6b7c-4d8e-9fa0-1b2c3d4e5f60', {
    ...item,
    eventId: '02a63088-3319-4f22-9676-d05075a2093b',
    at: '2024-08-16T02:25:07.000Z',
    actor: actors.verifier,
    seq: 4,
    hash: '252f10c83610ebca1a059c0bae8255eba2f95be4d1d7bcfa89d7248a82d9f111',
    data: {
      evidenceId: 'ev-70c316ef-ee5a-4f9d-8849-bf567b9c34ee',
      fileName: '对口支援协议.pdf',
      sha256: 'cd0aa9856147b6c5b4ff2b7dfee5da20aa38253099ef1b4a64aced233c9afe29',
      size: 1_204_551,
      reason: 'size-mismatch',
      detail: 'declared 1204551 bytes, received 1048576',
    },
  }),
  EvidenceWithdrawn: busEvent('EvidenceWithdrawn', '3f405162-7c8d-4e9f-a0b1-2c3d4e5f6071', {
    ...item,
    eventId: '6d21eb7e-acea-4b2b-a691-52c2eedda2d8',
    at: '2024-08-17T01:10:00.000Z',
    actor: actors.department,
    seq: 5,
    hash: 'aaa9402664f1a41f40ebbc52c9993eb66aeb366602958fdfaa283b71e64db123',
    data: { ...report, reason: '误传了其他事项的材料' },
  }),
  ItemDueSoon: busEvent('ItemDueSoon', '40516273-8d9e-4fa0-b1c2-3d4e5f607182', {
    ...item,
    eventId: 'e3d7702b-03e3-4201-a614-92a499b46f6c',
    at: '2024-09-24T00:00:03.000Z',
    actor: actors.deadlineScan,
    seq: 6,
    hash: 'de7d1b721a1e0632b7cf04edf5032c8ecffa9f9a08492152b926f1a5a7e765d7',
    data: { deadline: '2024-09-30', daysLeft: 6, scanDate: '2024-09-24' },
  }),
  ItemOverdue: busEvent('ItemOverdue', '51627384-9eaf-40b1-82d3-4e5f60718293', {
    ...item,
    eventId: 'dde1557f-c7e4-4988-892d-4538fe36630d',
    at: '2024-10-03T00:00:04.000Z',
    actor: actors.deadlineScan,
    seq: 7,
    hash: '189f40034be7a199f1fa9891668ee3ab6049f82d38c68be70f596eab2e1857b7',
    data: { deadline: '2024-09-30', daysOverdue: 3, scanDate: '2024-10-03', redScans: 3 },
  }),
  ItemEscalated: busEvent('ItemEscalated', '62738495-afb0-41c2-93e4-5f60718293a4', {
    ...item,
    eventId: 'ec3a528b-0114-493f-8c78-5255c3670bd4',
    at: '2024-10-03T00:00:04.000Z',
    actor: actors.deadlineScan,
    seq: 8,
    hash: '8254c329a92850f6d539dd376f4816ee2764517da5e0235514af433164480d7a',
    data: { reason: 'red-three-scans', escalations: 1, light: 'red', scanDate: '2024-10-03' },
  }),
  ReattestationDue: busEvent('ReattestationDue', '738495a6-b0c1-42d3-a4f5-60718293a4b5', {
    ...item,
    eventId: 'd494870e-e3a2-4064-bfd4-8b3ecf2d69cc',
    at: '2025-01-14T00:45:02.000Z',
    actor: actors.followUpScan,
    seq: 11,
    hash: 'acac86c0e609ca906f632b0e2dacccb2b77d22b0621f20ebece1a4835b93f6f0',
    data: { cycleDays: 90, lastAttestedAt: '2024-10-15T02:00:00.000Z', dueDate: '2025-01-13' },
  }),
  LookBackDue: busEvent('LookBackDue', '8495a6b7-c1d2-43e4-b5a6-718293a4b5c6', {
    ...item,
    eventId: '5f5892f2-7866-49e3-9a9c-a8dbb7730795',
    at: '2025-04-15T00:30:02.000Z',
    actor: actors.followUpScan,
    seq: 12,
    hash: '62c66a7a5dd70c3146618063c344e531e6d4b59e379808443ce962b3abd63c5a',
    data: { closedAt: '2024-10-15T02:00:00.000Z', dueDate: '2025-04-15' },
  }),
  LookBackConfirmed: busEvent('LookBackConfirmed', '95a6b7c8-d2e3-44f5-86b7-8293a4b5c6d7', {
    ...item,
    eventId: '0c1e2d3f-4a5b-4c6d-8e7f-901a2b3c4d5e',
    at: '2025-04-20T03:00:00.000Z',
    actor: actors.admin,
    seq: 13,
    hash: '1b16b1df538ba12dc3f97edbb85caa7050d46c148134290feba80f8236c83db9',
    data: { note: '回头看：全科医生均在岗，整改成效巩固' },
  }),
  SummaryGenerated: busEvent('SummaryGenerated', 'a6b7c8d9-e3f4-4506-97c8-93a4b5c6d7e8', {
    schemaVersion: 1,
    eventId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
    inspectionId: item.inspectionId,
    at: '2024-09-30T09:00:02.000Z',
    data: {
      summaryId: 'sum-2024-09-30',
      asOf: '2024-09-30T09:00:00.000Z',
      lang: 'zh-CN',
      files: [
        {
          name: '整改情况报告.docx',
          sha256: '65c74c15a686187bb6bbf9958f494fc6b80068034a659a9ad44991b08c58f2d2',
          size: 38_912,
        },
        {
          name: '整改工作台账.xlsx',
          sha256: '148de9c5a7a44d19e56cd9ae1a554bf67847afb0c58f6e12fa29ac7ddfca9940',
          size: 21_504,
        },
      ],
    },
  }),
  ArchiveReady: busEvent('ArchiveReady', 'b7c8d9ea-f405-4617-a8d9-a4b5c6d7e8f9', {
    schemaVersion: 1,
    eventId: '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e',
    inspectionId: item.inspectionId,
    at: '2024-10-20T06:41:12.000Z',
    actor: actors.auditor,
    data: {
      archiveId: 'arc-76d2f1b0',
      sizeBytes: 58_720_256,
      sha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
      files: 214,
    },
  }),
  ArchiveFailed: busEvent('ArchiveFailed', 'c8d9eafb-0516-4728-b9ea-b5c6d7e8f90a', {
    schemaVersion: 1,
    eventId: '3c4d5e6f-7a8b-4c9d-8e1f-2a3b4c5d6e7f',
    inspectionId: item.inspectionId,
    at: '2024-10-20T06:45:00.000Z',
    actor: actors.auditor,
    data: {
      archiveId: 'arc-8a91c3e4',
      reason: 'evidence object uploads/ev-70c316ef-ee5a-4f9d-8849-bf567b9c34ee could not be read',
    },
  }),
};
