/**
 * Environment operations benchmark (issue 8), on real Podman through a real Gantry server:
 *
 * 1. log fan-out: a container printing 20 MB/s of log lines (`support/log-producer/main.go`), in
 *    bursts, each followed by a fresh set of clients (`GET …/logs?follow=true&tail_lines=0`): the
 *    container's `podman logs -f` read directly (the reference, without Gantry), 1 client (the
 *    baseline), 10 clients, 10 clients of which one reads only 1 MB/s, and 10 clients at 1 MB/s.
 *    Server RSS and CPU (sampled every 250 ms), and per client the bytes and lines received, the
 *    lines skipped, and how long after its timestamp each line arrived;
 * 2. shell keystroke round trip: one keystroke at a time into `/bin/sh` over `…/shell`, the time
 *    until its echo arrives, on the idle server and during the 10-client burst.
 *
 * The server is `bin/gantry serve`, a separate process (SQLite and/or a throwaway PostgreSQL), with
 * the Podman target on this host; the followers run in a child process of their own. Tables go to
 * stdout, progress to stderr. It is not a test: goals are reported, never enforced (the exit code is
 * non-zero only when the benchmark could not run). GANTRY_BENCH_CPU_PROF=<dir> makes the server
 * write a CPU profile there (`--cpu-prof`) when it stops. See bench/README.md.
 *
 * Usage: node bench/environment-operations.bench.ts [--dialect sqlite|postgres|both] [--seconds 30]
 *          [--clients 10] [--rate-mb 20] [--keystrokes 300] [--warmup 20]
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { containersConf } from '../src/podman/containers-conf.ts';
import type { Dialect } from '../src/store/dialect.ts';
import { openShell } from '../test/operations/operations-clients.ts';
import { cleanUpPodman, podman, podmanDependency } from '../test/podman/podman-helpers.ts';
import { freePort } from '../test/support/free-port.ts';
import { runGantry, waitUntilReady } from '../test/support/gantry-process.ts';
import { benchDatabase } from './support/bench-database.ts';
import { runBench } from './support/bench-main.ts';
import { parseBenchArgs } from './support/bench-options.ts';
import { print, progress } from './support/bench-output.ts';
import { CleanupRegistry } from './support/cleanup-registry.ts';
import { type FollowResult, unaccountedLines } from './support/follow-stats.ts';
import { LagHistogram, type LagSummary } from './support/lag-histogram.ts';
import { summarize } from './support/latency-summary.ts';
import { startFollowers } from './support/log-followers.ts';
import { ProcessSampler, processGroup, type SampledUsage } from './support/process-sampler.ts';
import { rssKb } from './support/process-stats.ts';
import {
  buildProducerImage,
  containerPids,
  type DeployedProducer,
  deployProducer,
  startBurst,
} from './support/producer-app.ts';
import { keystrokeRoundTrips, setPrompt } from './support/shell-round-trip.ts';
import { sleep } from './support/sleep.ts';
import { temporaryDirectory } from './support/temporary-directory.ts';
import { fixed, table } from './support/text-table.ts';

interface BenchOptions {
  dialects: Dialect[];
  seconds: number;
  clients: number;
  rateMb: number;
  keystrokes: number;
  warmup: number;
}

/** The comparison burst's rate, MB/s. */
const LOW_RATE_MB = 1;
/** How fast a deliberately slow client reads, MB/s. */
const SLOW_READER_MB = 1;
/** Bytes per producer line, newline included (log-producer/main.go). */
const LINE_BYTES = 200;
const RSS_GROWTH_GOAL_MB = 150;
const LAG_P99_GOAL_MS = 3000;
const KEYSTROKE_P50_GOAL_MS = 20;
const KEYSTROKE_P99_GOAL_MS = 50;
/** Pause after each keystroke's echo before the next: 20 ms, faster than anyone types. */
const KEYSTROKE_GAP_MS = 20;
/** How long followers may take to show the producer's heartbeat once connected. */
const LIVE_TIMEOUT_MS = 30_000;
/** Pause between phases, so one's leftovers (GC, podman processes ending) do not land in the next. */
const SETTLE_MS = 3000;
/** The CPU group of the server's node process. */
const SERVER_GROUP = 'server (node)';
const ADMIN_TOKEN = `bench-admin-${randomBytes(12).toString('hex')}`;
const RUN = randomBytes(3).toString('hex');
/** Every pod and image this run creates starts with it (cleanUpPodman removes them). */
const PREFIX = `gantry-bench-ops-${RUN}`;

