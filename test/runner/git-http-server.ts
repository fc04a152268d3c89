import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parseGitHttpUrl, pathInfoSuffix, runHttpBackend } from '../../src/git/http-backend.ts';
import { runGit } from '../../src/git/run-git.ts';
import { JOB_TOKEN_USER } from '../../src/runner/executor/git-checkout.ts';
import { commitFile, initWorkTree, type ScratchDir, scratchDir } from '../support/git-work-tree.ts';

/** A bare repository served over smart HTTP on loopback, readable only with one job token. */
export interface GitHttpFixture {
  /** Clone URL without credentials, e.g. `http://127.0.0.1:PORT/team/app.git`. */
  url: string;
  /** The commit on `main` (the second of two, so fetching by sha is meaningful). */
  sha: string;
  /** The first commit, an ancestor of `sha`. */
  firstSha: string;
  /** The only token accepted (user `gitlab-ci-token`). */
  token: string;
  /** Every Authorization header received, in order (null when absent). */
  authorizations: Array<string | null>;
  /** Responses answered 401. */
  rejected(): number;
  close(): Promise<void>;
}

/**
 * Creates `team/app.git` with two commits on `main` (README.md, then job.txt holding "from the
 * repository") and serves it with `git http-backend` behind HTTP Basic auth that accepts only
 * `gitlab-ci-token:<token>` — anything else gets 401 (test support only).
 */
export async function startGitHttpFixture(
  token = `tok-${Math.random().toString(36).slice(2)}`,
): Promise<GitHttpFixture> {
  const scratch: ScratchDir = await scratchDir('gantry-git-http-');
  const work = join(scratch.path, 'work');
  const firstSha = await initWorkTree(work);
  const sha = await commitFile(work, 'job.txt', 'from the repository\n');
  const bare = join(scratch.path, 'repos', 'team', 'app.git');
  await runGit(['clone', '--quiet', '--bare', work, bare]);
  const hooksDir = join(scratch.path, 'hooks');
  const expected = `Basic ${Buffer.from(`${JOB_TOKEN_USER}:${token}`).toString('base64')}`;
  const authorizations: Array<string | null> = [];
  let rejected = 0;
  const server: Server = createServer((req, res) => {
    const authorization = req.headers.authorization ?? null;
    authorizations.push(authorization);
    if (authorization !== expected) {
      rejected += 1;
      res.writeHead(401, { 'www-authenticate': 'Basic realm="gantry"', 'content-type': 'text/plain' });
      res.end('authentication required\n');
      return;
    }
    const parsed = parseGitHttpUrl(req.url ?? '');
    if (parsed === null || parsed.repoPath !== 'team/app' || parsed.service !== 'git-upload-pack') {
      res.writeHead(404).end();
      return;
    }
    void runHttpBackend({
      req,
      res,
      repositoryDir: bare,
      pathInfoSuffix: pathInfoSuffix(parsed),
      remoteUser: JOB_TOKEN_USER,
      hooksDir,
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/team/app.git`,
    sha,
    firstSha,
    token,
    authorizations,
    rejected: () => rejected,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await scratch.cleanup();
    },
  };
}
