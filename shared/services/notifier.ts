import { parseBusMessage } from '#events/contracts.ts';
import { type NotifiableEvent, notificationsFor } from '#shared/domain/notifications.ts';
import { logger } from '#shared/observability.ts';
import type { NotificationStore } from '#shared/store/notification-store.ts';

/**
 * One EventBridge event (an SQS message body from a bus rule) → one notification per recipient.
 * Copies are keyed by recipient and event id, so a redelivered event notifies nobody twice.
 * An event that does not fit its contract throws: the message is retried, then dead-lettered.
 */
export async function notifyFromBusMessage(store: NotificationStore, body: string): Promise<number> {
  const parsed = parseBusMessage(body);
  const detailType = parsed.detailType;
  const detail = parsed.detail as NotifiableEvent['detail'];
  let delivered = 0;
  for (const notification of notificationsFor({ detailType, detail })) {
    if (await store.deliver(notification)) delivered += 1;
  }
  logger.debug('notified', { detailType, eventId: detail.eventId, delivered });
  return delivered;
}
