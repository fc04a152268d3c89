import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The build script, which also knows the versions and the cache directory (`--print-config`). */
export const BUILD_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'build.sh');

export const RIG_BINARIES = [
  'etcd',
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'rig-kubelet',
] as const;
export type RigBinary = (typeof RIG_BINARIES)[number];

export interface RigBinaries {
  binDir: string;
  kubernetesVersion: string;
  etcdVersion: string;
  /**
   * Absolute path of each binary. The rig-kubelet's name ends with a hash of its sources
   * (`rig-kubelet-<sha12>`), so a changed server is rebuilt while the control plane stays.
   */
  path(binary: RigBinary): string;
}

/** Thrown when the binaries were not built; the message says how to build them. */
export class RigBinariesMissingError extends Error {
  constructor(binDir: string, missing: readonly string[]) {
    super(
      `the Kubernetes rig's binaries (${missing.join(', ')}) are not in ${binDir}: build them with \`bash scripts/kube-rig/build.sh\``,
    );
    this.name = 'RigBinariesMissingError';
  }
}

/** Where build.sh puts (or would put) the binaries, and which versions they are. */
export function rigBinaries(): RigBinaries {
  const output = execFileSync('bash', [BUILD_SCRIPT, '--print-config'], { encoding: 'utf8' });
  const config = new Map(
    output
      .trim()
      .split('\n')
      .map((line) => {
        const equals = line.indexOf('=');
        return [line.slice(0, equals), line.slice(equals + 1)] as const;
      }),
  );
  const get = (key: string) => {
    const value = config.get(key);
    if (!value) throw new Error(`${BUILD_SCRIPT} --print-config printed no ${key}: ${output}`);
    return value;
  };
  const binDir = get('BIN_DIR');
  const rigKubelet = get('RIG_KUBELET');
  return {
    binDir,
    kubernetesVersion: get('KUBE_VERSION'),
    etcdVersion: get('ETCD_VERSION'),
    path: (binary) => (binary === 'rig-kubelet' ? rigKubelet : join(binDir, binary)),
  };
}

/** The binaries that are not built yet (empty when the rig can start). */
export function missingBinaries(binaries: RigBinaries): RigBinary[] {
  return RIG_BINARIES.filter((binary) => !existsSync(binaries.path(binary)));
}
