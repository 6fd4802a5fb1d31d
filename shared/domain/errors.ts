/**
 * Typed errors. The domain and the handlers throw these; shared/http/error-handler.ts maps each
 * code to an HTTP status in one place and renders the message in the caller's language. Nothing
 * else reaches a response: an unknown error becomes a bare 500.
 */

export type ErrorCode =
  | 'bad_request'
  | 'validation_failed'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'route_not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'already_exists'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'unprocessable'
  | 'internal';

export type MessageParams = Readonly<Record<string, string | number>>;

export class RectifyError extends Error {
  readonly code: ErrorCode;
  readonly params: MessageParams;
  /** Machine-readable detail for the client, e.g. every invalid field with its path. */
  readonly details?: unknown;

  constructor(
    code: ErrorCode,
    params: MessageParams = {},
    options: { details?: unknown; cause?: unknown } = {},
  ) {
    super(`${code} ${JSON.stringify(params)}`, { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.params = params;
    this.details = options.details;
  }
}

/** No valid credentials: missing, malformed, expired or wrongly signed token. */
export class Unauthorized extends RectifyError {
  constructor(reason: string) {
    super('unauthorized', { reason });
  }
}

/** Valid credentials, but the role may not do this. */
export class Forbidden extends RectifyError {
  constructor(action: string) {
    super('forbidden', { action });
  }
}

/** The thing does not exist, or the caller may not know that it exists. */
export class NotFound extends RectifyError {
  constructor(resource: string, id: string) {
    super('not_found', { resource, id });
  }
}

export class RouteNotFound extends RectifyError {
  constructor(method: string, path: string) {
    super('route_not_found', { method, path });
  }
}

export class MethodNotAllowed extends RectifyError {
  readonly allowed: readonly string[];
  constructor(method: string, path: string, allowed: readonly string[]) {
    super('method_not_allowed', { method, path, allowed: allowed.join(', ') });
    this.allowed = allowed;
  }
}

/** One problem with the input, located by path (`aspects[0].deadline`, `row 14, column 完成时限`). */
export interface FieldIssue {
  readonly path: string;
  readonly message: string;
  readonly messageZh?: string;
}

/** The input is malformed; every issue is listed, not only the first. */
export class ValidationFailed extends RectifyError {
  readonly issues: readonly FieldIssue[];
  constructor(issues: readonly FieldIssue[]) {
    super('validation_failed', { count: issues.length }, { details: { issues } });
    this.issues = issues;
  }
}

export class BadRequest extends RectifyError {
  constructor(reason: string) {
    super('bad_request', { reason });
  }
}

/** A write based on a version that is no longer current (optimistic concurrency). */
export class StaleVersion extends RectifyError {
  constructor(resource: string, expectedVersion: number, currentVersion: number) {
    super(
      'conflict',
      { reason: `${resource} is at version ${currentVersion}, not ${expectedVersion}; reload and retry` },
      { details: { expectedVersion, currentVersion } },
    );
  }
}

/** A create whose key is taken: the thing exists already (a store's conditional put refused it). */
export class AlreadyExists extends RectifyError {
  constructor(resource: string, id: string, options: { cause?: unknown } = {}) {
    super('already_exists', { resource, id }, options);
  }
}

export class Conflict extends RectifyError {
  constructor(reason: string, details?: unknown) {
    super('conflict', { reason }, { details });
  }
}

/** A well-formed request that a domain rule forbids; names the rule in both languages. */
export class RuleViolation extends RectifyError {
  constructor(rule: string, reason: { en: string; zh: string }, details: Record<string, unknown> = {}) {
    super('unprocessable', { reason: reason.en, reasonZh: reason.zh }, { details: { rule, ...details } });
  }
}

export class PayloadTooLarge extends RectifyError {
  constructor(limit: number) {
    super('payload_too_large', { limit });
  }
}

export class UnsupportedMediaType extends RectifyError {
  constructor(received: string, expected: string) {
    super('unsupported_media_type', { received, expected });
  }
}
