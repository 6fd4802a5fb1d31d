import { NotFound } from '#shared/domain/errors.ts';
import { inboxesOf, type Notification } from '#shared/domain/notifications.ts';
import type { Principal } from '#shared/domain/roles.ts';
import type { Lang } from '#shared/i18n/lang.ts';
import type { NotificationStore } from '#shared/store/notification-store.ts';

export function notificationView(notification: Notification, lang: Lang) {
  return {
    notificationId: notification.notificationId,
    detailType: notification.detailType,
    inspectionId: notification.inspectionId,
    ...(notification.itemId ? { itemId: notification.itemId } : {}),
    at: notification.at,
    text: notification.text[lang],
    read: Boolean(notification.readAt),
    ...(notification.readAt ? { readAt: notification.readAt } : {}),
  };
}

/** The caller's inboxes merged, newest first. */
export async function listInbox(
  store: NotificationStore,
  principal: Principal,
  query: { limit: number; before?: string; unread?: boolean },
  lang: Lang,
) {
  const page = await store.list(inboxesOf(principal), {
    limit: query.limit,
    ...(query.before ? { before: query.before } : {}),
    ...(query.unread ? { unreadOnly: true } : {}),
  });
  return {
    notifications: page.notifications.map((notification) => notificationView(notification, lang)),
    ...(page.next ? { next: page.next } : {}),
  };
}

/** Marks one of the caller's notifications read; another inbox's id is simply not found. */
export async function markNotificationRead(
  store: NotificationStore,
  principal: Principal,
  notificationId: string,
  lang: Lang,
  now = new Date(),
) {
  const read = await store.markRead(inboxesOf(principal), notificationId, now.toISOString());
  if (!read) throw new NotFound('notification', notificationId);
  return notificationView(read, lang);
}
