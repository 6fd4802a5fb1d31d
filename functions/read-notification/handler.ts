import { httpHandler } from '#shared/http/handler.ts';
import { markNotificationRead } from '#shared/services/notifications.ts';
import { notificationStore } from '#shared/store/notification-store.ts';

/** POST /me/notifications/{notificationId}/read — idempotent by nature: the first time is kept. */
export const handler = httpHandler('readNotification', async ({ principal, pathParameters, lang }) => ({
  status: 200,
  body: await markNotificationRead(notificationStore(), principal, pathParameters.notificationId ?? '', lang),
}));
