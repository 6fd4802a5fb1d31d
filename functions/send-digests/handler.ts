import { scheduleHandler } from '#shared/lambda/schedule-handler.ts';
import { scheduledInstant } from '#shared/schedule-event.ts';
import { sendDigests } from '#shared/services/digests.ts';
import { notificationStore } from '#shared/store/notification-store.ts';
import { webhookStore } from '#shared/store/webhook-store.ts';

/** Daily: one digest per department with a webhook, of what its inbox received that day. */
export const handler = scheduleHandler('sendDigests', (event) =>
  sendDigests({ webhooks: webhookStore(), notifications: notificationStore() }, scheduledInstant(event)),
);
