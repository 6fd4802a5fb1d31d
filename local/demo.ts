/**
 * `npm run demo`: fills a running `npm start` (same PORT) with the sample plan and a little
 * history, so a newcomer sees a populated ledger at once. Safe to run twice: an existing
 * sample is left as it is.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ApiClient, ApiError } from '../cli/client.ts';
import { loadOrCreateDevKey, mintDevToken } from './dev-auth.ts';

const root = path.resolve(import.meta.dirname, '..');
const baseUrl = process.env.RECTIFY_API_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`;
const plan = JSON.parse(readFileSync(path.join(root, 'test/fixtures/plan.sample.json'), 'utf8'));
const inspectionId = plan.inspection.id as string;
const key = await loadOrCreateDevKey();
const as = async (request: Parameters<typeof mintDevToken>[1]) =>
  new ApiClient({ baseUrl, token: await mintDevToken(key, request), lang: 'zh-CN' });

const admin = await as({ role: 'admin', name: '整改办', subject: 'demo-admin' });
try {
  await admin.post('/inspections/import', { plan });
} catch (error) {
  if (error instanceof ApiError && error.status === 409) {
    process.stdout.write(`${inspectionId} is already imported; nothing changed.\n`);
    process.exit(0);
  }
  if (error instanceof TypeError) {
    process.stderr.write(`No Rectify API at ${baseUrl}: start it first with \`npm start\` (same PORT).\n`);
    process.exit(1);
  }
  throw error;
}

const zhao = await as({ role: 'leader', name: '赵敏', leaderId: '赵敏', subject: 'demo-zhao' });
const department = await as({
  role: 'department',
  name: '张科员',
  department: '基层卫生科',
  subject: 'demo-jc',
});
await zhao.post(`/items/${inspectionId}.1.2.1/transitions`, { to: 'in_progress', expectedVersion: 1 });
await zhao.post(`/items/${inspectionId}.1.2.1/progress`, {
  text: '已制定民营医院年度监督检查计划，覆盖全市42家民营医院。',
  measuresDone: [0],
});
await department.post(`/items/${inspectionId}.1.1.2/progress`, {
  text: '开展签约服务质量抽查，已完成6个乡镇。',
});
await admin.post(`/items/${inspectionId}.2.1.1/transitions`, {
  to: 'in_progress',
  expectedVersion: 1,
  reason: '回头看：发现1家单位再次超标准列支',
});

process.stdout.write(
  [
    `Imported ${inspectionId} with a little history. Try:`,
    `  export RECTIFY_API_URL=${baseUrl} RECTIFY_TOKEN=$(npm run -s token -- --role admin)`,
    `  npx rectify ledger ${inspectionId}`,
    `  npx rectify history ${inspectionId}.2.1.1 --verify`,
    '',
  ].join('\n'),
);
