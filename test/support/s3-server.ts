import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CreateBucketCommand,
  ListBucketsCommand,
  PutBucketVersioningCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { skipOutsideCi } from '../runner/real-dependency.ts';
import { freePort } from './free-port.ts';

/** A running versitygw (posix backend) on loopback, with a client signed in as its root user. */
export interface RunningS3Server {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Path-style (`/bucket/key`): virtual-host names would need DNS for 127.0.0.1. */
  client: S3Client;
  /** Creates a bucket; `versioning: true` also enables bucket versioning on it. */
  createBucket(name: string, options?: { versioning?: boolean }): Promise<void>;
  /** Stops the server and deletes its files; safe to call twice. */
  stop(): Promise<void>;
}

const BUILD_SCRIPT = resolve(dirname(fileURLToPath(import.meta.url)), '../../scripts/s3-rig/build.sh');
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
const REGION = 'us-east-1';

/** Where scripts/s3-rig/build.sh puts versitygw (it holds the version), built or not. */
export function versitygwBinary(): string {
  const config = execFileSync('bash', [BUILD_SCRIPT, '--print-config'], { encoding: 'utf8' });
  const line = config.split('\n').find((entry) => entry.startsWith('VERSITYGW='));
  if (!line) throw new Error(`${BUILD_SCRIPT} --print-config printed no VERSITYGW= line:\n${config}`);
  return line.slice('VERSITYGW='.length);
}

/** Why versitygw cannot run here, or undefined when it can. */
export function s3ServerUnavailableReason(): string | undefined {
  const binary = versitygwBinary();
  return existsSync(binary)
    ? undefined
    : `versitygw is not built (${binary} missing): run \`bash scripts/s3-rig/build.sh\``;
}

/**
 * The options for `describe(name, options, …)`: skip outside CI when versitygw is not built. In CI the
 * suite runs and fails, since {@link startS3Server} then throws.
 */
export function s3ServerSuiteOptions(): { skip?: string } {
  const reason = s3ServerUnavailableReason();
  return skipOutsideCi(reason);
}

/**
 * Starts versitygw's posix backend on a free loopback port, storing buckets as folders of a fresh temp
 * directory (object metadata in extended attributes, which the temp file system must support) and
 * old versions in a second one: `--versioning-dir` is what lets the posix backend enable bucket
 * versioning at all.
 */
export async function startS3Server(): Promise<RunningS3Server> {
  const binary = versitygwBinary();
  if (!existsSync(binary)) throw new Error(s3ServerUnavailableReason());
  const dir = mkdtempSync(join(tmpdir(), 'gantry-s3-'));
  const dataDir = join(dir, 'buckets');
  const versionsDir = join(dir, 'versions');
  mkdirSync(dataDir);
  mkdirSync(versionsDir);
  const accessKeyId = `gantry${randomBytes(4).toString('hex')}`;
  const secretAccessKey = randomBytes(20).toString('hex');
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const logPath = join(dir, 'versitygw.log');
  const logFd = openSync(logPath, 'w');
  let child: ChildProcess;
  try {
    child = spawn(
      binary,
      [
        '--port',
        `127.0.0.1:${port}`,
        '--region',
        REGION,
        '--quiet',
        'posix',
        '--versioning-dir',
        versionsDir,
        dataDir,
      ],
      {
        // Credentials through the environment, not the command line other users can read.
        env: { ...process.env, ROOT_ACCESS_KEY_ID: accessKeyId, ROOT_SECRET_ACCESS_KEY: secretAccessKey },
        stdio: ['ignore', logFd, logFd],
      },
    );
  } finally {
    closeSync(logFd);
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const client = new S3Client({
    endpoint,
    region: REGION,
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey },
  });
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      client.destroy();
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    })();
    return stopped;
  };
  try {
    await waitUntilReady(client, exited, logPath);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    endpoint,
    region: REGION,
    accessKeyId,
    secretAccessKey,
    client,
    async createBucket(name, options = {}) {
      await client.send(new CreateBucketCommand({ Bucket: name }));
      if (options.versioning) {
        await client.send(
          new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: 'Enabled' } }),
        );
      }
    },
    stop,
  };
}

async function waitUntilReady(
  client: S3Client,
  exited: Promise<number | null>,
  logPath: string,
): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let exitCode: number | null | undefined;
  void exited.then((code) => {
    exitCode = code;
  });
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (exitCode !== undefined) {
      throw new Error(
        `versitygw exited with code ${exitCode} before answering:\n${readFileSync(logPath, 'utf8')}`,
      );
    }
    try {
      await client.send(new ListBucketsCommand({}));
      return;
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(
    `versitygw did not answer within ${READY_TIMEOUT_MS / 1000} s (last error: ${String(lastError)}):\n${readFileSync(logPath, 'utf8')}`,
  );
}
