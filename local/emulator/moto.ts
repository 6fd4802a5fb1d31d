import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Emulator, EmulatorUnavailable, LOCAL_REGION } from './types.ts';

const PROJECT_ROOT = path.resolve(import.meta.dirname, '../..');
const REQUIREMENTS = path.join(PROJECT_ROOT, 'local/emulator/requirements.txt');
/** Project-local virtualenv, used only where no python3 on the machine has moto. */
export const MOTO_VENV = path.join(PROJECT_ROOT, '.rectify/moto-venv');
const VENV_PYTHON = path.join(MOTO_VENV, 'bin/python');
/** moto's server entry point with DynamoDB's conditional writes made atomic (see the file). */
const LAUNCHER = path.join(PROJECT_ROOT, 'local/emulator/moto_server.py');
const STARTUP_TIMEOUT_MS = 30_000;

/** Returns the real interpreter path (not a pyenv shim) if it can import moto.server. */
function interpreterWithMoto(python: string): string | undefined {
  const probe = spawnSync(python, ['-c', 'import sys, moto.server; print(sys.executable)'], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  const executable = probe.stdout?.trim();
  return probe.status === 0 && executable ? executable : undefined;
}

function runInheritingOutput(command: string, args: string[]): number {
  // stdout goes to stderr so a caller's stdout (e.g. a printed endpoint) stays clean.
  return spawnSync(command, args, { stdio: ['ignore', process.stderr, process.stderr] }).status ?? 1;
}

/**
 * Finds a Python that can run moto's server: `RECTIFY_PYTHON`, then the project's virtualenv,
 * then `python3`. Where none can, creates `.rectify/moto-venv` and installs the pinned
 * `moto[server]` from local/emulator/requirements.txt into it.
 */
export function ensureMotoPython(): string {
  const candidates = [
    process.env.RECTIFY_PYTHON,
    existsSync(VENV_PYTHON) ? VENV_PYTHON : undefined,
    'python3',
  ];
  for (const candidate of candidates) {
    if (!candidate) continue;
    const found = interpreterWithMoto(candidate);
    if (found) return found;
  }
  const basePython = process.env.RECTIFY_PYTHON ?? 'python3';
  const version = spawnSync(basePython, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], {
    encoding: 'utf8',
  });
  if (version.status !== 0) {
    throw new EmulatorUnavailable(
      `No ${basePython} found, so the moto emulator cannot run. Install Python 3.10 or newer ` +
        '(Debian/Ubuntu: apt-get install python3 python3-venv), or set RECTIFY_PYTHON to an interpreter.',
    );
  }
  const [major = 0, minor = 0] = version.stdout.trim().split('.').map(Number);
  if (major < 3 || (major === 3 && minor < 10)) {
    throw new EmulatorUnavailable(
      `${basePython} is Python ${version.stdout.trim()}; moto needs Python 3.10 or newer.`,
    );
  }
  process.stderr.write(
    `moto is not installed for ${basePython}; installing the pinned moto[server] into ${MOTO_VENV}\n`,
  );
  mkdirSync(path.dirname(MOTO_VENV), { recursive: true });
  if (runInheritingOutput(basePython, ['-m', 'venv', MOTO_VENV]) !== 0) {
    throw new EmulatorUnavailable(
      `Could not create a virtualenv at ${MOTO_VENV}. Install the venv module (Debian/Ubuntu: apt-get install python3-venv) and try again.`,
    );
  }
  const pipArgs = ['-m', 'pip', 'install', '--disable-pip-version-check', '-r', REQUIREMENTS];
  if (runInheritingOutput(VENV_PYTHON, pipArgs) !== 0) {
    throw new EmulatorUnavailable(
      `pip could not install moto[server] (see ${REQUIREMENTS}). Check that PyPI (or your pip index) is reachable, ` +
        'or install it yourself and point RECTIFY_PYTHON at that interpreter.',
    );
  }
  const installed = interpreterWithMoto(VENV_PYTHON);
  if (!installed)
    throw new EmulatorUnavailable(`moto was installed into ${MOTO_VENV} but cannot be imported.`);
  return installed;
}

/** Asks the kernel for a port nobody is listening on. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timedOut = await Promise.race([exited.then(() => false), sleep(3_000).then(() => true)]);
  if (timedOut) {
    child.kill('SIGKILL');
    await exited;
  }
}

/**
 * Starts moto's server (through local/emulator/moto_server.py) on 127.0.0.1 (a free port unless one is given), waits until it
 * answers, and returns a handle that stops exactly the process it started.
 */
export async function startMoto(options: { port?: number } = {}): Promise<Emulator> {
  const python = ensureMotoPython();
  const port = options.port ?? (await freePort());
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(python, [LAUNCHER, '-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
  });
  let stderrTail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString('utf8')).slice(-4_000);
  });
  let exitCode: number | null = null;
  child.once('exit', (code) => {
    exitCode = code ?? -1;
  });
  // Never leave an orphaned emulator behind when the parent goes away.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    if (exitCode !== null) {
      process.removeListener('exit', killOnExit);
      const portTaken = /address already in use/i.test(stderrTail);
      throw new EmulatorUnavailable(
        portTaken
          ? `Port ${port} is already in use, so moto could not start there. Choose another port (RECTIFY_EMULATOR_PORT) or stop what holds it.`
          : `moto exited with code ${exitCode} while starting:\n${stderrTail}`,
      );
    }
    try {
      const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stopChild(child);
      process.removeListener('exit', killOnExit);
      throw new EmulatorUnavailable(
        `moto did not answer on ${endpoint} within ${STARTUP_TIMEOUT_MS / 1000}s:\n${stderrTail}`,
      );
    }
    await sleep(100);
  }

  return {
    kind: 'moto',
    endpoint,
    region: LOCAL_REGION,
    reset: () => resetMoto(endpoint),
    stop: async () => {
      await stopChild(child);
      process.removeListener('exit', killOnExit);
    },
  };
}

/** Wipes every service in a moto server (about 50 ms). */
export async function resetMoto(endpoint: string): Promise<void> {
  const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
  if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
}
