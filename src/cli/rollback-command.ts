import { parseArgs } from 'node:util';
import { CliError, type Credentials, callApi, loadCredentials } from './api-client.ts';
import {
  type DeploymentJson,
  type EnvironmentJson,
  findEnvironment,
  finish,
  followDeployment,
  parseInterval,
  projectPath,
  write,
} from './deployment-client.ts';

export const ROLLBACK_HELP = `Usage: gantry rollback PROJECT ENVIRONMENT [--to IID] [--interval MS]

Rolls an environment back: a new deployment applies again what an earlier successful deployment
applied (its snapshot; old job artifacts are not needed). Without --to, the target is the newest
successful deployment before the current one that deployed a different commit. Prints each status
change until it has finished; exits 0 when it succeeded, 1 otherwise.
  --to IID        the deployment to roll back to, by its number (#IID in gantry env list)
  --interval MS   how often to check the deployment's status (default 1000)`;

const PAGE = 100;

/** `gantry rollback PROJECT ENV`: `POST …/deployments/:deployment_id/rollback`, then follows it. */
export async function rollbackCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      to: { type: 'string' },
      interval: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return write(ROLLBACK_HELP);
  if (positionals.length !== 2) {
    throw new CliError('gantry rollback needs a PROJECT and an ENVIRONMENT (see --help)');
  }
  const [project, name] = positionals as [string, string];
  let iid: number | undefined;
  if (values.to !== undefined) {
    iid = Number(values.to.replace(/^#/, ''));
    if (!Number.isInteger(iid) || iid < 1) throw new CliError('--to must be a deployment number such as 12');
  }
  const intervalMs = parseInterval(values.interval);
  const credentials = await loadCredentials();
  const environment = await findEnvironment(credentials, project, name);
  const target =
    iid === undefined
      ? await previousSuccessful(credentials, project, environment)
      : await byIid(credentials, project, environment, iid);
  write(`Rolling ${name} back to deployment #${target.iid} (${target.ref} @ ${target.sha.slice(0, 8)})`);
  const { data } = await callApi<DeploymentJson>(
    credentials,
    'POST',
    `${projectPath(project)}/deployments/${target.id}/rollback`,
    {},
  );
  finish(await followDeployment(credentials, project, data, { intervalMs, write }), write);
}

function deploymentsPath(project: string, environment: EnvironmentJson, query: string): string {
  return `${projectPath(project)}/deployments?environment=${encodeURIComponent(environment.name)}&${query}&per_page=${PAGE}`;
}

/** The newest successful start deployment older than the current one and of another commit. */
async function previousSuccessful(
  credentials: Credentials,
  project: string,
  environment: EnvironmentJson,
): Promise<DeploymentJson> {
  const current = environment.last_successful_deployment ?? null;
  if (!current) throw new CliError(`${environment.name} has no successful deployment to roll back from`);
  for (let page = 1; ; page++) {
    const { data } = await callApi<DeploymentJson[]>(
      credentials,
      'GET',
      `${deploymentsPath(project, environment, 'status=success&order_by=id&sort=desc')}&page=${page}`,
    );
    const found = data.find((d) => d.action === 'start' && d.id < current.id && d.sha !== current.sha);
    if (found) return found;
    if (data.length < PAGE) {
      throw new CliError(
        `${environment.name} has no earlier successful deployment of another commit than ${current.sha.slice(0, 8)} (#${current.iid})`,
      );
    }
  }
}

/** The environment's deployment numbered `iid`. */
async function byIid(
  credentials: Credentials,
  project: string,
  environment: EnvironmentJson,
  iid: number,
): Promise<DeploymentJson> {
  for (let page = 1; ; page++) {
    const { data } = await callApi<DeploymentJson[]>(
      credentials,
      'GET',
      `${deploymentsPath(project, environment, 'order_by=iid&sort=desc')}&page=${page}`,
    );
    const found = data.find((d) => d.iid === iid);
    if (found) return found;
    // Newest first: once past the number, or at the end, it is not there.
    if (data.length < PAGE || data.some((d) => d.iid < iid)) {
      throw new CliError(`${environment.name} has no deployment #${iid}`);
    }
  }
}
