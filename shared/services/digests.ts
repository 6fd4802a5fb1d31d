import { SCHEDULE_TIMEZONE } from '#catalog/resources.ts';
import { digestText, webhookPayload } from '#shared/domain/digest.ts';
import { calendarDate } from '#shared/domain/inspection.ts';
import { inboxKey } from '#shared/domain/notifications.ts';
import { logger } from '#shared/observability.ts';
import type { NotificationStore } from '#shared/store/notification-store.ts';
import type { WebhookStore } from '#shared/store/webhook-store.ts';

const DAY_MS = 86_400_000;

export type Post = (url: string, body: unknown) => Promise<{ ok: boolean; status: number }>;

/** An HTTPS POST of JSON, with a timeout: a slow chat must not hold the schedule. */
export const postJson: Post = async (url, body) => {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  return { ok: response.ok, status: response.status };
};

/**
 * The daily digest (the schedule fires it once a day): for each department with a webhook, one
 * message listing what its inbox received in the 24 hours before `now`, in the webhook's dialect.
 * A department's digest of a date is claimed before it is sent, so a second run that day sends
 * nothing; a webhook that refuses gives the claim back and fails the run (Scheduler retries it).
 */
export async function sendDigests(
  stores: { webhooks: WebhookStore; notifications: NotificationStore },
  now: Date,
  post: Post = postJson,
) {
  const date = calendarDate(now, SCHEDULE_TIMEZONE);
  const sent: string[] = [];
  const failed: string[] = [];
  for (const webhook of await stores.webhooks.list()) {
    const recipient = inboxKey({ kind: 'department', department: webhook.department });
    const notifications = await stores.notifications.between(
      recipient,
      new Date(now.getTime() - DAY_MS),
      now,
    );
    if (notifications.length === 0) continue;
    if (!(await stores.webhooks.claimDigest(webhook.department, date, now.toISOString()))) continue;
    const body = webhookPayload(
      webhook.format,
      digestText(notifications, { department: webhook.department, date }),
    );
    const response = await post(webhook.url, body).catch((error: unknown) => {
      logger.warn('digest webhook unreachable', { department: webhook.department, error });
      return { ok: false, status: 0 };
    });
    if (response.ok) {
      sent.push(webhook.department);
    } else {
      await stores.webhooks.releaseDigest(webhook.department, date);
      failed.push(webhook.department);
    }
  }
  logger.info('digests', { date, sent, failed });
  if (failed.length > 0)
    throw new Error(`digest webhooks refused for: ${failed.join(', ')} (sent: ${sent.length})`);
  return { date, sent };
}
