import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  descendantsOf,
  parseMachineCpu,
  parseProcStat,
  parseVmRssKb,
  readAllProcStats,
  rssKb,
} from './process-stats.ts';

test('a stat line: pid, name (spaces and parentheses kept), parent and user + system ticks', () => {
  const line =
    '4242 (node (main) x) S 17 4242 17 0 -1 4194560 9137 0 0 0 311 42 0 0 20 0 11 0 1234 1000 500 18446744073709551615\n';
  assert.deepEqual(parseProcStat(line), { pid: 4242, name: 'node (main) x', ppid: 17, cpuTicks: 353 });
  assert.throws(() => parseProcStat('garbage'), /not a \/proc\/<pid>\/stat line/);
});

test('VmRSS in kB', () => {
  assert.equal(parseVmRssKb('Name:\tnode\nVmHWM:\t  200000 kB\nVmRSS:\t  143360 kB\nThreads:\t11\n'), 143360);
  assert.throws(() => parseVmRssKb('Name:\tkthreadd\n'), /no VmRSS/);
});

test('descendants: children, grandchildren, not siblings or parents', () => {
  const parents = new Map([
    [10, 1],
    [11, 10],
    [12, 11],
    [13, 10],
    [20, 1],
    [21, 20],
  ]);
  assert.deepEqual([...descendantsOf(10, parents)].sort(), [10, 11, 12, 13]);
  assert.deepEqual([...descendantsOf(99, parents)], [99]);
});

test('this process as /proc shows it', async () => {
  const all = await readAllProcStats();
  assert.equal(all.get(process.pid)?.ppid, process.ppid);
  assert.ok((await rssKb(process.pid)) > 10_000);
});

test('the machine line of /proc/stat: busy is everything but idle and iowait', () => {
  const text = 'cpu  100 5 50 800 20 3 2 10 0 0\ncpu0 50 2 25 400 10 1 1 5 0 0\nintr 1 2 3\n';
  assert.deepEqual(parseMachineCpu(text), { totalTicks: 990, busyTicks: 170 });
  assert.throws(() => parseMachineCpu('intr 1\n'), /no cpu line/);
});
