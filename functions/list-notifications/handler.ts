import { NotificationQuery } from '#shared/api/schemas.ts';
import { parseQuery } from '#shared/http/body.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { listInbox } from '#shared/services/notifications.ts';
import { notificationStore } from '#shared/store/notification-store.ts';

/** GET /me/notifications — the caller's inbox, newest first, a page at a time. */
export const handler = httpHandler('listNotifications', async ({ event, principal, lang }) => ({
  status: 200,
  body: await listInbox(notificationStore(), principal, parseQuery(event, NotificationQuery), lang),
}));
