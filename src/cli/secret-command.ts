import { parseArgs } from 'node:util';
import { CliError, callApi, loadCredentials } from './api-client.ts';
import { formatTable, formatTime } from './cli-table.ts';
import { listAll, projectPath, write } from './deployment-client.ts';

export const SECRET_HELP = `Usage: gantry secret set PROJECT KEY [--env SCOPE] [--value VALUE]
       gantry secret list PROJECT
       gantry secret delete PROJECT KEY [--env SCOPE]

Environment secrets of a project (an id or a path such as group/app), which deployments give to the
environments SCOPE matches: * (the default: every environment), a name such as production, or a
pattern such as review/*. Where several scopes of one key match, the most specific wins.
  set      creates the secret, or changes its value when KEY already exists in SCOPE. Without
           --value the value is read from standard input, byte for byte (a trailing newline is
           kept: use printf '%s' or < FILE); prefer this, since --value shows in process lists
           and shell history
  list     keys and scopes, never values
  delete   removes KEY from SCOPE`;

/** An environment secret as the API shows it. */
interface SecretJson {
  key: string;
  environment_scope: string;
  created_at: string;
  updated_at: string;
}

/** `gantry secret set|list|delete`. */
export async function secretCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h') return write(SECRET_HELP);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      env: { type: 'string' },
      value: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return write(SECRET_HELP);
  switch (sub) {
    case 'set': {
      need(positionals, 2, 'gantry secret set needs a PROJECT and a KEY');
      const [project, key] = positionals as [string, string];
      const value = values.value ?? (await readStandardInput());
      return setSecret(project, key, values.env ?? '*', value);
    }
    case 'list': {
      need(positionals, 1, 'gantry secret list needs one PROJECT');
      const [project] = positionals as [string];
      return listSecrets(project);
    }
    case 'delete': {
      need(positionals, 2, 'gantry secret delete needs a PROJECT and a KEY');
      const [project, key] = positionals as [string, string];
      const scope = values.env ?? '*';
      await callApi(await loadCredentials(), 'DELETE', secretPath(project, key, scope));
      return write(`Deleted secret ${key} (environments ${scope}) from ${project}`);
    }
    default:
      throw new CliError(`unknown command "secret ${sub}"\n\n${SECRET_HELP}`);
  }
}

/** Creates the secret; when it exists in that scope (409), changes its value instead. */
async function setSecret(project: string, key: string, scope: string, value: string): Promise<void> {
  const credentials = await loadCredentials();
  const size = `${Buffer.byteLength(value, 'utf8')} bytes`;
  try {
    await callApi(credentials, 'POST', `${projectPath(project)}/environment_secrets`, {
      key,
      value,
      environment_scope: scope,
    });
    return write(`Created secret ${key} (environments ${scope}, ${size}) in ${project}`);
  } catch (error) {
    if (!(error instanceof CliError) || error.status !== 409) throw error;
  }
  await callApi(credentials, 'PUT', secretPath(project, key, scope), { value });
  write(`Updated secret ${key} (environments ${scope}, ${size}) in ${project}`);
}

async function listSecrets(project: string): Promise<void> {
  const secrets = await listAll<SecretJson>(
    await loadCredentials(),
    `${projectPath(project)}/environment_secrets`,
  );
  if (secrets.length === 0) return write(`${project} has no environment secrets`);
  write(
    formatTable(
      ['KEY', 'ENVIRONMENTS', 'UPDATED'],
      secrets.map((secret) => [secret.key, secret.environment_scope, formatTime(secret.updated_at)]),
    ),
  );
}

function secretPath(project: string, key: string, scope: string): string {
  return `${projectPath(project)}/environment_secrets/${encodeURIComponent(key)}?environment_scope=${encodeURIComponent(scope)}`;
}

function need(positionals: string[], count: number, message: string): void {
  if (positionals.length !== count) throw new CliError(`${message} (see gantry secret --help)`);
}

/** All of standard input as UTF-8 text; refused from a terminal, where typing would show the value. */
async function readStandardInput(): Promise<string> {
  if (process.stdin.isTTY) {
    throw new CliError(
      'give the value on standard input (printf \'%s\' "$VALUE" | gantry secret set …, or < FILE) or with --value',
    );
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new CliError('the value on standard input is not UTF-8 text; secrets hold text only');
  }
}
