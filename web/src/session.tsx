import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';
import { api, onUnauthorized } from './api/api-client.ts';
import { ApiError } from './api/api-error.ts';
import type { User } from './api/types.ts';
import { ErrorMessage } from './components/error-message.tsx';

interface SessionState {
  /** The signed-in user; null once the server said nobody is. */
  user: User | null;
  signIn: (username: string, password: string) => Promise<void>;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionState | undefined>(undefined);

/** The signed-in user and the session actions. */
export function useSession(): SessionState {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside <SessionProvider>');
  return session;
}

/** The current user, for components that only render when someone is signed in. */
export function useCurrentUser(): User {
  const { user } = useSession();
  if (!user) throw new Error('useCurrentUser while signed out');
  return user;
}

/**
 * Loads the current user (`GET /user` with the session cookie) and shows `signedOut` until someone
 * signs in; any 401 later (an expired session) brings the sign-in page back.
 */
export function SessionProvider({ children, signedOut }: { children: ReactNode; signedOut: ReactNode }) {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const [loadError, setLoadError] = useState<unknown>();

  const load = useCallback(() => {
    api<User>('/user').then(setUser, (error: unknown) => {
      if (error instanceof ApiError && error.status === 401) setUser(null);
      else setLoadError(error);
    });
  }, []);

  useEffect(() => {
    load();
    return onUnauthorized(() => setUser(null));
  }, [load]);

  const signIn = useCallback(async (username: string, password: string) => {
    setUser(await api<User>('/session', { method: 'POST', body: { username, password } }));
  }, []);
  const signOut = useCallback(async () => {
    await api('/session', { method: 'DELETE' });
    setUser(null);
  }, []);

  if (user === undefined) {
    return loadError ? (
      <main className="shell-main">
        <ErrorMessage error={loadError} />
      </main>
    ) : null;
  }
  return (
    <SessionContext.Provider value={{ user, signIn, signOut }}>
      {user ? children : signedOut}
    </SessionContext.Provider>
  );
}
