import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { useLocalRuntime } from '../support/runtime.ts';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const local = useLocalRuntime('token');

/** Runs `local/token.ts` exactly as `npm run -s token -- …` does, with this file's key. */
function tokenCommand(args: string[]) {
  return run(process.execPath, [path.join(root, 'local/token.ts'), ...args], {
    cwd: root,
    env: { ...process.env, RECTIFY_DEV_KEY_FILE: local().keyFile },
  });
}

describe('the token command', () => {
  it('prints a bare JWT on stdout that the local API accepts, with the claims asked for', async () => {
    const { stdout } = await tokenCommand([
      '--role',
      'department',
      '--dept',
      '财务科',
      '--name',
      '李会计',
      '--sub',
      'u-42',
    ]);
    expect(stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const response = await fetch(`${local().url}/me`, {
      headers: { authorization: `Bearer ${stdout.trim()}` },
    });
    expect(await response.json()).toEqual({
      subject: 'u-42',
      name: '李会计',
      roles: ['department'],
      department: '财务科',
    });
  });

  it('gives a leader token the leader id asked for, or else its name', async () => {
    const me = async (args: string[]) => {
      const { stdout } = await tokenCommand(args);
      const response = await fetch(`${local().url}/me`, {
        headers: { authorization: `Bearer ${stdout.trim()}` },
      });
      return response.json();
    };
    expect(await me(['--role', 'leader', '--name', '王强'])).toMatchObject({
      name: '王强',
      leaderId: '王强',
    });
    expect(await me(['--role', 'leader', '--name', '王强', '--leader-id', 'L-001'])).toMatchObject({
      name: '王强',
      leaderId: 'L-001',
    });
    expect(await me(['--role', 'admin', '--name', '王强'])).not.toHaveProperty('leaderId');
  });

  it('refuses a lifetime longer than tokens are accepted for', async () => {
    const failure = await tokenCommand(['--role', 'admin', '--ttl', String(25 * 3600)]).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr).toMatch(/--ttl must be at most 86400 seconds/);
  });

  it('refuses an unknown role with exit code 2 and a message naming the choices', async () => {
    const failure = await tokenCommand(['--role', 'root']).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr).toMatch(
      /--role must be one of admin, leader, department, auditor/,
    );
  });

  it('refuses a department token without a department', async () => {
    const failure = await tokenCommand(['--role', 'department']).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr).toMatch(/--dept is required/);
  });
});
