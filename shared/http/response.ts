import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** What a route handler returns; the chain turns it into the API Gateway response. */
export interface HttpResult {
  readonly status: number;
  /** Sent as JSON. */
  readonly body?: unknown;
  /** Sent as is instead of `body` (CSV, XLSX …); binary content is base64-encoded for API Gateway. */
  readonly file?: { readonly data: string | Buffer; readonly contentType: string; readonly fileName: string };
  readonly headers?: Readonly<Record<string, string>>;
}

/** RFC 6266 / 5987: an ASCII fallback plus the UTF-8 name, so Chinese file names survive. */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

const JSON_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
} as const;

export function toApiResponse(result: HttpResult): APIGatewayProxyStructuredResultV2 {
  if (result.file) {
    const { data, contentType, fileName } = result.file;
    return {
      statusCode: result.status,
      headers: {
        'content-type': contentType,
        'content-disposition': contentDisposition(fileName),
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        ...result.headers,
      },
      body: typeof data === 'string' ? data : data.toString('base64'),
      isBase64Encoded: typeof data !== 'string',
    };
  }
  return {
    statusCode: result.status,
    headers: { ...JSON_HEADERS, ...result.headers },
    body: result.body === undefined ? '' : JSON.stringify(result.body),
  };
}
