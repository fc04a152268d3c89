import { createContext, type ReactNode, useContext } from 'react';
import { projectPath } from './api/api-client.ts';
import type { Project } from './api/types.ts';
import { useApi } from './api/use-api.ts';
import { Loaded } from './components/loading.tsx';
import { NavLink } from './components/nav-link.tsx';
import { PageHeader } from './components/page-header.tsx';

interface ProjectContextValue {
  project: Project;
  /** API path prefix of the project: `/projects/3`. */
  api: string;
  /** UI path prefix of the project: `/projects/3`. */
  base: string;
}

const ProjectContext = createContext<ProjectContextValue | undefined>(undefined);

/** The project of the page being shown (inside {@link ProjectLayout}). */
export function useProject(): ProjectContextValue {
  const value = useContext(ProjectContext);
  if (!value) throw new Error('useProject outside <ProjectLayout>');
  return value;
}

/** Loads a project and frames its pages with its name and tabs. */
export function ProjectLayout({ id, children }: { id: string; children: ReactNode }) {
  const state = useApi<Project>(projectPath(id));
  return (
    <Loaded state={state}>
      {(project) => {
        const base = `/projects/${project.id}`;
        return (
          <ProjectContext.Provider value={{ project, api: projectPath(project.id), base }}>
            <PageHeader title={project.path_with_namespace} subtitle={project.description || undefined} />
            <nav className="tabs" aria-label="Project">
              <NavLink href={base} exact>
                Overview
              </NavLink>
              <NavLink href={`${base}/pipelines`}>Pipelines</NavLink>
              <NavLink href={`${base}/environments`}>Environments</NavLink>
              <NavLink href={`${base}/releases`}>Releases</NavLink>
              <NavLink href={`${base}/registry`}>Registry</NavLink>
              <NavLink href={`${base}/settings`}>Settings</NavLink>
            </nav>
            {children}
          </ProjectContext.Provider>
        );
      }}
    </Loaded>
  );
}
