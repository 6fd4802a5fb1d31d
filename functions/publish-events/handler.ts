import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { eventBridge, eventBusName } from '#shared/bus/client.ts';
import { streamBatchHandler } from '#shared/lambda/batch-handler.ts';
import { publishStreamRecords } from '#shared/services/publisher.ts';

/**
 * Ledger stream → the event bus: each chain event a transaction inserted becomes one event.
 * Request handlers never publish; this is the only writer to the bus for ledger changes.
 */
export const handler = streamBatchHandler('publishEvents', (records) =>
  publishStreamRecords(records, {
    busName: eventBusName(),
    putEvents: async (Entries) => (await eventBridge.send(new PutEventsCommand({ Entries }))).Entries ?? [],
  }),
);
