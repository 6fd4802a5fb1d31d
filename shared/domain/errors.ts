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
