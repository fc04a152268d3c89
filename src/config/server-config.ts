import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GantryError } from '../domain/errors.ts';

/** Everything `gantry serve` needs to start, resolved from flags, then environment, then defaults. */
export interface ServerConfig {
  host: string;
  port: number;
  dataDir: string;
  databaseUrl: string;
  externalUrl: string;
  /** A key given directly (GANTRY_SECRET_KEY); otherwise `secretKeyFile` is read or created. */
  secretKey: string | undefined;
  secretKeyFile: string;
  initialAdminToken: string | undefined;
  logLevel: string;
  /** Seconds between scheduled mirror fetches; 0 disables the schedule (webhooks still fetch). */
  mirrorIntervalSeconds: number;
  /** Seconds without a keystroke after which a shell into an environment ends. */
  shellIdleTimeoutSeconds: number;
  /** Seconds between samples of what environments run (src/metrics/); 0 samples nothing. */
  metricsIntervalSeconds: number;
  /** Days the 5-minute performance series are kept (10 s ones are kept a day). */
  metricsRetentionDays: number;
  /** CIDRs apps' metrics are never scraped from, besides link-local and cloud metadata addresses. */
  metricsScrapeDeny: string[];
  /** Largest accepted JSON request body, in bytes. */
  bodyLimitBytes: number;
  /** Create the demo project on start when it does not exist. */
  demo: boolean;
  /** Jobs the embedded runner runs at once; 0 runs no embedded runner. */
  runnerConcurrency: number;
  /** Seconds a running job's lease lasts without a runner heartbeat before it fails as "runner lost". */
  jobLeaseSeconds: number;
  /** Largest artifact archive accepted, in bytes. */
  maxArtifactBytes: number;
  /** Seconds before each retry of a failed webhook delivery (GANTRY_HOOK_BACKOFF_SECONDS); undefined: the built-in schedule. */
  hookBackoffSeconds: number[] | undefined;
  /** The built web UI (`vite build` output) served at `/`; without its index.html, `/` answers 503. */
  webDir: string;
  /** The image registry Gantry serves at `/v2/` (docs/registry.md). */
  registry: RegistrySetting;
  /** How this host's Podman must run containers (builds in jobs, the Podman target). */
  podman: PodmanSettings;
  /** The podman executable the Podman target runs (`podman` from PATH by default). */
  podmanBinary: string;
}

/** Debian's `docker-registry` (Docker Distribution), which Gantry runs as its bundled registry. */
export const DEFAULT_REGISTRY_BINARY = '/usr/bin/docker-registry';

/**
 * Where `/v2/` requests go: a `docker-registry` Gantry runs itself (`bundled`), an OCI registry an
 * admin runs elsewhere (`external`, reached with its own credentials), or nowhere (`off`).
 */
export type RegistrySetting =
  | { kind: 'bundled'; binary: string }
  | { kind: 'external'; url: string; username: string | undefined; password: string | undefined }
  | { kind: 'off' };

/** Podman host settings (src/podman/containers-conf.ts); undefined leaves Gantry's default. */
export interface PodmanSettings {
  runtime?: string;
  cgroupManager?: string;
  ulimits?: string[];
}

