import { createContext, useContext } from 'react';
import type { OpOutput } from '../api/client';

export type SessionInfo = NonNullable<OpOutput<'session.current'>>;

/**
 * Who is signed in, for screens deep in the tree (the tenant page's access card, the
 * staff table's "you"). Only to decide what to offer: the server checks every call.
 */
const SessionContext = createContext<SessionInfo | null>(null);

export const SessionProvider = SessionContext.Provider;

export function useSession(): SessionInfo | null {
  return useContext(SessionContext);
}
