import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FollowResult } from './follow-stats.ts';

/** Where followers read the log: Gantry's stream, or `podman logs -f` itself (the reference). */
export type FollowSource =
  | { kind: 'gantry'; url: string; token: string }
  | { kind: 'podman'; container: string; containersConf: string };

/** What the benchmark tells the follower process (see log-follower-process.ts). */
export type FollowerCommand =
  | {
      type: 'follow';
      source: FollowSource;
      clients: number;
      tag: string;
      /** The first `clients` followers read no faster than `bytesPerSecond` (Gantry's stream only). */
      slow?: { clients: number; bytesPerSecond: number };
    }
  | { type: 'finish' };

/** What the follower process tells the benchmark. */
export type FollowerMessage =
  | { type: 'live' }
  | { type: 'result'; results: FollowResult[]; errors: string[] };

/** The followers of one burst, running in their own process. */
export interface Followers {
  /** The follower process's pid (to sample its CPU). */
  pid: number;
  /** Resolves once every follower's stream carries the producer's heartbeats. */
  live: Promise<void>;
  /** Every follower's result, once all saw the burst end or {@link finish} was called. */
  results: Promise<{ results: FollowResult[]; errors: string[] }>;
  /** Asks for the results now (a deadline passed). */
  finish(): void;
  /** Ends the process at once (on error or interruption). */
  kill(): void;
}

const PROCESS = fileURLToPath(new URL('./log-follower-process.ts', import.meta.url));

/**
 * Starts followers of the producer's log counting the burst tagged `tag`, in one child process on
 * this Node (no flags of this process passed on).
 */
export function startFollowers(
  command: Omit<Extract<FollowerCommand, { type: 'follow' }>, 'type'>,
): Followers {
  const child: ChildProcess = fork(PROCESS, [], {
    execArgv: [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exit.then(() => {
    exited = true;
  });
  const live = new Promise<void>((resolve, reject) => {
    child.on('message', (message: FollowerMessage) => {
      if (message.type === 'live') resolve();
    });
    void exit.then(() => reject(new Error('the follower process ended before its streams were live')));
  });
  const results = new Promise<{ results: FollowResult[]; errors: string[] }>((resolve, reject) => {
    child.on('message', (message: FollowerMessage) => {
      if (message.type === 'result') resolve({ results: message.results, errors: message.errors });
    });
    void exit.then(() => reject(new Error('the follower process ended without its results')));
  });
  // Unobserved until the benchmark waits for them; a rejection here is not unhandled.
  live.catch(() => {});
  results.catch(() => {});
  if (child.pid === undefined) throw new Error('could not start the follower process');
  child.send({ type: 'follow', ...command } satisfies FollowerCommand);
  return {
    pid: child.pid,
    live,
    results,
    finish: () => {
      if (!exited && child.connected) child.send({ type: 'finish' } satisfies FollowerCommand);
    },
    kill: () => {
      if (!exited) child.kill('SIGKILL');
    },
  };
}
