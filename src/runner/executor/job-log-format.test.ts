import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorLine, progressLine, sectionEnd, sectionStart, warningLine } from './job-log-format.ts';

test('lines carry GitLab runner colours', () => {
  assert.equal(progressLine('Fetching changes...'), '\u001b[32;1mFetching changes...\u001b[0;m\n');
  assert.equal(
    errorLine('Job failed: exit code 1'),
    '\u001b[31;1mERROR: Job failed: exit code 1\u001b[0;m\n',
  );
  assert.equal(warningLine('x'), '\u001b[0;33mWARNING: x\u001b[0;m\n');
});

test('section markers use seconds since the epoch', () => {
  const at = new Date(1_700_000_000_500);
  assert.equal(
    sectionStart('get_sources', 'Getting source', at),
    'section_start:1700000000:get_sources\r\u001b[0K\u001b[32;1mGetting source\u001b[0;m\n',
  );
  assert.equal(sectionEnd('get_sources', at), 'section_end:1700000000:get_sources\r\u001b[0K');
});
