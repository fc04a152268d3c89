import { setTimeout as sleep } from 'node:timers/promises';
import { instantNanos, utcInstant } from '../../domain/log-lines.ts';
import type { LogChunk, LogRequest } from '../environment-operations.ts';
import { LogLineSplitter } from '../log-line-splitter.ts';
import { inspectPresent } from './container-inspect.ts';
import { countLines, LineSkip } from './line-skip.ts';
import { type ContainerRun, type LogWindow, logWindow, runHasEnded } from './log-window.ts';
import type { PodmanHost } from './podman-host.ts';
import { normalisePodmanLines } from './podman-log-lines.ts';
import { podmanOutput } from './podman-output.ts';

/** When containers' last runs started and ended (`podman container inspect`), by Podman's name. */
export async function readContainerRuns(
  host: PodmanHost,
  names: readonly string[],
): Promise<Map<string, ContainerRun>> {
  const output = await inspectPresent(host, names, 'json');
  const inspected = (output.trim() === '' ? null : JSON.parse(output)) as
    | { Name: string; RestartCount?: number; State: { StartedAt?: string; FinishedAt?: string } }[]
    | null;
  return new Map(
    (inspected ?? []).map(({ Name, RestartCount, State }) => [
      Name,
      {
        startedAt: State.StartedAt ?? null,
        finishedAt: State.FinishedAt ?? null,
        restarts: RestartCount ?? 0,
      },
    ]),
  );
}

/** One container whose log to read. */
export interface LogSource {
  pod: string;
  /** As declared (`web`). */
  container: string;
  /** Podman's name (`<pod>-web`). */
  podmanName: string;
  run: ContainerRun;
}

/** How often a followed container that stopped is looked at, to go on once it runs again. */
const FOLLOW_POLL_MS = 2_000;

/**
 * One container's log (`podman logs -t`) as chunks of complete lines tagged `<pod>/<container>`,
 * the window {@link logWindow} says. Read as fast as it is consumed (see podmanOutput); ends when
 * the log does (without `follow`) or when `request.signal` aborts — a line cut short by the abort
 * is left out, never passed on half. Podman ends a follow when the container stops: the follow
 * goes on, after the last line passed on, once a container of that name runs again (a restart, or
 * the container of a new deployment), and ends when there is none.
 */
export async function* containerLog(
  host: PodmanHost,
  source: LogSource,
  request: LogRequest,
): AsyncGenerator<LogChunk> {
  const tag = `${source.pod}/${source.container}`;
  let window = logWindow(request, source.run);
  for (;;) {
    let last: bigint | undefined;
    for await (const text of readWindow(host, source.podmanName, window, request.signal)) {
      last = lastInstant(text) ?? last;
      yield { source: tag, text };
    }
    if (request.previous && last === undefined && runHasEnded(source.run) && !request.signal.aborted) {
      // Podman counts a restart that a stop cut short before it started (the pod of a failed
      // rollout is stopped while the crashed container is being restarted): the log then holds
      // one run only, the crashed one, which is what a reader of "previous" is after.
      yield* lastRunInstead(host, source, tag, request);
    }
    if (!request.follow || request.previous || !(await runsAgain(host, source.podmanName, request.signal)))
      return;
    if (last !== undefined) window = { args: ['--follow', '--since', utcInstant(last + 1n)], keepLast: null };
  }
}

/** The whole log of a container whose previous run turned out empty (see containerLog). */
async function* lastRunInstead(
  host: PodmanHost,
  source: LogSource,
  tag: string,
  request: LogRequest,
): AsyncGenerator<LogChunk> {
  const window = logWindow({ ...request, previous: false, follow: false }, { ...source.run, restarts: 0 });
  for await (const text of readWindow(host, source.podmanName, window, request.signal))
    yield { source: tag, text };
}

/** The complete lines of one `podman logs` of a container, normalised (podman-log-lines.ts). */
async function* readWindow(
  host: PodmanHost,
  podmanName: string,
  window: LogWindow,
  signal: AbortSignal,
): AsyncGenerator<string> {
  const args = ['logs', '--timestamps', ...window.args, podmanName];
  let skip = 0;
  if (window.keepLast !== null) {
    // Counted in a first pass, so the tail is found without holding it (see LogWindow.keepLast).
    let lines = 0;
    for await (const bytes of podmanOutput(host, args, signal)) lines += countLines(bytes);
    skip = Math.max(0, lines - window.keepLast);
  }
  const skipper = new LineSkip(skip);
  const splitter = new LogLineSplitter();
  for await (const bytes of podmanOutput(host, args, signal)) {
    const text = normalisePodmanLines(splitter.push(skipper.push(bytes)));
    if (text !== '') yield text;
  }
  if (signal.aborted) return;
  const rest = normalisePodmanLines(splitter.end());
  if (rest !== '') yield rest;
}

/** Waits until the container runs again: true then, false once it is gone or the signal aborts. */
async function runsAgain(host: PodmanHost, podmanName: string, signal: AbortSignal): Promise<boolean> {
  for (;;) {
    await sleep(FOLLOW_POLL_MS, undefined, { signal }).catch(() => {});
    if (signal.aborted) return false;
    const state = await host
      .attempt(['container', 'inspect', '--format', '{{.State.Status}}', podmanName], { signal })
      .catch(() => undefined);
    if (state === undefined || state.code !== 0) return false;
    if (state.stdout.trim() === 'running') return true;
  }
}

/** The timestamp of the last of some complete lines. */
function lastInstant(text: string): bigint | undefined {
  const start = text.lastIndexOf('\n', text.length - 2) + 1;
  return instantNanos(text.slice(start, text.indexOf(' ', start)));
}