/** Flag names as `gantry serve --help` shows them, each with the environment variable it overrides. */
export const SERVER_OPTIONS = {
  host: { env: 'GANTRY_HOST', help: 'address to listen on (default 127.0.0.1)' },
  port: { env: 'GANTRY_PORT', help: 'TCP port (default 8080; 0 picks a free one)' },
  'data-dir': {
    env: 'GANTRY_DATA_DIR',
    help: 'directory for the database, repositories and key (default ./data)',
  },
  'database-url': {
    env: 'GANTRY_DATABASE_URL',
    help: 'sqlite:PATH (default <data-dir>/gantry.db) or postgres://user:pass@host:port/db',
  },
  'external-url': {
    env: 'GANTRY_EXTERNAL_URL',
    help: 'URL users reach Gantry at (default http://host:port)',
  },
  'secret-key-file': {
    env: 'GANTRY_SECRET_KEY_FILE',
    help: 'AES-256 key file, created 0600 if absent (default <data-dir>/secret.key); GANTRY_SECRET_KEY gives the key itself',
  },
  'log-level': { env: 'GANTRY_LOG_LEVEL', help: 'fatal, error, warn, info, debug or trace (default info)' },
  'mirror-interval': {
    env: 'GANTRY_MIRROR_INTERVAL',
    help: 'seconds between mirror fetches, 0 = never (default 300)',
  },
  'shell-idle-timeout': {
    env: 'GANTRY_SHELL_IDLE_TIMEOUT_SECONDS',
    help: 'seconds without a keystroke after which a shell into an environment ends (default 900)',
  },
  'metrics-interval': {
    env: 'GANTRY_METRICS_INTERVAL_SECONDS',
    help: "seconds between samples of environments' CPU, memory and HTTP metrics, 0 = never (default 10)",
  },
  'metrics-retention-days': {
    env: 'GANTRY_METRICS_RETENTION_DAYS',
    help: 'days the 5-minute performance series are kept (default 30)',
  },
  'metrics-scrape-deny': {
    env: 'GANTRY_METRICS_SCRAPE_DENY',
    help: "comma-separated CIDRs apps' metrics are never scraped from, besides link-local and cloud metadata ones",
  },
  demo: { env: 'GANTRY_DEMO', help: 'create the demo project on start (default off)' },
  'runner-concurrency': {
    env: 'GANTRY_RUNNER_CONCURRENCY',
    help: 'jobs the embedded runner runs at once; 0 = no embedded runner (default 2)',
  },
  'job-lease': {
    env: 'GANTRY_JOB_LEASE_SECONDS',
    help: 'seconds without a runner heartbeat before a running job fails as "runner lost" (default 60)',
  },
  'max-artifact-size': {
    env: 'GANTRY_MAX_ARTIFACT_SIZE',
    help: 'largest artifact archive in MiB (default 100)',
  },
  'web-dir': {
    env: 'GANTRY_WEB_DIR',
    help: 'the built web UI to serve (default web/dist of this Gantry checkout)',
  },
  registry: {
    env: 'GANTRY_REGISTRY',
    help: 'image registry at /v2/: bundled (default), off, or the http(s):// URL of an external one',
  },
  'registry-binary': {
    env: 'GANTRY_REGISTRY_BINARY',
    help: `the bundled registry's docker-registry (default ${DEFAULT_REGISTRY_BINARY})`,
  },
  'podman-binary': {
    env: 'GANTRY_PODMAN_BINARY',
    help: 'the podman the Podman target runs (default podman from PATH)',
  },
  'podman-runtime': {
    env: 'GANTRY_PODMAN_RUNTIME',
    help: "Podman's OCI runtime for builds and deployments (default runc)",
  },
  'podman-cgroup-manager': {
    env: 'GANTRY_PODMAN_CGROUP_MANAGER',
    help: "Podman's cgroup manager: cgroupfs (default) or systemd",
  },
  'podman-ulimits': {
    env: 'GANTRY_PODMAN_ULIMITS',
    help: "containers' rlimits, comma-separated (default nofile=1024:1024,nproc=4096:4096)",
  },
} as const;

/** Where `scripts/setup.sh` builds the web UI: `web/dist` of the checkout this module belongs to. */
export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../web/dist', import.meta.url));

export type ServerOptionName = keyof typeof SERVER_OPTIONS;

const LOG_LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/**
 * Resolves the server configuration. Flags win over environment variables, which win over defaults.
 * @throws GantryError naming the flag or variable whose value is not what was expected.
 */
