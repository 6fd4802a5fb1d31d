import type { ConsoleConfig } from '../../hosting.ts';

/**
 * Where the ID token lives. In the cloud only in memory (oidc-client-ts with an in-memory store;
 * a reload signs in again through Cognito's session, silently when it is still valid). With the
 * dev login, in sessionStorage, so a reload on the developer's machine keeps the tab signed in.
 */
export interface Auth {
  /** The current ID token, if signed in. */
  token(): string | undefined;
  /** Completes a sign-in redirect if this page load is one; resolves when the token is known. */
  restore(): Promise<void>;
  signOut(): Promise<void>;
}

const DEV_TOKEN_KEY = 'rectify.devToken';

export function devAuth(): Auth & { signIn(token: string): void } {
  return {
    token: () => sessionStorage.getItem(DEV_TOKEN_KEY) ?? undefined,
    restore: async () => {},
    signIn: (token) => sessionStorage.setItem(DEV_TOKEN_KEY, token),
    signOut: async () => sessionStorage.removeItem(DEV_TOKEN_KEY),
  };
}

/** Cognito managed login; the library loads only in the cloud (its own chunk). */
export async function cognitoAuth(
  config: Extract<ConsoleConfig, { auth: 'cognito' }>,
): Promise<Auth & { signIn(): Promise<void> }> {
  const { cognitoAuth: create } = await import('./cognito.ts');
  return create(config);
}
