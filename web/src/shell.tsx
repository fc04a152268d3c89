import { type ReactNode, useEffect, useState } from 'react';
import { Link } from 'wouter';
import { subscribeLiveEvents } from './api/live-events.ts';
import { ErrorMessage } from './components/error-message.tsx';
import { NavLink } from './components/nav-link.tsx';
import { useCurrentUser, useSession } from './session.tsx';

/** The frame around every signed-in page: brand, main navigation, user menu. */
export function Shell({ children }: { children: ReactNode }) {
  const user = useCurrentUser();
  const { signOut } = useSession();
  // The live stream stays open while someone is signed in, not only while a page listens: pages
  // opened later then load after the stream is live and need no catch-up refetch (use-api.ts).
  useEffect(() => subscribeLiveEvents(() => {}), []);
  // Signing out can fail (server unreachable): the session is then still valid, and says so here.
  const [signOutError, setSignOutError] = useState<unknown>();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="shell-header">
        <Link href="/projects" className="shell-brand">
          Gantry
        </Link>
        <nav className="shell-nav" aria-label="Main">
          <NavLink href="/projects">Projects</NavLink>
          <NavLink href="/environments">What runs where</NavLink>
          <NavLink href="/approvals">Approvals</NavLink>
          {user.is_admin && <NavLink href="/admin">Admin</NavLink>}
        </nav>
        <details className="user-menu">
          <summary aria-label={`User menu for ${user.username}`}>{user.username}</summary>
          <div className="user-menu-items">
            <Link href="/user/tokens">Access tokens</Link>
            <button
              type="button"
              className="button button-small"
              onClick={() => {
                setSignOutError(undefined);
                signOut().catch(setSignOutError);
              }}
            >
              Sign out
            </button>
            <ErrorMessage error={signOutError} />
          </div>
        </details>
      </header>
      <main id="main" className="shell-main">
        {children}
      </main>
    </>
  );
}
