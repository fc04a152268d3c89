import { CliError, type Credentials, callApi } from './api-client.ts';

/** A deployment as the API shows it (the fields the CLI uses). */
export interface DeploymentJson {
  id: number;
  iid: number;
  ref: string;
  sha: string;
  status: string;
  action: string;
  created_at: string;
  finished_at: string | null;
  user: { id: number; username: string } | null;
  environment: { id: number; name: string };
  deployable: { id: number; name: string; status?: string } | null;
}

/** An environment as the API shows it (the fields the CLI uses). */
export interface EnvironmentJson {
  id: number;
  name: string;
  state: string;
  tier: string;
  external_url: string | null;
  last_deployment: DeploymentJson | null;
  last_successful_deployment?: DeploymentJson | null;
}

/** Statuses a deployment never leaves. */
export const FINAL_STATUSES: ReadonlySet<string> = new Set(['success', 'failed', 'canceled', 'skipped']);

/** `/projects/<id or URL-encoded path>`. */
export function projectPath(project: string): string {
  return `/projects/${encodeURIComponent(project)}`;
}

/** Every item of a paginated list, following `X-Next-Page` (100 per page). */
export async function listAll<T>(credentials: Credentials, path: string): Promise<T[]> {
  const items: T[] = [];
  for (let page = 1; ; ) {
    const separator = path.includes('?') ? '&' : '?';
    const { data, headers } = await callApi<T[]>(
      credentials,
      'GET',
      `${path}${separator}per_page=100&page=${page}`,
    );
    items.push(...data);
    const next = Number(headers.get('x-next-page') || 0);
    if (!next || next <= page) return items;
    page = next;
  }
}

/** The environment of that name in the project, with its deployments; a CliError when there is none. */
export async function findEnvironment(
  credentials: Credentials,
  project: string,
  name: string,
): Promise<EnvironmentJson> {
  const { data } = await callApi<EnvironmentJson[]>(
    credentials,
    'GET',
    `${projectPath(project)}/environments?name=${encodeURIComponent(name)}`,
  );
  const found = data[0];
  if (!found) {
    throw new CliError(`no environment named "${name}" in ${project} (see gantry env list ${project})`);
  }
  const { data: details } = await callApi<EnvironmentJson>(
    credentials,
    'GET',
    `${projectPath(project)}/environments/${found.id}`,
  );
  return details;
}

/** `#12 to production`: how progress lines name a deployment. */
function describe(deployment: DeploymentJson): string {
  return `deployment #${deployment.iid} to ${deployment.environment.name}`;
}

function progressLine(deployment: DeploymentJson): string {
  const job = deployment.deployable;
  const jobPart = job ? ` (job ${job.name} #${job.id}${job.status ? `: ${job.status}` : ''})` : '';
  return `${describe(deployment)}: ${deployment.status}${jobPart}`;
}

/**
 * Prints a deployment's status, then polls `GET /projects/:id/deployments/:deployment_id` every
 * `intervalMs` and prints a line whenever its status (or its job's) changes, until the status is
 * final. Returns the deployment as last read.
 */
export async function followDeployment(
  credentials: Credentials,
  project: string,
  first: DeploymentJson,
  options: { intervalMs: number; write: (line: string) => void },
): Promise<DeploymentJson> {
  let current = first;
  options.write(
    `${describe(current)} (${current.ref} @ ${current.sha.slice(0, 8)}, id ${current.id}): ${current.status}`,
  );
  let last = progressLine(current);
  while (!FINAL_STATUSES.has(current.status)) {
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
    const { data } = await callApi<DeploymentJson>(
      credentials,
      'GET',
      `${projectPath(project)}/deployments/${current.id}`,
    );
    current = data;
    const line = progressLine(current);
    if (line !== last) options.write(line);
    last = line;
  }
  return current;
}

/** The end of `gantry deploy` and `gantry rollback`: a summary line on success, else a CliError (exit 1). */
export function finish(deployment: DeploymentJson, write: (line: string) => void): void {
  if (deployment.status === 'success') {
    write(
      `${deployment.ref} @ ${deployment.sha.slice(0, 8)} now runs in ${deployment.environment.name} (deployment #${deployment.iid})`,
    );
    return;
  }
  throw new CliError(`${describe(deployment)} ended ${deployment.status}`);
}

/** `--interval MS`, from 50 to 60000 (default 1000). */
export function parseInterval(value: string | undefined): number {
  if (value === undefined) return 1000;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 50 || ms > 60_000) {
    throw new CliError('--interval must be a whole number of milliseconds from 50 to 60000');
  }
  return ms;
}

export const write = (line: string): void => {
  process.stdout.write(`${line}\n`);
};
