import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import middy from '@middy/core';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { eventBridge, eventBusName } from '#shared/bus/client.ts';
import { logger } from '#shared/observability.ts';
import { publishStreamRecords } from '#shared/services/publisher.ts';

/**
 * Ledger stream → the event bus: each chain event a transaction inserted becomes one event.
 * Request handlers never publish; this is the only writer to the bus for ledger changes.
 */
export const handler = middy((event: DynamoDBStreamEvent) =>
  publishStreamRecords(event.Records, {
    busName: eventBusName(),
    putEvents: async (Entries) => (await eventBridge.send(new PutEventsCommand({ Entries }))).Entries ?? [],
  }),
).use(injectLambdaContext(logger, { resetKeys: true }));
