/** One Server-Sent Event: its `event` name (`message` when none) and `data` text. */
export interface ServerSentEvent {
  event: string;
  data: string;
}

/**
 * Parses a text/event-stream as it arrives: feed it chunks of text, get the events completed so
 * far. Comments (`: keep-alive`) and `id`/`retry` fields are skipped; multi-line `data` joins
 * with `\n`, as EventSource does.
 */
export class SseParser {
  #pending = '';

  push(text: string): ServerSentEvent[] {
    this.#pending += text;
    const events: ServerSentEvent[] = [];
    for (;;) {
      const end = this.#pending.search(/\r?\n\r?\n/);
      if (end === -1) return events;
      const block = this.#pending.slice(0, end);
      this.#pending = this.#pending.slice(end).replace(/^\r?\n\r?\n/, '');
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split(/\r?\n/)) {
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon === -1 ? line : line.slice(0, colon);
        const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
      }
      if (data.length > 0) events.push({ event, data: data.join('\n') });
    }
  }
}
