import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LogChunk } from '../targets/environment-operations.ts';
import { type LiveLogListener, type LiveLogSource, LogFanout } from './log-fanout.ts';

/** A source whose chunks the test pushes; it ends when its signal aborts or `finish` is called. */
function pushedSource() {
  const queue: LogChunk[] = [];
  let wake: (() => void) | undefined;
  let finished = false;
  let failure: Error | undefined;
  let opened = 0;
  let closed = 0;
  const open = async (signal: AbortSignal): Promise<LiveLogSource> => {
    opened++;
    signal.addEventListener('abort', () => wake?.());
    async function* chunks() {
      for (;;) {
        while (queue.length > 0) yield queue.shift()!;
        if (failure) throw failure;
        if (finished || signal.aborted) return;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    }
    return {
      chunks: chunks(),
      close: async () => {
        closed++;
      },
    };
  };
  return {
    open,
    push(text: string) {
      queue.push({ source: 'web-1/web', text });
      wake?.();
    },
    finish(error?: Error) {
      finished = true;
      failure = error;
      wake?.();
    },
    get opened() {
      return opened;
    },
    get closed() {
      return closed;
    },
  };
}

function recorder() {
  const texts: string[] = [];
  let ended: { error?: Error } | undefined;
  const listener: LiveLogListener = {
    chunk: (chunk) => texts.push(chunk.text),
    end: (error) => {
      ended = error ? { error } : {};
    },
  };
  return {
    listener,
    texts,
    get ended() {
      return ended;
    },
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('LogFanout', () => {
  it('reads one source for every listener of a key and hands each chunk to all', async () => {
    const fanout = new LogFanout(() => {});
    const source = pushedSource();
    const [a, b] = [recorder(), recorder()];
    fanout.subscribe('k', source.open, a.listener);
    fanout.subscribe('k', source.open, b.listener);
    await tick();
    source.push('one\n');
    source.push('two\n');
    await tick();
    assert.equal(source.opened, 1);
    assert.deepEqual(a.texts, ['one\n', 'two\n']);
    assert.deepEqual(b.texts, ['one\n', 'two\n']);
  });

  it('stops and closes the source when its last listener leaves', async () => {
    const fanout = new LogFanout(() => {});
    const source = pushedSource();
    const [a, b] = [recorder(), recorder()];
    const leaveA = fanout.subscribe('k', source.open, a.listener);
    const leaveB = fanout.subscribe('k', source.open, b.listener);
    await tick();
    leaveA();
    source.push('after a left\n');
    await tick();
    assert.deepEqual(a.texts, []);
    assert.deepEqual(b.texts, ['after a left\n']);
    leaveB();
    await tick();
    assert.equal(source.closed, 1);
    assert.equal(fanout.size, 0);
  });

  it('tells every listener when the source ends or fails, and starts afresh for the next', async () => {
    const fanout = new LogFanout(() => {});
    const first = pushedSource();
    const a = recorder();
    fanout.subscribe('k', first.open, a.listener);
    await tick();
    first.finish(new Error('pod gone'));
    await tick();
    assert.equal(a.ended?.error?.message, 'pod gone');
    assert.equal(first.closed, 1);

    const second = pushedSource();
    const b = recorder();
    fanout.subscribe('k', second.open, b.listener);
    await tick();
    second.finish();
    await tick();
    assert.equal(second.opened, 1);
    assert.deepEqual(b.ended, {});
  });

  it('keeps feeds of different keys apart', async () => {
    const fanout = new LogFanout(() => {});
    const [one, two] = [pushedSource(), pushedSource()];
    const [a, b] = [recorder(), recorder()];
    fanout.subscribe('one', one.open, a.listener);
    fanout.subscribe('two', two.open, b.listener);
    await tick();
    one.push('for one\n');
    await tick();
    assert.deepEqual(a.texts, ['for one\n']);
    assert.deepEqual(b.texts, []);
    assert.equal(fanout.size, 2);
  });
});
