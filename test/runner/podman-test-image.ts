import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { podmanGlobalArgs } from '../../src/runner/executor/podman-executor.ts';

const run = promisify(execFile);

/** The local test image: nothing but a static busybox, its applets linked into /bin. */
export const PODMAN_TEST_IMAGE = 'localhost/gantry-test-busybox:1';

/** Where Debian's busybox-static puts its binary. */
export const STATIC_BUSYBOX = '/bin/busybox';

/**
 * True when `path` is an ELF executable without a program interpreter, i.e. statically linked and
 * so usable in a `FROM scratch` image (test support only).
 */
export async function isStaticElf(path: string): Promise<boolean> {
  const handle = await open(path, 'r').catch(() => null);
  if (handle === null) return false;
  try {
    const header = Buffer.alloc(64);
    await handle.read(header, 0, 64, 0);
    if (header.readUInt32BE(0) !== 0x7f454c46 || header[4] !== 2) return false; // ELF, 64-bit
    const phoff = Number(header.readBigUInt64LE(0x20));
    const phentsize = header.readUInt16LE(0x36);
    const phnum = header.readUInt16LE(0x38);
    const table = Buffer.alloc(phentsize * phnum);
    await handle.read(table, 0, table.length, phoff);
    for (let i = 0; i < phnum; i++) if (table.readUInt32LE(i * phentsize) === 3) return false; // PT_INTERP
    return true;
  } finally {
    await handle.close();
  }
}

let building: Promise<string> | null = null;

/**
 * Builds {@link PODMAN_TEST_IMAGE} once (skipped when the image already exists), offline: a
 * `FROM scratch` image holding /bin/busybox from Debian's busybox-static, with `busybox --install`
 * run at build time so /bin/sh and the other applets exist, plus /tmp and /root. Returns the image
 * name (test support only).
 */
export function ensurePodmanTestImage(podman = 'podman'): Promise<string> {
  building ??= build(podman).catch((error: unknown) => {
    building = null;
    throw error;
  });
  return building;
}

async function build(podman: string): Promise<string> {
  const global = podmanGlobalArgs({});
  const exists = await run(podman, [...global, 'image', 'exists', PODMAN_TEST_IMAGE]).then(
    () => true,
    () => false,
  );
  if (exists) return PODMAN_TEST_IMAGE;
  if (!(await isStaticElf(STATIC_BUSYBOX))) {
    throw new Error(`${STATIC_BUSYBOX} is missing or not statically linked; install busybox-static`);
  }
  const context = await mkdtemp(join(tmpdir(), 'gantry-image-'));
  try {
    await copyFile(STATIC_BUSYBOX, join(context, 'busybox'));
    await writeFile(
      join(context, 'Containerfile'),
      [
        'FROM scratch',
        'COPY busybox /bin/busybox',
        'RUN ["/bin/busybox", "sh", "-c", "/bin/busybox --install -s /bin && mkdir -p /tmp /root && chmod 1777 /tmp"]',
        'ENV PATH=/bin',
        '',
      ].join('\n'),
    );
    await run(
      podman,
      [...global, 'build', '--pull=never', '--network', 'none', '--tag', PODMAN_TEST_IMAGE, context],
      {
        maxBuffer: 16 * 1024 * 1024,
      },
    );
  } finally {
    await rm(context, { recursive: true, force: true });
  }
  return PODMAN_TEST_IMAGE;
}
