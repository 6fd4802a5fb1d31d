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
        // Drop ?code=&state= from the address bar; the page the user was on is in the hash.
        window.history.replaceState(null, '', `/${window.location.hash}`);
      }
    },
    signIn: () => manager.signinRedirect(),
    async signOut() {
      await manager.removeUser();
      idToken = undefined;
      const logout = new URL('/logout', config.loginDomain);
      logout.searchParams.set('client_id', config.clientId);
      logout.searchParams.set('logout_uri', `${origin}/`);
      window.location.assign(logout.toString());
    },
  };
}
