import type { ComponentType } from 'preact';
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import type { ConsoleConfig } from '../hosting.ts';
import type { Api } from './api/client.ts';
import type { Me, NotificationList } from './api/types.ts';
import { type Lang, useLang, useT } from './lib/i18n.tsx';
import { href, type Route, useRoute } from './lib/router.ts';
import { hasRole, type Session, SessionContext } from './lib/session.ts';
import { Home } from './pages/home.tsx';
import { ItemPage } from './pages/item.tsx';

/**
 * Pages only some roles open (the admin's desks, the auditor's) load on first visit, in their
 * own chunks: a 科室 clerk on a phone downloads the list, the item page and nothing else.
 */
type PageModule = { default: ComponentType<{ route: Route }> };
const LAZY_PAGES: Partial<Record<Route['page'], () => Promise<PageModule>>> = {
  inbox: () => import('./pages/inbox.tsx'),
  import: () => import('./pages/import.tsx'),
  board: () => import('./pages/board.tsx'),
  queue: () => import('./pages/queue.tsx'),
  summaries: () => import('./pages/summaries.tsx'),
  settings: () => import('./pages/settings.tsx'),
  outcomes: () => import('./pages/outcomes.tsx'),
  archives: () => import('./pages/archives.tsx'),
};

function LazyPage({ route }: { route: Route }) {
  const t = useT();
  const [loaded, setLoaded] = useState<{ page: Route['page']; component: ComponentType<{ route: Route }> }>();
  const [failed, setFailed] = useState<Error>();
  useEffect(() => {
    const load = LAZY_PAGES[route.page];
    if (!load) return;
    load().then((module) => setLoaded({ page: route.page, component: module.default }), setFailed);
  }, [route.page]);
  if (failed) return <p role="alert">{String(failed)}</p>;
  if (!loaded || loaded.page !== route.page) return <p class="muted">{t('加载中…', 'Loading…')}</p>;
  const Page = loaded.component;
  return <Page route={route} />;
}

function Page({ route }: { route: Route }) {
  const t = useT();
  if (route.page === 'home') return <Home />;
  if (route.page === 'item') return <ItemPage itemId={route.itemId} />;
  if (route.page === 'not-found') {
    return (
      <section>
        <h1>{t('页面不存在', 'Page not found')}</h1>
        <p>
          <a href="#/">{t('返回我的事项', 'Back to my items')}</a>
        </p>
      </section>
    );
  }
  return <LazyPage route={route} />;
}

const ROLE_NAMES: Record<Me['roles'][number], [string, string]> = {
  admin: ['管理员', 'Admin'],
  leader: ['领导', 'Leader'],
  department: ['科室', 'Department'],
  auditor: ['审计', 'Auditor'],
};

export function App(props: {
  config: ConsoleConfig;
  api: Api;
  me: Me;
  signOut: () => void;
  setLang: (lang: Lang) => void;
}) {
  const { api, me } = props;
  const t = useT();
  const lang = useLang();
  const route = useRoute();
  const [unread, setUnread] = useState<number>();
  const canInbox = hasRole(me, 'admin', 'leader', 'department');
  const refreshUnread = useCallback(() => {
    if (!canInbox) return;
    api
      .get<NotificationList>('/me/notifications', { unread: 'true', limit: 100 })
      .then((list) => setUnread(list.notifications.length))
      .catch(() => undefined);
  }, [api, canInbox]);
  useEffect(refreshUnread, [route]);
  const session: Session = useMemo(
    () => ({ config: props.config, api, me, signOut: props.signOut, refreshUnread }),
    [props.config, api, me, props.signOut, refreshUnread],
  );
  const isAdmin = hasRole(me, 'admin');
  const isAuditor = hasRole(me, 'auditor', 'admin');

  return (
    <SessionContext.Provider value={session}>
      <a class="skip" href="#main">
        {t('跳到正文', 'Skip to content')}
      </a>
      <header class="top">
        <a class="brand" href="#/">
          {t('整改工作台', 'Rectify')}
        </a>
        <nav aria-label={t('主导航', 'Main')}>
          <a href="#/" aria-current={route.page === 'home' ? 'page' : undefined}>
            {t('我的事项', 'My items')}
          </a>
          {canInbox && (
            <a href={href('inbox')} aria-current={route.page === 'inbox' ? 'page' : undefined}>
              {t('消息', 'Inbox')}
              {unread ? (
                <span class="count" title={t(`${unread}条未读`, `${unread} unread`)}>
                  {unread >= 100 ? '99+' : unread}
                  <span class="sr-only">{t('条未读', ' unread')}</span>
                </span>
              ) : null}
            </a>
          )}
          {isAdmin && (
            <a href={href('import')} aria-current={route.page === 'import' ? 'page' : undefined}>
              {t('导入台账', 'Import')}
            </a>
          )}
          {isAuditor && (
            <a href={href('archives')} aria-current={route.page === 'archives' ? 'page' : undefined}>
              {t('证据包', 'Archives')}
            </a>
          )}
        </nav>
        <div class="who">
          <span>
            {me.name}
            <span class="muted">
              {' · '}
              {me.roles.map((role) => t(...ROLE_NAMES[role])).join('、')}
              {me.department ? ` · ${me.department}` : ''}
            </span>
          </span>
          <button type="button" class="link" onClick={() => props.setLang(lang === 'en' ? 'zh-CN' : 'en')}>
            {lang === 'en' ? '中文' : 'English'}
          </button>
          <button type="button" class="link" onClick={props.signOut}>
            {t('退出', 'Sign out')}
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Page route={route} />
      </main>
    </SessionContext.Provider>
  );
}
