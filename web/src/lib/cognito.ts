import { InMemoryWebStorage, UserManager, WebStorageStateStore } from 'oidc-client-ts';
import type { ConsoleConfig } from '../../hosting.ts';

/**
 * Authorization code + PKCE against Cognito managed login. The ID token is kept in memory only;
 * renewal uses the refresh token before expiry; sign-out ends the Cognito session too (Cognito
 * publishes no end_session_endpoint, so its /logout is called by hand).
 */
export function cognitoAuth(config: Extract<ConsoleConfig, { auth: 'cognito' }>) {
  const origin = window.location.origin;
  const manager = new UserManager({
    authority: config.authority,
    client_id: config.clientId,
    redirect_uri: `${origin}/`,
    post_logout_redirect_uri: `${origin}/`,
    response_type: 'code',
    scope: 'openid email profile',
    userStore: new WebStorageStateStore({ store: new InMemoryWebStorage() }),
    automaticSilentRenew: true,
  });
  let idToken: string | undefined;
  manager.events.addUserLoaded((user) => {
    idToken = user.id_token;
  });
  manager.events.addUserUnloaded(() => {
    idToken = undefined;
  });
  return {
    token: () => idToken,
    async restore() {
      const params = new URLSearchParams(window.location.search);
      if (params.has('code') && params.has('state')) {
        const user = await manager.signinRedirectCallback();
        idToken = user.id_token;
        // Drop ?code=&state= from the address bar and go back to the page sign-in started from
        // (kept in the sign-in state by signIn: the redirect back carries no #fragment).
        const hash = typeof user.state === 'string' && user.state.startsWith('#') ? user.state : '';
        window.history.replaceState(null, '', `/${hash}`);
      }
    },
    signIn: () => manager.signinRedirect({ state: window.location.hash }),
    async signOut() {
      await manager.removeUser();
      idToken = undefined;
      const logout = new URL('/logout', config.loginDomain);
      logout.searchParams.set('client_id', config.clientId);
      logout.searchParams.set('logout_uri', `${origin}/`);
      window.location.assign(logout.toString());
      // The page is leaving; /logout brings it back to `/`, which signs in afresh. Never resolve:
      // main.tsx restarts when sign-out resolves, and that sign-in redirect would cancel this
      // navigation, and Cognito's session cookie could survive (test/browser/cloud-login.test.ts).
      await new Promise<never>(() => {});
    },
  };
}
