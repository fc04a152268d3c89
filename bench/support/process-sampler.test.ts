import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { ProcessSampler, processGroup } from './process-sampler.ts';

test('CPU of a process and of the children it starts after the sampler did; RSS of one', async () => {
  // A shell that starts a child burning CPU for about half a second.
  const child = spawn('sh', ['-c', 'sleep 0.2; timeout 0.5 sh -c "while :; do :; done"; true'], {
    stdio: 'ignore',
  });
  const sampler = await ProcessSampler.start({
    rssPid: process.pid,
    intervalMs: 50,
    groups: [
      processGroup('this process', process.pid),
      processGroup('below the shell', child.pid!, { descendants: true, self: false }),
    ],
  });
  await once(child, 'exit');
  const usage = await sampler.stop();
  assert.deepEqual(
    usage.cpu.map((group) => group.name),
    ['this process', 'below the shell'],
  );
  const below = usage.cpu[1]!.seconds;
  // How much CPU it gets depends on the machine's load: some, and no more than the time that passed.
  assert.ok(below > 0 && below <= usage.seconds, `the busy child used ${below} s`);
  assert.ok(usage.rss.samples >= 3);
  assert.ok(usage.rss.startKb > 0 && usage.rss.maxKb >= usage.rss.startKb);
  assert.ok(usage.machineBusySeconds > 0);
});
