import { GENESIS_HASH } from '#shared/domain/chain.ts';
import type { Item } from '#shared/domain/item.ts';
import type { Principal } from '#shared/domain/roles.ts';

/** A hand-built item for domain tests; override what the test is about. */
export function anItem(overrides: Partial<Item> = {}): Item {
  return {
    itemId: 'insp-2024.1.1.1',
    inspectionId: 'insp-2024',
    ref: '1.1.1',
    aspectNo: 1,
    problemNo: 1,
    no: 1,
    title: '乡镇卫生院全科医生配备不足',
    status: 'not_started',
    longTerm: false,
    responsibleLeader: '王强',
    responsibleDept: '基层卫生科',
    deadline: '2024-09-30',
    measures: [{ text: '新招录全科医生', done: false }],
    evidenceCount: 0,
    version: 1,
    chainHead: GENESIS_HASH.replace(/0/g, 'a'),
    updatedAt: '2024-06-20T00:00:00.000Z',
    ...overrides,
  };
}

export const principals = {
  admin: { subject: 'admin-1', name: '整改办', roles: ['admin'] },
  otherAdmin: { subject: 'admin-2', name: '整改办二', roles: ['admin'] },
  leader: { subject: 'leader-1', name: '王强', roles: ['leader'], leaderId: '王强' },
  otherLeader: { subject: 'leader-2', name: '赵敏', roles: ['leader'], leaderId: '赵敏' },
  department: { subject: 'dept-1', name: '张科员', roles: ['department'], department: '基层卫生科' },
  otherDepartment: { subject: 'dept-2', name: '李科员', roles: ['department'], department: '财务科' },
  auditor: { subject: 'auditor-1', name: '巡察组', roles: ['auditor'] },
} as const satisfies Record<string, Principal>;
