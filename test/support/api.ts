import type { DevTokenRequest } from '#local/dev-auth.ts';
import type { RuntimeFixture } from './runtime.ts';

export interface ApiResponse {
  readonly status: number;
  readonly headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies.
  readonly json: any;
  readonly text: string;
}

/** A small client for tests: JSON in, JSON out, a token per call. */
export function apiClient(fixture: () => RuntimeFixture) {
  async function call(
    method: string,
    path: string,
    options: {
      as?: DevTokenRequest;
      body?: unknown;
      headers?: Record<string, string>;
      rawBody?: string | Buffer;
    } = {},
  ): Promise<ApiResponse> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.as) headers.authorization = `Bearer ${await fixture().token(options.as)}`;
    let body: string | Buffer | undefined = options.rawBody;
    if (options.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = JSON.stringify(options.body);
    }
    const response = await fetch(`${fixture().url}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, json, text };
  }
  return {
    call,
    get: (path: string, as?: DevTokenRequest, headers?: Record<string, string>) =>
      call('GET', path, { ...(as ? { as } : {}), ...(headers ? { headers } : {}) }),
    post: (path: string, as: DevTokenRequest | undefined, body: unknown, headers?: Record<string, string>) =>
      call('POST', path, { ...(as ? { as } : {}), body, ...(headers ? { headers } : {}) }),
  };
}

/**
 * The people of the sample plan (test/fixtures/plan.sample.json). Its items give no
 * `responsibleLeaderId`, so their leader key is the name: leaders carry it as their leaderId.
 */
export const users = {
  admin: { role: 'admin', subject: 'admin-1', name: '整改办' },
  otherAdmin: { role: 'admin', subject: 'admin-2', name: '整改办副主任' },
  leader: { role: 'leader', subject: 'leader-wang', name: '王强', leaderId: '王强' },
  otherLeader: { role: 'leader', subject: 'leader-zhao', name: '赵敏', leaderId: '赵敏' },
  department: { role: 'department', subject: 'dept-jc', name: '张科员', department: '基层卫生科' },
  otherDepartment: { role: 'department', subject: 'dept-cw', name: '李会计', department: '财务科' },
  auditor: { role: 'auditor', subject: 'auditor-1', name: '巡察组' },
} as const satisfies Record<string, DevTokenRequest>;
