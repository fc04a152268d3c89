#!/usr/bin/env node
import { hostname } from 'node:os';
import { dirname, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { resolveServerConfig, SERVER_OPTIONS, type ServerOptionName } from '../config/server-config.ts';
import { GantryError } from '../domain/errors.ts';
import { CliError, callApi, loadCredentials, saveCredentials } from './api-client.ts';
import { deployCommand } from './deploy-command.ts';
import { envCommand } from './env-command.ts';
import { execCommand } from './exec-command.ts';
import { logsCommand } from './logs-command.ts';
import { rollbackCommand } from './rollback-command.ts';
import { secretCommand } from './secret-command.ts';
import { statusCommand } from './status-command.ts';

const HELP = {
  main: `Usage: gantry <command> [options]

Commands:
  serve               start the Gantry server
  runner              run jobs for a Gantry server on this machine
  lint [FILE]         check a pipeline file (.gantry.yml or .gitlab-ci.yml) and its includes
  login               store the server URL and a personal access token for the commands below
  project create      create a project
  project list        list your projects
  env list PROJECT    list a project's environments and their last deployments
  status PROJECT      what runs where: the ref and commit each environment runs, when, who
  deploy PROJECT ENV  deploy a ref, commit or pipeline and follow it until it has finished
  rollback PROJECT ENV  roll an environment back to an earlier successful deployment
  logs PROJECT ENV    an environment's container logs (-f to follow)
  exec PROJECT ENV    a shell (or -- COMMAND) in an environment's container
  secret set|list|delete  a project's environment secrets (values are never shown)

Run "gantry <command> --help" for a command's options.`,
  login: `Usage: gantry login --url URL --token TOKEN

Checks the token against the server and stores both in ~/.config/gantry/credentials.json (0600).
GANTRY_URL and GANTRY_TOKEN, when set, take precedence over the stored file.`,
  'project create': `Usage: gantry project create PATH [--name NAME] [--description TEXT] [--default-branch BRANCH]
                             [--mirror-url URL [--mirror-username USER] [--mirror-password PASSWORD]]

Creates a hosted project at PATH (e.g. group/app), or a pull mirror of --mirror-url.`,
  'project list': `Usage: gantry project list [--search TEXT] [--page N] [--per-page N]`,
  runner: `Usage: gantry runner --url URL --token TOKEN [--concurrency N] [--executor shell|podman]
                    [--work-dir DIR] [--name NAME] [--image IMAGE]

Connects to a Gantry server and runs the jobs it pushes. An admin registers the runner first
(POST /api/v1/runners) and passes its token here; GANTRY_RUNNER_TOKEN may hold it instead.
  --concurrency N     jobs at once (default 1)
  --executor          shell (default): jobs run as processes on this machine;
                      podman: each job runs in a container from its image:
  --work-dir DIR      where job workspaces are made (default ./builds)
  --image IMAGE       podman: image for jobs without image:`,
  lint: `Usage: gantry lint [FILE]

Checks a pipeline file and the files it includes (include:local, resolved from the directory of the
git work tree that holds FILE, or the current directory). FILE defaults to .gantry.yml, else
.gitlab-ci.yml. Prints each error as file:line:column: message; exits 1 when there are errors.`,
};

function serveHelp(): string {
  const lines = Object.entries(SERVER_OPTIONS).map(
    ([name, option]) => `  --${name.padEnd(18)} ${option.env.padEnd(24)} ${option.help}`,
  );
  return `Usage: gantry serve [options]

Starts Gantry. Each option may also come from its environment variable; flags win.

${lines.join('\n')}

Also read from the environment only:
  GANTRY_SECRET_KEY            the AES-256 key itself (64 hex digits or base64), instead of a key file
  GANTRY_INITIAL_ADMIN_TOKEN   on first start, the token of the "admin" user (else a password is printed once)`;
}

async function serve(args: string[]): Promise<void> {
  const options = Object.fromEntries(
    Object.keys(SERVER_OPTIONS).map(
      (name) => [name, { type: name === 'demo' ? 'boolean' : 'string' }] as const,
    ),
  );
  const { values } = parseArgs({
    args,
    options: { ...options, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  if (values.help) return print(serveHelp());
  const config = resolveServerConfig(
    values as Partial<Record<ServerOptionName, string | boolean>>,
    process.env,
    process.cwd(),
  );
  // Signals are handled from the start: one arriving while the server starts stops it once started.
  let stopRequested: string | undefined;
  let stop = (signal: string) => {
    stopRequested ??= signal;
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // Loaded here so client commands start without loading the server (Fastify, database drivers).
  const { startGantryServer } = await import('../server/gantry-server.ts');
  const server = await startGantryServer(config);
  process.stdout.write(`Gantry is listening on ${server.url} (external URL ${config.externalUrl})\n`);
  let stopping = false;
  stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.app.log.info({ signal }, 'shutting down: finishing requests in flight');
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        server.app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  if (stopRequested !== undefined) stop(stopRequested);
}

async function runner(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      url: { type: 'string' },
      token: { type: 'string' },
      concurrency: { type: 'string' },
      executor: { type: 'string' },
      'work-dir': { type: 'string' },
      name: { type: 'string' },
      image: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return print(HELP.runner);
  const url = values.url ?? process.env.GANTRY_URL;
  const token = values.token ?? process.env.GANTRY_RUNNER_TOKEN;
  if (!url || !token) throw new CliError('gantry runner needs --url and --token (see gantry runner --help)');
  const concurrency = Number(values.concurrency ?? '1');
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    throw new CliError('--concurrency must be a whole number from 1 to 64');
  }
  const executorName = values.executor ?? 'shell';
  if (executorName !== 'shell' && executorName !== 'podman')
    throw new CliError('--executor must be shell or podman');
  const workDir = resolve(values['work-dir'] ?? 'builds');
  const { RunnerAgent } = await import('../runner/runner-agent.ts');
  const executor =
    executorName === 'podman'
      ? (await import('../runner/executor/podman-executor.ts')).podmanExecutor({
          workDir,
          ...(values.image && { defaultImage: values.image }),
        })
      : (await import('../runner/executor/shell-executor.ts')).shellExecutor({ workDir });
  const agent = new RunnerAgent({
    url: url.replace(/\/+$/, ''),
    token,
    name: values.name ?? hostname(),
    concurrency,
    executor,
    log: (line) => process.stderr.write(`gantry runner: ${line}\n`),
  });
  agent.start();
  await agent.waitUntilConnected();
  print(`Runner connected to ${url} (${executorName} executor, ${concurrency} at once); waiting for jobs`);
  const stop = () => {
    agent.stop().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

async function lint(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) return print(HELP.lint);
  const { lintPipeline, formatPipelineError } = await import('../pipeline/index.ts');
  const { readFile } = await import('node:fs/promises');
  const given = positionals[0];
  const candidates = given ? [given] : ['.gantry.yml', '.gitlab-ci.yml'];
  const found = await firstExisting(candidates.map((c) => resolve(c)));
  if (!found) throw new CliError(`no pipeline file: ${candidates.join(' or ')} not found`);
  const root = await gitTopLevel(dirname(found));
  const read = (path: string) => readFile(resolve(root, path), 'utf8').catch(() => undefined);
  const result = await lintPipeline(relative(root, found), read);
  for (const error of result.errors) process.stderr.write(`${formatPipelineError(error)}\n`);
  for (const warning of result.warnings) process.stderr.write(`warning: ${warning}\n`);
  if (!result.valid) process.exit(1);
  print(
    `${relative(process.cwd(), found) || found} is valid: ${result.jobs.length} jobs in ${result.stages.length} stages`,
  );
}

async function firstExisting(paths: string[]): Promise<string | undefined> {
  const { access } = await import('node:fs/promises');
  for (const path of paths) {
    if (
      await access(path).then(
        () => true,
        () => false,
      )
    )
      return path;
  }
  return undefined;
}

async function gitTopLevel(dir: string): Promise<string> {
  const { runGit } = await import('../git/run-git.ts');
  return runGit(['rev-parse', '--show-toplevel'], { cwd: dir }).then(
    (out) => out.stdout.trim(),
    () => dir,
  );
}

async function login(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { url: { type: 'string' }, token: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) return print(HELP.login);
  const url = values.url ?? process.env.GANTRY_URL;
  const token = values.token ?? process.env.GANTRY_TOKEN;
  if (!url || !token) throw new CliError('gantry login needs --url and --token (see gantry login --help)');
  const { data } = await callApi<{ username: string }>({ url, token }, 'GET', '/user');
  const file = await saveCredentials({ url, token });
  print(`Logged in to ${url} as ${data.username} (saved to ${file})`);
}

async function project(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub === 'create') {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        name: { type: 'string' },
        description: { type: 'string' },
        'default-branch': { type: 'string' },
        'mirror-url': { type: 'string' },
        'mirror-username': { type: 'string' },
        'mirror-password': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) return print(HELP['project create']);
    if (positionals.length !== 1) throw new CliError('gantry project create needs one PATH (see --help)');
    const body = {
      path: positionals[0],
      ...(values.name && { name: values.name }),
      ...(values.description && { description: values.description }),
      ...(values['default-branch'] && { default_branch: values['default-branch'] }),
      ...(values['mirror-url'] && { mirror_url: values['mirror-url'] }),
      ...(values['mirror-username'] && { mirror_username: values['mirror-username'] }),
      ...(values['mirror-password'] && { mirror_password: values['mirror-password'] }),
    };
    const { data } = await callApi<{ id: number; path_with_namespace: string; http_url_to_repo: string }>(
      await loadCredentials(),
      'POST',
      '/projects',
      body,
    );
    return print(
      `Created project ${data.path_with_namespace} (id ${data.id})\nClone: git clone ${data.http_url_to_repo}`,
    );
  }
  if (sub === 'list') {
    const { values } = parseArgs({
      args: rest,
      options: {
        search: { type: 'string' },
        page: { type: 'string' },
        'per-page': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) return print(HELP['project list']);
    const query = new URLSearchParams({
      ...(values.search && { search: values.search }),
      ...(values.page && { page: values.page }),
      ...(values['per-page'] && { per_page: values['per-page'] }),
    });
    const { data, headers } = await callApi<
      Array<{ id: number; path_with_namespace: string; last_activity_at: string }>
    >(await loadCredentials(), 'GET', `/projects?${query}`);
    const rows = data.map(
      (p) => `${String(p.id).padStart(6)}  ${p.path_with_namespace.padEnd(40)} ${p.last_activity_at}`,
    );
    return print(
      [
        `${'ID'.padStart(6)}  ${'PATH'.padEnd(40)} LAST ACTIVITY`,
        ...rows,
        `(${data.length} of ${headers.get('x-total')})`,
      ].join('\n'),
    );
  }
  throw new CliError(
    sub === undefined || sub === '--help' || sub === '-h'
      ? HELP['project create']
      : `unknown command "project ${sub}"`,
  );
}

function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

async function main(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  switch (command) {
    case 'serve':
      return serve(args);
    case 'login':
      return login(args);
    case 'runner':
      return runner(args);
    case 'lint':
      return lint(args);
    case 'project':
      return project(args);
    case 'env':
      return envCommand(args);
    case 'logs':
      return logsCommand(args);
    case 'exec':
      return execCommand(args);
    case 'status':
      return statusCommand(args);
    case 'deploy':
      return deployCommand(args);
    case 'rollback':
      return rollbackCommand(args);
    case 'secret':
      return secretCommand(args);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      return print(HELP.main);
    default:
      throw new CliError(`unknown command "${command}"\n\n${HELP.main}`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof CliError || error instanceof GantryError) {
    process.stderr.write(`gantry: ${error.message}\n`);
  } else if (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`gantry: ${error.message}\n`);
  } else {
    process.stderr.write(
      `gantry: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
  process.exit(1);
});
