/**
 * `npm run -s token -- --role <admin|leader|department|auditor> [--dept <name>] [--name <display
 * name>] [--sub <id>] [--ttl <seconds>]` prints a bare development JWT on stdout that the local
 * runtime accepts. Scripts depend on stdout holding the token and nothing else.
 */
import { parseArgs } from 'node:util';
import { isRole, ROLES } from '#shared/domain/roles.ts';
import { loadOrCreateDevKey, mintDevToken } from './dev-auth.ts';

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

let values: { role?: string; dept?: string; name?: string; sub?: string; ttl?: string };
try {
  ({ values } = parseArgs({
    options: {
      role: { type: 'string' },
      dept: { type: 'string' },
      name: { type: 'string' },
      sub: { type: 'string' },
      ttl: { type: 'string' },
    },
    strict: true,
  }));
} catch (error) {
  fail(
    `${(error as Error).message}\nusage: npm run -s token -- --role <${ROLES.join('|')}> [--dept <name>] [--name <name>] [--sub <id>] [--ttl <seconds>]`,
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

const token = await mintDevToken(await loadOrCreateDevKey(), {
  role,
  ...(values.dept ? { department: values.dept } : {}),
  ...(values.name ? { name: values.name } : {}),
  ...(values.sub ? { subject: values.sub } : {}),
  ...(ttlSeconds ? { ttlSeconds } : {}),
});
process.stdout.write(`${token}\n`);
