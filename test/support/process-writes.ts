import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

// Flow-control tests prove that output stops being read by watching the writer block: a process
// of this host whose written byte count stops growing is waiting on a full pipe or socket.

/** Bytes process `pid` of this host has written so far (Linux `/proc/<pid>/io`). */
async function bytesWritten(pid: number): Promise<number> {
  const io = await readFile(`/proc/${pid}/io`, 'utf8').catch(() => assert.fail(`process ${pid} ended`));
  return Number(/wchar: (\d+)/.exec(io)?.[1]);
}

/** Waits until process `pid` writes no more (its output is not read), up to 30 s. */
export async function blockedWriting(pid: number): Promise<void> {
  let previous = -1;
  for (let polls = 0; polls < 100; polls++) {
    const now = await bytesWritten(pid);
    if (now === previous) return;
    previous = now;
    await sleep(300);
  }
  assert.fail(`process ${pid} goes on writing (${previous} bytes so far)`);
}
