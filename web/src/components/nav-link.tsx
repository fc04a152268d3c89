import type { ReactNode } from 'react';
import { Link, useLocation } from 'wouter';

/**
 * A link marked `aria-current="page"` when the current path is `href` or (unless `exact`) under it,
 * which is how navigation bars and tabs show where the user is.
 */
export function NavLink({ href, exact, children }: { href: string; exact?: boolean; children: ReactNode }) {
  const [location] = useLocation();
  const current = exact ? location === href : location === href || location.startsWith(`${href}/`);
  return (
    <Link href={href} {...(current && { 'aria-current': 'page' as const })}>
      {children}
    </Link>
  );
}
