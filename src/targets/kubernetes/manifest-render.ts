import { mkdtemp, readFile, realpath, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GantryError } from '../../domain/errors.ts';
import type { RenderedObject } from './kube-object.ts';
import { findKubeTool, type KubeToolLookup, runKubeTool } from './kube-tools.ts';
import { checkKustomizationInputs, kustomizationFileIn } from './kustomization-inputs.ts';
import { readManifestDocuments } from './manifest-documents.ts';
import { resolveInTree, walkTree } from './tree-path.ts';

/** What to render: `deploy:manifests` in a checked-out tree of the deployment's commit. */
export interface RenderRequest {
  /** The checked-out tree of the commit. */
  root: string;
  /** `deploy:manifests`, relative to the tree. */
  path: string;
  /** The Helm release name (`.Release.Name`); unused for other kinds of manifests. */
  releaseName: string;
  /** The environment's namespace (`.Release.Namespace` of a chart). */
  namespace: string;
  signal?: AbortSignal;
  /** Where kubectl and helm are found; tests replace it. */
  tools?: KubeToolLookup;
}

const MANIFEST_FILE = /\.(ya?ml|json)$/;
const SETTING = 'deploy:manifests';

/**
 * Renders `deploy:manifests` into the objects Gantry will apply, in file order. The path names
 * - a `.yaml`, `.yml` or `.json` file;
 * - a kustomization directory (`kustomization.yaml|yml`, `Kustomization`): `kubectl kustomize`;
 * - a Helm chart directory (`Chart.yaml`): `helm template <release> <dir> --namespace <ns>
 *   --include-crds --skip-tests` with the chart's own values.yaml (test hooks are left out: Gantry
 *   would apply them as ordinary pods);
 * - any other directory: every .yaml/.yml/.json file under it in path order, leaving out files and
 *   directories whose name starts with `.` (`.github/`, editor files).
 *
 * Rendering reads only the tree (no path or symbolic link leading out of it, no remote kustomize
 * bases) and touches nothing else: kubectl and helm run offline with an empty home directory, so
 * the server's own kubeconfig, Helm repositories and plugins play no part.
 * @throws GantryError('validation_failed') naming the file, line and column of broken YAML, a
 *   document that is no object, a path outside the tree or missing, kustomize's or helm's error
 *   output, or a path that renders no object at all (applying and pruning an empty set would
 *   delete the whole environment); GantryError('unavailable') when kubectl or helm is missing.
 */
export async function renderManifests(request: RenderRequest): Promise<RenderedObject[]> {
  request.signal?.throwIfAborted();
  const root = await realpath(request.root);
  const { real, shown } = await resolveInTree(root, request.path, SETTING);
  const objects = await renderPath(request, root, real, shown);
  if (objects.length === 0) throw invalid(`${SETTING}: ${shown} holds no Kubernetes objects`);
  return objects;
}

async function renderPath(request: RenderRequest, root: string, real: string, shown: string) {
  if ((await stat(real)).isFile()) {
    if (!MANIFEST_FILE.test(real)) {
      throw invalid(
        `${SETTING}: ${shown} is not a .yaml, .yml or .json file, nor a directory of manifests, a kustomization or a Helm chart`,
      );
    }
    return readManifestDocuments(await readFile(real, 'utf8'), { name: shown });
  }
  if (await kustomizationFileIn(real)) {
    await checkKustomizationInputs(root, real);
    const kubectl = await findKubeTool('kubectl', `to build the kustomization at ${shown}`, request.tools);
    const args = ['kustomize', real, '--load-restrictor', 'LoadRestrictionsRootOnly'];
    const output = await runOffline(request, kubectl, args, `kubectl kustomize ${shown}`, real);
    return readManifestDocuments(output, {
      name: `output of kubectl kustomize ${shown}`,
      sourceOf: () => `kustomization ${shown}`,
    });
  }
  const files = await walkTree(root, real);
  if (files.some((file) => file.path === 'Chart.yaml')) {
    const helm = await findKubeTool('helm', `to render the Helm chart at ${shown}`, request.tools);
    const args = [
      'template',
      request.releaseName,
      real,
      '--namespace',
      request.namespace,
      '--include-crds',
      '--skip-tests',
    ];
    const output = await runOffline(request, helm, args, `helm template ${shown}`, real);
    return readManifestDocuments(output, {
      name: `output of helm template ${shown}`,
      sourceOf: (_line, comment) => {
        const template = /^\s*Source:\s*(\S+)/m.exec(comment)?.[1];
        return template ? `helm chart ${shown}: ${template}` : `helm chart ${shown}`;
      },
    });
  }
  const objects: RenderedObject[] = [];
  for (const file of files) {
    if (!MANIFEST_FILE.test(file.path) || file.path.split('/').some((part) => part.startsWith('.'))) continue;
    request.signal?.throwIfAborted();
    const name = shown === '.' ? file.path : `${shown}/${file.path}`;
    objects.push(...readManifestDocuments(await readFile(file.real, 'utf8'), { name }));
  }
  return objects;
}

/**
 * Runs kubectl or helm with nothing of the server's environment: an empty scratch home (no
 * kubeconfig, Helm repositories or plugins) and proxies pointing at a closed loopback port, so a
 * chart or kustomization that tries the network fails instead of reaching out.
 */
async function runOffline(
  request: RenderRequest,
  tool: string,
  args: string[],
  what: string,
  cwd: string,
): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), 'gantry-render-'));
  const closedPort = 'http://127.0.0.1:9';
  try {
    return await runKubeTool(tool, args, {
      what,
      cwd,
      signal: request.signal,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: home,
        XDG_CONFIG_HOME: join(home, 'config'),
        XDG_CACHE_HOME: join(home, 'cache'),
        XDG_DATA_HOME: join(home, 'data'),
        KUBECONFIG: join(home, 'kubeconfig'),
        HTTP_PROXY: closedPort,
        HTTPS_PROXY: closedPort,
        http_proxy: closedPort,
        https_proxy: closedPort,
      },
    });
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

const invalid = (message: string): GantryError => new GantryError('validation_failed', message);
