import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Permission, SessionInfo } from '../../schema/admin.js';

export interface Session {
  info: SessionInfo;
  can(permission: Permission): boolean;
  signOut(): void;
  /** Reloads who I am (after my roles or password changed). */
  refresh(): void;
}

export const SessionContext = createContext<Session | null>(null);

/** The signed-in session; pages are only rendered inside one. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}
