import type { Lang } from '../lib/i18n.tsx';
import type { ApiErrorBody } from './types.ts';

/**
 * The one door to the HTTP API: bearer token, Accept-Language, Idempotency-Key, and errors as
 * ApiError carrying the server's code, its message in the user's language and the field paths
 * its details name, so forms can show each next to its field.
 */
export class ApiError extends Error {
  override name = 'ApiError';
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  readonly requestId: string | undefined;
  constructor(status: number, code: string, message: string, details: unknown, requestId?: string) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
    this.requestId = requestId;
  }

  /**
   * Field problems from a 400's details (`{ issues: [{ path, message, messageZh? }] }`), keyed by
   * their dotted path, in the user's language where the server gave both.
   */
  fieldErrors(lang: Lang): Record<string, string> {
    const fields: Record<string, string> = {};
    const issues = (this.details as { issues?: unknown } | undefined)?.issues;
    if (!Array.isArray(issues)) return fields;
    for (const issue of issues as { path?: unknown; message?: unknown; messageZh?: unknown }[]) {
      const key = String(issue.path ?? '');
      const text = lang === 'zh-CN' && typeof issue.messageZh === 'string' ? issue.messageZh : issue.message;
      if (key && typeof text === 'string') fields[key] ??= text;
    }
    return fields;
  }

  /** The rule a 422 names (`details.rule`), e.g. `sign-off-by-other`. */
  get rule(): string | undefined {
    const rule = (this.details as { rule?: unknown } | undefined)?.rule;
    return typeof rule === 'string' ? rule : undefined;
  }
}

/** The request never reached the server, or no answer came back (offline, DNS, CORS). */
export class NetworkError extends Error {
  override name = 'NetworkError';
}

export interface ApiOptions {
  readonly baseUrl: string;
  readonly token: () => string | undefined;
  readonly lang: () => Lang;
  /** Called on 401: the session is over (expired or revoked token). */
  readonly onUnauthorized?: () => void;
}

export interface RequestOptions {
  readonly query?: Record<string, string | number | boolean | undefined>;
  readonly body?: unknown;
  readonly idempotencyKey?: string;
  readonly signal?: AbortSignal;
}

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export class Api {
  private readonly options: ApiOptions;
  constructor(options: ApiOptions) {
    this.options = options;
  }

  url(path: string, query?: RequestOptions['query']): string {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== '') search.set(key, String(value));
    }
    const text = search.toString();
    return `${this.options.baseUrl}${path}${text ? `?${text}` : ''}`;
  }

  /** The raw response, for files (CSV/XLSX exports). Throws ApiError on any non-2xx. */
  async fetch(method: Method, path: string, options: RequestOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { 'accept-language': this.options.lang() };
    const token = this.options.token();
    if (token) headers.authorization = `Bearer ${token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
    let response: Response;
    try {
      response = await fetch(this.url(path, options.query), {
        method,
        headers,
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      throw new NetworkError((error as Error).message);
    }
    if (response.ok) return response;
    const body = (await response.json().catch(() => undefined)) as ApiErrorBody | undefined;
    if (response.status === 401) this.options.onUnauthorized?.();
    throw new ApiError(
      response.status,
      body?.error.code ?? `http_${response.status}`,
      body?.error.message ?? response.statusText,
      body?.error.details,
      body?.error.requestId,
    );
  }

  async request<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.fetch(method, path, options);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  get<T>(path: string, query?: RequestOptions['query'], signal?: AbortSignal): Promise<T> {
    return this.request<T>('GET', path, { ...(query ? { query } : {}), ...(signal ? { signal } : {}) });
  }
}

/** Encodes one path segment (item ids and 科室 names may hold any character). */
export const seg = (value: string) => encodeURIComponent(value);
