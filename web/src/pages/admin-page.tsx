import type { ReactNode } from 'react';
import { Redirect } from 'wouter';
import { PageHeader } from '../components/page-header.tsx';
import { useCurrentUser } from '../session.tsx';
import { FreezeWindowsSection } from '../settings/freeze-windows-section.tsx';
import { RunnersSection } from '../settings/runners-section.tsx';
import { SettingsLayout } from '../settings/settings-layout.tsx';
import { TargetsSection } from '../settings/targets-section.tsx';
import { UsersSection } from '../settings/users-section.tsx';
import { VariablesSection } from '../settings/variables-section.tsx';
import '../settings.css';

const SECTIONS: readonly { slug: string; label: string; render: () => ReactNode }[] = [
  { slug: 'runners', label: 'Runners', render: () => <RunnersSection /> },
  { slug: 'targets', label: 'Instance targets', render: () => <TargetsSection path="/targets" instance /> },
  { slug: 'users', label: 'Users', render: () => <UsersSection /> },
  {
    slug: 'variables',
    label: 'CI/CD variables',
    render: () => <VariablesSection path="/admin/ci/variables" instance />,
  },
  {
    slug: 'freeze-windows',
    label: 'Freeze windows',
    render: () => <FreezeWindowsSection path="/freeze_periods" instance />,
  },
];

/** Instance administration (`/admin/<section>`), for admins only. */
export function AdminPage({ section }: { section: string }) {
  const user = useCurrentUser();
  if (!user.is_admin) {
    return (
      <>
        <PageHeader title="Admin" />
        <div className="card empty" role="note">
          This page is for admins only.
        </div>
      </>
    );
  }
  if (section === '') return <Redirect to={`/admin/${SECTIONS[0]!.slug}`} replace />;
  const current = SECTIONS.find((candidate) => candidate.slug === section);
  return (
    <>
      <PageHeader title="Admin" subtitle="Settings of the whole instance." />
      <SettingsLayout base="/admin" label="Admin sections" sections={SECTIONS}>
        {current ? (
          current.render()
        ) : (
          <div className="card empty">There is no admin section “{section}”.</div>
        )}
      </SettingsLayout>
    </>
  );
}
