import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmod, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { commitFile, gitIn, initWorkTree, scratchDir } from '../../test/support/git-work-tree.ts';
import { createBareRepository, listRefs, ZERO_OID } from './bare-repository.ts';
import {
  type HttpBackendOptions,
  isGitHttpPath,
  parseGitHttpPath,
  parseGitHttpUrl,
  pathInfoSuffix,
  runHttpBackend,
} from './http-backend.ts';
import { installHooks, parsePushReport } from './push-hook.ts';
import { GitCommandError } from './run-git.ts';

test('parseGitHttpPath recognises only the smart protocol endpoints', () => {
  const cases: [string, string, ReturnType<typeof parseGitHttpPath>][] = [
    [
      '/app.git/info/refs',
      '?service=git-upload-pack',
      { repoPath: 'app', service: 'git-upload-pack', endpoint: 'info/refs' },
    ],
    [
      '/group/app.git/info/refs',
      'service=git-receive-pack',
      { repoPath: 'group/app', service: 'git-receive-pack', endpoint: 'info/refs' },
    ],
    [
      '/a/b/c.d_e-f.git/git-upload-pack',
      '',
      { repoPath: 'a/b/c.d_e-f', service: 'git-upload-pack', endpoint: 'rpc' },
    ],
    [
      '/group/app.git/git-receive-pack',
      '',
      { repoPath: 'group/app', service: 'git-receive-pack', endpoint: 'rpc' },
    ],
    [
      '/gr%6Fup/app.git/git-receive-pack',
      '',
      { repoPath: 'group/app', service: 'git-receive-pack', endpoint: 'rpc' },
    ],
    // dumb protocol and other repository files
    ['/app.git/info/refs', '', null],
    ['/app.git/info/refs', '?service=git-upload-archive', null],
    ['/app.git/info/refs', '?service=git-upload-pack&x=1', null],
    ['/app.git/info/refs', '?service=git-upload-pack&service=git-receive-pack', null],
    ['/app.git/HEAD', '', null],
    ['/app.git/objects/info/packs', '', null],
    ['/x.git/objects/..', '', null],
    ['/app.git/objects/ab/cdef', '', null],
    ['/app.git/git-upload-archive', '', null],
    ['/app.git/git-upload-pack', '?service=git-upload-pack', null],
    // not a .git path
    ['/app/info/refs', '?service=git-upload-pack', null],
    ['/app/git-upload-pack', '', null],
    ['/.git/info/refs', '?service=git-upload-pack', null],
    ['/.git/git-upload-pack', '', null],
    ['app.git/git-upload-pack', '', null],
    ['/app.git.git/git-upload-pack', '', null],
    // traversal and odd segments
    ['/../x.git/info/refs', '?service=git-upload-pack', null],
    ['/a/../x.git/info/refs', '?service=git-upload-pack', null],
    ['/a/./x.git/info/refs', '?service=git-upload-pack', null],
    ['/a/%2e%2e/b.git/info/refs', '?service=git-upload-pack', null],
    ['/a/%2E%2E/b.git/git-receive-pack', '', null],
    ['/%2e%2e.git/git-receive-pack', '', null],
    ['/...git/git-receive-pack', '', null],
    ['/a%2Fb.git/info/refs', '?service=git-upload-pack', null],
    ['/a%2fb.git/git-upload-pack', '', null],
    ['/a%5Cb.git/git-upload-pack', '', null],
    ['/a\\b.git/git-upload-pack', '', null],
    ['/a%00.git/git-upload-pack', '', null],
    ['/a\u0000.git/git-upload-pack', '', null],
    ['/a%.git/git-upload-pack', '', null],
    ['/a%252e%252e/b.git/git-upload-pack', '', null],
    ['//a.git/git-upload-pack', '', null],
    ['/a//b.git/git-upload-pack', '', null],
    ['/group/.hidden.git/git-upload-pack', '', null],
    ['/-opt.git/git-upload-pack', '', null],
    // `app.` is a valid project path (domain/project-path.ts), so `app..git` is its repository.
    [
      '/group/app..git/git-upload-pack',
      '',
      { repoPath: 'group/app.', service: 'git-upload-pack', endpoint: 'rpc' },
    ],
    ['/api/app.git/git-upload-pack', '', null],
    ['/app.atom.git/git-upload-pack', '', null],
    ['/gr oup/app.git/git-upload-pack', '', null],
    ['/gr%20oup/app.git/git-upload-pack', '', null],
    ['/caf%C3%A9.git/git-upload-pack', '', null],
    ['/a.git/b.git/git-upload-pack', '', null],
    [`/${'a/'.repeat(5)}b.git/git-upload-pack`, '', null],
    [`/${'a'.repeat(2000)}.git/git-upload-pack`, '', null],
  ];
  for (const [pathname, search, expected] of cases) {
    assert.deepEqual(parseGitHttpPath(pathname, search), expected, `${pathname} ${search}`);
  }
});

