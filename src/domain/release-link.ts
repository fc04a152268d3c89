import { GantryError } from './errors.ts';

/** The kinds of release asset link GitLab knows. */
export const RELEASE_LINK_TYPES = ['other', 'runbook', 'image', 'package'] as const;
export type ReleaseLinkType = (typeof RELEASE_LINK_TYPES)[number];

export const MAX_LINK_URL_LENGTH = 2048;

/** A release asset link as a client gives it. */
export interface ReleaseLinkInput {
  name: string;
  url: string;
  link_type?: ReleaseLinkType | undefined;
}

/** A checked asset link: trimmed name, http(s) URL, link type filled in. */
export interface ValidReleaseLink {
  name: string;
  url: string;
  link_type: ReleaseLinkType;
}

/**
 * Checks one asset link, naming the faulty field under `path` (`/assets/links/0`, or `` for a
 * link given alone). Only `http:` and `https:` URLs are taken: a link is shown to people, and
 * `javascript:` or `file:` there would be a trap.
 */
export function validReleaseLink(link: ReleaseLinkInput, path = ''): ValidReleaseLink {
  const name = link.name.trim();
  if (name === '') {
    throw new GantryError('validation_failed', 'an asset link needs a name', [
      { path: `${path}/name`, message: 'must not be empty' },
    ]);
  }
  const linkType = link.link_type ?? 'other';
  if (!(RELEASE_LINK_TYPES as readonly string[]).includes(linkType)) {
    throw new GantryError('validation_failed', `link_type must be one of ${RELEASE_LINK_TYPES.join(', ')}`, [
      { path: `${path}/link_type`, message: `one of ${RELEASE_LINK_TYPES.join(', ')}` },
    ]);
  }
  return { name, url: validLinkUrl(link.url, `${path}/url`), link_type: linkType };
}

function validLinkUrl(url: string, path: string): string {
  const detail = [{ path, message: 'expected an http:// or https:// URL' }];
  if (url.length > MAX_LINK_URL_LENGTH) {
    throw new GantryError(
      'validation_failed',
      `an asset link URL has at most ${MAX_LINK_URL_LENGTH} characters`,
      [{ path, message: `at most ${MAX_LINK_URL_LENGTH} characters` }],
    );
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new GantryError(
      'validation_failed',
      `"${url}" is not a URL: give an http:// or https:// URL`,
      detail,
    );
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new GantryError(
      'validation_failed',
      `asset links must be http:// or https:// URLs, not ${parsed.protocol}`,
      detail,
    );
  }
  return url;
}

/** The links given together must differ in name and in URL, as GitLab requires within one release. */
export function assertDistinctLinks(links: readonly ValidReleaseLink[], path = '/assets/links'): void {
  links.forEach((link, index) => {
    const clash = links.findIndex((other) => other.name === link.name || other.url === link.url);
    if (clash !== index) {
      const field = links[clash]!.name === link.name ? 'name' : 'url';
      throw new GantryError('validation_failed', `two asset links have the same ${field}`, [
        { path: `${path}/${index}/${field}`, message: `the same ${field} as link ${clash}` },
      ]);
    }
  });
}
