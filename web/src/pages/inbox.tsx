import { useEffect, useState } from 'preact/hooks';
import { seg } from '../api/client.ts';
import type { Inspection, Notification, NotificationList } from '../api/types.ts';
import { Async, errorText } from '../components/ui.tsx';
import { formatInstant } from '../lib/format.ts';
import { useLang, useT } from '../lib/i18n.tsx';
import { href, type Route } from '../lib/router.ts';
import { useSession } from '../lib/session.ts';
import { useLoad } from '../lib/use-load.ts';
import { useSubmit } from '../lib/use-submit.ts';

const PAGE = 50;
const FALLBACK_ZONE = 'Asia/Shanghai';

interface Inbox {
  readonly notifications: readonly Notification[];
  readonly next: string | undefined;
  /** Each inspection's time zone: a notification's time is read in its inspection's zone. */
  readonly zones: ReadonlyMap<string, string>;
}

/** 消息: the caller's notifications, newest first, a page at a time, each markable as read. */
export default function InboxPage(_props: { route: Route }) {
  const { api } = useSession();
  const t = useT();
  const [loaded, reload] = useLoad(async (signal): Promise<Inbox> => {
    const [list, { inspections }] = await Promise.all([
      api.get<NotificationList>('/me/notifications', { limit: PAGE }, signal),
      api.get<{ inspections: Inspection[] }>('/inspections', undefined, signal),
    ]);
    return {
      notifications: list.notifications,
      next: list.next,
      zones: new Map(inspections.map((inspection) => [inspection.inspectionId, inspection.timezone])),
    };
  }, []);

  return (
    <section>
      <h1>{t('消息', 'Inbox')}</h1>
      <div class="actions">
        <button type="button" onClick={reload}>
          {t('刷新', 'Refresh')}
        </button>
      </div>
      <Async loaded={loaded}>{(inbox) => <Notifications first={inbox} />}</Async>
    </section>
  );
}

function Notifications({ first }: { first: Inbox }) {
  const { api, refreshUnread } = useSession();
  const t = useT();
  const [shown, setShown] = useState<readonly Notification[]>(first.notifications);
  const [next, setNext] = useState(first.next);
  const loading = useSubmit();
  const { busy, error } = loading;
  // A refresh starts over from the newest page.
  useEffect(() => {
    setShown(first.notifications);
    setNext(first.next);
  }, [first]);

  const more = () =>
    next &&
    loading.run(async () => {
      const page = await api.get<NotificationList>('/me/notifications', { limit: PAGE, before: next });
      setShown((all) => [...all, ...page.notifications]);
      setNext(page.next);
    });

  const markRead = (read: Notification) => {
    setShown((all) => all.map((one) => (one.notificationId === read.notificationId ? read : one)));
    refreshUnread();
  };

  const unread = shown.filter((one) => !one.read).length;
  if (shown.length === 0) return <p class="muted">{t('暂无消息', 'No notifications')}</p>;
  return (
    <>
      <p class="muted" aria-live="polite">
        {t(`已显示${shown.length}条，其中未读${unread}条`, `${shown.length} shown, ${unread} unread`)}
      </p>
      <ul class="inbox">
        {shown.map((notification) => (
          <NotificationRow
            key={notification.notificationId}
            notification={notification}
            timezone={first.zones.get(notification.inspectionId) ?? FALLBACK_ZONE}
            onRead={markRead}
          />
        ))}
      </ul>
      {error !== undefined && (
        <p class="notice error" role="alert">
          {errorText(error, t)}
        </p>
      )}
      {next && (
        <button type="button" disabled={busy} onClick={more}>
          {busy ? t('加载中…', 'Loading…') : t('更多', 'More')}
        </button>
      )}
    </>
  );
}

function NotificationRow({
  notification,
  timezone,
  onRead,
}: {
  notification: Notification;
  timezone: string;
  onRead: (read: Notification) => void;
}) {
  const { api } = useSession();
  const t = useT();
  const lang = useLang();
  const marking = useSubmit();
  const { busy, error } = marking;
  const { read } = notification;
  const markRead = () =>
    marking.run(async () =>
      onRead(
        await api.request<Notification>('POST', `/me/notifications/${seg(notification.notificationId)}/read`),
      ),
    );

  return (
    <li class={`notification ${read ? 'read' : 'unread'}`}>
      <div class="item-meta">
        {!read && <span class="tag unread-tag">{t('未读', 'Unread')}</span>}
        <time dateTime={notification.at}>{formatInstant(notification.at, timezone, lang)}</time>
      </div>
      <p class="notification-text">
        {notification.itemId ? (
          // Opening the item is reading the notification.
          <a href={href('items', notification.itemId)} onClick={() => read || void markRead()}>
            {notification.text}
          </a>
        ) : (
          notification.text
        )}
      </p>
      {!read && (
        <button type="button" class="link" disabled={busy} onClick={markRead}>
          {t('标为已读', 'Mark read')}
        </button>
      )}
      {error !== undefined && (
        <p class="field-error" role="alert">
          {errorText(error, t)}
        </p>
      )}
    </li>
  );
}
