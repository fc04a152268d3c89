/**
 * The parts of the tar format (POSIX ustar with pax extended headers, plus reading GNU long-name
 * headers) that artifact archives need: regular files, directories and symbolic links. Written
 * archives read with GNU tar and bsdtar; read archives may come from either.
 */

/** Size of a tar block; headers and padded file data are multiples of it. */
export const BLOCK_SIZE = 512;

/** The entry kinds an artifact archive may hold; anything else is `other` and refused on extraction. */
export type TarEntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';

/** One entry's header, with pax and GNU long names already applied. */
export interface TarEntry {
  /** The entry's path exactly as stored (not yet checked or normalized). */
  path: string;
  type: TarEntryType;
  /** The raw type flag (`0`, `5`, `2`, …), for error messages. */
  typeflag: string;
  /** Bytes of data that follow (only files have data). */
  size: number;
  /** Permission bits. */
  mode: number;
  /** Modification time in seconds since the epoch. */
  mtime: number;
  /** Target of a symbolic or hard link, empty otherwise. */
  linkTarget: string;
}

/** A malformed archive (bad checksum, truncated data, oversized metadata). */
export class TarFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TarFormatError';
  }
}

/** The metadata {@link encodeTarHeader} writes for one entry. */
export interface TarHeaderInput {
  path: string;
  type: 'file' | 'directory' | 'symlink';
  size: number;
  mode: number;
  mtime: number;
  linkTarget?: string;
}

const MAX_OCTAL_SIZE = 0o77777777777;
/** Largest pax or GNU long-name block accepted when reading; real ones are a few hundred bytes. */
const MAX_METADATA_BYTES = 1024 * 1024;

/**
 * Encodes the header block(s) of one entry: a pax extended header first when the path or link
 * target does not fit the ustar fields (or the size does not fit in octal), then the ustar header.
 * Directory paths get their trailing `/`. File data (padded with {@link paddingFor}) follows.
 */
export function encodeTarHeader(input: TarHeaderInput): Buffer {
  const path = input.type === 'directory' && !input.path.endsWith('/') ? `${input.path}/` : input.path;
  const linkTarget = input.linkTarget ?? '';
  const pax: Array<[string, string]> = [];
  if (Buffer.byteLength(path) > 100) pax.push(['path', path]);
  if (Buffer.byteLength(linkTarget) > 100) pax.push(['linkpath', linkTarget]);
  if (input.size > MAX_OCTAL_SIZE) pax.push(['size', String(input.size)]);
  const typeflag = input.type === 'file' ? '0' : input.type === 'directory' ? '5' : '2';
  const main = ustarHeader({
    name: path,
    mode: input.mode & 0o7777,
    size: input.type === 'file' && input.size <= MAX_OCTAL_SIZE ? input.size : 0,
    mtime: Math.max(0, Math.floor(input.mtime)),
    typeflag,
    linkname: linkTarget,
  });
  if (pax.length === 0) return main;
  const data = Buffer.from(pax.map(([key, value]) => paxRecord(key, value)).join(''));
  const paxHeader = ustarHeader({
    name: `PaxHeader/${path.replace(/\/$/, '').split('/').pop() ?? 'entry'}`,
    mode: 0o644,
    size: data.length,
    mtime: Math.max(0, Math.floor(input.mtime)),
    typeflag: 'x',
    linkname: '',
  });
  return Buffer.concat([paxHeader, data, Buffer.alloc(paddingFor(data.length)), main]);
}

/** Zero bytes needed after `size` bytes of data to reach a block boundary. */
export function paddingFor(size: number): number {
  return (BLOCK_SIZE - (size % BLOCK_SIZE)) % BLOCK_SIZE;
}

/** The two zero blocks that end an archive. */
export function endOfArchive(): Buffer {
  return Buffer.alloc(BLOCK_SIZE * 2);
}

/** One pax record, `"<length> <key>=<value>\n"`, whose length counts its own digits. */
export function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  const bodyLength = Buffer.byteLength(body);
  let length = bodyLength + String(bodyLength).length;
  if (String(length).length !== String(bodyLength).length) length = bodyLength + String(length).length;
  return `${length}${body}`;
}

interface UstarFields {
  name: string;
  mode: number;
  size: number;
  mtime: number;
  typeflag: string;
  linkname: string;
}

