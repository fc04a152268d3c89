// An example external deployer for Gantry (see README.md beside this file): it receives Gantry's
// signed `deployment` webhook, runs one command for the deployment (`nomad job run` by default, or
// `aws ecs update-service`, or any command line given) and reports the outcome back to Gantry's
// deployment statuses API. Node 24, no dependencies: `node deployer.ts --help`.

import { spawn } from 'node:child_process';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';

const USAGE = `Usage: node deployer.ts [options]   (each option may also come from the variable in brackets)

  --port <n>            port to listen on; 0 picks a free one              [DEPLOYER_PORT, default 8090]
  --host <address>      address to listen on                               [DEPLOYER_HOST, default 127.0.0.1]
  --gantry-url <url>    Gantry's base URL, e.g. https://gantry.example.com [GANTRY_URL]
  --token <token>       token of a project developer, to report statuses   [GANTRY_TOKEN]
  --secret <secret>     the target's webhook secret                        [DEPLOYER_SECRET]
  --mode nomad|ecs      which command to run                               [DEPLOYER_MODE, default nomad]
  --job-file <path>     nomad: the job file given to \`nomad job run\`       [NOMAD_JOB_FILE]
  --cluster <name>      ecs: the cluster                                   [ECS_CLUSTER]
  --service <name>      ecs: the service                                   [ECS_SERVICE]
  --command <json>      any other command: a JSON array of arguments       [DEPLOYER_COMMAND]
  --stop-command <json> what a stop deployment runs (JSON array)           [DEPLOYER_STOP_COMMAND]
  --container <name>    which deploy:images entry is {image}; default first [DEPLOYER_CONTAINER]
  --timeout <seconds>   a command running longer fails                     [DEPLOYER_TIMEOUT, default 1800]

Arguments may hold {image}, {sha}, {short_sha}, {ref}, {environment}, {environment_slug},
{deployment_id} and {project}; the command runs without a shell, and also sees them as GANTRY_*
environment variables.`;

/** The parts of Gantry's `deployment` webhook payload this deployer uses. */
interface DeploymentEvent {
  deployment: {
    id: number;
    sha: string;
    ref: string;
    task: 'deploy' | 'stop';
    snapshot: { definition?: { deploy?: { images?: Record<string, string> } | null } } | null;
  };
  environment: { name: string; slug: string };
  project: { id: number; path_with_namespace: string };
}

interface Config {
  host: string;
  port: number;
  gantryUrl: string;
  token: string;
  secret: string;
  command: string[];
  stopCommand: string[] | null;
  container: string | null;
  timeoutSeconds: number;
}

