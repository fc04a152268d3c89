/**
 * The lines `log-producer/main.go` writes, as a follower of the environment's logs receives them:
 * Gantry's timestamp (when Podman's conmon read the line, RFC 3339 in UTC), then the producer's
 * own clock (Unix microseconds, 16 digits) and what it wrote:
 *
 *     2026-11-29T10:00:00.123456789Z 1795946190266775 b1 0000000001 xxxx…   (a burst line)
 *     2026-11-29T10:00:30.2Z 1795946220266775 b1 end lines=3000000 seconds=30.001 max_late_ms=3.2
 *     2026-11-29T10:00:31Z 1795946221266775 idle 17
 */

/** A line of the producer, with both of its times in milliseconds since the epoch. */
export type BenchLogLine =
  | { kind: 'burst'; stampMs: number; producedMs: number; tag: string; seq: number }
  | {
      kind: 'end';
      stampMs: number;
      producedMs: number;
      tag: string;
      lines: number;
      seconds: number;
      maxLateMs: number;
    }
  | { kind: 'idle'; stampMs: number; producedMs: number; seq: number };

const STAMP_SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/;
const END = /^end lines=(\d+) seconds=([\d.]+) max_late_ms=([\d.]+)/;

/**
 * Reads lines' timestamps; remembers the last whole second it parsed, since consecutive lines
 * (~100,000 a second at 20 MB/s) share it: only the fraction is read for most of them.
 */
export class BenchLogLineParser {
  #secondsText = '';
  #secondsMs = Number.NaN;

  /** The line, or undefined for one the producer did not write (or Gantry did not stamp). */
  parse(line: string): BenchLogLine | undefined {
    const end = line.indexOf('Z ', 19);
    if (end === -1 || end > 30) return undefined;
    const stampMs = this.#stampMs(line, end);
    if (Number.isNaN(stampMs)) return undefined;
    const micros = end + 2;
    const afterMicros = micros + 16;
    if (line.charCodeAt(afterMicros) !== 32) return undefined;
    const producedMs = Number(line.slice(micros, afterMicros)) / 1000;
    if (!Number.isFinite(producedMs)) return undefined;
    const tagEnd = line.indexOf(' ', afterMicros + 1);
    if (tagEnd === -1) return undefined;
    const tag = line.slice(afterMicros + 1, tagEnd);
    const rest = line.slice(tagEnd + 1);
    if (tag === 'idle') {
      const seq = Number(rest);
      return Number.isInteger(seq) ? { kind: 'idle', stampMs, producedMs, seq } : undefined;
    }
    if (rest.startsWith('end ')) {
      const match = END.exec(rest);
      if (!match) return undefined;
      return {
        kind: 'end',
        stampMs,
        producedMs,
        tag,
        lines: Number(match[1]),
        seconds: Number(match[2]),
        maxLateMs: Number(match[3]),
      };
    }
    const seq = Number(rest.slice(0, 10));
    if (rest.charCodeAt(10) !== 32 || !Number.isInteger(seq)) return undefined;
    return { kind: 'burst', stampMs, producedMs, tag, seq };
  }

  /** Milliseconds since the epoch of the timestamp ending at `z` (its `Z`); NaN when it is none. */
  #stampMs(line: string, z: number): number {
    const seconds = line.slice(0, 19);
    if (seconds !== this.#secondsText) {
      if (!STAMP_SECONDS.test(seconds)) return Number.NaN;
      this.#secondsText = seconds;
      this.#secondsMs = Date.parse(`${seconds}Z`);
    }
    if (z === 19) return this.#secondsMs;
    if (line.charCodeAt(19) !== 46) return Number.NaN;
    const digits = line.slice(20, z);
    const fraction = Number(digits);
    if (digits.length === 0 || !Number.isInteger(fraction)) return Number.NaN;
    return this.#secondsMs + (fraction / 10 ** digits.length) * 1000;
  }
}