function ustarHeader(fields: UstarFields): Buffer {
  const block = Buffer.alloc(BLOCK_SIZE);
  writeString(block, 0, 100, fields.name);
  writeOctal(block, 100, 8, fields.mode);
  writeOctal(block, 108, 8, 0);
  writeOctal(block, 116, 8, 0);
  writeOctal(block, 124, 12, fields.size);
  writeOctal(block, 136, 12, fields.mtime);
  block.write(fields.typeflag, 156, 1, 'latin1');
  writeString(block, 157, 100, fields.linkname);
  block.write('ustar\u000000', 257, 8, 'latin1');
  writeString(block, 265, 32, 'root');
  writeString(block, 297, 32, 'root');
  block.fill(0x20, 148, 156);
  const sum = checksum(block);
  block.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'latin1');
  return block;
}

function writeString(block: Buffer, offset: number, length: number, value: string): void {
  // Truncation only happens when a pax record carries the full value.
  const bytes = Buffer.from(value);
  bytes.copy(block, offset, 0, Math.min(length, bytes.length));
}

function writeOctal(block: Buffer, offset: number, length: number, value: number): void {
  block.write(`${value.toString(8).padStart(length - 1, '0')}\u0000`, offset, length, 'latin1');
}

function checksum(block: Buffer): number {
  let sum = 0;
  for (let i = 0; i < BLOCK_SIZE; i++) sum += i >= 148 && i < 156 ? 0x20 : (block[i] ?? 0);
  return sum;
}

function readString(block: Buffer, offset: number, length: number): string {
  const slice = block.subarray(offset, offset + length);
  const end = slice.indexOf(0);
  return slice.subarray(0, end === -1 ? length : end).toString('utf8');
}

function readNumber(block: Buffer, offset: number, length: number): number {
  const first = block[offset] ?? 0;
  if (first & 0x80) {
    // GNU base-256: big-endian two's complement in the remaining bits; negative values are refused.
    if (first & 0x40) throw new TarFormatError('negative number in tar header');
    let value = first & 0x3f;
    for (let i = 1; i < length; i++) value = value * 256 + (block[offset + i] ?? 0);
    if (!Number.isSafeInteger(value)) throw new TarFormatError('number too large in tar header');
    return value;
  }
  const text = block
    .subarray(offset, offset + length)
    .toString('latin1')
    .replace(/[\0 ]+$/, '')
    .replace(/^[ ]+/, '');
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text))
    throw new TarFormatError(`invalid octal number ${JSON.stringify(text)} in tar header`);
  return Number.parseInt(text, 8);
}

function entryType(typeflag: string): TarEntryType {
  switch (typeflag) {
    case '0':
    case '\0':
    case '7':
      return 'file';
    case '5':
      return 'directory';
    case '2':
      return 'symlink';
    case '1':
      return 'hardlink';
    default:
      return 'other';
  }
}

/** Parses pax extended header records (`"<len> key=value\n"`…). */
export function parsePaxRecords(data: Buffer): Map<string, string> {
  const records = new Map<string, string>();
  let offset = 0;
  while (offset < data.length) {
    const space = data.indexOf(0x20, offset);
    if (space === -1) break;
    const length = Number(data.subarray(offset, space).toString('latin1'));
    if (!Number.isInteger(length) || length <= space - offset || offset + length > data.length) {
      throw new TarFormatError('malformed pax header record');
    }
    const record = data.subarray(space + 1, offset + length - 1).toString('utf8');
    const equals = record.indexOf('=');
    if (equals === -1) throw new TarFormatError('malformed pax header record');
    records.set(record.slice(0, equals), record.slice(equals + 1));
    offset += length;
  }
  return records;
}

/**
 * Reads a tar stream entry by entry. Call {@link TarReader.next} for each header; the data of a
 * file can be read with {@link TarReader.body} before the next call (anything left unread is
 * skipped). Pax (`x`) and GNU long-name (`L`, `K`) headers are applied to the entry they precede;
 * global pax headers (`g`) are ignored.
 */
export class TarReader {
  readonly #source: AsyncIterator<Buffer>;
  #chunks: Buffer[] = [];
  #buffered = 0;
  #remaining = 0;
  #padding = 0;
  #ended = false;

  constructor(source: AsyncIterable<Buffer>) {
    this.#source = source[Symbol.asyncIterator]();
  }

