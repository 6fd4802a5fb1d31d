import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { ConsoleConfig } from '../../hosting.ts';
import type { Api } from '../api/client.ts';
import type { Me } from '../api/types.ts';

/** Who is signed in, and the API client that speaks for them. */
export interface Session {
  readonly config: ConsoleConfig;
  readonly api: Api;
  readonly me: Me;
  signOut(): void;
  /** Re-reads the unread count in the header (after the inbox marks something read). */
  refreshUnread(): void;
}

export const SessionContext = createContext<Session | undefined>(undefined);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}

export const hasRole = (me: Me, ...roles: Me['roles'][number][]) =>
  roles.some((role) => me.roles.includes(role));