const USAGE = `Usage: node bench/environment-operations.bench.ts [--dialect sqlite|postgres|both] [--seconds N]
          [--clients N] [--rate-mb N] [--keystrokes N] [--warmup N]

  --dialect     database of the server; "both" runs everything once per dialect (default sqlite)
  --seconds     length of each log burst (default 30)
  --clients     followers of the fan-out bursts (default 10)
  --rate-mb     the producer's rate in MB/s (10^6 bytes) for the baseline and fan-out bursts (default 20)
  --keystrokes  timed shell keystrokes on the idle server (default 300)
  --warmup      untimed keystrokes before them (default 20)

GANTRY_BENCH_CPU_PROF=<dir> makes the server write a CPU profile into <dir> when it stops.`;

function parseOptions(argv: readonly string[]): BenchOptions {
  return parseBenchArgs(argv, USAGE, {
    seconds: { default: 30, min: 1, max: 3600 },
    clients: { default: 10, min: 1, max: 200 },
    rateMb: { default: 20, min: 1, max: 500 },
    keystrokes: { default: 300, min: 1, max: 100_000 },
    warmup: { default: 20, min: 0, max: 10_000 },
  });
}

const cleanup = new CleanupRegistry();
cleanup.installProcessHandlers(
  'stopping the server and followers, removing pods, images and temporary files',
);

// ---------------------------------------------------------------------------------------------
// The server process

interface ServerProcess {
  /** The node process serving (bin/gantry execs node, so it keeps the shell's pid). */
  pid: number;
  url: string;
}

