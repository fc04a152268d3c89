import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { commitFile, gitIn, initWorkTree, scratchDir } from '../../test/support/git-work-tree.ts';
import { GantryError } from '../domain/errors.ts';
import { createBareRepository, listRefs, ZERO_OID } from './bare-repository.ts';
import { parseGitHttpUrl, pathInfoSuffix, runHttpBackend } from './http-backend.ts';
import { fetchMirror, validateMirrorUrl } from './mirror.ts';
import { runGit } from './run-git.ts';

const PASSWORD = 's3cr3t:pa ss/+word';

test('validateMirrorUrl accepts http(s) and, only when allowed, local repositories', () => {
  const cases: [string, boolean, boolean][] = [
    ['https://github.com/org/repo.git', false, true],
    ['http://127.0.0.1:8080/group/app.git', false, true],
    ['https://git.example.com/org/repo', false, true],
    ['file:///srv/repo.git', false, false],
    ['file:///srv/repo.git', true, true],
    ['/srv/repo.git', false, false],
    ['/srv/repo.git', true, true],
    ['srv/repo.git', true, false],
    ['./repo.git', true, false],
    ['ssh://git@github.com/org/repo.git', false, false],
    ['git@github.com:org/repo.git', false, false],
    ['git://github.com/org/repo.git', false, false],
    ['ftp://example.com/repo.git', false, false],
    ['ext::sh -c touch% /tmp/pwned', true, false],
    ['-uhttps://example.com/x', false, false],
    ['--upload-pack=touch /tmp/x', true, false],
    ['https://', false, false],
    ['https://example.com/repo\n.git', false, false],
    ['https://example.com/re po.git', false, false],
    ['https://example.com/repo.git#frag', false, false],
    ['', false, false],
  ];
  for (const [url, allowLocal, ok] of cases) {
    if (ok) {
      assert.equal(validateMirrorUrl(url, allowLocal), url);
    } else {
      assert.throws(() => validateMirrorUrl(url, allowLocal), GantryError, url);
    }
  }
});

test('URLs with credentials are refused with a pointer to the username and password fields', () => {
  for (const url of ['https://user:pass@example.com/repo.git', 'https://token@example.com/repo.git']) {
    assert.throws(
      () => validateMirrorUrl(url),
      (error) => {
        assert.ok(error instanceof GantryError);
        assert.equal(error.code, 'bad_request');
        assert.match(error.message, /username and password fields/);
        assert.doesNotMatch(error.message, /pass@|token@/);
        return true;
      },
    );
  }
});

test('mirrors branch and tag creation, updates and deletion from a local upstream', async () => {
  const scratch = await scratchDir();
  try {
    const upstream = join(scratch.path, 'upstream.git');
    const mirror = join(scratch.path, 'mirror.git');
    const tree = join(scratch.path, 'tree');
    await createBareRepository(upstream);
    await createBareRepository(mirror);
    const c1 = await initWorkTree(tree);
    const url = `file://${upstream}`;
    await gitIn(tree, ['tag', '-a', '-m', 'v1', 'v1']);
    await gitIn(tree, ['push', '--quiet', url, 'main', 'main:refs/heads/dev', 'v1']);
    const v1 = (await gitIn(tree, ['rev-parse', 'v1'])).stdout.trim();

    await assert.rejects(
      fetchMirror({ repositoryDir: mirror, url }),
      GantryError,
      'file:// needs allowLocal',
    );

    assert.deepEqual(await fetchMirror({ repositoryDir: mirror, url, allowLocal: true }), [
      { ref: 'refs/heads/dev', before: ZERO_OID, after: c1 },
      { ref: 'refs/heads/main', before: ZERO_OID, after: c1 },
      { ref: 'refs/tags/v1', before: ZERO_OID, after: v1 },
    ]);
    assert.deepEqual(
      await fetchMirror({ repositoryDir: mirror, url, allowLocal: true }),
      [],
      'nothing changed',
    );

    // Force-push main back and forth, delete dev and v1, add a lightweight tag.
    const c2 = await commitFile(tree, 'a.txt', 'a\n');
    await gitIn(tree, ['tag', 'v2']);
    await gitIn(tree, ['push', '--quiet', url, 'main', ':dev', ':refs/tags/v1', 'v2']);
    assert.deepEqual(await fetchMirror({ repositoryDir: mirror, url: upstream, allowLocal: true }), [
      { ref: 'refs/heads/dev', before: c1, after: ZERO_OID },
      { ref: 'refs/heads/main', before: c1, after: c2 },
      { ref: 'refs/tags/v1', before: v1, after: ZERO_OID },
      { ref: 'refs/tags/v2', before: ZERO_OID, after: c2 },
    ]);
    await gitIn(tree, ['push', '--quiet', '--force', url, `${c1}:refs/heads/main`]);
    assert.deepEqual(await fetchMirror({ repositoryDir: mirror, url, allowLocal: true }), [
      { ref: 'refs/heads/main', before: c2, after: c1 },
    ]);
    assert.deepEqual(await listRefs(mirror), await listRefs(upstream));
  } finally {
    await scratch.cleanup();
  }
});

