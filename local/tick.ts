/**
 * `npm run tick -- <schedule> [--now ISO]`: fires one schedule of the running `npm start` (same
 * PORT) as if it had fired at `--now`, and prints what it did. Schedules: see catalog/functions.ts
 * (deadlines, …). The runtime only fires schedules for an admin: this mints a short-lived admin
 * token with the development key (`.rectify/`, or RECTIFY_DEV_KEY_FILE), as `npm run token` does.
 */
import { parseArgs } from 'node:util';
import { loadOrCreateDevKey, mintDevToken } from './dev-auth.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { now: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
});
const [schedule] = positionals;
if (values.help || !schedule) {
  process.stdout.write('usage: npm run tick -- <schedule> [--now 2025-01-01T08:00:00+08:00]\n');
  process.exit(values.help ? 0 : 2);
}
const port = Number(process.env.PORT ?? 3000);
const token = await mintDevToken(await loadOrCreateDevKey(), {
  role: 'admin',
  subject: 'dev-tick',
  name: 'npm run tick',
  ttlSeconds: 300,
});
let response: Response;
try {
  response = await fetch(`http://127.0.0.1:${port}/__local/schedules/${encodeURIComponent(schedule)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(values.now ? { now: values.now } : {}),
  });
} catch {
  process.stderr.write(`Nothing answers on 127.0.0.1:${port}: start it with npm start (same PORT).\n`);
  process.exit(1);
}
const text = await response.text();
process.stdout.write(`${text}\n`);
process.exit(response.ok ? 0 : 1);
