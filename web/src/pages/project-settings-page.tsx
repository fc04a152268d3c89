import type { ReactNode } from 'react';
import { Redirect } from 'wouter';
import { atLeast, type ProjectRole } from '../lib/access-level.ts';
import { useProject } from '../project-context.tsx';
import { AutoDeployRulesSection } from '../settings/auto-deploy-rules-section.tsx';
import { EnvironmentSecretsSection } from '../settings/environment-secrets-section.tsx';
import { FreezeWindowsSection } from '../settings/freeze-windows-section.tsx';
import { MembersSection } from '../settings/members-section.tsx';
import { ProtectedEnvironmentsSection } from '../settings/protected-environments-section.tsx';
import { RebuildSchedulesSection } from '../settings/rebuild-schedules-section.tsx';
import { SettingsLayout } from '../settings/settings-layout.tsx';
import { NotAllowed } from '../settings/settings-section.tsx';
import { ShellAccessSection } from '../settings/shell-access-section.tsx';
import { TargetsSection } from '../settings/targets-section.tsx';
import { useProjectAccess } from '../settings/use-project-access.ts';
import { VariablesSection } from '../settings/variables-section.tsx';
import { WebhooksSection } from '../settings/webhooks-section.tsx';
import '../settings.css';

interface Section {
  slug: string;
  label: string;
  /** The lowest role the API lets read the section. */
  readableBy: ProjectRole;
  render: (context: { api: string; level: number | undefined }) => ReactNode;
}

const SECTIONS: readonly Section[] = [
  {
    slug: 'targets',
    label: 'Targets',
    readableBy: 'maintainer',
    render: ({ api }) => <TargetsSection path={`${api}/targets`} />,
  },
  {
    slug: 'variables',
    label: 'CI/CD variables',
    readableBy: 'maintainer',
    render: ({ api }) => <VariablesSection path={`${api}/variables`} />,
  },
  {
    slug: 'environment-secrets',
    label: 'Environment secrets',
    readableBy: 'maintainer',
    render: () => <EnvironmentSecretsSection />,
  },
  {
    slug: 'protected-environments',
    label: 'Protected environments',
    readableBy: 'maintainer',
    render: () => <ProtectedEnvironmentsSection />,
  },
  {
    slug: 'shell-access',
    label: 'Shell access',
    readableBy: 'maintainer',
    render: () => <ShellAccessSection />,
  },
  {
    slug: 'freeze-windows',
    label: 'Freeze windows',
    readableBy: 'maintainer',
    render: ({ api }) => <FreezeWindowsSection path={`${api}/freeze_periods`} />,
  },
  {
    slug: 'auto-deploy-rules',
    label: 'Auto-deploy rules',
    readableBy: 'reporter',
    render: ({ level }) => <AutoDeployRulesSection level={level} />,
  },
  {
    slug: 'rebuild-schedules',
    label: 'Rebuild schedules',
    readableBy: 'reporter',
    render: ({ level }) => <RebuildSchedulesSection level={level} />,
  },
  { slug: 'webhooks', label: 'Webhooks', readableBy: 'maintainer', render: () => <WebhooksSection /> },
  {
    slug: 'members',
    label: 'Members',
    readableBy: 'reporter',
    render: ({ level }) => <MembersSection level={level} />,
  },
];

/**
 * A project's settings, one section a page (`/projects/:id/settings/<section>`). The sections
 * listed are those the user's role may read; one opened directly by someone who may not says so.
 */
export function ProjectSettingsPage({ section }: { section: string }) {
  const { api, base } = useProject();
  const { level, loading } = useProjectAccess();
  if (loading) {
    return (
      <p className="muted" aria-busy="true">
        Loading…
      </p>
    );
  }
  const readable = SECTIONS.filter((candidate) => atLeast(level, candidate.readableBy));
  const settingsBase = `${base}/settings`;
  if (section === '' && readable[0]) return <Redirect to={`${settingsBase}/${readable[0].slug}`} replace />;
  const current = SECTIONS.find((candidate) => candidate.slug === section);
  return (
    <SettingsLayout base={settingsBase} label="Settings sections" sections={readable}>
      {!current ? (
        <div className="card empty">There is no settings section “{section}”.</div>
      ) : atLeast(level, current.readableBy) ? (
        current.render({ api, level })
      ) : (
        <NotAllowed section={current.label} who="maintainers and admins" />
      )}
    </SettingsLayout>
  );
}
