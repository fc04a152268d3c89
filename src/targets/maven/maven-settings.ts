import { GantryError } from '../../domain/errors.ts';
import type { TargetSettings } from '../target-settings.ts';
import { checkRepository } from './check-repository.ts';
import type { MavenRepository } from './repository-client.ts';

/** A Maven repository target as registered; the password is stored encrypted and never shown. */
export interface MavenSettingsInput {
  url?: string;
  username?: string | null;
  password?: string | null;
}

/** The non-secret settings kept in `targets.config` (JSON), as the API shows them. */
export interface MavenConfig {
  url: string;
  username: string | null;
  password_set: boolean;
}

/** The secret settings kept encrypted in `targets.secret_encrypted` (JSON). */
export interface MavenCredentials {
  password: string | null;
}

// No user:password@ in the URL: credentials go in username and password, kept apart and encrypted.
const URL_PATTERN = /^https?:\/\/[^\s?#/@]+(?:\/[^\s?#]*)?$/;
const CHECK_TIMEOUT_MS = 30_000;

/**
 * Merges settings over stored ones (`stored` null on create) and validates them: an http(s) URL,
 * a password only with a username.
 * @throws GantryError('validation_failed') naming the field.
 */
export function mergeMavenSettings(
  input: MavenSettingsInput,
  stored: { config: MavenConfig; credentials: MavenCredentials } | null,
): { config: MavenConfig; credentials: MavenCredentials } {
  const url = input.url ?? stored?.config.url;
  if (url === undefined || !URL_PATTERN.test(url))
    throw invalid(
      '/maven/url',
      'url is the http(s) URL of the repository, such as https://repo.example.com/releases/',
    );
  const username = input.username === undefined ? (stored?.config.username ?? null) : input.username || null;
  if (username !== null && (username.length > 255 || /[:\s]/.test(username)))
    throw invalid('/maven/username', 'username is one word without ":" (at most 255 characters)');
  const password =
    input.password === undefined ? (stored?.credentials.password ?? null) : input.password || null;
  if (password !== null && username === null) throw invalid('/maven/password', 'a password needs a username');
  if (password !== null && (password.length > 1024 || /[\r\n]/.test(password)))
    throw invalid('/maven/password', 'password is one line of at most 1024 characters');
  return { config: { url, username, password_set: password !== null }, credentials: { password } };
}

/** The repository a target's settings describe. */
export function mavenRepository(config: MavenConfig, credentials: MavenCredentials): MavenRepository {
  return { url: config.url, username: config.username, password: credentials.password };
}

/** The settings of Maven targets: merged, validated, and a probe published on every save. */
export function mavenTargetSettings(): TargetSettings<MavenConfig, MavenCredentials> {
  return {
    kind: 'maven',
    async save(input, stored) {
      const merged = mergeMavenSettings(input as MavenSettingsInput, stored);
      const problem = await checkRepository(mavenRepository(merged.config, merged.credentials), {
        signal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
      });
      if (problem !== null) throw new GantryError('validation_failed', problem);
      return merged;
    },
    parseConfig(json) {
      const value = JSON.parse(json) as Partial<MavenConfig>;
      if (typeof value.url !== 'string') throw new Error('the target configuration is not a Maven one');
      return { url: value.url, username: value.username ?? null, password_set: value.password_set ?? false };
    },
    parseCredentials(json) {
      const value = (json === null ? {} : JSON.parse(json)) as { password?: unknown };
      return { password: typeof value.password === 'string' ? value.password : null };
    },
  };
}

function invalid(path: string, message: string): GantryError {
  return new GantryError('validation_failed', message, [{ path, message }]);
}
