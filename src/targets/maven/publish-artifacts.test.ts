import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { skipOutsideCi } from '../../../test/runner/real-dependency.ts';
import {
  mavenRepositoryUnavailableReason,
  type RunningMavenRepository,
  startMavenRepository,
} from '../../../test/support/maven-repository.ts';
import { GantryError } from '../../domain/errors.ts';
import { publishArtifacts } from './publish-artifacts.ts';

const unavailable = mavenRepositoryUnavailableReason();

describe('publishArtifacts against nginx WebDAV', skipOutsideCi(unavailable), () => {
  let server: RunningMavenRepository;
  let work: string;

  before(async () => {
    server = await startMavenRepository();
    work = mkdtempSync(join(tmpdir(), 'gantry-maven-publish-'));
  });
  after(async () => {
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('an interrupted publish leaves no POM and no metadata, and publishing again completes it', async () => {
    const repository = {
      url: server.url.slice(0, -1),
      username: server.username,
      password: server.password,
    };
    const coordinates = { groupId: 'org.example', artifactId: 'lib', version: '2.0.0' };
    const jar = join(work, 'lib.jar');
    const sources = join(work, 'lib-sources.jar');
    writeFileSync(jar, 'jar');
    writeFileSync(sources, 'sources');
    const files = [
      { path: jar, classifier: null, extension: 'jar' },
      { path: sources, classifier: 'sources', extension: 'jar' },
    ];
    const controller = new AbortController();
    const lines: string[] = [];
    await assert.rejects(
      publishArtifacts(repository, coordinates, files, {
        pom: null,
        signal: controller.signal,
        log: (line) => {
          lines.push(line);
          controller.abort(new Error('deployment cancelled'));
        },
      }),
      /deployment cancelled/,
    );
    assert.deepEqual(lines, [
      `uploaded org/example/lib/2.0.0/lib-2.0.0.jar (3 bytes, sha1 ${createHash('sha1').update('jar').digest('hex')})`,
    ]);
    assert.ok(existsSync(join(server.root, 'org/example/lib/2.0.0/lib-2.0.0.jar.sha512')));
    assert.equal(existsSync(join(server.root, 'org/example/lib/2.0.0/lib-2.0.0.pom')), false);
    assert.equal(existsSync(join(server.root, 'org/example/lib/maven-metadata.xml')), false);

    const pom = join(work, 'pom.xml');
    writeFileSync(pom, '<project><modelVersion>4.0.0</modelVersion></project>\n');
    const result = await publishArtifacts(repository, coordinates, files, {
      pom,
      signal: new AbortController().signal,
      log: () => {},
    });
    assert.equal(result.uploaded.length, 3);
    assert.equal(
      readFileSync(join(server.root, 'org/example/lib/2.0.0/lib-2.0.0.pom'), 'utf8'),
      readFileSync(pom, 'utf8'),
    );
    assert.match(readFileSync(join(server.root, result.metadataPath), 'utf8'), /<version>2\.0\.0<\/version>/);
  });

  test('a missing local file and an empty publication are refused before any request', async () => {
    const repository = { url: server.url, username: server.username, password: server.password };
    const options = { pom: null, signal: new AbortController().signal, log: () => {} };
    const coordinates = { groupId: 'org.example', artifactId: 'missing', version: '1' };
    await assert.rejects(
      publishArtifacts(
        repository,
        coordinates,
        [{ path: join(work, 'nope.jar'), classifier: null, extension: 'jar' }],
        options,
      ),
      (error: unknown) =>
        error instanceof GantryError &&
        error.code === 'validation_failed' &&
        /cannot read .*nope\.jar/.test(error.message),
    );
    await assert.rejects(publishArtifacts(repository, coordinates, [], options), /nothing to publish/);
    assert.equal(existsSync(join(server.root, 'org/example/missing')), false);
  });

  test('an unreachable repository is named in the error', async () => {
    await server.stop();
    await assert.rejects(
      publishArtifacts(
        { url: server.url, username: null, password: null },
        { groupId: 'org.example', artifactId: 'lib', version: '9' },
        [{ path: join(work, 'lib.jar'), classifier: null, extension: 'jar' }],
        { pom: null, signal: new AbortController().signal, log: () => {} },
      ),
      (error: unknown) =>
        error instanceof GantryError &&
        error.code === 'unavailable' &&
        error.message.startsWith(
          `Maven repository ${server.url} is unreachable (GET org/example/lib/9/lib-9.pom)`,
        ),
    );
  });
});