/** Reads the configuration from flags, then environment variables; exits with the usage on a mistake. */
function readConfig(argv: string[], env: NodeJS.ProcessEnv): Config {
  const text = { type: 'string' } as const;
  const { values } = parseArgs({
    args: argv,
    options: {
      port: text,
      host: text,
      'gantry-url': text,
      token: text,
      secret: text,
      mode: text,
      'job-file': text,
      cluster: text,
      service: text,
      command: text,
      'stop-command': text,
      container: text,
      timeout: text,
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const option = (name: Exclude<keyof typeof values, 'help'>, variable: string, fallback?: string) => {
    const value = values[name] ?? env[variable] ?? fallback;
    if (value === undefined || value === '') usageError(`--${name} (or ${variable}) is required`);
    return value;
  };
  const mode = option('mode', 'DEPLOYER_MODE', 'nomad');
  const custom = values.command ?? env.DEPLOYER_COMMAND;
  let command: string[];
  if (custom) command = parseCommand(custom, '--command');
  else if (mode === 'nomad')
    command = ['nomad', 'job', 'run', '-var', 'image={image}', option('job-file', 'NOMAD_JOB_FILE')];
  else if (mode === 'ecs')
    command = [
      'aws',
      'ecs',
      'update-service',
      '--cluster',
      option('cluster', 'ECS_CLUSTER'),
      '--service',
      option('service', 'ECS_SERVICE'),
      '--force-new-deployment',
    ];
  else usageError(`--mode must be nomad or ecs, not ${mode}`);
  const stop = values['stop-command'] ?? env.DEPLOYER_STOP_COMMAND;
  const port = Number(option('port', 'DEPLOYER_PORT', '8090'));
  const timeoutSeconds = Number(option('timeout', 'DEPLOYER_TIMEOUT', '1800'));
  if (!Number.isInteger(port) || port < 0 || port > 65535) usageError('--port must be a port number');
  if (!(timeoutSeconds > 0)) usageError('--timeout must be a positive number of seconds');
  return {
    host: option('host', 'DEPLOYER_HOST', '127.0.0.1'),
    port,
    gantryUrl: option('gantry-url', 'GANTRY_URL').replace(/\/+$/, ''),
    token: option('token', 'GANTRY_TOKEN'),
    secret: option('secret', 'DEPLOYER_SECRET'),
    command,
    stopCommand: stop ? parseCommand(stop, '--stop-command') : null,
    container: values.container ?? env.DEPLOYER_CONTAINER ?? null,
    timeoutSeconds,
  };
}

function usageError(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

function parseCommand(json: string, flag: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    // Reported below with what was expected.
  }
  if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((a) => typeof a === 'string'))
    usageError(`${flag} must be a JSON array of strings, e.g. ["fly","deploy","--image","{image}"]`);
  return parsed;
}

/** GitHub's scheme, which Gantry follows: `sha256=` + hex HMAC-SHA256 of the exact body bytes. */
function signatureIsValid(secret: string, body: Buffer, header: string | undefined): boolean {
  if (header === undefined) return false;
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  const given = Buffer.from(header);
  // timingSafeEqual needs equal lengths; the length of a hex digest is no secret.
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The payload if it names a deployment as Gantry sends it, else why not. */
function readEvent(body: Buffer): DeploymentEvent | string {
  let event: DeploymentEvent;
  try {
    event = JSON.parse(body.toString('utf8'));
  } catch {
    return 'the body is not JSON';
  }
  const d = event?.deployment;
  if (!Number.isInteger(d?.id) || !Number.isInteger(event.project?.id))
    return 'expected deployment.id and project.id';
  if (typeof d.sha !== 'string' || !/^[0-9a-f]{40,64}$/.test(d.sha))
    return 'expected deployment.sha, a commit id';
  if (typeof event.environment?.name !== 'string') return 'expected environment.name';
  return event;
}

type Snapshot = DeploymentEvent['deployment']['snapshot'];

/**
 * The deployment's snapshot (the job as planned, with its `deploy:images`). Gantry may send the
 * event before it has recorded the snapshot, so a missing one is read from the deployments API,
 * asking again for a few seconds.
 */
async function snapshotOf(config: Config, event: DeploymentEvent): Promise<Snapshot> {
  const url = `${config.gantryUrl}/api/v1/projects/${event.project.id}/deployments/${event.deployment.id}`;
  let snapshot = event.deployment.snapshot;
  for (let attempt = 0; snapshot === null && attempt < 20; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 250));
    const response = await fetch(url, { headers: { authorization: `Bearer ${config.token}` } });
    if (!response.ok) throw new Error(`reading deployment ${event.deployment.id}: ${response.status}`);
    snapshot = ((await response.json()) as { snapshot: Snapshot }).snapshot;
  }
  return snapshot;
}

/**
 * The image to deploy: the `deploy:images` entry (the named container's, or the first), with the
 * commit variables Gantry leaves unexpanded filled in from the payload; the commit id without images.
 */
function imageOf(event: DeploymentEvent, snapshot: Snapshot, container: string | null): string {
  const images = snapshot?.definition?.deploy?.images ?? {};
  const image = container === null ? Object.values(images)[0] : images[container];
  if (image === undefined) {
    if (container !== null) throw new Error(`deploy:images has no container ${container}`);
    return event.deployment.sha;
  }
  const known: Record<string, string> = {
    CI_COMMIT_SHA: event.deployment.sha,
    CI_COMMIT_SHORT_SHA: event.deployment.sha.slice(0, 8),
    CI_COMMIT_REF_NAME: event.deployment.ref,
    CI_ENVIRONMENT_NAME: event.environment.name,
    CI_ENVIRONMENT_SLUG: event.environment.slug,
  };
  return image.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (whole, name: string) => {
    const value = known[name];
    if (value === undefined) throw new Error(`image ${image}: this deployer cannot expand ${whole}`);
    return value;
  });
}

/** The placeholders of command arguments, also passed to the command as GANTRY_<NAME>. */
function placeholders(
  event: DeploymentEvent,
  snapshot: Snapshot,
  container: string | null,
): Record<string, string> {
  return {
    image: imageOf(event, snapshot, container),
    sha: event.deployment.sha,
    short_sha: event.deployment.sha.slice(0, 8),
    ref: event.deployment.ref,
    environment: event.environment.name,
    environment_slug: event.environment.slug,
    deployment_id: String(event.deployment.id),
    project: event.project.path_with_namespace,
  };
}

/** Runs `argv` without a shell; resolves with its exit code (null when killed) and last output lines. */
function run(
  argv: string[],
  env: Record<string, string>,
  timeoutSeconds: number,
): Promise<{ code: number | null; tail: string }> {
  return new Promise((resolve) => {
    let output = '';
    const keep = (chunk: Buffer) => {
      process.stdout.write(chunk);
      output = (output + chunk.toString()).slice(-8000);
    };
    const child = spawn(argv[0]!, argv.slice(1), {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutSeconds * 1000,
    });
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (error) => resolve({ code: null, tail: `${argv[0]}: ${error.message}` }));
    child.on('close', (code, signal) =>
      resolve({ code, tail: `${output}${signal ? `\n(killed by ${signal})` : ''}` }),
    );
  });
}

