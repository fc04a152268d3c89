import { timingSafeEqual } from 'node:crypto';

/** The username of every deployer credential. */
export const DEPLOYER_USERNAME = 'gantry-deployer';

/** Registry credentials for `podman login` / `--creds` (or a Kubernetes pull secret). */
export interface RegistryCredential {
  username: string;
  password: string;
}

/** The keyed digest of a SecretBox (HMAC-SHA256 under the server's key). */
export interface KeyedDigest {
  digest(value: string, context: string): string;
}

const CONTEXT = 'registry-pull-credential';
const PASSWORD = /^gdp_(\d{1,12})_(\d{1,12})_([0-9a-f]{64})$/;
/** Longest life of a deployer credential: enough for a slow rollout, short enough to be worthless soon after. */
export const MAX_PULL_CREDENTIAL_SECONDS = 24 * 3600;

/**
 * Credentials the server mints for its own deployers (the Podman target pulling a project's images):
 * pull-only, for one project, expiring. Nothing is stored: the password carries the project and
 * expiry, signed with the server's key, so any replica of the server can check it.
 */
export class PullCredentials {
  readonly #key: KeyedDigest;
  readonly #now: () => number;

  constructor(key: KeyedDigest, now: () => number = Date.now) {
    this.#key = key;
    this.#now = now;
  }

  /** A credential that may pull the images of project `projectId` for `ttlSeconds` (1 to 86,400). */
  mint(projectId: number, ttlSeconds: number): RegistryCredential {
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_PULL_CREDENTIAL_SECONDS) {
      throw new RangeError(
        `a pull credential lives 1 to ${MAX_PULL_CREDENTIAL_SECONDS} seconds, got ${ttlSeconds}`,
      );
    }
    const expires = Math.floor(this.#now() / 1000) + ttlSeconds;
    return {
      username: DEPLOYER_USERNAME,
      password: `gdp_${projectId}_${expires}_${this.#sign(projectId, expires)}`,
    };
  }

  /** The project a deployer credential may pull from; null when it is not one, is forged or has expired. */
  verify(username: string, password: string): { projectId: number } | null {
    const match = PASSWORD.exec(password);
    if (username !== DEPLOYER_USERNAME || match === null) return null;
    const projectId = Number(match[1]);
    const expires = Number(match[2]);
    const expected = Buffer.from(this.#sign(projectId, expires));
    const given = Buffer.from(match[3]!);
    if (!timingSafeEqual(expected, given)) return null;
    return expires * 1000 > this.#now() ? { projectId } : null;
  }

  #sign(projectId: number, expires: number): string {
    return this.#key.digest(`${projectId}.${expires}`, CONTEXT);
  }
}
