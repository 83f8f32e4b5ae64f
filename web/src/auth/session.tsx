import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import { configureClient } from '../api/client.ts';
import { api } from '../api/endpoints.ts';
import type { Session, User } from '../api/types.ts';
import { readSession, SESSION_KEY } from './stored-session.ts';

interface SessionContext {
  user: User | undefined;
  signIn(username: string, password: string): Promise<User>;
  signOut(): void;
}

const Context = createContext<SessionContext | undefined>(undefined);

/**
 * The signed-in user. The token lives in sessionStorage only (gone when the tab closes) and reaches the API
 * client through `configureClient`; a 401 from any route ends the session.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | undefined>(readSession);

  const signOut = useCallback(() => {
    sessionStorage.removeItem(SESSION_KEY);
    setSession(undefined);
  }, []);

  configureClient({ token: () => readSession()?.token, onUnauthorized: signOut });

  const signIn = useCallback(async (username: string, password: string) => {
    const next = await api.login(username, password);
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(next));
    setSession(next);
    return next.user;
  }, []);

  const value = useMemo(() => ({ user: session?.user, signIn, signOut }), [session, signIn, signOut]);
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useSession(): SessionContext {
  const ctx = useContext(Context);
  if (!ctx) throw new Error('useSession outside SessionProvider');
  return ctx;
}

/** The signed-in user; only for pages behind the sign-in guard. */
export function useUser(): User {
  const { user } = useSession();
  if (!user) throw new Error('useUser without a session');
  return user;
}
