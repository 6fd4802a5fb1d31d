import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** What a route handler returns; the chain turns it into the API Gateway response. */
export interface HttpResult {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

const JSON_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
} as const;

export function toApiResponse(result: HttpResult): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: result.status,
    headers: { ...JSON_HEADERS, ...result.headers },
    body: result.body === undefined ? '' : JSON.stringify(result.body),
  };
}
