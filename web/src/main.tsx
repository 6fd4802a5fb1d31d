import './styles.css';
import { render } from 'preact';
import type { ConsoleConfig } from '../hosting.ts';
import { Api } from './api/client.ts';
import type { Me } from './api/types.ts';
import { App } from './app.tsx';
import { type Auth, cognitoAuth, devAuth } from './lib/auth.ts';
import { type Lang, LangContext, savedLang, saveLang } from './lib/i18n.tsx';
import { DevLogin } from './pages/dev-login.tsx';

/**
 * Start-up: read /config.json (written by the stack, or by `npm start`), finish a sign-in
 * redirect if this is one, ask the API who the token belongs to, and render. No token (or a
 * refused one) shows the sign-in: the dev login locally, Cognito's managed login in the cloud.
 */
const root = document.getElementById('app') as HTMLElement;
let lang: Lang = savedLang();
document.documentElement.lang = lang;

async function start() {
  const config = (await (await fetch('/config.json', { cache: 'no-store' })).json()) as ConsoleConfig;
  const auth: Auth & { signIn?: unknown } = config.auth === 'dev' ? devAuth() : await cognitoAuth(config);
  await auth.restore();

  const signOut = () => {
    void auth.signOut().then(() => {
      window.location.hash = '';
      void start();
    });
  };
  const api = new Api({
    baseUrl: config.apiUrl,
    token: () => auth.token(),
    lang: () => lang,
    onUnauthorized: signOut,
  });
  const setLang = (next: Lang) => {
    lang = next;
    saveLang(next);
    draw();
  };

  let me: Me | undefined;
  if (auth.token()) {
    me = await api.get<Me>('/me').catch(() => undefined);
  }
  const draw = () => {
    if (me) {
      render(
        <LangContext.Provider value={lang}>
          <App config={config} api={api} me={me} signOut={signOut} setLang={setLang} />
        </LangContext.Provider>,
        root,
      );
    } else if (config.auth === 'dev') {
      const dev = auth as ReturnType<typeof devAuth>;
      render(
        <LangContext.Provider value={lang}>
          <DevLogin
            setLang={setLang}
            onToken={(token) => {
              dev.signIn(token);
              void start();
            }}
          />
        </LangContext.Provider>,
        root,
      );
    } else {
      // Cognito: straight to managed login (it comes back here with ?code=…).
      void (auth as Awaited<ReturnType<typeof cognitoAuth>>).signIn();
    }
  };
  draw();
}

start().catch((error: unknown) => {
  root.textContent = `整改工作台无法启动 / The console could not start: ${String(error)}`;
});
