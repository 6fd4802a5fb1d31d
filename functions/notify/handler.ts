import { batchHandler } from '#shared/lambda/batch-handler.ts';
import { notifyFromBusMessage } from '#shared/services/notifier.ts';
import { notificationStore } from '#shared/store/notification-store.ts';

/**
 * Bus rule → SQS → here: each event is delivered to its recipients' inboxes; a message that
 * fails is reported alone, retried, and dead-lettered after 5 receives.
 */
export const handler = batchHandler('notify', (record) =>
  notifyFromBusMessage(notificationStore(), record.body),
);
