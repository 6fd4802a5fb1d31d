/** The HTTP API as the CLI uses it: base URL and token from flags or the environment. */
export interface ApiConfig {
  readonly baseUrl: string;
  readonly token: string;
  readonly lang: 'zh-CN' | 'en';
}

/** An error answer of the API, with its code, message and details. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  constructor(status: number, code: string, message: string, details: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export class ApiClient {
  readonly config: ApiConfig;

  constructor(config: ApiConfig) {
    this.config = config;
  }

  /** Sends a request; answers the parsed JSON, or the raw bytes for file downloads. */
  async request(
    method: string,
    path: string,
    options: { body?: unknown; headers?: Record<string, string> } = {},
  ) {
    const response = await fetch(new URL(path, this.config.baseUrl), {
      method,
      headers: {
        authorization: `Bearer ${this.config.token}`,
        'accept-language': this.config.lang,
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...options.headers,
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    const contentType = response.headers.get('content-type') ?? '';
    if (!contentType.startsWith('application/json')) {
      if (!response.ok)
        throw new ApiError(response.status, 'http_error', `HTTP ${response.status}`, undefined);
      return { bytes: Buffer.from(await response.arrayBuffer()), contentType };
    }
    const json = (await response.json()) as { error?: { code: string; message: string; details?: unknown } };
    if (!response.ok) {
      const error = json.error ?? { code: 'http_error', message: `HTTP ${response.status}` };
      throw new ApiError(response.status, error.code, error.message, error.details);
    }
    return json;
  }

  get<T>(path: string): Promise<T> {
    return this.request('GET', path) as Promise<T>;
  }

  post<T>(path: string, body: unknown, headers?: Record<string, string>): Promise<T> {
    return this.request('POST', path, { body, ...(headers ? { headers } : {}) }) as Promise<T>;
  }

  download(path: string): Promise<{ bytes: Buffer; contentType: string }> {
    return this.request('GET', path) as Promise<{ bytes: Buffer; contentType: string }>;
  }
}
