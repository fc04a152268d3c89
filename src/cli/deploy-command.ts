import { parseArgs } from 'node:util';
import { CliError, callApi, loadCredentials } from './api-client.ts';
import {
  type DeploymentJson,
  findEnvironment,
  finish,
  followDeployment,
  parseInterval,
  projectPath,
  write,
} from './deployment-client.ts';

export const DEPLOY_HELP = `Usage: gantry deploy PROJECT ENVIRONMENT (--ref REF | --sha SHA | --pipeline ID) [--always]
                     [--interval MS]

Deploys to an environment of a project (an id or a path such as group/app): the branch or tag
--ref, the commit --sha, or what pipeline --pipeline built. Prints each status change until the
deployment has finished; exits 0 when it succeeded, 1 otherwise.
  --always        also deploy every later successful pipeline of this branch here (an auto-deploy rule)
  --interval MS   how often to check the deployment's status (default 1000)`;

/** `gantry deploy PROJECT ENV`: `POST …/environments/:environment_id/deploy`, then follows it. */
export async function deployCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ref: { type: 'string' },
      sha: { type: 'string' },
      pipeline: { type: 'string' },
      always: { type: 'boolean' },
      interval: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return write(DEPLOY_HELP);
  if (positionals.length !== 2) {
    throw new CliError('gantry deploy needs a PROJECT and an ENVIRONMENT (see --help)');
  }
  const [project, name] = positionals as [string, string];
  const given = [values.ref, values.sha, values.pipeline].filter((v) => v !== undefined);
  if (given.length !== 1) throw new CliError('gantry deploy needs exactly one of --ref, --sha or --pipeline');
  let what: Record<string, string | number>;
  if (values.pipeline !== undefined) {
    const id = Number(values.pipeline);
    if (!Number.isInteger(id) || id < 1)
      throw new CliError('--pipeline must be a pipeline id (a whole number)');
    what = { pipeline_id: id };
  } else {
    what = values.ref !== undefined ? { ref: values.ref } : { sha: values.sha! };
  }
  const intervalMs = parseInterval(values.interval);
  const credentials = await loadCredentials();
  const environment = await findEnvironment(credentials, project, name);
  const { data } = await callApi<DeploymentJson>(
    credentials,
    'POST',
    `${projectPath(project)}/environments/${environment.id}/deploy`,
    { ...what, ...(values.always && { always: true }) },
  );
  if (values.always) {
    write(`Auto-deploy on: later successful pipelines of ${data.ref} deploy to ${name} without asking`);
  }
  finish(await followDeployment(credentials, project, data, { intervalMs, write }), write);
}
