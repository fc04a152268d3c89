import { parseArgs } from 'node:util';
import { CliError, loadCredentials } from './api-client.ts';
import { formatTable } from './cli-table.ts';
import { type EnvironmentJson, listAll, projectPath, write } from './deployment-client.ts';

export const ENV_HELP = `Usage: gantry env list PROJECT [--search PREFIX] [--state available|stopping|stopped]

Lists a project's environments (PROJECT is an id or a path such as group/app) with their state,
tier and last deployment (number, commit and status).`;

/** `gantry env list`. */
export async function envCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h') return write(ENV_HELP);
  if (sub !== 'list') throw new CliError(`unknown command "env ${sub}"\n\n${ENV_HELP}`);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      search: { type: 'string' },
      state: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return write(ENV_HELP);
  if (positionals.length !== 1) throw new CliError('gantry env list needs one PROJECT (see --help)');
  const project = positionals[0]!;
  const query = new URLSearchParams({
    ...(values.search && { search: values.search }),
    ...(values.state && { states: values.state }),
  });
  const environments = await listAll<EnvironmentJson>(
    await loadCredentials(),
    `${projectPath(project)}/environments${query.size ? `?${query}` : ''}`,
  );
  if (environments.length === 0)
    return write(`${project} has no environments${query.size ? ' matching' : ''}`);
  write(
    formatTable(
      ['NAME', 'STATE', 'TIER', 'LAST DEPLOYMENT'],
      environments.map((environment) => {
        const last = environment.last_deployment;
        return [
          environment.name,
          environment.state,
          environment.tier,
          last ? `#${last.iid} ${last.sha.slice(0, 8)} ${last.status}` : '-',
        ];
      }),
    ),
  );
}
