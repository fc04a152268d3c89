import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { skipOutsideCi } from '../../../test/runner/real-dependency.ts';
import {
  mavenRepositoryUnavailableReason,
  type RunningMavenRepository,
  startMavenRepository,
} from '../../../test/support/maven-repository.ts';
import { checkRepository, PROBE_DIRECTORY } from './check-repository.ts';

const unavailable = mavenRepositoryUnavailableReason();
const signal = new AbortController().signal;

describe('checkRepository against nginx WebDAV', skipOutsideCi(unavailable), () => {
  let server: RunningMavenRepository;

  before(async () => {
    server = await startMavenRepository();
  });
  after(() => server?.stop());

  test('accepted credentials pass and the probe file is removed', async () => {
    const problem = await checkRepository(
      { url: server.url, username: server.username, password: server.password },
      { signal },
    );
    assert.equal(problem, null);
    const probes = join(server.root, PROBE_DIRECTORY);
    assert.deepEqual(existsSync(probes) ? readdirSync(probes) : [], []);
  });

  test('a wrong password and missing credentials say so', async () => {
    assert.match(
      (await checkRepository(
        { url: server.url, username: server.username, password: 'wrong' },
        { signal },
      )) ?? '',
      /^PUT http:\/\/127\.0\.0\.1:\d+\/\.gantry-check\/probe-\w+\.txt failed with HTTP 401: the repository refused the credentials of user "deployer"/,
    );
    assert.match(
      (await checkRepository({ url: server.url, username: null, password: null }, { signal })) ?? '',
      /HTTP 401: the repository refused the credentials of anonymous requests/,
    );
  });

  test('an unreachable server says so', async () => {
    await server.stop();
    assert.match(
      (await checkRepository({ url: server.url, username: null, password: null }, { signal })) ?? '',
      /is unreachable \(PUT \.gantry-check\/probe-\w+\.txt\): .*ECONNREFUSED/,
    );
  });
});
