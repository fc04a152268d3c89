import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningSshd, startSshd } from './sshd.ts';

/**
 * Two OpenSSH servers that behave as two hosts of one fleet: one login key for both, and each its
 * own disk at the same path — the second sees another directory mounted at the first one's
 * {@link hostsDir}, so a deploy to `<hostsDir>/x` lands in two places, as on two machines.
 */
export interface SshdFleet {
  servers: [RunningSshd, RunningSshd];
  /** The path both hosts write under; on the first host it is this directory itself. */
  hostsDir: string;
  /** Where the second host's writes under {@link hostsDir} really are. */
  secondDisk: string;
  /** A path under {@link hostsDir} as each host sees it: [first host's, second host's]. */
  onEachHost(relative: string): [string, string];
  stop(): Promise<void>;
}

/** Starts the two servers (the second in a mount namespace of its own). */
export async function startSshdFleet(): Promise<SshdFleet> {
  const root = mkdtempSync(join(tmpdir(), 'gantry-fleet-'));
  const hostsDir = join(root, 'hosts');
  const secondDisk = join(root, 'second-host');
  mkdirSync(hostsDir);
  mkdirSync(secondDisk);
  const started: RunningSshd[] = [];
  const stop = async () => {
    for (const server of started) await server.stop();
    rmSync(root, { recursive: true, force: true });
  };
  try {
    const first = await startSshd();
    started.push(first);
    const second = await startSshd({
      clientKey: first.privateKey,
      bindMount: { source: secondDisk, target: hostsDir },
    });
    started.push(second);
    return {
      servers: [first, second],
      hostsDir,
      secondDisk,
      onEachHost: (relative) => [join(hostsDir, relative), join(secondDisk, relative)],
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
