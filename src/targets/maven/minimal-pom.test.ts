import assert from 'node:assert/strict';
import { test } from 'node:test';
import { minimalPom } from './minimal-pom.ts';

test('the generated POM holds the coordinates and packaging, nothing else to resolve', () => {
  const pom = minimalPom({ groupId: 'com.example', artifactId: 'app', version: '1.0.0' }, 'war');
  assert.match(pom, /<modelVersion>4\.0\.0<\/modelVersion>/);
  assert.match(
    pom,
    /<groupId>com\.example<\/groupId>\s*<artifactId>app<\/artifactId>\s*<version>1\.0\.0<\/version>\s*<packaging>war<\/packaging>/,
  );
  assert.doesNotMatch(pom, /<dependencies>/);
});
