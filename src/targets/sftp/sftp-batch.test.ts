import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SshError } from '../ssh/ssh-error.ts';
import { remoteJoin, sftpCommand, sftpOptionalCommand, sftpQuote } from './sftp-batch.ts';

test('sftpQuote wraps in double quotes and escapes backslashes and double quotes', () => {
  assert.equal(sftpQuote('/srv/site'), '"/srv/site"');
  assert.equal(sftpQuote('a "b" \\c*.txt'), '"a \\"b\\" \\\\c*.txt"');
  assert.equal(sftpQuote(''), '""');
});

test('sftpQuote refuses line breaks and NUL, which would end or corrupt a batch line', () => {
  for (const value of ['a\nrm x', 'a\rb', 'a\0b']) {
    assert.throws(
      () => sftpQuote(value),
      (error: SshError) => error.reason === 'invalid' && /line break or NUL/.test(error.message),
    );
  }
});

test('sftpCommand and sftpOptionalCommand build one batch line', () => {
  assert.equal(sftpCommand('rename', 'a b', 'c'), 'rename "a b" "c"');
  assert.equal(sftpCommand('pwd'), 'pwd');
  assert.equal(sftpOptionalCommand('mkdir', '/srv'), '-mkdir "/srv"');
});

test('remoteJoin joins without doubled slashes, keeping relative paths relative', () => {
  assert.equal(remoteJoin('/srv/site/', 'releases', 'v1'), '/srv/site/releases/v1');
  assert.equal(remoteJoin('site', 'current'), 'site/current');
  assert.equal(remoteJoin('', 'current'), 'current');
  assert.equal(remoteJoin('/', 'srv'), '/srv');
  assert.equal(remoteJoin('/'), '/');
  assert.equal(remoteJoin(''), '.');
});
