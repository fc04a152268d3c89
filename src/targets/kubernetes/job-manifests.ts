import { GantryError } from '../../domain/errors.ts';
import type { ExportedTree } from '../../git/tree-export.ts';
import { expandVariables } from '../../pipeline/index.ts';
import type { DeploySpec } from '../../pipeline/pipeline-definition.ts';
import type { JobRow } from '../../store/repositories/job-repository.ts';
import type { DeployRequest } from '../target.ts';
import { rewriteImages } from './image-rewrite.ts';
import type { KubeObject } from './kube-object.ts';
import { renderManifests } from './manifest-render.ts';

/** Where a `deploy:` job's manifests and image variables come from. */
export interface JobManifestSources {
  /** The commit's files on disk (kustomize and helm read trees). */
  exportTree(projectId: number, sha: string): Promise<ExportedTree>;
  /** The job's variables as a runner would get them (for `$VARIABLES` in `deploy:images`). */
  jobVariables(job: JobRow): Promise<Map<string, string>>;
}

/**
 * The objects a `deploy:` job deploys, as the Kubernetes and Podman deployers both start from:
 * `deploy:manifests` rendered at the deployment's commit (a Helm release named after the
 * environment's slug, in `namespace`), with the images `deploy:images` names put in (the job's
 * variables expanded, unknown ones left as written). Logs how many objects were rendered.
 */
export async function renderJobManifests(
  request: Pick<DeployRequest, 'job' | 'deployment' | 'environment' | 'project' | 'log' | 'signal'>,
  spec: Pick<DeploySpec, 'manifests' | 'images'>,
  namespace: string,
  sources: JobManifestSources,
): Promise<KubeObject[]> {
  const { job, deployment, environment, project, log, signal } = request;
  const path = spec.manifests;
  if (path === null) {
    throw new GantryError(
      'validation_failed',
      `job ${job.name} deploys to a container target: its deploy: needs manifests:, not files:`,
    );
  }
  const tree = await sources.exportTree(project.id, deployment.sha);
  let rendered: KubeObject[];
  try {
    rendered = (
      await renderManifests({
        root: tree.root,
        path,
        releaseName: environment.slug,
        namespace,
        signal,
      })
    ).map((entry) => entry.object);
  } finally {
    await tree.dispose();
  }
  await log.line(`Rendered ${rendered.length} objects from ${path} at ${deployment.sha.slice(0, 8)}`);
  const variables = await sources.jobVariables(job);
  const images = Object.fromEntries(
    Object.entries(spec.images).map(([container, image]) => [
      container,
      expandVariables(image, (name) => variables.get(name), { keepUnknown: true }),
    ]),
  );
  return rewriteImages(rendered, images).objects;
}
