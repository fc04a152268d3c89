/**
 * The log followers of the environment operations benchmark, in a process of their own so that
 * reading (up to 10 × 20 MB/s) does not delay the benchmark's sampling of the server; started by
 * `log-followers.ts`, which it talks to over IPC:
 *
 * - it receives `{ type: 'follow', source, clients, tag, slow? }` and starts `clients` followers,
 *   each counted by a FollowStats: connections to Gantry's `…/logs?follow=true` Server-Sent Events
 *   stream, or `podman logs -f --timestamps --tail 0` of the container read directly;
 * - it sends `{ type: 'live' }` once every follower has shown a heartbeat of the producer (the
 *   server's live feed runs), then `{ type: 'result', results, errors }` once every follower has
 *   seen the burst end, or at once when it receives `{ type: 'finish' }`; then it exits.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { normalisePodmanLines } from '../../src/targets/podman/podman-log-lines.ts';
import { FollowStats } from './follow-stats.ts';
import type { FollowerCommand, FollowerMessage, FollowSource } from './log-followers.ts';
import { SseEventReader } from './sse-event-reader.ts';

/** Sends a message; `then` runs once it has been handed to the channel. */
const send = (message: FollowerMessage, then?: () => void) =>
  process.send?.(message, undefined, {}, () => then?.());

/** The time bytes reached this process: every line they complete was received then. */
const now = () => performance.timeOrigin + performance.now();

/** The longest line of the producer as `podman logs -t` prints it: 199 characters and a stamp of 31. */
const MAX_PRODUCER_LINE = 230;

/** One follower: its statistics and how to stop it. */
interface Follower {
  stats: FollowStats;
  close(): void;
}

/** What a follower reports to the process. */
interface Report {
  changed(): void;
  fail(why: string): void;
}

/** Follows Gantry's stream; with `bytesPerSecond`, pauses after each chunk as long as that rate allows. */
function followGantry(
  source: Extract<FollowSource, { kind: 'gantry' }>,
  stats: FollowStats,
  report: Report,
  bytesPerSecond?: number,
): Follower {
  const request = http.get(
    source.url,
    { headers: { authorization: `Bearer ${source.token}` }, agent: false },
    (response) => {
      if (response.statusCode !== 200) {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (text: string) => {
          body += text;
        });
        response.on('end', () =>
          report.fail(`GET ${source.url}: ${response.statusCode} ${body.slice(0, 500)}`),
        );
        return;
      }
      const reader = new SseEventReader();
      response.on('data', (chunk: Buffer) => {
        const at = now();
        stats.received(chunk.length);
        for (const event of reader.push(chunk)) {
          if (event.event === 'end' || event.event === 'error') {
            report.fail(`the stream sent ${event.event}: ${event.data}`);
          }
          stats.event(event, at);
        }
        report.changed();
        if (bytesPerSecond !== undefined) {
          response.pause();
          setTimeout(() => response.resume(), (chunk.length / bytesPerSecond) * 1000);
        }
      });
      response.on('end', () => {
        if (!stats.done) report.fail('the server ended the stream before the burst did');
      });
    },
  );
  request.on('error', (error) => {
    if (!stats.done) report.fail(`GET ${source.url}: ${error.message}`);
  });
  return { stats, close: () => request.destroy() };
}

/** Reads `podman logs -f` of the container: what Gantry's Podman target reads, without Gantry. */
function followPodman(
  source: Extract<FollowSource, { kind: 'podman' }>,
  stats: FollowStats,
  report: Report,
): Follower {
  const child = spawn('podman', ['logs', '--follow', '--timestamps', '--tail', '0', source.container], {
    env: { ...process.env, CONTAINERS_CONF: source.containersConf },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    stderr = (stderr + text).slice(-4000);
  });
  let rest = '';
  child.stdout.on('data', (chunk: Buffer) => {
    const at = now();
    stats.received(chunk.length);
    const text = rest + chunk.toString('utf8');
    const end = text.lastIndexOf('\n');
    rest = text.slice(end + 1);
    if (end === -1) return report.changed();
    const lines = text.slice(0, end).split('\n');
    // A line Podman stamped in pieces carries a second stamp: glued back under its first, as
    // Gantry does. Only those lines, found by length (the producer's are at most 230 characters
    // with their stamp), so that this reader costs little more than podman itself.
    for (let i = 0; i < lines.length; i++) {
      if (lines[i]!.length > MAX_PRODUCER_LINE) lines[i] = normalisePodmanLines(lines[i]!);
    }
    stats.lines(lines, at);
    report.changed();
  });
  child.on('error', (error) => report.fail(`podman logs: ${error.message}`));
  child.on('close', (code) => {
    if (!stats.done) report.fail(`podman logs ended (${code}) before the burst did: ${stderr}`);
  });
  return { stats, close: () => child.kill('SIGKILL') };
}

function run(command: Extract<FollowerCommand, { type: 'follow' }>) {
  const errors: string[] = [];
  let reportedLive = false;
  let finished = false;
  const followers: Follower[] = [];
  const finish = () => {
    if (finished) return;
    finished = true;
    for (const follower of followers) follower.close();
    send({ type: 'result', results: followers.map((follower) => follower.stats.result()), errors }, () =>
      process.disconnect?.(),
    );
  };
  const report: Report = {
    changed() {
      if (!reportedLive && followers.length === command.clients && followers.every((f) => f.stats.live)) {
        reportedLive = true;
        send({ type: 'live' });
      }
      if (followers.length === command.clients && followers.every((f) => f.stats.done)) finish();
    },
    fail(why) {
      errors.push(why);
      finish();
    },
  };
  const { source } = command;
  for (let i = 0; i < command.clients; i++) {
    const stats = new FollowStats(command.tag);
    const slow =
      command.slow !== undefined && i < command.slow.clients ? command.slow.bytesPerSecond : undefined;
    followers.push(
      source.kind === 'gantry'
        ? followGantry(source, stats, report, slow)
        : followPodman(source, stats, report),
    );
  }
  process.on('message', (message: FollowerCommand) => {
    if (message.type === 'finish') finish();
  });
}

process.once('message', (command: FollowerCommand) => {
  if (command.type === 'follow') run(command);
});
// The benchmark going away ends this process too.
process.on('disconnect', () => process.exit(0));
