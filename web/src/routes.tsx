import { Redirect, Route, Switch } from 'wouter';
import { AdminPage } from './pages/admin-page.tsx';
import { ApprovalsPage } from './pages/approvals-page.tsx';
import { EnvironmentPage } from './pages/environment-page.tsx';
import { EnvironmentsPage } from './pages/environments-page.tsx';
import { JobPage } from './pages/job-page.tsx';
import { MatrixPage } from './pages/matrix-page.tsx';
import { NewProjectPage } from './pages/new-project-page.tsx';
import { NotFoundPage } from './pages/not-found-page.tsx';
import { PipelinePage } from './pages/pipeline-page.tsx';
import { PipelinesPage } from './pages/pipelines-page.tsx';
import { ProjectOverviewPage } from './pages/project-overview-page.tsx';
import { ProjectSettingsPage } from './pages/project-settings-page.tsx';
import { ProjectsPage } from './pages/projects-page.tsx';
import { RegistryPage } from './pages/registry-page.tsx';
import { ReleasePage } from './pages/release-page.tsx';
import { ReleasesPage } from './pages/releases-page.tsx';
import { TokensPage } from './pages/tokens-page.tsx';
import { ProjectLayout } from './project-context.tsx';

/**
 * A tag from the URL. The router applies `decodeURI`, which leaves reserved characters encoded
 * (`release%2F1.0`); a lone `%` left over from `%25` cannot be decoded again and is kept as it is.
 */
function tagOf(param: string): string {
  try {
    return decodeURIComponent(param);
  } catch {
    return param;
  }
}

/** Pages inside a project, below `/projects/:id`. */
function ProjectRoutes({ id }: { id: string }) {
  return (
    <ProjectLayout id={id}>
      <Switch>
        <Route path="/projects/:id">{() => <ProjectOverviewPage />}</Route>
        <Route path="/projects/:id/pipelines">{() => <PipelinesPage />}</Route>
        <Route path="/projects/:id/pipelines/:pipelineId">
          {(params) => <PipelinePage pipelineId={params.pipelineId} />}
        </Route>
        <Route path="/projects/:id/jobs/:jobId">{(params) => <JobPage jobId={params.jobId} />}</Route>
        <Route path="/projects/:id/environments">{() => <EnvironmentsPage />}</Route>
        <Route path="/projects/:id/environments/:environmentId/:tab?">
          {(params) => <EnvironmentPage environmentId={params.environmentId} tab={params.tab ?? ''} />}
        </Route>
        <Route path="/projects/:id/releases">{() => <ReleasesPage />}</Route>
        <Route path="/projects/:id/releases/:tag">
          {(params) => <ReleasePage tag={tagOf(params.tag)} />}
        </Route>
        <Route path="/projects/:id/registry">{() => <RegistryPage />}</Route>
        <Route path="/projects/:id/settings/:section?">
          {(params) => <ProjectSettingsPage section={params.section ?? ''} />}
        </Route>
        <Route>
          <NotFoundPage />
        </Route>
      </Switch>
    </ProjectLayout>
  );
}

/** Every page of the UI by path (deep links work: the server answers index.html for them). */
export function AppRoutes() {
  return (
    <Switch>
      <Route path="/">
        <Redirect to="/projects" replace />
      </Route>
      <Route path="/projects">{() => <ProjectsPage />}</Route>
      <Route path="/projects/new">{() => <NewProjectPage />}</Route>
      <Route path="/projects/:id/*?">{(params) => <ProjectRoutes id={params.id} />}</Route>
      <Route path="/environments">{() => <MatrixPage />}</Route>
      <Route path="/approvals">{() => <ApprovalsPage />}</Route>
      <Route path="/admin/:section?">{(params) => <AdminPage section={params.section ?? ''} />}</Route>
      <Route path="/user/tokens">{() => <TokensPage />}</Route>
      <Route>
        <NotFoundPage />
      </Route>
    </Switch>
  );
}
