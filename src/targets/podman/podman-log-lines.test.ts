import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalisePodmanLines } from './podman-log-lines.ts';

test('lines keep UTC timestamps as they are and get others converted to UTC, nanoseconds kept', () => {
  assert.equal(
    normalisePodmanLines(
      '2026-11-29T09:47:02.902826995Z line 0\n2026-11-29T10:47:03.5+01:00 line 1\n2026-11-29T09:47:04Z x\n',
    ),
    '2026-11-29T09:47:02.902826995Z line 0\n2026-11-29T09:47:03.5Z line 1\n2026-11-29T09:47:04Z x\n',
  );
});

test('the stamps Podman glues into a line written in pieces are removed', () => {
  assert.equal(
    normalisePodmanLines('2026-11-29T09:48:34.939115291Z abc2026-11-29T09:48:35.940264608Z def\n'),
    '2026-11-29T09:48:34.939115291Z abcdef\n',
  );
  assert.equal(
    normalisePodmanLines(
      '2026-11-29T09:48:35.942197141Z xx2026-11-29T09:48:35.942197141Z yy 2026-11-29T09:48:35.942197142Z zz\n',
    ),
    '2026-11-29T09:48:35.942197141Z xxyy zz\n',
  );
});

test("timestamps the program wrote itself (earlier than the line's) stay", () => {
  const line =
    '2026-11-29T09:48:35.942197141Z 2026-11-29T09:48:35.94Z INFO started at 2026-11-29T09:00:00Z ok\n';
  assert.equal(normalisePodmanLines(line), line);
});

test('empty text and lines without a timestamp pass unchanged', () => {
  assert.equal(normalisePodmanLines(''), '');
  assert.equal(normalisePodmanLines('no stamp here\n'), 'no stamp here\n');
});
