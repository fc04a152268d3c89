/** How a registry asks for credentials, from its `WWW-Authenticate` header. */
export type Challenge =
  | { scheme: 'basic' }
  | { scheme: 'bearer'; realm: string; service: string | undefined }
  | { scheme: 'none' };

/**
 * Parses a `WWW-Authenticate` header of a registry: `Basic realm="…"` or `Bearer realm="…",
 * service="…",scope="…"` (quoted values may hold commas). Null for a scheme Gantry cannot answer.
 */
export function parseChallenge(header: string | undefined): Challenge | null {
  const match = /^\s*(\w+)\s*(.*)$/s.exec(header ?? '');
  if (match === null) return null;
  const scheme = match[1]!.toLowerCase();
  const params = new Map<string, string>();
  for (const param of match[2]!.matchAll(/(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) {
    params.set(
      param[1]!.toLowerCase(),
      param[2] !== undefined ? param[2].replace(/\\(.)/g, '$1') : param[3]!,
    );
  }
  if (scheme === 'basic') return { scheme: 'basic' };
  const realm = params.get('realm');
  if (scheme !== 'bearer' || realm === undefined || !/^https?:\/\//.test(realm)) return null;
  return { scheme: 'bearer', realm, service: params.get('service') };
}

/** Where and as whom {@link UpstreamAuth} authenticates. */
export interface UpstreamAuthOptions {
  /** The registry's origin, `https://registry.example.com`. */
  origin: string;
  username: string | undefined;
  password: string | undefined;
  now?: () => number;
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

/** A scope's token, or the request for it; `expiresAt` is Infinity until it arrives. */
interface TokenEntry {
  token: Promise<CachedToken>;
  expiresAt: number;
}

/** Tokens live this long when the token server does not say (the distribution spec's default). */
const DEFAULT_TOKEN_SECONDS = 60;
/** A token is renewed this long before it expires, so a request never goes out with a dying one. */
const RENEW_MARGIN_MS = 10_000;
/** At most this many scopes keep a token (one per repository and action): the oldest go first. */
export const MAX_CACHED_TOKENS = 256;

/**
 * Authenticates Gantry to an external registry as the admin configured it: asks the registry how
 * (`GET /v2/` and its challenge), then sends Basic credentials, or for the Bearer challenge fetches
 * a token per scope from the token server (with the Basic credentials) and caches it until shortly
 * before it expires.
 */
export class UpstreamAuth {
  readonly #options: UpstreamAuthOptions;
  readonly #now: () => number;
  #challenge: Promise<Challenge> | null = null;
  readonly #tokens = new Map<string, TokenEntry>();

  constructor(options: UpstreamAuthOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** The `Authorization` header for a request needing `scope` (null: none), or undefined for none. */
  async authorization(scope: string | null): Promise<string | undefined> {
    this.#challenge ??= this.#probe().catch((error: unknown) => {
      this.#challenge = null;
      throw error;
    });
    const challenge = await this.#challenge;
    if (challenge.scheme === 'none') return undefined;
    if (challenge.scheme === 'basic') return this.#basic();
    const key = scope ?? '';
    let entry = this.#tokens.get(key);
    if (entry === undefined || entry.expiresAt <= this.#now()) {
      entry = this.#request(key, challenge, scope);
    }
    return `Bearer ${(await entry.token).token}`;
  }

  /** How many scopes hold a token or a request for one (at most {@link MAX_CACHED_TOKENS}). */
  get cachedTokens(): number {
    return this.#tokens.size;
  }

  /** Asks for a token for `scope` and caches the request, making room by evicting old tokens. */
  #request(
    key: string,
    challenge: Extract<Challenge, { scheme: 'bearer' }>,
    scope: string | null,
  ): TokenEntry {
    this.#tokens.delete(key);
    const now = this.#now();
    for (const [other, { expiresAt }] of this.#tokens) {
      if (expiresAt <= now) this.#tokens.delete(other);
    }
    // Maps iterate in insertion order: the first key is the oldest token.
    for (const other of this.#tokens.keys()) {
      if (this.#tokens.size < MAX_CACHED_TOKENS) break;
      this.#tokens.delete(other);
    }
    const entry: TokenEntry = {
      token: this.#fetchToken(challenge, scope),
      expiresAt: Number.POSITIVE_INFINITY,
    };
    this.#tokens.set(key, entry);
    entry.token.then(
      (token) => {
        entry.expiresAt = token.expiresAt;
      },
      () => {
        if (this.#tokens.get(key) === entry) this.#tokens.delete(key);
      },
    );
    return entry;
  }

  /** The registry refused a request: take its new challenge and drop the token used for `scope`. */
  refused(scope: string | null, header: string | undefined): void {
    const challenge = parseChallenge(header);
    if (challenge !== null) this.#challenge = Promise.resolve(challenge);
    this.#tokens.delete(scope ?? '');
  }

  #basic(): string | undefined {
    const { username, password } = this.#options;
    if (username === undefined) return undefined;
    return `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}`;
  }

  async #probe(): Promise<Challenge> {
    const response = await fetch(`${this.#options.origin}/v2/`, { redirect: 'manual' });
    await response.body?.cancel();
    if (response.status !== 401) return { scheme: 'none' };
    const challenge = parseChallenge(response.headers.get('www-authenticate') ?? undefined);
    if (challenge === null) {
      throw new Error(
        `${this.#options.origin} asks for an authentication scheme Gantry cannot answer: ${response.headers.get('www-authenticate')}`,
      );
    }
    return challenge;
  }

  async #fetchToken(
    challenge: Extract<Challenge, { scheme: 'bearer' }>,
    scope: string | null,
  ): Promise<CachedToken> {
    const url = new URL(challenge.realm);
    if (challenge.service !== undefined) url.searchParams.set('service', challenge.service);
    if (scope !== null) url.searchParams.set('scope', scope);
    const basic = this.#basic();
    const response = await fetch(url, { headers: basic === undefined ? {} : { authorization: basic } });
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(
        `the token server ${url.origin} refused Gantry's credentials (HTTP ${response.status})`,
      );
    }
    const body = (await response.json()) as { token?: unknown; access_token?: unknown; expires_in?: unknown };
    const token = typeof body.token === 'string' ? body.token : body.access_token;
    if (typeof token !== 'string' || token === '') {
      throw new Error(`the token server ${url.origin} answered without a token`);
    }
    const seconds =
      typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : DEFAULT_TOKEN_SECONDS;
    return { token, expiresAt: this.#now() + Math.max(seconds * 1000 - RENEW_MARGIN_MS, 1000) };
  }
}
