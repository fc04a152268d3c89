import { NavLink } from './nav-link.tsx';

/** The views of an environment page, by the last segment of its path (`''` the overview). */
export const ENVIRONMENT_TABS = [
  { slug: '', label: 'Overview' },
  { slug: 'logs', label: 'Logs' },
  { slug: 'shell', label: 'Shell' },
  { slug: 'graphs', label: 'Graphs' },
] as const;

export type EnvironmentTab = (typeof ENVIRONMENT_TABS)[number]['slug'];

/** Whether `slug` names one of the {@link ENVIRONMENT_TABS}. */
export function isEnvironmentTab(slug: string): slug is EnvironmentTab {
  return ENVIRONMENT_TABS.some((tab) => tab.slug === slug);
}

/**
 * The environment page's views as links (`…/environments/5/logs`), so each can be linked to and the
 * browser's back button moves between them; the current one is marked `aria-current="page"`.
 * `hidden` lists the views the user may not use (the shell, for roles below the project's setting).
 */
export function EnvironmentTabs({ base, hidden = [] }: { base: string; hidden?: readonly EnvironmentTab[] }) {
  return (
    <nav className="tabs environment-tabs" aria-label="Environment views">
      {ENVIRONMENT_TABS.filter((tab) => !hidden.includes(tab.slug)).map((tab) => (
        <NavLink key={tab.slug} href={tab.slug ? `${base}/${tab.slug}` : base} exact>
          {tab.label}
        </NavLink>
      ))}
    </nav>
  );
}
