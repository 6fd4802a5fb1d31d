/**
 * `npm start`: the whole system on this machine. Starts the emulator (moto by default; or reuses
 * RECTIFY_EMULATOR_ENDPOINT), creates the resources, serves the HTTP API on 127.0.0.1:PORT, and
 * stops everything it started on Ctrl-C.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROLES } from '#shared/domain/roles.ts';
import { buildConsole } from '../web/build.ts';
import { EmulatorUnavailable, startEmulator } from './emulator/index.ts';
import { startLocalRuntime } from './runtime.ts';

const startedAt = performance.now();
const port = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`PORT=${process.env.PORT} is not a port number\n`);
  process.exit(2);
}

// The console is built first (esbuild, well under a second): a build error stops here, not in a browser.
// Each process builds its own copy, so two `npm start`s (or the tests' ones) never share files.
const consoleBuild = buildConsole(mkdtempSync(path.join(tmpdir(), 'rectify-console-')));
process.once('exit', () => rmSync(consoleBuild.outDir, { recursive: true, force: true }));

let emulator: Awaited<ReturnType<typeof startEmulator>>;
try {
  emulator = await startEmulator();
} catch (error) {
  process.stderr.write(
    `Cannot start the emulator: ${error instanceof EmulatorUnavailable ? error.message : String(error)}\n`,
  );
  process.exit(1);
}

let runtime: Awaited<ReturnType<typeof startLocalRuntime>>;
try {
  runtime = await startLocalRuntime({
    emulator,
    stage: process.env.RECTIFY_STAGE ?? 'local',
    port,
    consoleDir: consoleBuild.outDir,
    onRequest: (line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`),
  });
} catch (error) {
  await emulator.stop();
  const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
  process.stderr.write(
    inUse
      ? `Port ${port} is in use: set PORT to another port (PORT=3001 npm start).\n`
      : `Cannot start: ${String(error)}\n`,
  );
  process.exit(1);
}

const readyMs = Math.round(performance.now() - startedAt);
process.stdout.write(
  [
    `Rectify is running at ${runtime.url} (ready in ${readyMs} ms; emulator: ${emulator.kind} at ${emulator.endpoint})`,
    '',
    `Console (整改工作台): open ${runtime.url}/ and sign in with the dev login (any role, 科室 and name).`,
    '',
    'Get a token for a role (prints the bare JWT):',
    ...ROLES.map(
      (role) =>
        `  npm run -s token -- --role ${role}${role === 'department' ? ' --dept 基层卫生科' : ''}${role === 'leader' ? ' --name 王强' : ''}`,
    ),
    '',
    'Try it:',
    `  curl ${runtime.url}/health`,
    `  curl -H "Authorization: Bearer $(npm run -s token -- --role admin)" ${runtime.url}/me`,
    '',
    'Schedules fire here in Asia/Shanghai time; to run one now, as if at another moment:',
    `  PORT=${port} npm run tick -- deadlines --now 2024-09-01T08:00:00+08:00   (also: lookback, reattest, digest)`,
    '',
    "Data lives in the emulator's memory and is gone when this process stops. Ctrl-C stops everything.",
    '',
  ].join('\n'),
);

let stopping = false;
async function shutdown() {
  if (stopping) return;
  stopping = true;
  process.stdout.write('Stopping…\n');
  await runtime.stop();
  await emulator.stop();
  process.exit(0);
}
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
