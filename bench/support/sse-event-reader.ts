import type { ServerSentEvent } from '../../src/cli/sse-parser.ts';

const LF = 0x0a;
const COLON = 0x3a;
const SPACE = 0x20;

/**
 * Splits a text/event-stream into events straight from the socket's buffers, for benchmark
 * clients that read 20 MB/s each: an event's bytes are copied once (only when it spans chunks)
 * and decoded once. `SseParser` (src/cli) handles any line ending, but it copies each event
 * several times as text, which made ten followers cost a core here. This one expects what Gantry
 * writes: lines ending in LF (not CRLF) and UTF-8 that `data` decodes as a whole.
 */
export class SseEventReader {
  #pending: Buffer[] = [];

  /** The events a chunk of the body completes, in order. */
  push(chunk: Buffer): ServerSentEvent[] {
    const events: ServerSentEvent[] = [];
    let start = 0;
    // An event whose blank line is split between the previous chunk and this one.
    const last = this.#pending.at(-1);
    if (last !== undefined && last[last.length - 1] === LF && chunk[0] === LF) {
      const block = Buffer.concat(this.#pending);
      this.#pending = [];
      parseBlock(block.subarray(0, block.length - 1), events);
      start = 1;
    }
    for (;;) {
      const end = chunk.indexOf('\n\n', start);
      if (end === -1) break;
      const part = chunk.subarray(start, end);
      const block = this.#pending.length === 0 ? part : Buffer.concat([...this.#pending, part]);
      this.#pending = [];
      parseBlock(block, events);
      start = end + 2;
    }
    if (start < chunk.length) this.#pending.push(chunk.subarray(start));
    return events;
  }
}

/** One event's lines (without the blank line); comments and fields other than event/data are skipped. */
function parseBlock(block: Buffer, events: ServerSentEvent[]): void {
  let event = 'message';
  const data: string[] = [];
  for (let start = 0; start < block.length; ) {
    const newline = block.indexOf(LF, start);
    const end = newline === -1 ? block.length : newline;
    if (block[start] !== COLON) {
      const colon = block.indexOf(COLON, start);
      const nameEnd = colon === -1 || colon > end ? end : colon;
      let valueStart = nameEnd === end ? end : nameEnd + 1;
      if (block[valueStart] === SPACE && valueStart < end) valueStart += 1;
      const name = block.toString('latin1', start, nameEnd);
      if (name === 'event') event = block.toString('utf8', valueStart, end);
      else if (name === 'data') data.push(block.toString('utf8', valueStart, end));
    }
    start = end + 1;
  }
  if (data.length > 0) events.push({ event, data: data.join('\n') });
}
