import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { GantryError } from '../../src/domain/errors.ts';
import { publishArtifacts } from '../../src/targets/maven/publish-artifacts.ts';
import type { MavenRepository } from '../../src/targets/maven/repository-client.ts';
import { skipOutsideCi } from '../runner/real-dependency.ts';
import { mavenCliUnavailableReason, resolveWithMaven } from '../support/maven-cli.ts';
import {
  mavenRepositoryUnavailableReason,
  type RunningMavenRepository,
  startMavenRepository,
} from '../support/maven-repository.ts';

const unavailable = mavenRepositoryUnavailableReason() ?? mavenCliUnavailableReason();
const suiteOptions = skipOutsideCi(unavailable);

/** Every file under `root` with its SHA-1: a repository's state, to compare before and after. */
function snapshotTree(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.set(relative(root, path), createHash('sha1').update(readFileSync(path)).digest('hex'));
    }
  };
  walk(root);
  return files;
}

describe(
  'publishing to a real Maven repository (nginx WebDAV) and resolving with real mvn',
  suiteOptions,
  () => {
    let server: RunningMavenRepository;
    let repository: MavenRepository;
    let work: string;
    const signal = new AbortController().signal;
    const lines: string[] = [];
    const log = (line: string) => lines.push(line);

    const localFile = (name: string, content: string) => {
      const path = join(work, name);
      writeFileSync(path, content);
      return path;
    };

    before(async () => {
      if (unavailable !== undefined) throw new Error(unavailable);
      server = await startMavenRepository();
      repository = { url: server.url, username: server.username, password: server.password };
      work = mkdtempSync(join(tmpdir(), 'gantry-maven-test-'));
    });

    after(async () => {
      await server?.stop();
      if (work) rmSync(work, { recursive: true, force: true });
    });

    test('a release with a sources jar is resolved by mvn with checksums verified', async () => {
      const coordinates = { groupId: 'com.example.shop', artifactId: 'cart', version: '1.0.0' };
      const result = await publishArtifacts(
        repository,
        coordinates,
        [
          { path: localFile('cart.jar', 'main jar 1.0.0'), classifier: null, extension: 'jar' },
          { path: localFile('cart-sources.jar', 'sources 1.0.0'), classifier: 'sources', extension: 'jar' },
        ],
        { pom: null, signal, log, now: new Date('2026-11-29T10:15:00Z') },
      );
      const dir = 'com/example/shop/cart/1.0.0';
      assert.deepEqual(
        result.uploaded.map((file) => file.path),
        [`${dir}/cart-1.0.0.jar`, `${dir}/cart-1.0.0-sources.jar`, `${dir}/cart-1.0.0.pom`],
      );
      assert.equal(result.uploaded[0]?.sha1, createHash('sha1').update('main jar 1.0.0').digest('hex'));
      assert.equal(result.metadataPath, 'com/example/shop/cart/maven-metadata.xml');
      for (const file of [...result.uploaded.map((u) => u.path), result.metadataPath]) {
        const content = readFileSync(join(server.root, file));
        for (const algorithm of ['md5', 'sha1', 'sha256', 'sha512']) {
          assert.equal(
            readFileSync(join(server.root, `${file}.${algorithm}`), 'utf8'),
            createHash(algorithm).update(content).digest('hex'),
            `${file}.${algorithm}`,
          );
        }
      }
      const pom = readFileSync(join(server.root, dir, 'cart-1.0.0.pom'), 'utf8');
      assert.match(pom, /<packaging>jar<\/packaging>/);

      const main = await resolveWithMaven(server.url, 'com.example.shop:cart:1.0.0', work);
      assert.ok(main.ok, main.output);
      assert.equal(readFileSync(join(main.localRepository, dir, 'cart-1.0.0.jar'), 'utf8'), 'main jar 1.0.0');
      const sources = await resolveWithMaven(server.url, 'com.example.shop:cart:1.0.0:jar:sources', work);
      assert.ok(sources.ok, sources.output);
      assert.equal(
        readFileSync(join(sources.localRepository, dir, 'cart-1.0.0-sources.jar'), 'utf8'),
        'sources 1.0.0',
      );
    });

    test('mvn refuses a file whose checksum does not match: the checksum policy is really enforced', async () => {
      const coordinates = { groupId: 'com.example.shop', artifactId: 'tampered', version: '1.0.0' };
      await publishArtifacts(
        repository,
        coordinates,
        [{ path: localFile('tampered.jar', 'original'), classifier: null, extension: 'jar' }],
        { pom: null, signal, log },
      );
      writeFileSync(
        join(server.root, 'com/example/shop/tampered/1.0.0/tampered-1.0.0.jar'),
        'changed on the server',
      );
      const resolution = await resolveWithMaven(server.url, 'com.example.shop:tampered:1.0.0', work);
      assert.equal(resolution.ok, false);
      assert.match(
        resolution.output,
        /Could not transfer artifact com\.example\.shop:tampered:jar:1\.0\.0 from\/to gantry-test .*Checksum validation failed/,
      );
    });

    test('publishing a release again is refused before anything changes', async () => {
      const before = snapshotTree(server.root);
      await assert.rejects(
        publishArtifacts(
          repository,
          { groupId: 'com.example.shop', artifactId: 'cart', version: '1.0.0' },
          [{ path: localFile('cart-again.jar', 'another 1.0.0'), classifier: null, extension: 'jar' }],
          { pom: null, signal, log },
        ),
        (error: unknown) =>
          error instanceof GantryError &&
          error.code === 'conflict' &&
          /com\.example\.shop:cart:1\.0\.0 is already published.*never overwritten/.test(error.message),
      );
      assert.deepEqual(snapshotTree(server.root), before);
    });

    test('a second release is listed beside the first, and becomes latest and release', async () => {
      const coordinates = { groupId: 'com.example.shop', artifactId: 'cart', version: '1.1.0' };
      await publishArtifacts(
        repository,
        coordinates,
        [{ path: localFile('cart-1.1.jar', 'main jar 1.1.0'), classifier: null, extension: 'jar' }],
        { pom: null, signal, log, now: new Date('2026-11-30T08:00:00Z') },
      );
      const metadata = readFileSync(join(server.root, 'com/example/shop/cart/maven-metadata.xml'), 'utf8');
      assert.match(
        metadata,
        /<versions>\s*<version>1\.0\.0<\/version>\s*<version>1\.1\.0<\/version>\s*<\/versions>/,
      );
      assert.match(metadata, /<latest>1\.1\.0<\/latest>/);
      assert.match(metadata, /<release>1\.1\.0<\/release>/);
      assert.match(metadata, /<lastUpdated>20261130080000<\/lastUpdated>/);
      // RELEASE makes mvn pick the version from the artifact's metadata.
      const newest = await resolveWithMaven(server.url, 'com.example.shop:cart:RELEASE', work);
      assert.ok(newest.ok, newest.output);
      assert.match(newest.output, /cart\/1\.1\.0\/cart-1\.1\.0\.jar/);
    });

    test('a snapshot published twice gets build numbers 1 and 2, and mvn resolves the newest', async () => {
      const coordinates = { groupId: 'com.example.shop', artifactId: 'cart', version: '2.0-SNAPSHOT' };
      const publish = (content: string, now: string) =>
        publishArtifacts(
          repository,
          coordinates,
          [{ path: localFile('cart-snapshot.jar', content), classifier: null, extension: 'jar' }],
          { pom: null, signal, log, now: new Date(now) },
        );
      const first = await publish('snapshot build one', '2026-11-29T10:15:00Z');
      const second = await publish('snapshot build two', '2026-11-29T11:20:30Z');
      const dir = 'com/example/shop/cart/2.0-SNAPSHOT';
      assert.equal(first.uploaded[0]?.path, `${dir}/cart-2.0-20261129.101500-1.jar`);
      assert.equal(second.uploaded[0]?.path, `${dir}/cart-2.0-20261129.112030-2.jar`);
      const versionMetadata = readFileSync(join(server.root, dir, 'maven-metadata.xml'), 'utf8');
      assert.match(
        versionMetadata,
        /<timestamp>20261129\.112030<\/timestamp>\s*<buildNumber>2<\/buildNumber>/,
      );
      assert.match(versionMetadata, /<extension>jar<\/extension>\s*<value>2\.0-20261129\.112030-2<\/value>/);
      const artifactMetadata = readFileSync(
        join(server.root, 'com/example/shop/cart/maven-metadata.xml'),
        'utf8',
      );
      assert.match(artifactMetadata, /<latest>2\.0-SNAPSHOT<\/latest>/);
      assert.match(artifactMetadata, /<release>1\.1\.0<\/release>/);

      const resolution = await resolveWithMaven(server.url, 'com.example.shop:cart:2.0-SNAPSHOT', work);
      assert.ok(resolution.ok, resolution.output);
      assert.equal(
        readFileSync(join(resolution.localRepository, dir, 'cart-2.0-SNAPSHOT.jar'), 'utf8'),
        'snapshot build two',
      );
    });

    test('a wrong password is refused with a clear error and nothing is stored', async () => {
      const before = snapshotTree(server.root);
      await assert.rejects(
        publishArtifacts(
          { ...repository, password: 'not-the-password' },
          { groupId: 'com.example.shop', artifactId: 'cart', version: '3.0.0' },
          [{ path: localFile('cart-3.jar', 'three'), classifier: null, extension: 'jar' }],
          { pom: null, signal, log },
        ),
        (error: unknown) =>
          error instanceof GantryError &&
          error.code === 'unavailable' &&
          /HTTP 401: the repository refused the credentials of user "deployer"/.test(error.message),
      );
      assert.deepEqual(snapshotTree(server.root), before);
    });
  },
);
