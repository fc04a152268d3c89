import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GantryError } from '../../domain/errors.ts';
import { isSnapshotVersion, timestampedVersion, validatePublication } from './maven-coordinates.ts';

const jar = { path: '/tmp/app.jar', classifier: null, extension: 'jar' };

function problems(run: () => void): string[] {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof GantryError);
    assert.equal(error.code, 'validation_failed');
    return error.details.map((detail) => `${detail.path}: ${detail.message}`);
  }
  return [];
}

test('valid coordinates and files pass', () => {
  assert.deepEqual(
    problems(() =>
      validatePublication({ groupId: 'com.example', artifactId: 'my_app-core', version: '1.0.0+build.7' }, [
        jar,
        { path: '/tmp/s.jar', classifier: 'sources', extension: 'jar' },
        { path: '/tmp/d.tar.gz', classifier: 'dist', extension: 'tar.gz' },
      ]),
    ),
    [],
  );
});

test('characters Maven does not allow are refused, each located by field', () => {
  const found = problems(() =>
    validatePublication({ groupId: 'com/example', artifactId: 'app name', version: '1.0/../2' }, [
      { path: '/x', classifier: 'a b', extension: 'jar' },
    ]),
  );
  assert.equal(found.length, 4);
  assert.match(found[0] ?? '', /^\/groupId: groupId must be letters, digits/);
  assert.match(found[1] ?? '', /^\/artifactId: /);
  assert.match(found[2] ?? '', /^\/version: version must start with a letter or digit/);
  assert.match(found[3] ?? '', /^\/files\/0\/classifier: /);
});

test('path tricks, reserved and malformed snapshot versions are refused', () => {
  const version = (value: string) =>
    problems(() => validatePublication({ groupId: 'g', artifactId: 'a', version: value }, [jar]));
  assert.match(
    problems(() => validatePublication({ groupId: '.g', artifactId: 'a', version: '1' }, [jar]))[0] ?? '',
    /must not start or end with '\.'/,
  );
  assert.match(version('LATEST')[0] ?? '', /reserved/);
  assert.match(version('release')[0] ?? '', /reserved/);
  assert.match(version('1.0SNAPSHOT')[0] ?? '', /must end with "-SNAPSHOT"/);
  assert.match(version('1.0-20261129.101500-3')[0] ?? '', /timestamped snapshot/);
  assert.deepEqual(version('1.0-SNAPSHOT'), []);
});

test('duplicate files and a POM among the files are refused', () => {
  const found = problems(() =>
    validatePublication({ groupId: 'g', artifactId: 'a', version: '1' }, [
      jar,
      { ...jar, path: '/other.jar' },
      { path: '/a.pom', classifier: null, extension: 'pom' },
    ]),
  );
  assert.deepEqual(found, [
    '/files/1: two files with classifier (none) and extension jar',
    '/files/2: the POM is not one of the files: pass it as the pom option',
  ]);
});

test('snapshot versions get a timestamp and build number in place of -SNAPSHOT', () => {
  assert.equal(isSnapshotVersion('1.0-SNAPSHOT'), true);
  assert.equal(isSnapshotVersion('1.0'), false);
  assert.equal(timestampedVersion('1.0-SNAPSHOT', '20261129.101500', 3), '1.0-20261129.101500-3');
});
