import type { ReactNode } from 'react';

/** One section of a settings page: its heading, what it is for, then its list and forms. */
export function SettingsSection({
  title,
  description,
  children,
}: {
  title: string;
  description: ReactNode;
  children: ReactNode;
}) {
  return (
    <section className="stack" aria-label={title}>
      <div>
        <h2>{title}</h2>
        <p className="muted settings-description">{description}</p>
      </div>
      {children}
    </section>
  );
}

/** What a section shows instead of its content to someone whose role may not see it. */
export function NotAllowed({ section, who }: { section: string; who: string }) {
  return (
    <div className="card empty" role="note">
      {section} are for {who} only.
    </div>
  );
}
