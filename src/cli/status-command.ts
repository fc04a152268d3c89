import { parseArgs } from 'node:util';
import { CliError, loadCredentials } from './api-client.ts';
import { formatTable, formatTime } from './cli-table.ts';
import { listAll, write } from './deployment-client.ts';

export const STATUS_HELP = `Usage: gantry status PROJECT

Shows what runs where in a project (an id or a path such as group/app): each environment with the
ref and commit of its last successful deployment, when it finished and who deployed it.`;

interface MatrixRow {
  environment: { id: number; name: string; tier: string; state: string };
  deployment: {
    iid: number;
    ref: string;
    short_sha: string;
    tag: boolean;
    finished_at: string | null;
    user: { username: string } | null;
  } | null;
}

/** `gantry status PROJECT`: the project's rows of the what-runs-where matrix. */
export async function statusCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) return write(STATUS_HELP);
  if (positionals.length !== 1) throw new CliError('gantry status needs one PROJECT (see --help)');
  const project = positionals[0]!;
  const rows = await listAll<MatrixRow>(
    await loadCredentials(),
    `/environments/matrix?project=${encodeURIComponent(project)}`,
  );
  if (rows.length === 0) return write(`${project} has no environments yet`);
  write(
    formatTable(
      ['ENVIRONMENT', 'STATE', 'REF', 'COMMIT', 'DEPLOYED', 'BY'],
      rows.map(({ environment, deployment }) =>
        deployment
          ? [
              environment.name,
              environment.state,
              deployment.tag ? `${deployment.ref} (tag)` : deployment.ref,
              deployment.short_sha,
              `${formatTime(deployment.finished_at)} (#${deployment.iid})`,
              deployment.user?.username ?? '-',
            ]
          : [environment.name, environment.state, '-', '-', 'never deployed', '-'],
      ),
    ),
  );
}
