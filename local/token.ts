/**
 * `npm run -s token -- --role <admin|leader|department|auditor> [--dept <name>] [--name <display
 * name>] [--leader-id <id>] [--sub <id>] [--ttl <seconds>]` prints a bare development JWT on
 * stdout that the local runtime accepts. Scripts depend on stdout holding the token and nothing
 * else. A leader token's `custom:leaderId` defaults to `--name`, which is the key of items whose
 * plan gives no `responsibleLeaderId`, so `--role leader --name 王强` leads 王强's sample items.
 */
import { parseArgs } from 'node:util';
import { isRole, ROLES } from '#shared/domain/roles.ts';
import { MAX_TOKEN_AGE_SECONDS } from '#shared/http/claims.ts';
import { loadOrCreateDevKey, mintDevToken } from './dev-auth.ts';

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

let values: {
  role?: string;
  dept?: string;
  name?: string;
  'leader-id'?: string;
  sub?: string;
  ttl?: string;
};
try {
  ({ values } = parseArgs({
    options: {
      role: { type: 'string' },
      dept: { type: 'string' },
      name: { type: 'string' },
      'leader-id': { type: 'string' },
      sub: { type: 'string' },
      ttl: { type: 'string' },
    },
    strict: true,
  }));
} catch (error) {
  fail(
    `${(error as Error).message}\nusage: npm run -s token -- --role <${ROLES.join('|')}> [--dept <name>] [--name <name>] [--leader-id <id>] [--sub <id>] [--ttl <seconds>]`,
  );
}
const role = values.role;
if (!role || !isRole(role))
  fail(`--role must be one of ${ROLES.join(', ')}${role ? ` (got "${role}")` : ''}`);
if (role === 'department' && !values.dept)
  fail('--dept is required for the department role: it decides which items the user sees');
const ttlSeconds = values.ttl === undefined ? undefined : Number(values.ttl);
if (ttlSeconds !== undefined && !(Number.isInteger(ttlSeconds) && ttlSeconds > 0))
  fail('--ttl must be a whole number of seconds');
// A longer life would be cut short anyway: tokens older than this are refused (claims.ts).
if (ttlSeconds !== undefined && ttlSeconds > MAX_TOKEN_AGE_SECONDS)
  fail(`--ttl must be at most ${MAX_TOKEN_AGE_SECONDS} seconds: older tokens are refused`);
const leaderId = values['leader-id'] ?? (role === 'leader' ? values.name : undefined);
if (role === 'leader' && !leaderId)
  process.stderr.write('note: without --leader-id (or --name) this leader token leads no items\n');

const token = await mintDevToken(await loadOrCreateDevKey(), {
  role,
  ...(values.dept ? { department: values.dept } : {}),
  ...(values.name ? { name: values.name } : {}),
  ...(leaderId ? { leaderId } : {}),
  ...(values.sub ? { subject: values.sub } : {}),
  ...(ttlSeconds ? { ttlSeconds } : {}),
});
process.stdout.write(`${token}\n`);
