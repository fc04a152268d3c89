import { lazy, type ReactNode, Suspense, useId, useState } from 'react';
import type {
  EnvironmentOperationsSettings,
  ProjectOperationsSettings,
} from '../api/environment-operations-types.ts';
import type { EnvironmentDetails } from '../api/environment-types.ts';
import { atLeast } from '../lib/access-level.ts';
import { useProject } from '../project-context.tsx';
import { EnvironmentLogs } from './environment-logs.tsx';
import { isEnvironmentTab } from './environment-tabs.tsx';
import { ShellSessions } from './shell-sessions.tsx';
import '../environment-operations.css';

// The terminal (xterm) and the charts (uPlot) are most of the UI's weight: loaded when first shown.
const EnvironmentShell = lazy(() =>
  import('./environment-shell.tsx').then((module) => ({ default: module.EnvironmentShell })),
);
const EnvironmentGraphs = lazy(() =>
  import('./environment-graphs.tsx').then((module) => ({ default: module.EnvironmentGraphs })),
);

function WhenLoaded({ children }: { children: ReactNode }) {
  return (
    <Suspense
      fallback={
        <p className="muted" aria-busy="true">
          Loading…
        </p>
      }
    >
      {children}
    </Suspense>
  );
}

/**
 * Whether the user may open shells in the project's environments: the project's `shell_access`
 * role or above (maintainers unless it says developers). A protected environment can still refuse;
 * the shell then shows the API's reason.
 */
export function useShellAllowed(level: number | undefined): boolean {
  const { project } = useProject();
  return atLeast(level, (project as typeof project & ProjectOperationsSettings).shell_access ?? 'maintainer');
}

/**
 * The operations views of an environment page: its logs, a shell (with the audit record of shells
 * for maintainers), its graphs. `tab` is the last segment of the page's path.
 */
export function EnvironmentOperationsView({
  tab,
  environment,
  level,
  onChanged,
}: {
  tab: string;
  environment: EnvironmentDetails & EnvironmentOperationsSettings;
  /** The user's access level in the project (undefined while it loads). */
  level: number | undefined;
  /** The environment changed (its metrics path): read it again. */
  onChanged: () => void;
}) {
  const ids = useId();
  const shellAllowed = useShellAllowed(level);
  const maintainer = atLeast(level, 'maintainer');
  const [sessionsGeneration, setSessionsGeneration] = useState(0);
  if (!isEnvironmentTab(tab) || tab === '')
    return <div className="card empty">This environment has no view “{tab}”.</div>;
  if (tab === 'logs')
    return (
      <section className="card" aria-labelledby={`${ids}-logs`}>
        <h2 id={`${ids}-logs`}>Logs</h2>
        <EnvironmentLogs environmentId={environment.id} />
      </section>
    );
  if (tab === 'shell')
    return (
      <div className="stack">
        <section className="card" aria-labelledby={`${ids}-shell`}>
          <h2 id={`${ids}-shell`}>Shell</h2>
          {shellAllowed ? (
            <WhenLoaded>
              <EnvironmentShell
                environmentId={environment.id}
                onSessionChanged={() => setSessionsGeneration((value) => value + 1)}
              />
            </WhenLoaded>
          ) : (
            <div className="card empty">
              {level === undefined
                ? 'Loading…'
                : 'Your role in this project may not open shells in its environments.'}
            </div>
          )}
        </section>
        {maintainer && (
          <section className="stack" aria-labelledby={`${ids}-sessions`}>
            <h2 id={`${ids}-sessions`}>Shell sessions</h2>
            <ShellSessions environmentId={environment.id} generation={sessionsGeneration} />
          </section>
        )}
      </div>
    );
  return (
    <section className="card" aria-labelledby={`${ids}-graphs`}>
      <h2 id={`${ids}-graphs`}>Graphs</h2>
      <WhenLoaded>
        <EnvironmentGraphs environment={environment} canConfigure={maintainer} onChanged={onChanged} />
      </WhenLoaded>
    </section>
  );
}
