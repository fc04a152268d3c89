import { type ReactNode, useEffect, useRef } from 'react';
import { useLocation } from 'wouter';
import { NavLink } from '../components/nav-link.tsx';

export interface SectionLink {
  slug: string;
  label: string;
}

/**
 * A settings page: the list of its sections (a side column at desktop width, a scrolling row on a
 * phone) and the chosen section beside it.
 */
export function SettingsLayout({
  base,
  label,
  sections,
  children,
}: {
  base: string;
  label: string;
  sections: readonly SectionLink[];
  children: ReactNode;
}) {
  const nav = useRef<HTMLElement>(null);
  const [location] = useLocation();
  // On a phone the sections scroll sideways: keep the current one in view (the page stays put).
  // biome-ignore lint/correctness/useExhaustiveDependencies: `location` is when the current link changes.
  useEffect(() => {
    const current = nav.current?.querySelector<HTMLElement>('[aria-current="page"]');
    if (!nav.current || !current) return;
    const offset = current.getBoundingClientRect().left - nav.current.getBoundingClientRect().left;
    nav.current.scrollLeft += offset - (nav.current.clientWidth - current.offsetWidth) / 2;
  }, [location]);
  return (
    <div className="settings-layout">
      <nav ref={nav} className="settings-nav" aria-label={label}>
        {sections.map((section) => (
          <NavLink key={section.slug} href={`${base}/${section.slug}`}>
            {section.label}
          </NavLink>
        ))}
      </nav>
      <div className="settings-content">{children}</div>
    </div>
  );
}
