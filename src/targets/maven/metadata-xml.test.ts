import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GantryError } from '../../domain/errors.ts';
import {
  assertMetadataDocument,
  element,
  elementsNamed,
  lastUpdatedStamp,
  textOf,
  textsOf,
} from './metadata-xml.ts';

test('elements are found by exact name, with attributes and entities', () => {
  const xml =
    '<a><versions><version x="1"> 1.0 </version><version>R&amp;D</version></versions><versioning/></a>';
  assert.deepEqual(textsOf(xml, 'version'), ['1.0', 'R&D']);
  assert.equal(elementsNamed(xml, 'versions').length, 1);
  assert.equal(textOf(xml, 'missing'), null);
});

test('element() escapes its text and omits null', () => {
  assert.equal(element(1, 'v', 'a<b&c'), '  <v>a&lt;b&amp;c</v>\n');
  assert.equal(element(1, 'v', null), '');
});

test('a document that is not metadata (an HTML page) is refused rather than merged as empty', () => {
  assert.doesNotThrow(() =>
    assertMetadataDocument('<?xml version="1.0"?>\n<metadata modelVersion="1.1.0"></metadata>', 'p'),
  );
  assert.throws(
    () => assertMetadataDocument('<html><body>Sign in</body></html>', 'g/a/maven-metadata.xml'),
    (error: unknown) =>
      error instanceof GantryError &&
      /g\/a\/maven-metadata\.xml is not a maven-metadata\.xml document/.test(error.message),
  );
});

test('lastUpdated is yyyyMMddHHmmss in UTC', () => {
  assert.equal(lastUpdatedStamp(new Date('2026-11-29T10:15:07.250Z')), '20261129101507');
});
