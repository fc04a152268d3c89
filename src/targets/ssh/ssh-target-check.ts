import { GantryError } from '../../domain/errors.ts';
import { fixedDirectory } from '../environment-path.ts';
import type { TargetSettings } from '../target-settings.ts';
import { scanHostKeys } from './host-keys.ts';
import { shellQuote } from './shell-quote.ts';
import { SshConnection } from './ssh-connection.ts';
import { endpointLogin } from './ssh-endpoint.ts';
import {
  type HostKeyScan,
  mergeSshSettings,
  parseSshConfig,
  parseSshCredentials,
  type SshCheck,
  type SshConfig,
  type SshCredentials,
  type SshSettingsInput,
} from './ssh-settings.ts';

const CHECK_TIMEOUT_MS = 30_000;

/**
 * The check an SSH target passes on every save: each host answers with its recorded key, the
 * credentials log in, and `deploy_to` exists (made when missing) and can be written. The error
 * names the host and what is wrong.
 */
export function sshTargetCheck(scratchDir: string): SshCheck {
  return async (config, credentials) => {
    for (const host of config.hosts) {
      const endpoint = {
        host: host.host,
        port: host.port,
        user: config.user,
        knownHosts: host.known_hosts,
        privateKey: credentials.private_key,
        password: credentials.password,
      };
      const signal = AbortSignal.timeout(CHECK_TIMEOUT_MS);
      let connection: SshConnection;
      try {
        connection = await SshConnection.open(endpoint, { scratchDir, signal });
      } catch (error) {
        throw new GantryError('validation_failed', (error as Error).message);
      }
      try {
        const fixed = fixedDirectory(config.deploy_to);
        const dir = shellQuote(fixed);
        const make = fixed === config.deploy_to ? `${dir}/releases` : dir;
        const result = await connection.run(`mkdir -p ${make} && test -w ${dir}`, { signal });
        if (result.code !== 0) {
          throw new GantryError(
            'validation_failed',
            `${endpointLogin(endpoint)} cannot write ${fixed}: ${result.output.trim() || `exit code ${result.code}`}`,
          );
        }
      } finally {
        await connection.close();
      }
    }
  };
}

/** Reads a host's keys at registration; a host that shows none is a validation error. */
export const scanTargetHostKeys: HostKeyScan = async ({ host, port }) => {
  try {
    return await scanHostKeys(host, port, { signal: AbortSignal.timeout(CHECK_TIMEOUT_MS) });
  } catch (error) {
    throw new GantryError('validation_failed', (error as Error).message, [
      { path: '/ssh/hosts', message: (error as Error).message },
    ]);
  }
};

/** The settings of SSH targets: merged, host keys recorded for new hosts, every host checked. */
export function sshTargetSettings(
  scratchDir: string,
  scan: HostKeyScan = scanTargetHostKeys,
): TargetSettings<SshConfig, SshCredentials> {
  const check = sshTargetCheck(scratchDir);
  return {
    kind: 'ssh',
    async save(input, stored) {
      const merged = await mergeSshSettings(input as SshSettingsInput, stored, scan);
      await check(merged.config, merged.credentials);
      return merged;
    },
    parseConfig: parseSshConfig,
    parseCredentials: parseSshCredentials,
  };
}
