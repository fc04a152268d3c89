import { createReadStream } from 'node:fs';
import { type FileHandle, mkdir, open, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { LogMasker } from '../domain/log-masker.ts';

interface OpenLog {
  ready: Promise<void>;
  file: FileHandle;
  masker: LogMasker;
  size: number;
  /** Writes are chained so chunks land in arrival order. */
  tail: Promise<void>;
}

/**
 * Job logs as append-only files (`<dir>/<job id>.log`), masked before they touch the disk. Readers
 * read by byte offset, so a live follower and a late reader see the same bytes; `onAppend` tells
 * followers a log grew without holding any data in memory for them.
 */
export class JobLogStore {
  readonly #dir: string;
  readonly #open = new Map<number, OpenLog>();
  readonly #onAppend: (jobId: number, size: number) => void;

  constructor(dir: string, onAppend: (jobId: number, size: number) => void) {
    this.#dir = dir;
    this.#onAppend = onAppend;
  }

  async init(): Promise<void> {
    await mkdir(this.#dir, { recursive: true, mode: 0o700 });
  }

  pathOf(jobId: number): string {
    return join(this.#dir, `${jobId}.log`);
  }

  /** Starts (or resumes, after a restart or a runner reconnect) a job's log with the values to mask. */
  async open(jobId: number, secrets: string[]): Promise<void> {
    const existing = this.#open.get(jobId);
    if (existing) return existing.ready;
    // Registered before the file is open, so two concurrent opens share one handle.
    const log = { masker: new LogMasker(secrets), size: 0 } as OpenLog;
    log.ready = (async () => {
      log.file = await open(this.pathOf(jobId), 'a', 0o600);
      log.size = (await log.file.stat()).size;
    })();
    log.tail = log.ready;
    this.#open.set(jobId, log);
    try {
      await log.ready;
    } catch (error) {
      this.#open.delete(jobId);
      throw error;
    }
  }

  /** Appends a chunk (masked); ignored for jobs whose log is not open (finished or unknown). */
  append(jobId: number, chunk: Buffer): Promise<void> {
    const log = this.#open.get(jobId);
    if (!log) return Promise.resolve();
    const masked = log.masker.push(chunk);
    log.tail = log.tail.then(() => this.#write(jobId, log, masked));
    return log.tail;
  }

  /** Writes what the masker held back and closes the file; returns the final size. */
  async close(jobId: number): Promise<number> {
    const log = this.#open.get(jobId);
    if (!log) return this.size(jobId);
    this.#open.delete(jobId);
    const rest = log.masker.end();
    try {
      await log.tail.catch(() => undefined);
      await this.#write(jobId, log, rest);
    } finally {
      await log.file?.close();
    }
    return log.size;
  }

  async #write(jobId: number, log: OpenLog, data: Buffer): Promise<void> {
    if (data.length === 0) return;
    await log.file.write(data);
    log.size += data.length;
    this.#onAppend(jobId, log.size);
  }

  /** Current size in bytes (0 when there is no log yet). */
  async size(jobId: number): Promise<number> {
    const open = this.#open.get(jobId);
    if (open) return open.size;
    return stat(this.pathOf(jobId)).then(
      (s) => s.size,
      () => 0,
    );
  }

  /** A stream of the log from `start` to `end` (exclusive; default: the current end). */
  async read(jobId: number, start = 0, end?: number): Promise<Readable | null> {
    const size = await this.size(jobId);
    const stop = Math.min(end ?? size, size);
    if (start >= stop) return null;
    return createReadStream(this.pathOf(jobId), { start, end: stop - 1 });
  }

  async remove(jobId: number): Promise<void> {
    await rm(this.pathOf(jobId), { force: true });
  }

  /** Closes every open log (shutdown); held-back bytes are written masked. */
  async closeAll(): Promise<void> {
    await Promise.all([...this.#open.keys()].map((jobId) => this.close(jobId)));
  }
}
