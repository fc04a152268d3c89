import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeLogFrame, encodeLogFrame, parseMessage, type RunnerMessage } from './runner-protocol.ts';

test('log frames round-trip job id and bytes', () => {
  const frame = encodeLogFrame(123456, Buffer.from('\x1b[32mok\x1b[0m\n'));
  assert.deepEqual(decodeLogFrame(frame), { jobId: 123456, data: Buffer.from('\x1b[32mok\x1b[0m\n') });
  assert.equal(decodeLogFrame(Buffer.from([1, 2])), null);
});

test('control messages of unknown type or bad JSON are refused', () => {
  const types = ['hello', 'heartbeat', 'finished'] as const;
  assert.deepEqual(parseMessage<RunnerMessage>('{"type":"heartbeat","running":[1]}', types), {
    type: 'heartbeat',
    running: [1],
  });
  assert.equal(parseMessage<RunnerMessage>('{"type":"rm -rf"}', types), null);
  assert.equal(parseMessage<RunnerMessage>('not json', types), null);
  assert.equal(parseMessage<RunnerMessage>('null', types), null);
});