test('an empty upstream mirrors to nothing, a missing one is a bad request', async () => {
  const scratch = await scratchDir();
  try {
    const upstream = join(scratch.path, 'upstream.git');
    const mirror = join(scratch.path, 'mirror.git');
    await createBareRepository(upstream);
    await createBareRepository(mirror);
    assert.deepEqual(await fetchMirror({ repositoryDir: mirror, url: upstream, allowLocal: true }), []);
    await assert.rejects(
      fetchMirror({ repositoryDir: mirror, url: join(scratch.path, 'nope.git'), allowLocal: true }),
      (error) => {
        assert.ok(error instanceof GantryError);
        assert.equal(error.code, 'bad_request');
        assert.match(error.message, /no git repository found/);
        return true;
      },
    );
  } finally {
    await scratch.cleanup();
  }
});

interface Upstream {
  url: string;
  seen: IncomingHttpHeaders[];
  close(): Promise<void>;
}

/** A loopback git server for the repositories under `root`, requiring HTTP Basic `user`/PASSWORD. */
async function upstreamServer(root: string, hooksDir: string, redirectTo?: string): Promise<Upstream> {
  const seen: IncomingHttpHeaders[] = [];
  const expected = `Basic ${Buffer.from(`user:${PASSWORD}`).toString('base64')}`;
  const server: Server = createServer((req, res) => {
    seen.push(req.headers);
    if (redirectTo !== undefined) {
      res.writeHead(302, { location: `${redirectTo}${req.url}` }).end();
      return;
    }
    if (req.headers.authorization !== expected) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="test"' }).end();
      return;
    }
    const parsed = parseGitHttpUrl(req.url ?? '');
    if (parsed === null) {
      res.writeHead(404).end();
      return;
    }
    void runHttpBackend({
      req,
      res,
      repositoryDir: join(root, `${parsed.repoPath}.git`),
      pathInfoSuffix: pathInfoSuffix(parsed),
      remoteUser: 'user',
      hooksDir,
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

test('fetches over HTTP with credentials that never reach argv, URL or repository config', async () => {
  const scratch = await scratchDir();
  const root = join(scratch.path, 'repos');
  const upstreamDir = join(root, 'org', 'app.git');
  const mirror = join(scratch.path, 'mirror.git');
  await createBareRepository(upstreamDir);
  await createBareRepository(mirror);
  const tree = join(scratch.path, 'tree');
  const c1 = await initWorkTree(tree);
  await gitIn(tree, ['push', '--quiet', `file://${upstreamDir}`, 'main']);
  const upstream = await upstreamServer(root, join(scratch.path, 'hooks'));
  try {
    const url = `${upstream.url}/org/app.git`;
    assert.deepEqual(
      await fetchMirror({ repositoryDir: mirror, url, username: 'user', password: PASSWORD }),
      [{ ref: 'refs/heads/main', before: ZERO_OID, after: c1 }],
    );
    assert.ok(upstream.seen.every((headers) => headers.authorization?.startsWith('Basic ')));

    const config = await runGit(['--git-dir', mirror, 'config', '--list']);
    const token = Buffer.from(`user:${PASSWORD}`).toString('base64');
    assert.doesNotMatch(config.stdout, /extraheader|authorization/i);
    for (const file of await readdir(mirror)) {
      if (file === 'objects' || file === 'refs' || file === 'hooks') continue;
      const text = await readFile(join(mirror, file), 'utf8').catch(() => '');
      assert.ok(!text.includes(token) && !text.includes(PASSWORD), `${file} holds no credentials`);
    }

    await assert.rejects(
      fetchMirror({ repositoryDir: mirror, url, username: 'user', password: 'wrong-password' }),
      (error) => {
        assert.ok(error instanceof GantryError);
        assert.equal(error.code, 'bad_request');
        assert.match(error.message, /authentication to .* failed/);
        assert.doesNotMatch(error.message, /wrong-password/);
        return true;
      },
    );
    await assert.rejects(fetchMirror({ repositoryDir: mirror, url }), (error) => {
      assert.ok(error instanceof GantryError);
      assert.equal(error.code, 'bad_request');
      return true;
    });
    await assert.rejects(
      fetchMirror({
        repositoryDir: mirror,
        url: `${upstream.url}/org/missing.git`,
        username: 'user',
        password: PASSWORD,
      }),
      (error) => {
        assert.ok(error instanceof GantryError);
        assert.equal(error.code, 'bad_request');
        assert.doesNotMatch(error.message, new RegExp(token.replace(/[+/]/g, '.')));
        return true;
      },
    );
  } finally {
    await upstream.close();
    await scratch.cleanup();
  }
});

test('credentials are not sent to another origin after a redirect', async () => {
  const scratch = await scratchDir();
  const root = join(scratch.path, 'repos');
  await createBareRepository(join(root, 'app.git'));
  const target = await upstreamServer(root, join(scratch.path, 'hooks'));
  const redirecting = await upstreamServer(root, join(scratch.path, 'hooks'), target.url);
  try {
    const mirror = join(scratch.path, 'mirror.git');
    await createBareRepository(mirror);
    await assert.rejects(
      fetchMirror({
        repositoryDir: mirror,
        url: `${redirecting.url}/app.git`,
        username: 'user',
        password: PASSWORD,
      }),
      GantryError,
    );
    assert.ok(redirecting.seen.length > 0);
    assert.ok(redirecting.seen.every((headers) => headers.authorization !== undefined));
    assert.ok(target.seen.length > 0, 'git followed the redirect');
    assert.ok(target.seen.every((headers) => headers.authorization === undefined));
  } finally {
    await redirecting.close();
    await target.close();
    await scratch.cleanup();
  }
});

test('an unreachable host is unavailable, a hung one times out', async () => {
  const scratch = await scratchDir();
  // A port that was just free and is now closed: connection refused, on loopback only.
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const { port } = closed.address() as AddressInfo;
  await new Promise((resolve) => closed.close(resolve));
  // A server that accepts and never answers.
  const silent = createServer(() => {});
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const silentPort = (silent.address() as AddressInfo).port;
  try {
    const mirror = join(scratch.path, 'mirror.git');
    await createBareRepository(mirror);
    await assert.rejects(
      fetchMirror({ repositoryDir: mirror, url: `http://127.0.0.1:${port}/x.git` }),
      (error) => {
        assert.ok(error instanceof GantryError);
        assert.equal(error.code, 'unavailable');
        assert.match(error.message, /could not reach/);
        return true;
      },
    );
    await assert.rejects(
      fetchMirror({ repositoryDir: mirror, url: `http://127.0.0.1:${silentPort}/x.git`, timeoutMs: 300 }),
      (error) => {
        assert.ok(error instanceof GantryError);
        assert.equal(error.code, 'unavailable');
        assert.match(error.message, /timed out/);
        return true;
      },
    );
  } finally {
    silent.closeAllConnections();
    await new Promise((resolve) => silent.close(resolve));
    await scratch.cleanup();
  }
});

test('credential fields are validated before git runs', async () => {
  const cases: { username?: string; password?: string; path: string }[] = [
    { password: 'token', path: '/username' },
    { username: '', password: 'token', path: '/username' },
    { username: 'a:b', password: 'token', path: '/username' },
    { username: 'a\r\nX-Injected: 1', password: 'token', path: '/username' },
    { username: 'a', password: 'tok\nen', path: '/password' },
  ];
  for (const { path, ...credentials } of cases) {
    await assert.rejects(
      fetchMirror({ repositoryDir: '/nonexistent', url: 'https://example.invalid/x.git', ...credentials }),
      (error) => {
        assert.ok(error instanceof GantryError);
        assert.equal(error.code, 'bad_request');
        assert.equal(error.details[0]?.path, path);
        return true;
      },
    );
  }
});