export function resolveServerConfig(
  flags: Partial<Record<ServerOptionName, string | boolean>>,
  env: NodeJS.ProcessEnv,
  cwd: string,
): ServerConfig {
  const pick = (name: ServerOptionName): string | undefined => {
    const flag = flags[name];
    if (typeof flag === 'string') return flag;
    if (flag === true) return 'true';
    const value = env[SERVER_OPTIONS[name].env];
    return value === '' ? undefined : value;
  };
  const label = (name: ServerOptionName) => `--${name} / ${SERVER_OPTIONS[name].env}`;
  const integer = (name: ServerOptionName, fallback: number, max: number): number => {
    const raw = pick(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 0 || value > max) {
      throw new GantryError(
        'bad_request',
        `${label(name)} must be a whole number from 0 to ${max}, got "${raw}"`,
      );
    }
    return value;
  };

  const host = pick('host') ?? '127.0.0.1';
  const port = integer('port', 8080, 65535);
  const dataDir = resolve(cwd, pick('data-dir') ?? 'data');
  const databaseUrl = pick('database-url') ?? `sqlite:${resolve(dataDir, 'gantry.db')}`;
  if (!/^(postgres(ql)?:\/\/|sqlite:|file:)/.test(databaseUrl)) {
    throw new GantryError(
      'bad_request',
      `${label('database-url')} must start with postgres://, sqlite: or file:`,
    );
  }
  const externalUrl = (
    pick('external-url') ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`
  ).replace(/\/+$/, '');
  if (!URL.canParse(externalUrl) || !/^https?:$/.test(new URL(externalUrl).protocol)) {
    throw new GantryError('bad_request', `${label('external-url')} must be an http:// or https:// URL`);
  }
  const logLevel = pick('log-level') ?? 'info';
  if (!LOG_LEVELS.has(logLevel)) {
    throw new GantryError(
      'bad_request',
      `${label('log-level')} must be one of ${[...LOG_LEVELS].join(', ')}`,
    );
  }
  const initialAdminToken = env.GANTRY_INITIAL_ADMIN_TOKEN || undefined;
  if (initialAdminToken !== undefined && !/^[A-Za-z0-9_-]{20,}$/.test(initialAdminToken)) {
    throw new GantryError(
      'bad_request',
      'GANTRY_INITIAL_ADMIN_TOKEN must be at least 20 characters of letters, digits, "_" or "-"',
    );
  }
  const demo = pick('demo');
  return {
    host,
    port,
    dataDir,
    databaseUrl,
    externalUrl,
    secretKey: env.GANTRY_SECRET_KEY || undefined,
    secretKeyFile: resolve(dataDir, pick('secret-key-file') ?? 'secret.key'),
    initialAdminToken,
    logLevel,
    mirrorIntervalSeconds: integer('mirror-interval', 300, 7 * 24 * 3600),
    shellIdleTimeoutSeconds: Math.max(1, integer('shell-idle-timeout', 900, 24 * 3600)),
    metricsIntervalSeconds: integer('metrics-interval', 10, 3600),
    metricsRetentionDays: Math.max(1, integer('metrics-retention-days', 30, 3660)),
    metricsScrapeDeny: cidrList(pick('metrics-scrape-deny')),
    bodyLimitBytes: 1024 * 1024,
    demo: demo === 'true' || demo === '1',
    runnerConcurrency: integer('runner-concurrency', 2, 64),
    jobLeaseSeconds: Math.max(2, integer('job-lease', 60, 24 * 3600)),
    maxArtifactBytes: integer('max-artifact-size', 100, 100 * 1024) * 1024 * 1024,
    hookBackoffSeconds: backoffSchedule(env.GANTRY_HOOK_BACKOFF_SECONDS),
    webDir: resolve(cwd, pick('web-dir') ?? DEFAULT_WEB_DIR),
    registry: registrySetting(pick('registry'), pick('registry-binary'), env),
    podman: podmanSettings(pick('podman-runtime'), pick('podman-cgroup-manager'), pick('podman-ulimits')),
    podmanBinary: pick('podman-binary') ?? 'podman',
  };
}

/**
 * Reads GANTRY_REGISTRY (`bundled`, `off` or an http(s):// URL, whose credentials come from
 * GANTRY_REGISTRY_USERNAME / GANTRY_REGISTRY_PASSWORD) and GANTRY_REGISTRY_BINARY.
 */