test('isGitHttpPath and parseGitHttpUrl take a request target with its query', () => {
  assert.equal(isGitHttpPath('/group/app.git/info/refs?service=git-upload-pack'), true);
  assert.equal(isGitHttpPath('/group/app.git/git-receive-pack'), true);
  assert.equal(isGitHttpPath('/group/app.git/info/refs'), false);
  assert.equal(isGitHttpPath('/group/app.git/git-receive-pack#x'), false);
  assert.equal(isGitHttpPath('/api/v1/projects'), false);
  const parsed = parseGitHttpUrl('/group/app.git/info/refs?service=git-receive-pack');
  assert.ok(parsed);
  assert.equal(pathInfoSuffix(parsed), '/info/refs');
  const rpc = parseGitHttpUrl('/group/app.git/git-upload-pack');
  assert.ok(rpc);
  assert.equal(pathInfoSuffix(rpc), '/git-upload-pack');
});

interface Served {
  url: string;
  requests: { method: string; url: string; headers: IncomingHttpHeaders; status: number }[];
  pushes: string[];
  logs: string[];
  close(): Promise<void>;
}

/**
 * A node:http server that routes smart-HTTP requests for repositories under `root` to
 * runHttpBackend, the way the API layer will.
 */
async function serve(
  root: string,
  hooksDir: string,
  overrides: Partial<HttpBackendOptions> = {},
): Promise<Served> {
  const requests: Served['requests'] = [];
  const pushes: string[] = [];
  const logs: string[] = [];
  let counter = 0;
  const server = createServer((req, res) => {
    const entry = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, status: 0 };
    requests.push(entry);
    res.on('finish', () => {
      entry.status = res.statusCode;
    });
    const parsed = parseGitHttpUrl(req.url ?? '');
    if (parsed === null) {
      res.writeHead(404).end();
      return;
    }
    counter += 1;
    const pushReportFile = join(root, `push-report-${counter}`);
    runHttpBackend({
      req,
      res,
      repositoryDir: join(root, `${parsed.repoPath}.git`),
      pathInfoSuffix: pathInfoSuffix(parsed),
      remoteUser: 'alice',
      hooksDir,
      pushReportFile,
      log: (line) => logs.push(line),
      ...overrides,
    }).then(
      async () => {
        const report = await readFile(pushReportFile, 'utf8').catch(() => '');
        if (report !== '') pushes.push(report);
        await rm(pushReportFile, { force: true });
      },
      (error: unknown) => logs.push(`runHttpBackend rejected: ${String(error)}`),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    pushes,
    logs,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Waits until the server has recorded `count` push reports (the hook report is read after the response). */
async function reports(served: Served, count: number): Promise<string[]> {
  for (let i = 0; i < 500 && served.pushes.length < count; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return served.pushes;
}

test('clone, push and fetch over smart HTTP through git http-backend', async () => {
  const scratch = await scratchDir();
  const root = join(scratch.path, 'repos');
  const hooks = join(scratch.path, 'hooks');
  await installHooks(hooks);
  await createBareRepository(join(root, 'group', 'app.git'));
  const served = await serve(root, hooks);
  try {
    const remote = `${served.url}/group/app.git`;
    const tree = join(scratch.path, 'tree');
    await gitIn(scratch.path, ['clone', '--quiet', remote, tree]);
    const c1 = await commitFile(tree, 'README.md', '# app\n');
    await gitIn(tree, ['push', '--quiet', 'origin', 'main']);
    assert.deepEqual(await reports(served, 1), [`${ZERO_OID} ${c1} refs/heads/main\n`]);

    // A pack above http.postBuffer (1 MiB by default) goes up with chunked transfer encoding,
    // so git http-backend gets no CONTENT_LENGTH and reads to EOF.
    await writeFile(join(tree, 'blob.bin'), randomBytes(1_500_000));
    await gitIn(tree, ['add', 'blob.bin']);
    const c2 = await commitFile(tree, 'b.txt', 'b\n');
    await gitIn(tree, ['push', '--quiet', 'origin', 'main', 'main:refs/heads/feature']);
    assert.deepEqual(parsePushReport((await reports(served, 2))[1] ?? ''), [
      { ref: 'refs/heads/main', before: c1, after: c2 },
      { ref: 'refs/heads/feature', before: ZERO_OID, after: c2 },
    ]);
    const chunked = served.requests.find(
      (r) => r.url.endsWith('/git-receive-pack') && r.headers['transfer-encoding'] === 'chunked',
    );
    assert.ok(chunked, 'expected a chunked receive-pack request');
    assert.equal(chunked.status, 200);
    assert.deepEqual(
      await listRefs(join(root, 'group', 'app.git')),
      new Map([
        ['refs/heads/feature', c2],
        ['refs/heads/main', c2],
      ]),
    );

    // Clone over protocol v2: the Git-Protocol header reaches upload-pack.
    const copy = join(scratch.path, 'copy');
    await gitIn(scratch.path, ['-c', 'protocol.version=2', 'clone', '--quiet', remote, copy]);
    assert.equal((await gitIn(copy, ['rev-parse', 'HEAD'])).stdout.trim(), c2);
    assert.ok(served.requests.some((r) => r.headers['git-protocol'] === 'version=2'));

    // Many local commits make the fetch negotiation big enough for git to gzip the request body. They
    // are dated a day ahead, a second apart: the negotiation walks commits newest first, and with the
    // same second as the common commit (origin/main, also a starting point) that one could come first,
    // end the negotiation in one small, ungzipped round — a fast machine made them all in one second.
    const ahead = Math.floor(Date.now() / 1000) + 86_400;
    for (let i = 0; i < 80; i += 1) {
      const date = `@${ahead + i} +0000`;
      await gitIn(copy, ['commit', '--quiet', '--allow-empty', '-m', `local ${i}`], {
        extra: { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
      });
    }
    const c3 = await commitFile(tree, 'c.txt', 'c\n');
    await gitIn(tree, ['push', '--quiet', 'origin', 'main']);
    await gitIn(copy, ['-c', 'protocol.version=0', 'fetch', '--quiet', 'origin']);
    assert.equal((await gitIn(copy, ['rev-parse', 'origin/main'])).stdout.trim(), c3);
    const gzipped = served.requests.find((r) => r.headers['content-encoding'] === 'gzip');
    assert.ok(gzipped, 'expected a gzip-encoded upload-pack request');
    assert.equal(gzipped.status, 200);

    // Deleting a branch reports the zero id as the new value.
    await gitIn(tree, ['push', '--quiet', 'origin', ':feature']);
    assert.deepEqual(parsePushReport((await reports(served, 4))[3] ?? ''), [
      { ref: 'refs/heads/feature', before: c2, after: ZERO_OID },
    ]);
    assert.deepEqual(
      served.logs.filter((line) => /fatal|error/i.test(line)),
      [],
    );
  } finally {
    await served.close();
    await scratch.cleanup();
  }
});

test('pushes beyond maxBodyBytes are refused with 413 and change nothing', async () => {
  const scratch = await scratchDir();
  const root = join(scratch.path, 'repos');
  const hooks = join(scratch.path, 'hooks');
  await installHooks(hooks);
  const bare = join(root, 'app.git');
  await createBareRepository(bare);
  const served = await serve(root, hooks, { maxBodyBytes: 64 * 1024 });
  try {
    const tree = join(scratch.path, 'tree');
    await initWorkTree(tree);
    await writeFile(join(tree, 'big.bin'), randomBytes(2_000_000));
    await gitIn(tree, ['add', 'big.bin']);
    await commitFile(tree, 'x.txt', 'x\n');
    await assert.rejects(gitIn(tree, ['push', '--quiet', `${served.url}/app.git`, 'main']), (error) => {
      assert.ok(error instanceof GitCommandError);
      return true;
    });
    assert.ok(served.requests.some((r) => r.url.endsWith('/git-receive-pack') && r.status === 413));
    assert.deepEqual(await listRefs(bare), new Map());
    assert.deepEqual(served.pushes, []);
  } finally {
    await served.close();
    await scratch.cleanup();
  }
});

test('beforeEnd runs after git exits and before the client sees the response end', async () => {
  const scratch = await scratchDir();
  const root = join(scratch.path, 'repos');
  const hooks = join(scratch.path, 'hooks');
  await installHooks(hooks);
  await createBareRepository(join(root, 'app.git'));
  const seen: string[] = [];
  const served = await serve(root, hooks, {
    pushReportFile: join(scratch.path, 'report'),
    beforeEnd: async () => {
      // Slow on purpose: the client must still be waiting when this finishes.
      await new Promise((resolve) => setTimeout(resolve, 300));
      seen.push(await readFile(join(scratch.path, 'report'), 'utf8'));
    },
  });
  try {
    const tree = join(scratch.path, 'tree');
    const sha = await initWorkTree(tree);
    await gitIn(tree, ['push', '--quiet', `${served.url}/app.git`, 'main']);
    assert.ok(seen.some((report) => report.includes(`${ZERO_OID} ${sha} refs/heads/main`)));
  } finally {
    await served.close();
    await scratch.cleanup();
  }
});

/** Sends one raw request and returns status, headers and body. */
function send(
  url: string,
  method: string,
  headers: Record<string, string> = {},
  body?: Buffer,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('git answers with its own CGI statuses for wrong methods and missing repositories', async () => {
  const scratch = await scratchDir();
  const root = join(scratch.path, 'repos');
  const hooks = join(scratch.path, 'hooks');
  await installHooks(hooks);
  await createBareRepository(join(root, 'app.git'));
  const served = await serve(root, hooks);
  try {
    const refs = await send(`${served.url}/app.git/info/refs?service=git-upload-pack`, 'GET');
    assert.equal(refs.status, 200);
    assert.equal(refs.headers['content-type'], 'application/x-git-upload-pack-advertisement');
    assert.match(refs.headers['cache-control'] ?? '', /no-cache/);

    const wrongMethod = await send(`${served.url}/app.git/git-upload-pack`, 'GET');
    assert.equal(wrongMethod.status, 405);

    const missing = await send(`${served.url}/nope.git/info/refs?service=git-upload-pack`, 'GET');
    assert.equal(missing.status, 404);

    const flush = await send(
      `${served.url}/app.git/git-upload-pack`,
      'POST',
      { 'content-type': 'application/x-git-upload-pack-request' },
      Buffer.from('0000'),
    );
    assert.equal(flush.status, 200);
    assert.equal(flush.headers['content-type'], 'application/x-git-upload-pack-result');
  } finally {
    await served.close();
    await scratch.cleanup();
  }
});

/** Writes an executable stand-in for git that prints `script` output (CGI edge cases). */
async function fakeGit(dir: string, body: string): Promise<string> {
  const path = join(dir, `fake-git-${randomBytes(4).toString('hex')}`);
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
  return path;
}

test('CGI output is parsed: status, repeated headers, LF line ends, body', async () => {
  const scratch = await scratchDir();
  const hooks = join(scratch.path, 'hooks');
  const gitBinary = await fakeGit(
    scratch.path,
    `cat > /dev/null
printf 'Status: 418 I am a teapot\\nContent-Type: text/plain\\nX-Env: %s %s %s\\nSet-Cookie: a=1\\nSet-Cookie: b=2\\n\\n' "$PATH_INFO" "$GIT_PROJECT_ROOT" "$GIT_CONFIG_VALUE_0"
printf 'hello %s' "$REMOTE_USER"`,
  );
  const served = await serve(scratch.path, hooks, { gitBinary });
  try {
    const res = await send(`${served.url}/group/app.git/git-upload-pack`, 'POST', {}, Buffer.from('body'));
    assert.equal(res.status, 418);
    assert.equal(res.headers['content-type'], 'text/plain');
    assert.equal(res.headers['x-env'], `/app.git/git-upload-pack ${join(scratch.path, 'group')} ${hooks}`);
    assert.deepEqual(res.headers['set-cookie'], ['a=1', 'b=2']);
    assert.equal(res.body, 'hello alice');
  } finally {
    await served.close();
    await scratch.cleanup();
  }
});

test('the CGI environment is clean and carries the request details', async () => {
  const scratch = await scratchDir();
  const hooks = join(scratch.path, 'hooks');
  const gitBinary = await fakeGit(
    scratch.path,
    `cat > /dev/null\nprintf 'Content-Type: text/plain\\r\\n\\r\\n'\nenv | sort`,
  );
  const served = await serve(scratch.path, hooks, { gitBinary, pushReportFile: '/tmp/report' });
  process.env.GANTRY_TEST_SECRET = 'hunter2';
  try {
    const res = await send(
      `${served.url}/app.git/git-receive-pack`,
      'POST',
      {
        'content-type': 'application/x-git-receive-pack-request',
        'content-encoding': 'gzip',
        'git-protocol': 'version=2',
      },
      Buffer.from('abc'),
    );
    assert.equal(res.status, 200);
    const env = new Map(
      res.body
        .trim()
        .split('\n')
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    assert.equal(env.get('GANTRY_TEST_SECRET'), undefined);
    assert.equal(env.get('REQUEST_METHOD'), 'POST');
    assert.equal(env.get('SERVER_PROTOCOL'), 'HTTP/1.1');
    assert.equal(env.get('PATH_INFO'), '/app.git/git-receive-pack');
    assert.equal(env.get('GIT_PROJECT_ROOT'), scratch.path);
    assert.equal(env.get('QUERY_STRING'), '');
    assert.equal(env.get('CONTENT_TYPE'), 'application/x-git-receive-pack-request');
    assert.equal(env.get('CONTENT_LENGTH'), '3');
    assert.equal(env.get('HTTP_CONTENT_ENCODING'), 'gzip');
    assert.equal(env.get('GIT_PROTOCOL'), 'version=2');
    assert.equal(env.get('REMOTE_USER'), 'alice');
    assert.equal(env.get('REMOTE_ADDR'), '127.0.0.1');
    assert.equal(env.get('GIT_HTTP_EXPORT_ALL'), '1');
    assert.equal(env.get('GANTRY_PUSH_REPORT'), '/tmp/report');
    assert.equal(env.get('GIT_CONFIG_COUNT'), '1');
    assert.equal(env.get('GIT_CONFIG_KEY_0'), 'core.hooksPath');
    assert.equal(env.get('GIT_CONFIG_VALUE_0'), hooks);
    assert.equal(env.get('GIT_TERMINAL_PROMPT'), '0');
    assert.equal(env.get('LANG'), 'C');

    // A Git-Protocol value that is not a protocol parameter list is dropped.
    const odd = await send(`${served.url}/app.git/info/refs?service=git-upload-pack`, 'GET', {
      'git-protocol': 'version=2 ; rm -rf /',
    });
    assert.doesNotMatch(odd.body, /GIT_PROTOCOL/);
    assert.match(odd.body, /QUERY_STRING=service=git-upload-pack/);
  } finally {
    delete process.env.GANTRY_TEST_SECRET;
    await served.close();
    await scratch.cleanup();
  }
});

test('answers 500 when git cannot start or prints no valid CGI header', async () => {
  const scratch = await scratchDir();
  const hooks = join(scratch.path, 'hooks');
  const scripts = [
    join(scratch.path, 'does-not-exist'),
    await fakeGit(scratch.path, 'echo "no header here"'),
    await fakeGit(scratch.path, 'printf "Status: abc\\r\\n\\r\\nbody"'),
    await fakeGit(scratch.path, 'printf "Content-Type: text/plain\\r\\n"; exit 1'),
    await fakeGit(scratch.path, 'exit 3'),
    await fakeGit(scratch.path, 'head -c 70000 /dev/zero | tr "\\\\0" x'),
  ];
  try {
    for (const gitBinary of scripts) {
      const served = await serve(scratch.path, hooks, { gitBinary });
      try {
        const res = await send(`${served.url}/app.git/info/refs?service=git-upload-pack`, 'GET');
        assert.equal(res.status, 500, gitBinary);
        assert.ok(served.logs.length > 0, 'the failure is logged');
      } finally {
        await served.close();
      }
    }
  } finally {
    await scratch.cleanup();
  }
});

test('a declared Content-Length beyond the limit is refused before git starts', async () => {
  const scratch = await scratchDir();
  const marker = join(scratch.path, 'started');
  const gitBinary = await fakeGit(scratch.path, `touch ${marker}; printf 'Status: 200 OK\\r\\n\\r\\n'`);
  const served = await serve(scratch.path, join(scratch.path, 'hooks'), { gitBinary, maxBodyBytes: 10 });
  try {
    const res = await send(`${served.url}/app.git/git-upload-pack`, 'POST', {}, Buffer.alloc(11));
    assert.equal(res.status, 413);
    await assert.rejects(readFile(marker));
    const ok = await send(`${served.url}/app.git/git-upload-pack`, 'POST', {}, Buffer.alloc(10));
    assert.equal(ok.status, 200);
  } finally {
    await served.close();
    await scratch.cleanup();
  }
});

/** True while `pid` runs; a killed process left as a zombie (not yet reaped by init) counts as gone. */
async function isRunning(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state !== '' && state !== 'Z' && state !== 'X';
}

/**
 * Serves one request with `gitBinary` as git, hangs up as soon as the first bytes of the answer
 * arrive, and resolves once runHttpBackend has finished with it.
 */
async function hangUpAfterFirstBytes(
  scratch: string,
  gitBinary: string,
  pathInfoSuffix: string,
  target: { path: string; method: 'GET' | 'POST' },
): Promise<void> {
  const done: Promise<void>[] = [];
  const server = createServer((req, res) => {
    done.push(
      runHttpBackend({
        req,
        res,
        repositoryDir: join(scratch, 'app.git'),
        pathInfoSuffix,
        remoteUser: 'alice',
        hooksDir: join(scratch, 'hooks'),
        gitBinary,
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    await new Promise<void>((resolve, reject) => {
      const req = request(`http://127.0.0.1:${port}${target.path}`, { method: target.method }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
      if (target.method === 'POST') req.write('0000');
      else req.end();
    });
    while (done.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await done[0];
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

test('a client that goes away kills git and everything it started', async () => {
  const scratch = await scratchDir();
  const pidFile = join(scratch.path, 'pid');
  // The grandchild (sleep) stands for upload-pack/pack-objects started by http-backend. Its pid is
  // written before the first bytes: the client hangs up on them, which may kill this script at once.
  const gitBinary = await fakeGit(
    scratch.path,
    `sleep 60 &\necho $! > ${pidFile}\nprintf 'Status: 200 OK\\r\\nContent-Type: text/plain\\r\\n\\r\\nstarted\\n'\nwait`,
  );
  try {
    await hangUpAfterFirstBytes(scratch.path, gitBinary, '/info/refs', {
      path: '/app.git/info/refs?service=git-upload-pack',
      method: 'GET',
    });
    const pid = Number(await readFile(pidFile, 'utf8'));
    let alive = await isRunning(pid);
    for (let i = 0; i < 200 && alive; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      alive = await isRunning(pid);
    }
    assert.equal(alive, false, 'the grandchild was killed');
  } finally {
    await scratch.cleanup();
  }
});

test('a client that goes away during a push does not stop receive-pack', async () => {
  const scratch = await scratchDir();
  const marker = join(scratch.path, 'finished');
  // Stands for receive-pack after the client hung up: refs updated, post-receive still running.
  const gitBinary = await fakeGit(
    scratch.path,
    `printf 'Status: 200 OK\r\nContent-Type: text/plain\r\n\r\nstarted\n'
sleep 0.3
head -c 200000 /dev/zero
touch ${marker}`,
  );
  try {
    await hangUpAfterFirstBytes(scratch.path, gitBinary, '/git-receive-pack', {
      path: '/app.git/git-receive-pack',
      method: 'POST',
    });
    await readFile(marker); // git ran to the end although nobody was listening any more
  } finally {
    await scratch.cleanup();
  }
});

test('rejects a relative repository path or an unknown suffix', async () => {
  const fake = { req: {}, res: {} } as unknown as Pick<HttpBackendOptions, 'req' | 'res'>;
  await assert.rejects(
    runHttpBackend({
      ...fake,
      repositoryDir: 'rel/app.git',
      pathInfoSuffix: '/info/refs',
      remoteUser: 'a',
      hooksDir: '/h',
    }),
    TypeError,
  );
  await assert.rejects(
    runHttpBackend({
      ...fake,
      repositoryDir: '/abs/app.git',
      pathInfoSuffix: '/objects/x',
      remoteUser: 'a',
      hooksDir: '/h',
    }),
    TypeError,
  );
});
