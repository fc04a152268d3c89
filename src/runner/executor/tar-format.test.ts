import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BLOCK_SIZE,
  encodeTarHeader,
  endOfArchive,
  paddingFor,
  parsePaxRecords,
  paxRecord,
  TarFormatError,
  TarReader,
} from './tar-format.ts';

async function* chunked(buffer: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < buffer.length; i += size) yield buffer.subarray(i, i + size);
}

function fileEntry(path: string, content: string): Buffer {
  const data = Buffer.from(content);
  return Buffer.concat([
    encodeTarHeader({ path, type: 'file', size: data.length, mode: 0o640, mtime: 1_700_000_000 }),
    data,
    Buffer.alloc(paddingFor(data.length)),
  ]);
}

test('pax records count their own length, also across a digit boundary', () => {
  for (const value of ['x', 'y'.repeat(85), 'z'.repeat(86), 'w'.repeat(995), 'v'.repeat(996)]) {
    const record = paxRecord('path', value);
    const length = Number(record.slice(0, record.indexOf(' ')));
    assert.equal(length, Buffer.byteLength(record), `value of ${value.length} chars`);
    assert.equal(parsePaxRecords(Buffer.from(record)).get('path'), value);
  }
});

test('reads back files, directories and links, in chunks of any size', async () => {
  const longName = `${'deep/'.repeat(30)}file-with-a-long-name.txt`;
  const longTarget = `${'../'.repeat(2)}${'t'.repeat(120)}`;
  const archive = Buffer.concat([
    encodeTarHeader({ path: 'dir', type: 'directory', size: 0, mode: 0o755, mtime: 1 }),
    fileEntry('dir/a.txt', 'hello'),
    fileEntry(longName, 'long'),
    fileEntry('ünïcödé.txt', 'utf8'),
    encodeTarHeader({
      path: 'dir/link',
      type: 'symlink',
      size: 0,
      mode: 0o777,
      mtime: 1,
      linkTarget: 'a.txt',
    }),
    encodeTarHeader({
      path: 'x/long-link',
      type: 'symlink',
      size: 0,
      mode: 0o777,
      mtime: 1,
      linkTarget: longTarget,
    }),
    fileEntry('empty', ''),
    endOfArchive(),
  ]);
  for (const size of [1, 7, 512, 100_000]) {
    const reader = new TarReader(chunked(archive, size));
    const seen: Array<[string, string, string, string]> = [];
    for (let entry = await reader.next(); entry !== null; entry = await reader.next()) {
      const body: Buffer[] = [];
      if (entry.path !== 'dir/a.txt') for await (const chunk of reader.body()) body.push(chunk);
      seen.push([entry.path, entry.type, entry.linkTarget, Buffer.concat(body).toString()]);
    }
    assert.deepEqual(seen, [
      ['dir/', 'directory', '', ''],
      ['dir/a.txt', 'file', '', ''],
      [longName, 'file', '', 'long'],
      ['ünïcödé.txt', 'file', '', 'utf8'],
      ['dir/link', 'symlink', 'a.txt', ''],
      ['x/long-link', 'symlink', longTarget, ''],
      ['empty', 'file', '', ''],
    ]);
    assert.equal(reader.ended, true);
  }
});

test('keeps mode and mtime', async () => {
  const reader = new TarReader(chunked(Buffer.concat([fileEntry('a', 'x'), endOfArchive()]), 512));
  const entry = await reader.next();
  assert.equal(entry?.mode, 0o640);
  assert.equal(entry?.mtime, 1_700_000_000);
});

test('a corrupted header is refused', async () => {
  const archive = Buffer.concat([fileEntry('a', 'x'), endOfArchive()]);
  archive[10] = 0x41;
  await assert.rejects(new TarReader(chunked(archive, 512)).next(), TarFormatError);
});

test('a truncated archive is refused', async () => {
  const archive = fileEntry('a', 'x'.repeat(2000)).subarray(0, BLOCK_SIZE + 100);
  const reader = new TarReader(chunked(archive, 512));
  await reader.next();
  await assert.rejects(async () => {
    for await (const _ of reader.body()) {
      // drain
    }
  }, TarFormatError);
});

test('an empty stream is an empty archive', async () => {
  assert.equal(await new TarReader(chunked(Buffer.alloc(0), 1)).next(), null);
});
