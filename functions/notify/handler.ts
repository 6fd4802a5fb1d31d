import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '#shared/observability.ts';
import { notifyFromBusMessage } from '#shared/services/notifier.ts';
import { notificationStore } from '#shared/store/notification-store.ts';

const processor = new BatchProcessor(EventType.SQS);

/**
 * Bus rule → SQS → here: each event is delivered to its recipients' inboxes; a message that
 * fails is reported alone, retried, and dead-lettered after 5 receives.
 */
export const handler = middy((event: SQSEvent, context: Context) =>
  processPartialResponse(
    event,
    (record: SQSRecord) => notifyFromBusMessage(notificationStore(), record.body),
    processor,
    { context },
  ),
).use(injectLambdaContext(logger, { resetKeys: true }));