/** The last lines of `text` that fit in a status description (Gantry takes up to 1,000 characters). */
function lastLines(text: string, limit = 1000): string {
  const lines = text.trimEnd().split('\n').slice(-15);
  while (lines.length > 1 && lines.join('\n').length > limit) lines.shift();
  return lines.join('\n').slice(-limit);
}

/** Handles one deployment: reports in_progress, runs the command, reports success or failure. */
async function deploy(config: Config, event: DeploymentEvent): Promise<void> {
  const statuses = `${config.gantryUrl}/api/v1/projects/${event.project.id}/deployments/${event.deployment.id}/statuses`;
  const report = async (state: string, description: string) => {
    // A status that does not arrive leaves the job waiting for its timeout: retry a few times.
    for (let attempt = 1; ; attempt++) {
      const response = await fetch(statuses, {
        method: 'POST',
        headers: { authorization: `Bearer ${config.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ state, description: lastLines(description) }),
      }).catch((error: Error) => error);
      if (!(response instanceof Error) && response.ok) return;
      const why =
        response instanceof Error ? response.message : `${response.status} ${await response.text()}`;
      console.error(`deployment ${event.deployment.id}: reporting ${state} failed: ${why}`);
      if (attempt === 3 || (!(response instanceof Error) && response.status < 500)) return;
      await new Promise((resolve) => setTimeout(resolve, attempt * 2000));
    }
  };
  // A deployer restarted since it handled this deployment must not run it again: Gantry remembers.
  const earlier = await fetch(statuses, { headers: { authorization: `Bearer ${config.token}` } });
  if (!earlier.ok) {
    // Nor could it report: deploying unseen would leave Gantry waiting for the job's timeout.
    console.error(
      `deployment ${event.deployment.id}: reading its statuses: ${earlier.status}; not deploying`,
    );
    return;
  }
  if (((await earlier.json()) as unknown[]).length > 0) {
    console.log(`deployment ${event.deployment.id}: already reported, ignoring the redelivery`);
    return;
  }
  const template = event.deployment.task === 'stop' ? config.stopCommand : config.command;
  if (template === null) {
    await report('error', 'this deployer has no stop command (--stop-command)');
    return;
  }
  let values: Record<string, string>;
  try {
    values = placeholders(event, await snapshotOf(config, event), config.container);
  } catch (error) {
    await report('error', (error as Error).message);
    return;
  }
  const argv = template.map((arg) =>
    arg.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole),
  );
  await report('in_progress', `running: ${argv.join(' ')}`);
  console.log(`deployment ${event.deployment.id}: ${argv.join(' ')}`);
  const env = Object.fromEntries(Object.entries(values).map(([k, v]) => [`GANTRY_${k.toUpperCase()}`, v]));
  const { code, tail } = await run(argv, env, config.timeoutSeconds);
  if (code === 0) await report('success', tail || `${argv[0]} succeeded`);
  else await report('failure', tail || `${argv[0]} exited with ${code}`);
}

/** Starts the HTTP server; resolves with it once it listens. */
function serve(config: Config): Promise<ReturnType<typeof createServer>> {
  // Deployment ids handled by this process: Gantry redelivers an event whose answer it missed.
  const handled = new Set<number>();
  const answer = (response: ServerResponse, status: number, message: string) =>
    response.writeHead(status, { 'content-type': 'text/plain' }).end(`${message}\n`);

  const server = createServer((request: IncomingMessage, response) => {
    if (request.method !== 'POST') return answer(response, 405, 'POST a Gantry webhook here');
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > 1024 * 1024) request.destroy();
      else chunks.push(chunk);
    });
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const signature = request.headers['x-gantry-signature-256'];
      if (!signatureIsValid(config.secret, body, typeof signature === 'string' ? signature : undefined)) {
        console.error(`refused a request from ${request.socket.remoteAddress}: bad or missing signature`);
        return answer(response, 401, 'expected an x-gantry-signature-256 header signing the body');
      }
      if (request.headers['x-gantry-event'] !== 'deployment') return answer(response, 204, '');
      const event = readEvent(body);
      if (typeof event === 'string') return answer(response, 400, event);
      if (handled.has(event.deployment.id)) return answer(response, 200, 'already handled');
      handled.add(event.deployment.id);
      // Answer at once: Gantry's delivery times out long before a rollout ends.
      answer(response, 202, 'accepted');
      deploy(config, event).catch((error: Error) =>
        console.error(`deployment ${event.deployment.id}: ${error.stack ?? error.message}`),
      );
    });
  });
  return new Promise((resolve) => server.listen(config.port, config.host, () => resolve(server)));
}

const config = readConfig(process.argv.slice(2), process.env);
const server = await serve(config);
const { port } = server.address() as AddressInfo;
console.log(`deployer listening on http://${config.host}:${port}, running: ${config.command.join(' ')}`);
// Stop taking deliveries; deployments under way run to their end and report.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => server.close());
