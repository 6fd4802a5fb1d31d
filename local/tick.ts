/**
 * `npm run tick -- <schedule> [--now ISO]`: fires one schedule of the running `npm start` (same
 * PORT) as if it had fired at `--now`, and prints what it did. Schedules: see functions/manifest.ts
 * (deadlines, …).
 */
import { parseArgs } from 'node:util';

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
let response: Response;
try {
  response = await fetch(`http://127.0.0.1:${port}/__local/schedules/${encodeURIComponent(schedule)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(values.now ? { now: values.now } : {}),
  });
} catch {
  process.stderr.write(`Nothing answers on 127.0.0.1:${port}: start it with npm start (same PORT).\n`);
  process.exit(1);
}
const text = await response.text();
process.stdout.write(`${text}\n`);
process.exit(response.ok ? 0 : 1);
