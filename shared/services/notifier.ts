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
  const written: string[] = [];
  for (const notification of notificationsFor({ detailType, detail })) {
    if (await store.deliver(notification)) written.push(notification.notificationId);
  }
  // One line per event that reached an inbox (not who: recipients are names), with the request's
  // correlation id from the batch handler.
  if (written.length > 0) {
    logger.info('inbox entries written', {
      detailType,
      eventId: detail.eventId,
      notificationIds: [...new Set(written)],
      entries: written.length,
    });
  } else {
    logger.debug('no inbox entry written: nobody concerned, or delivered before', {
      detailType,
      eventId: detail.eventId,
    });
  }
  return written.length;
}