async function startServer(dataDir: string, databaseUrl: string): Promise<ServerProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const profileDir = process.env.GANTRY_BENCH_CPU_PROF;
  if (profileDir) await mkdir(profileDir, { recursive: true });
  const server = runGantry(['serve'], {
    GANTRY_HOST: '127.0.0.1',
    GANTRY_PORT: String(port),
    GANTRY_DATA_DIR: dataDir,
    GANTRY_DATABASE_URL: databaseUrl,
    GANTRY_INITIAL_ADMIN_TOKEN: ADMIN_TOKEN,
    GANTRY_LOG_LEVEL: 'warn',
    GANTRY_MIRROR_INTERVAL: '0',
    ...(profileDir && { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir}` }),
  });
  let exited = false;
  void server.exited.then(() => {
    exited = true;
  });
  cleanup.defer(
    'server process',
    async () => {
      if (exited) return;
      server.child.kill('SIGTERM');
      const timer = setTimeout(() => server.child.kill('SIGKILL'), 15_000);
      await server.exited;
      clearTimeout(timer);
      if (profileDir) progress(`server CPU profile written to ${profileDir} (pid ${server.child.pid})`);
    },
    () => {
      if (!exited) server.child.kill('SIGKILL');
    },
  );
  await waitUntilReady(`${url}/readyz`, server, 60_000);
  const pid = server.child.pid!;
  const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').join(' ');
  if (!cmdline.includes('main.ts serve')) throw new Error(`pid ${pid} is not the node server: ${cmdline}`);
  return { pid, url };
}

// ---------------------------------------------------------------------------------------------
// Phases

interface Phase {
  label: string;
  /** Gantry's stream, or `podman logs -f` read by the benchmark itself (the reference). */
  source: 'gantry' | 'podman';
  clients: number;
  rateMb: number;
  /** The producer's tag for the burst (letters and digits). */
  tag: string;
  /** The first this many clients read no faster than {@link SLOW_READER_MB}. */
  slowClients: number;
  /** Whether shell keystrokes are timed during the burst. */
  shellDuring: boolean;
}

interface PhaseResult {
  phase: Phase;
  clients: FollowResult[];
  errors: string[];
  usage: SampledUsage;
  /** Lines the burst held: the producer's count, or computed from the rate when no client got it. */
  produced: number;
  producer: { seconds: number; maxLateMs: number } | null;
  /** The shell timed during the burst, when one was. */
  shell: ShellTiming | undefined;
}

/** A shell session timed: how long it took to open, and each keystroke's round trip (ms). */
interface ShellTiming {
  /** From the request until the WebSocket is open (the server has started the command). */
  openMs: number;
  keystrokes: number[];
}

interface DialectResult {
  dialect: Dialect;
  deploySeconds: number;
  idleShell: ShellTiming;
  phases: PhaseResult[];
  idleRssKb: number;
}

/** The lines a burst holds: log-producer/main.go writes a whole number per 10 ms tick. */
function burstLines(rateMb: number, seconds: number): number {
  const perTick = Math.max(1, Math.floor(Math.floor((rateMb * 1e6) / 100) / LINE_BYTES));
  return perTick * seconds * 100;
}

async function runPhase(
  server: ServerProcess,
  app: DeployedProducer,
  phase: Phase,
  options: BenchOptions,
  pids: { conmon: number; producer: number },
  containersConfFile: string,
): Promise<PhaseResult> {
  progress(`${phase.label}: ${phase.clients} follower(s) connecting`);
  const followers = startFollowers({
    source:
      phase.source === 'gantry'
        ? { kind: 'gantry', url: `${app.environmentUrl}/logs?follow=true&tail_lines=0`, token: ADMIN_TOKEN }
        : { kind: 'podman', container: app.container, containersConf: containersConfFile },
    clients: phase.clients,
    tag: phase.tag,
    slow: { clients: phase.slowClients, bytesPerSecond: SLOW_READER_MB * 1e6 },
  });
  const release = cleanup.defer('follower process', async () => followers.kill());
  try {
    await withTimeout(followers.live, LIVE_TIMEOUT_MS, 'the followers never saw the producer heartbeat');
    const sampler = await ProcessSampler.start({
      rssPid: server.pid,
      groups: [
        processGroup(SERVER_GROUP, server.pid),
        // The server's `podman logs -f` (and podman ps/inspect/stats), or the reference's.
        processGroup('podman (children of server, followers)', [server.pid, followers.pid], {
          descendants: true,
          self: false,
        }),
        processGroup('followers (node)', followers.pid),
        processGroup('conmon', pids.conmon),
        processGroup('producer', pids.producer),
      ],
    });
    progress(`${phase.label}: burst of ${options.seconds} s`);
    await startBurst(app.container, {
      tag: phase.tag,
      bytesPerSecond: phase.rateMb * 1e6,
      seconds: options.seconds,
    });
    // A burst that the server cannot keep up with reaches the followers late (here up to 1.5×
    // its length after it ended, on a busy machine): they get four times its length, plus 30 s.
    const deadline = setTimeout(() => followers.finish(), (4 * options.seconds + 30) * 1000);
    let shell: ShellTiming | undefined;
    let done = false;
    const results = followers.results.finally(() => {
      done = true;
    });
    if (phase.shellDuring) {
      // Start after the burst is under way, stop when the followers are done.
      await sleep(Math.min(2000, (options.seconds * 1000) / 4));
      shell = await timeShell(app, Number.MAX_SAFE_INTEGER, 0, () => done);
    }
    const { results: clients, errors } = await results;
    clearTimeout(deadline);
    const usage = await sampler.stop();
    const withEnd = clients.find((client) => client.produced !== null);
    return {
      phase,
      clients,
      errors,
      usage,
      produced: withEnd?.produced ?? burstLines(phase.rateMb, options.seconds),
      producer: withEnd?.producer ?? null,
      shell,
    };
  } finally {
    await release();
  }
}

/** Opens a shell into the producer's container, times its opening and keystrokes, closes it. */
async function timeShell(
  app: DeployedProducer,
  count: number,
  warmup: number,
  stop: () => boolean = () => false,
): Promise<ShellTiming> {
  const opening = performance.now();
  const shell = await openShell(`${app.environmentUrl}/shell?command=/bin/sh&cols=120&rows=40`, ADMIN_TOKEN);
  const openMs = performance.now() - opening;
  try {
    await setPrompt(shell);
    await keystrokeRoundTrips(shell, warmup, { gapMs: KEYSTROKE_GAP_MS, stop });
    return { openMs, keystrokes: await keystrokeRoundTrips(shell, count, { gapMs: KEYSTROKE_GAP_MS, stop }) };
  } finally {
    shell.close();
    await shell.closed;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${message} within ${ms / 1000} s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

// ---------------------------------------------------------------------------------------------
// One dialect

async function benchmark(dialect: Dialect, options: BenchOptions): Promise<DialectResult> {
  podmanDependency.assertPresent();
  const image = `localhost/${PREFIX}-${dialect}-producer:1`;
  cleanup.defer('pods and images', () => cleanUpPodman(PREFIX));
  progress(`${dialect}: building the producer image`);
  await buildProducerImage(cleanup, image);

  const dataDir = (await temporaryDirectory(cleanup, 'gantry-bench-ops-', 'data directory')).path;
  const database = await benchDatabase(dialect, dataDir, cleanup);
  progress(`${dialect}: starting bin/gantry serve`);
  const server = await startServer(dataDir, database.url);
  // Removed before the server stops too (cleanup runs newest first): no pod outlives the run.
  cleanup.defer('pods', () => cleanUpPodman(PREFIX));

  progress(`${dialect}: deploying the producer to Podman through Gantry`);
  const app = await deployProducer({
    cleanup,
    url: server.url,
    token: ADMIN_TOKEN,
    path: `${PREFIX}/${dialect}`,
    image,
  });
  const pids = await containerPids(app.container);
  const idleRssKb = await rssKb(server.pid);

  progress(`${dialect}: ${options.warmup} + ${options.keystrokes} keystrokes on the idle server`);
  const idleShell = await timeShell(app, options.keystrokes, options.warmup);

  const { clients, rateMb } = options;
  const burst = { rateMb, slowClients: 0, shellDuring: false };
  const many = clients === 1 ? '1 client' : `${clients} clients`;
  const phases: Phase[] = [
    {
      ...burst,
      label: `podman logs -f, no Gantry (reference), ${rateMb} MB/s`,
      source: 'podman',
      clients: 1,
      tag: 'r1',
    },
    { ...burst, label: `1 client, ${rateMb} MB/s (baseline)`, source: 'gantry', clients: 1, tag: 'b1' },
    { ...burst, label: `${many}, ${rateMb} MB/s`, source: 'gantry', clients, tag: 'b2', shellDuring: true },
    // A slow client among others (with one client alone there are no others to compare with).
    ...(clients < 2
      ? []
      : [
          {
            ...burst,
            label: `${many}, ${rateMb} MB/s, client 1 reads ${SLOW_READER_MB} MB/s`,
            source: 'gantry' as const,
            clients,
            tag: 'b3',
            slowClients: 1,
          },
        ]),
    {
      ...burst,
      label: `${many}, ${LOW_RATE_MB} MB/s`,
      source: 'gantry',
      clients,
      rateMb: LOW_RATE_MB,
      tag: 'b4',
    },
  ];
  const containersConfFile = join(dataDir, 'bench-containers.conf');
  await writeFile(containersConfFile, containersConf());
  const results: PhaseResult[] = [];
  for (const phase of phases) {
    if (cleanup.interrupted) break;
    await sleep(SETTLE_MS);
    const result = await runPhase(server, app, phase, options, pids, containersConfFile);
    if (result.errors.length > 0) throw new Error(`${phase.label}: ${result.errors.join('\n')}`);
    results.push(result);
  }
  // The log file of a 20 MB/s container grows by 1.2 GB a minute: removed right away.
  await podman(['pod', 'rm', '--force', '--time', '0', app.container.replace(/-producer$/, '')]).catch(
    () => '',
  );
  return { dialect, deploySeconds: app.deploySeconds, idleShell, phases: results, idleRssKb };
}

// ---------------------------------------------------------------------------------------------
// Output

const mb = (kb: number) => fixed(kb / 1024, 1);
const ms = (value: number) => fixed(value, value >= 100 ? 0 : 1);
const percent = (seconds: number, wall: number) => `${fixed((100 * seconds) / wall, 0)} %`;
const lags = (summary: LagSummary) => [ms(summary.p50), ms(summary.p99), ms(summary.max)];

/** Every client's lags merged. */
function mergedLags(clients: readonly FollowResult[], which: 'stampLag' | 'producerLag'): LagSummary {
  const merged = new LagHistogram();
  for (const client of clients) merged.merge(client[which]);
  return merged.summary();
}

/** The highest lag p99 of the clients that read at full speed. */
function worstP99(phase: PhaseResult): number {
  return Math.max(
    ...phase.clients
      .slice(phase.phase.slowClients)
      .map((client) => LagHistogram.fromData(client.stampLag).percentileMs(99)),
  );
}

function rateOf(client: FollowResult): number {
  const seconds = (client.lastMs - client.firstMs) / 1000;
  return seconds > 0 ? client.bytes / 1e6 / seconds : Number.NaN;
}

/** The fan-out goals, for a burst through Gantry: RSS growth, and every full-speed client's lag p99. */
function phaseGoals(result: PhaseResult): { rss: boolean; lag: boolean } | undefined {
  if (result.phase.source !== 'gantry') return undefined;
  const growthMb = (result.usage.rss.maxKb - result.usage.rss.startKb) / 1024;
  return {
    rss: growthMb < RSS_GROWTH_GOAL_MB,
    lag: worstP99(result) <= LAG_P99_GOAL_MS && result.clients.every((client) => client.done),
  };
}

const mark = (pass: boolean) => (pass ? 'pass' : 'FAIL');

function serverCpuSeconds(usage: SampledUsage): number {
  return usage.cpu.find((group) => group.name === SERVER_GROUP)?.seconds ?? Number.NaN;
}

function printResult(result: DialectResult, options: BenchOptions): void {
  const { dialect } = result;
  for (const phase of result.phases) {
    const clients = phase.clients;
    const rows = clients.map((client, i) => [
      String(i + 1),
      fixed(client.bytes / 1e6, 1),
      fixed(rateOf(client), 1),
      String(client.lines),
      String(client.skipped),
      String(unaccountedLines(client, phase.produced)),
      ...lags(LagHistogram.fromData(client.stampLag).summary()),
      ...lags(LagHistogram.fromData(client.producerLag).summary()),
      [i < phase.phase.slowClients ? `reads ${SLOW_READER_MB} MB/s` : '', client.done ? '' : 'no end seen']
        .filter(Boolean)
        .join(', '),
    ]);
    const sum = (pick: (client: FollowResult) => number) =>
      clients.reduce((total, client) => total + pick(client), 0);
    rows.push([
      'all',
      fixed(sum((client) => client.bytes) / 1e6, 1),
      fixed(sum(rateOf), 1),
      String(sum((client) => client.lines)),
      String(sum((client) => client.skipped)),
      String(sum((client) => unaccountedLines(client, phase.produced))),
      ...lags(mergedLags(clients, 'stampLag')),
      ...lags(mergedLags(clients, 'producerLag')),
      '',
    ]);
    const right = { align: 'right' as const };
    const producerRate = phase.producer
      ? (phase.produced * LINE_BYTES) / 1e6 / phase.producer.seconds
      : Number.NaN;
    print(
      `${table(
        `[${dialect}] Log fan-out: ${phase.phase.label} for ${options.seconds} s — ${phase.produced.toLocaleString('en')} lines of ${LINE_BYTES} B produced`,
        [
          { header: 'client' },
          { header: 'MB', ...right },
          { header: 'MB/s', ...right },
          { header: 'lines', ...right },
          { header: 'skipped', ...right },
          { header: 'unaccounted', ...right },
          { header: 'lag p50 ms', ...right },
          { header: 'p99', ...right },
          { header: 'max', ...right },
          { header: 'producer lag p50', ...right },
          { header: 'p99', ...right },
          { header: 'max', ...right },
          { header: 'note' },
        ],
        rows,
      )}
producer: ${fixed(producerRate, 2)} MB/s achieved, ${phase.producer ? `${fixed(phase.producer.seconds, 2)} s, latest tick ${ms(phase.producer.maxLateMs)} ms late` : 'its end line reached no client'}`,
    );
  }
  print(`MB = bytes read by the client (Server-Sent Events with JSON, ~${LINE_BYTES + 35} B per line; podman's own output for the reference)
MB/s = a client's bytes over the time from its first to its last burst line
lag = receive time in the follower process − the line's timestamp (when conmon read it; Gantry passes Podman's on)
producer lag = receive time − the producer's clock written in the line; unaccounted = lines neither received nor reported skipped (0 expected)`);

  const right = { align: 'right' as const };
  print(
    table(
      `[${dialect}] Server and machine during each burst (from the burst's start until every follower saw its end; CPU in % of one core)`,
      [
        { header: 'burst' },
        { header: 'seconds', ...right },
        { header: 'RSS start MB', ...right },
        { header: 'max', ...right },
        { header: 'end', ...right },
        { header: 'max − start', ...right },
        ...result.phases[0]!.usage.cpu.map((group) => ({ header: group.name, ...right })),
        { header: 'server CPU ms per MB sent', ...right },
        {
          header: `machine busy (${availableParallelism()} cores = ${availableParallelism() * 100} %)`,
          ...right,
        },
        { header: `RSS growth < ${RSS_GROWTH_GOAL_MB} MB` },
        { header: `worst client lag p99 ≤ ${LAG_P99_GOAL_MS / 1000} s` },
      ],
      result.phases.map((phase) => {
        const { usage } = phase;
        const goals = phaseGoals(phase);
        return [
          phase.phase.label,
          fixed(usage.seconds, 1),
          mb(usage.rss.startKb),
          mb(usage.rss.maxKb),
          mb(usage.rss.endKb),
          mb(usage.rss.maxKb - usage.rss.startKb),
          ...usage.cpu.map((group) => percent(group.seconds, usage.seconds)),
          phase.phase.source === 'gantry'
            ? fixed(
                (1000 * serverCpuSeconds(usage)) / (phase.clients.reduce((sum, c) => sum + c.bytes, 0) / 1e6),
                1,
              )
            : '-',
          percent(usage.machineBusySeconds, usage.seconds),
          goals ? mark(goals.rss) : '-',
          goals ? `${mark(goals.lag)} (${ms(worstP99(phase))} ms)` : `- (${ms(worstP99(phase))} ms)`,
        ];
      }),
    ),
  );

  const shells: [string, ShellTiming][] = [['idle server', result.idleShell]];
  for (const phase of result.phases) {
    if (phase.shell) shells.push([`during the burst: ${phase.phase.label}`, phase.shell]);
  }
  print(
    `${table(
      `[${dialect}] Shell keystroke round trip (/bin/sh in the container, one keystroke at a time until its echo)`,
      [
        { header: 'when' },
        { header: 'n', ...right },
        { header: 'p50 ms', ...right },
        { header: 'p99 ms', ...right },
        { header: 'max ms', ...right },
        { header: `goal (ours): p50 ≤ ${KEYSTROKE_P50_GOAL_MS}, p99 ≤ ${KEYSTROKE_P99_GOAL_MS}` },
        { header: 'opening the shell ms', ...right },
      ],
      shells.map(([label, shell]) => {
        const summary = summarize(shell.keystrokes);
        return [
          label,
          String(summary.n),
          fixed(summary.p50),
          fixed(summary.p99),
          fixed(summary.max),
          mark(summary.p50 <= KEYSTROKE_P50_GOAL_MS && summary.p99 <= KEYSTROKE_P99_GOAL_MS),
          ms(shell.openMs),
        ];
      }),
    )}
opening the shell = from the WebSocket request until it is open (the server has started the command in the container)
deployment (push → success): ${fixed(result.deploySeconds, 1)} s; server RSS after it: ${mb(result.idleRssKb)} MB`,
  );
}

function comparisonRows(results: readonly DialectResult[]): string[][] {
  const first = results[0]!;
  return [
    ...first.phases.flatMap((phase, i) => {
      const at = (result: DialectResult) => result.phases[i];
      return [
        [
          `${phase.phase.label}: RSS max − start MB`,
          ...results.map((r) => {
            const usage = at(r)?.usage;
            return usage ? mb(usage.rss.maxKb - usage.rss.startKb) : '-';
          }),
        ],
        [
          `${phase.phase.label}: worst client lag p99 ms`,
          ...results.map((r) => {
            const p = at(r);
            return p ? ms(worstP99(p)) : '-';
          }),
        ],
        [
          `${phase.phase.label}: lines skipped, all clients`,
          ...results.map((r) =>
            String(at(r)?.clients.reduce((sum, client) => sum + client.skipped, 0) ?? '-'),
          ),
        ],
      ];
    }),
    [
      'keystroke p50 / p99 ms, idle',
      ...results.map((r) => {
        const summary = summarize(r.idleShell.keystrokes);
        return `${fixed(summary.p50)} / ${fixed(summary.p99)}`;
      }),
    ],
  ];
}

// ---------------------------------------------------------------------------------------------

cleanup.exitAfter(
  runBench(
    cleanup,
    {
      usage: USAGE,
      parseOptions,
      nodeRuns: 'the benchmark; the server is bin/gantry serve, the followers a child process',
      parameters: (options) =>
        `seconds=${options.seconds} clients=${options.clients} rate-mb=${options.rateMb} keystrokes=${options.keystrokes} warmup=${options.warmup}`,
      run: benchmark,
      printResult,
      comparisonRows,
    },
    process.argv.slice(2),
  ),
);
