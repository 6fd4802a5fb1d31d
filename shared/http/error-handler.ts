import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type ErrorCode, MethodNotAllowed, RectifyError } from '#shared/domain/errors.ts';
import { errorMessage } from '#shared/i18n/error-messages.ts';
import { negotiateLang } from '#shared/i18n/lang.ts';
import { logger } from '#shared/observability.ts';
import { toApiResponse } from './response.ts';
import { STATUS_OF } from './status.ts';

/**
 * Turns a thrown error into `{ "error": { code, message, details? } }`. Typed errors keep their
 * code and details; anything else is logged with its stack and answered with a bare 500 that
 * reveals nothing but the request id.
 */
export function errorResponses(): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  return {
    onError: async (request) => {
      const error = request.error;
      const lang = negotiateLang(request.event?.headers?.['accept-language']);
      const requestId = request.event?.requestContext?.requestId;
      const known = error instanceof RectifyError ? error : undefined;
      if (!known) logger.error('unhandled error', { error: error as Error });
      else if (STATUS_OF[known.code] >= 500) logger.error('server error', { error: known });
      else logger.info('request refused', { code: known.code, params: known.params });

      const code: ErrorCode = known?.code ?? 'internal';
      const headers: Record<string, string> = {};
      if (known instanceof MethodNotAllowed) headers.allow = known.allowed.join(', ');
      if (code === 'unauthorized') headers['www-authenticate'] = 'Bearer';
      request.response = toApiResponse({
        status: STATUS_OF[code],
        headers,
        body: {
          error: {
            code,
            message: errorMessage(code, known?.params ?? {}, lang),
            ...(known?.details === undefined ? {} : { details: known.details }),
            ...(code === 'internal' && requestId ? { requestId } : {}),
          },
        },
      });
    },
  };
}