  /** The next entry, or null at the end of the archive. */
  async next(): Promise<TarEntry | null> {
    await this.#skip(this.#remaining + this.#padding);
    this.#remaining = 0;
    this.#padding = 0;
    let pax = new Map<string, string>();
    let longName: string | null = null;
    let longLink: string | null = null;
    for (;;) {
      const block = await this.#take(BLOCK_SIZE, true);
      if (block === null || block.every((byte) => byte === 0)) {
        this.#ended = true;
        return null;
      }
      const stored = readNumber(block, 148, 8);
      if (stored !== checksum(block)) throw new TarFormatError('tar header checksum mismatch');
      const typeflag = String.fromCharCode(block[156] ?? 0);
      const size = readNumber(block, 124, 12);
      if (typeflag === 'x' || typeflag === 'g' || typeflag === 'L' || typeflag === 'K') {
        if (size > MAX_METADATA_BYTES) throw new TarFormatError('tar metadata header too large');
        const data = (await this.#take(size, false)) ?? Buffer.alloc(0);
        await this.#skip(paddingFor(size));
        if (typeflag === 'x') pax = new Map([...pax, ...parsePaxRecords(data)]);
        else if (typeflag === 'L') longName = cString(data);
        else if (typeflag === 'K') longLink = cString(data);
        continue;
      }
      const isUstar = block.subarray(257, 262).toString('latin1') === 'ustar';
      const prefix = isUstar ? readString(block, 345, 155) : '';
      const name = readString(block, 0, 100);
      const paxSize = pax.get('size');
      const type = entryType(typeflag);
      const entrySize = paxSize !== undefined ? Number(paxSize) : size;
      if (!Number.isSafeInteger(entrySize) || entrySize < 0) throw new TarFormatError('invalid entry size');
      const entry: TarEntry = {
        path: pax.get('path') ?? longName ?? (prefix === '' ? name : `${prefix}/${name}`),
        type,
        typeflag: typeflag === '\0' ? '0' : typeflag,
        // Only regular files carry data we read; others' sizes are skipped as data too.
        size: entrySize,
        mode: readNumber(block, 100, 8) & 0o7777,
        mtime: pax.has('mtime') ? Math.floor(Number(pax.get('mtime'))) || 0 : readNumber(block, 136, 12),
        linkTarget: pax.get('linkpath') ?? longLink ?? readString(block, 157, 100),
      };
      // Hard links, symlinks and directories have no data even if size says otherwise (POSIX).
      this.#remaining = type === 'file' || type === 'other' ? entrySize : 0;
      this.#padding = paddingFor(this.#remaining);
      return entry;
    }
  }

  /** The data of the current entry, in chunks. */
  async *body(): AsyncGenerator<Buffer> {
    while (this.#remaining > 0) {
      if (this.#buffered === 0 && !(await this.#pull()))
        throw new TarFormatError('archive ends inside an entry');
      const chunk = this.#chunks[0]!;
      const take = Math.min(chunk.length, this.#remaining);
      const piece = chunk.subarray(0, take);
      if (take === chunk.length) this.#chunks.shift();
      else this.#chunks[0] = chunk.subarray(take);
      this.#buffered -= take;
      this.#remaining -= take;
      yield piece;
    }
  }

  /** True once the end-of-archive marker (or the end of the stream) was read. */
  get ended(): boolean {
    return this.#ended;
  }

  async #pull(): Promise<boolean> {
    const next = await this.#source.next();
    if (next.done) return false;
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
    if (chunk.length > 0) {
      this.#chunks.push(chunk);
      this.#buffered += chunk.length;
    }
    return true;
  }

  async #take(n: number, eofOk: boolean): Promise<Buffer | null> {
    while (this.#buffered < n) {
      if (!(await this.#pull())) {
        if (eofOk && this.#buffered === 0) return null;
        throw new TarFormatError('archive is truncated');
      }
    }
    const all = this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks);
    const taken = all.subarray(0, n);
    const rest = all.subarray(n);
    this.#chunks = rest.length > 0 ? [rest] : [];
    this.#buffered = rest.length;
    return taken;
  }

  async #skip(n: number): Promise<void> {
    let left = n;
    while (left > 0) {
      if (this.#buffered === 0 && !(await this.#pull())) throw new TarFormatError('archive is truncated');
      const chunk = this.#chunks[0];
      if (chunk === undefined) continue;
      const take = Math.min(chunk.length, left);
      if (take === chunk.length) this.#chunks.shift();
      else this.#chunks[0] = chunk.subarray(take);
      this.#buffered -= take;
      left -= take;
    }
  }
}

function cString(data: Buffer): string {
  const end = data.indexOf(0);
  return data.subarray(0, end === -1 ? data.length : end).toString('utf8');
}