function registrySetting(
  raw: string | undefined,
  binary: string | undefined,
  env: NodeJS.ProcessEnv,
): RegistrySetting {
  const value = raw ?? 'bundled';
  if (value === 'off') return { kind: 'off' };
  if (value === 'bundled') return { kind: 'bundled', binary: binary ?? DEFAULT_REGISTRY_BINARY };
  if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol) || new URL(value).username !== '') {
    throw new GantryError(
      'bad_request',
      `--registry / GANTRY_REGISTRY must be bundled, off, or an http:// or https:// URL without credentials (put them in GANTRY_REGISTRY_USERNAME and GANTRY_REGISTRY_PASSWORD), got "${value}"`,
    );
  }
  return {
    kind: 'external',
    url: new URL(value).origin,
    username: env.GANTRY_REGISTRY_USERNAME || undefined,
    password: env.GANTRY_REGISTRY_PASSWORD || undefined,
  };
}

/** Reads GANTRY_METRICS_SCRAPE_DENY: comma-separated CIDRs (`10.0.0.0/8,fd00::/8`). */
function cidrList(raw: string | undefined): string[] {
  const cidrs = (raw?.split(',') ?? []).map((part) => part.trim()).filter((part) => part !== '');
  for (const cidr of cidrs) {
    const [address = '', prefix = '', ...rest] = cidr.split('/');
    const family = isIP(address);
    const bits = family === 4 ? 32 : 128;
    if (family === 0 || rest.length > 0 || !/^\d{1,3}$/.test(prefix) || Number(prefix) > bits) {
      throw new GantryError(
        'bad_request',
        `--metrics-scrape-deny / GANTRY_METRICS_SCRAPE_DENY must be comma-separated CIDRs such as 10.0.0.0/8 or fd00::/8, got "${cidr}"`,
      );
    }
  }
  return cidrs;
}

const ULIMIT = /^[a-z]+=-?\d+(:-?\d+)?$/;

/** Reads the Podman host settings; GANTRY_PODMAN_ULIMITS is comma-separated `name=soft:hard`. */
function podmanSettings(
  runtime: string | undefined,
  cgroupManager: string | undefined,
  ulimits: string | undefined,
): PodmanSettings {
  if (cgroupManager !== undefined && cgroupManager !== 'cgroupfs' && cgroupManager !== 'systemd') {
    throw new GantryError(
      'bad_request',
      `--podman-cgroup-manager / GANTRY_PODMAN_CGROUP_MANAGER must be cgroupfs or systemd, got "${cgroupManager}"`,
    );
  }
  if (runtime !== undefined && !/^[A-Za-z0-9_./-]+$/.test(runtime)) {
    throw new GantryError(
      'bad_request',
      `--podman-runtime / GANTRY_PODMAN_RUNTIME must be a runtime name or path, got "${runtime}"`,
    );
  }
  const limits = ulimits?.split(',').map((part) => part.trim());
  if (limits?.some((limit) => !ULIMIT.test(limit))) {
    throw new GantryError(
      'bad_request',
      `--podman-ulimits / GANTRY_PODMAN_ULIMITS must be comma-separated name=soft:hard values (nofile=1024:1024), got "${ulimits}"`,
    );
  }
  return {
    ...(runtime !== undefined && { runtime }),
    ...(cgroupManager !== undefined && { cgroupManager }),
    ...(limits !== undefined && { ulimits: limits }),
  };
}

/**
 * Parses GANTRY_HOOK_BACKOFF_SECONDS: comma-separated waits in seconds before each webhook retry
 * (`10,30,120,600,3600` is the default; a delivery gets one attempt more than there are waits).
 */
function backoffSchedule(raw: string | undefined): number[] | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const waits = raw.split(',').map((part) => Number(part.trim()));
  if (waits.length > 20 || waits.some((wait) => !Number.isFinite(wait) || wait < 0 || wait > 7 * 24 * 3600)) {
    throw new GantryError(
      'bad_request',
      `GANTRY_HOOK_BACKOFF_SECONDS must be up to 20 comma-separated numbers of seconds (0 to 604800), got "${raw}"`,
    );
  }
  return waits;
}
