// Reading and writing the few elements of `maven-metadata.xml` files. These files have a fixed, flat
// shape (no attributes or mixed content that matter, no namespaces in practice), written by Maven,
// Nexus, Artifactory and Reposilite alike, so element lookups by name are enough and no XML library
// is needed.

import { GantryError } from '../../domain/errors.ts';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescapeXml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos);/g, (_, name: string) => ENTITIES[name] ?? '');
}

/** Escapes text for an element's content. */
export function escapeXml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** The inner XML of every `<name>…</name>` in `xml`, in document order (elements of one name never nest here). */
export function elementsNamed(xml: string, name: string): string[] {
  const pattern = new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}\\s*>`, 'g');
  return [...xml.matchAll(pattern)].map((match) => match[1] ?? '');
}

/** The trimmed text of the first `<name>` in `xml`, or null when there is none or it is empty. */
export function textOf(xml: string, name: string): string | null {
  const inner = elementsNamed(xml, name)[0];
  if (inner === undefined) return null;
  const text = unescapeXml(inner.trim());
  return text === '' ? null : text;
}

/** The trimmed texts of every `<name>` in `xml`. */
export function textsOf(xml: string, name: string): string[] {
  return elementsNamed(xml, name).map((inner) => unescapeXml(inner.trim()));
}

/** `<name>text</name>` indented by `depth` levels of two spaces, or nothing when text is null. */
export function element(depth: number, name: string, text: string | null): string {
  return text === null ? '' : `${'  '.repeat(depth)}<${name}>${escapeXml(text)}</${name}>\n`;
}

/**
 * Checks that `xml` is a `maven-metadata.xml` document before it is merged: anything else (an HTML error
 * page served with 200) would otherwise be merged as "no versions" and lose every published version.
 * @throws GantryError `unavailable` saying what the repository returned at `path`.
 */
export function assertMetadataDocument(xml: string, path: string): void {
  if (!/<metadata[\s>]/.test(xml) || !/<\/metadata\s*>/.test(xml)) {
    throw new GantryError(
      'unavailable',
      `the repository's ${path} is not a maven-metadata.xml document (no <metadata> element), refusing to replace it: ${xml.slice(0, 120)}`,
    );
  }
}

/** Maven's `lastUpdated` form of a time: `yyyyMMddHHmmss` in UTC. */
export function lastUpdatedStamp(time: Date): string {
  return time.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}
