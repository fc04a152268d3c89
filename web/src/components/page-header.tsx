import type { ReactNode } from 'react';

/** The title row of a page: heading, an optional line under it, and the page's actions. */
export function PageHeader({
  title,
  subtitle,
  actions,
  breadcrumbs,
}: {
  title: ReactNode;
  subtitle?: ReactNode;
  actions?: ReactNode;
  breadcrumbs?: ReactNode;
}) {
  return (
    <>
      {breadcrumbs && (
        <nav className="breadcrumbs" aria-label="Breadcrumbs">
          {breadcrumbs}
        </nav>
      )}
      <div className="page-header">
        <div>
          <h1>{title}</h1>
          {subtitle && <p>{subtitle}</p>}
        </div>
        {actions && <div className="row">{actions}</div>}
      </div>
    </>
  );
}
