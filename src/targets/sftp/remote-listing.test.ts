import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseListings } from './remote-listing.ts';

test('parseListings reads each ls section of a batch, names with spaces included', () => {
  const output = [
    'sftp> -mkdir "/srv/site"',
    'sftp> ls -lan "/srv/site"',
    'drwxr-xr-x    ? 0        0            4096 Nov 29 13:09 /srv/site/.',
    'drwxr-xr-x    ? 0        0            4096 Nov 29 13:09 /srv/site/..',
    'lrwxrwxrwx    ? 0        0              11 Nov 29 13:09 /srv/site/current',
    'drwxr-xr-x    ? 0        0            4096 Nov 29 13:09 /srv/site/releases',
    'sftp> -ls -lan "/srv/site/releases/"',
    '-rw-r--r--    ? 1000     1000         3526 Apr 18  2025 /srv/site/releases/a "b" c.txt',
    'drwxr-xr-x    ? 1000     1000         4096 Apr 18  2025 /srv/site/releases/v1',
    'sftp> pwd',
    'Remote working directory: /srv/site',
    'sftp> -ls -lan "/srv/missing"',
  ].join('\n');
  const listings = parseListings(output, ['/srv/site', '/srv/site/releases/', '/srv/missing']);
  assert.deepEqual(listings.get('/srv/site'), [
    { name: 'current', type: 'symlink', size: 11 },
    { name: 'releases', type: 'dir', size: 4096 },
  ]);
  assert.deepEqual(listings.get('/srv/site/releases/'), [
    { name: 'a "b" c.txt', type: 'file', size: 3526 },
    { name: 'v1', type: 'dir', size: 4096 },
  ]);
  assert.deepEqual(listings.get('/srv/missing'), []);
});

test('parseListings refuses output that does not hold one listing per directory', () => {
  assert.throws(
    () => parseListings('sftp> pwd\n', ['/srv']),
    /expected 1 directory listings from sftp, found 0/,
  );
});
