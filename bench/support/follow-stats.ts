import type { ServerSentEvent } from '../../src/cli/sse-parser.ts';
import { BenchLogLineParser } from './bench-log-line.ts';
import { LagHistogram, type LagHistogramData } from './lag-histogram.ts';

/** What one client following a burst of the log producer received, as plain data. */
export interface FollowResult {
  /** Bytes of the response body read while following. */
  bytes: number;
  /** Burst lines of the tag received. */
  lines: number;
  /** Lines the server said it left out (`skipped` events). */
  skipped: number;
  /** Burst lines missing between lines received (their sequence numbers skip them). */
  gaps: number;
  /** One more than the highest sequence number received (0 when none): lines from here on never came. */
  nextSeq: number;
  /** Burst lines that came out of order or twice. */
  disordered: number;
  /** The producer's count of the burst's lines, from its end line (null when that line was not received). */
  produced: number | null;
  /** The producer's own report: how long the burst took and its latest tick (null without its end line). */
  producer: { seconds: number; maxLateMs: number } | null;
  /** Receive time of the first and last burst line (ms since the epoch). */
  firstMs: number;
  lastMs: number;
  /** Receive time − Gantry's timestamp (when conmon read the line), per burst line. */
  stampLag: LagHistogramData;
  /** Receive time − the producer's clock written in the line, per burst line. */
  producerLag: LagHistogramData;
  /** Whether the burst was seen to end (its end line, or a heartbeat after its lines). */
  done: boolean;
}

/**
 * The statistics of one follower during one burst (lines tagged `tag`): fed the stream's events
 * with the time each arrived, it counts lines, skipped lines and holes in the sequence, and the
 * lag of every line. It is `live` once a heartbeat came through (the server's live feed runs, so
 * the burst can start), and `done` once the burst's end line or a heartbeat after the burst came.
 */
export class FollowStats {
  readonly #tag: string;
  readonly #parser = new BenchLogLineParser();
  readonly #stampLag = new LagHistogram();
  readonly #producerLag = new LagHistogram();
  #bytes = 0;
  #lines = 0;
  #skipped = 0;
  #gaps = 0;
  #disordered = 0;
  #nextSeq = 0;
  #produced: number | null = null;
  #producer: FollowResult['producer'] = null;
  #firstMs = Number.NaN;
  #lastMs = Number.NaN;
  #live = false;
  #done = false;

  constructor(tag: string) {
    this.#tag = tag;
  }

  get live(): boolean {
    return this.#live;
  }

  get done(): boolean {
    return this.#done;
  }

  /** Counts bytes of the response body. */
  received(bytes: number): void {
    this.#bytes += bytes;
  }

  /** One event of the stream, received at `atMs` (ms since the epoch). */
  event(event: ServerSentEvent, atMs: number): void {
    if (event.event === 'skipped') {
      this.#skipped += (JSON.parse(event.data) as { lines: number }).lines;
      return;
    }
    if (event.event !== 'logs') return;
    this.lines((JSON.parse(event.data) as { lines: string[] }).lines, atMs);
  }

  /** Log lines received at `atMs` (ms since the epoch), from a `logs` event or read from podman. */
  lines(lines: readonly string[], atMs: number): void {
    for (const line of lines) this.#line(line, atMs);
  }

  #line(text: string, atMs: number): void {
    const line = this.#parser.parse(text);
    if (line === undefined) return;
    if (line.kind === 'idle') {
      this.#live = true;
      if (this.#lines > 0) this.#done = true;
      return;
    }
    if (line.tag !== this.#tag) return;
    if (line.kind === 'end') {
      this.#produced = line.lines;
      this.#producer = { seconds: line.seconds, maxLateMs: line.maxLateMs };
      this.#done = true;
      return;
    }
    if (this.#lines === 0) this.#firstMs = atMs;
    this.#lastMs = atMs;
    this.#lines += 1;
    this.#stampLag.record(atMs - line.stampMs);
    this.#producerLag.record(atMs - line.producedMs);
    if (line.seq > this.#nextSeq) this.#gaps += line.seq - this.#nextSeq;
    if (line.seq < this.#nextSeq) this.#disordered += 1;
    else this.#nextSeq = line.seq + 1;
  }

  result(): FollowResult {
    return {
      bytes: this.#bytes,
      lines: this.#lines,
      skipped: this.#skipped,
      gaps: this.#gaps,
      nextSeq: this.#nextSeq,
      disordered: this.#disordered,
      produced: this.#produced,
      producer: this.#producer,
      firstMs: this.#firstMs,
      lastMs: this.#lastMs,
      stampLag: this.#stampLag.toData(),
      producerLag: this.#producerLag.toData(),
      done: this.#done,
    };
  }
}

/**
 * Lines of a burst of `produced` lines that a follower neither received nor was told were skipped:
 * 0 when nothing was lost silently. Negative when the server reported more skipped lines than
 * are missing: a slow follower can also be told of heartbeats skipped after the burst.
 */
export function unaccountedLines(
  result: Pick<FollowResult, 'gaps' | 'nextSeq' | 'skipped'>,
  produced: number,
): number {
  return result.gaps + Math.max(0, produced - result.nextSeq) - result.skipped;
}
