import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { logger } from '#shared/observability.ts';
import { type ScheduleEvent, scheduledInstant } from '#shared/schedule-event.ts';
import { sendDigests } from '#shared/services/digests.ts';
import { notificationStore } from '#shared/store/notification-store.ts';
import { webhookStore } from '#shared/store/webhook-store.ts';

/** Daily: one digest per department with a webhook, of what its inbox received that day. */
export const handler = middy((event: ScheduleEvent) =>
  sendDigests({ webhooks: webhookStore(), notifications: notificationStore() }, scheduledInstant(event)),
).use(injectLambdaContext(logger, { resetKeys: true }));
