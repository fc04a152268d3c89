import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mavenFiles } from './maven-target.ts';

const spec = (artifacts: { file: string; classifier: string | null; extension: string | null }[]) => ({
  groupId: 'g',
  artifactId: 'a',
  version: '1',
  pom: null,
  artifacts,
});

test('deploy:maven files sit inside deploy:files, their extension from the name unless given', () => {
  assert.deepEqual(
    mavenFiles(
      '/w/target',
      spec([
        { file: 'shop.jar', classifier: null, extension: null },
        { file: 'dist/shop.tar.gz', classifier: 'dist', extension: null },
        { file: 'shop.bin', classifier: null, extension: 'zip' },
      ]),
    ),
    [
      { path: '/w/target/shop.jar', classifier: null, extension: 'jar' },
      { path: '/w/target/dist/shop.tar.gz', classifier: 'dist', extension: 'tar.gz' },
      { path: '/w/target/shop.bin', classifier: null, extension: 'zip' },
    ],
  );
  assert.throws(
    () => mavenFiles('/w/target', spec([{ file: '../secret.jar', classifier: null, extension: null }])),
    /deploy:maven names \.\.\/secret\.jar, which leads out of deploy:files/,
  );
});
