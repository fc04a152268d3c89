import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DIALECTS, dialectSuiteOptions } from '../support/dialects.ts';
import { createUserWithToken, startTestServer, type TestServer } from '../support/test-server.ts';

interface User {
  id: number;
  username: string;
  name: string;
  is_admin: boolean;
  state: string;
}
interface Token {
  id: number;
  name: string;
  scopes: string[];
  token_prefix: string;
  active: boolean;
  revoked: boolean;
  expires_at: string | null;
  last_used_at: string | null;
}
interface ErrorBody {
  error: { code: string; message: string };
}

const tomorrow = () => new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);

for (const dialect of DIALECTS) {
  describe(`users, tokens and sessions on ${dialect}`, dialectSuiteOptions(dialect), () => {
    let t: TestServer;
    before(async () => {
      t = await startTestServer(dialect);
    });
    after(() => t?.stop());

    const signIn = async (username: string, password: string) => {
      const response = await fetch(`${t.url}/api/v1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      });
      return { status: response.status, cookie: (response.headers.get('set-cookie') ?? '').split(';')[0]! };
    };

    test('usernames are unique and passwords have a minimum length', async () => {
      assert.equal(
        (await t.api('POST', 'users', { body: { username: 'alice', password: 'long-enough' } })).status,
        201,
      );
      const again = await t.api<ErrorBody>('POST', 'users', {
        body: { username: 'alice', password: 'long-enough' },
      });
      assert.equal(again.status, 409);
      const short = await t.api<ErrorBody>('POST', 'users', { body: { username: 'bob', password: 'short' } });
      assert.equal(short.status, 400);
      const badName = await t.api<ErrorBody>('POST', 'users', {
        body: { username: '-dash', password: 'long-enough' },
      });
      assert.equal(badName.status, 400);
    });

    test('?username= finds one user by exact name, for any signed-in user', async () => {
      const viewer = await createUserWithToken(t, 'username-filter-viewer');
      const found = await t.api<User[]>('GET', 'users?username=username-filter-viewer', {
        token: viewer.token,
      });
      assert.equal(found.status, 200);
      assert.deepEqual(
        found.body.map((user) => user.id),
        [viewer.id],
      );
      assert.equal(found.headers.get('x-total'), '1');
      const none = await t.api<User[]>('GET', 'users?username=username-filter', { token: viewer.token });
      assert.deepEqual(none.body, []);
      assert.equal(none.headers.get('x-total'), '0');
      const laterPage = await t.api<User[]>('GET', 'users?username=username-filter-viewer&page=2');
      assert.deepEqual(laterPage.body, []);
    });

    test('tokens are stored hashed, shown once, listed with a prefix only', async () => {
      const user = await createUserWithToken(t, 'carol');
      const issued = await t.api<Token & { token: string }>(
        'POST',
        `users/${user.id}/personal_access_tokens`,
        {
          token: user.token,
          body: { name: 'ci', scopes: ['read_api'], expires_at: tomorrow() },
        },
      );
      assert.equal(issued.status, 201);
      assert.match(issued.body.token, /^gty_/);
      assert.equal(issued.body.token_prefix, issued.body.token.slice(0, 8));
      const listed = await t.api<Token[]>('GET', 'personal_access_tokens', { token: user.token });
      assert.ok(!JSON.stringify(listed.body).includes(issued.body.token));
      const rows = await t.server.store.db.selectFrom('personal_access_tokens').selectAll().execute();
      assert.ok(!JSON.stringify(rows).includes(issued.body.token), 'plaintext token stored');
      assert.ok(!JSON.stringify(rows).includes(user.token), 'plaintext token stored');
      // Using a token records when it was last used.
      await t.api('GET', 'user', { token: issued.body.token });
      const used = await t.api<Token>('GET', `personal_access_tokens/${issued.body.id}`, {
        token: user.token,
      });
      assert.notEqual(used.body.last_used_at, null);
      assert.equal(used.body.expires_at, tomorrow());
    });

    test('expiry must be in the future; an expired token stops working', async () => {
      const user = await createUserWithToken(t, 'dave');
      const past = await t.api<ErrorBody>('POST', `users/${user.id}/personal_access_tokens`, {
        token: user.token,
        body: { name: 'old', scopes: ['api'], expires_at: '2020-01-01' },
      });
      assert.equal(past.status, 400);
      await t.server.store.db
        .updateTable('personal_access_tokens')
        .set({ expires_at: new Date().toISOString().slice(0, 10) })
        .where('id', '=', user.tokenId)
        .execute();
      const expired = await t.api<ErrorBody>('GET', 'user', { token: user.token });
      assert.equal(expired.status, 401);
      assert.match(expired.body.error.message, /expired/);
    });

    test('users cannot create tokens for others; admins can', async () => {
      const erin = await createUserWithToken(t, 'erin');
      const frank = await createUserWithToken(t, 'frank');
      const forOther = await t.api('POST', `users/${frank.id}/personal_access_tokens`, {
        token: erin.token,
        body: { name: 'x', scopes: ['api'] },
      });
      assert.equal(forOther.status, 403);
      const revokeOther = await t.api('DELETE', `personal_access_tokens/${frank.tokenId}`, {
        token: erin.token,
      });
      assert.equal(revokeOther.status, 404);
      assert.equal((await t.api('GET', 'user', { token: frank.token })).status, 200);
    });

    test('users change their own name and password but not their admin flag', async () => {
      const gina = await createUserWithToken(t, 'gina', { password: 'first-password' });
      const renamed = await t.api<User>('PUT', `users/${gina.id}`, {
        token: gina.token,
        body: { name: 'Gina' },
      });
      assert.equal(renamed.body.name, 'Gina');
      const promote = await t.api('PUT', `users/${gina.id}`, { token: gina.token, body: { admin: true } });
      assert.equal(promote.status, 403);
      await t.api('PUT', `users/${gina.id}`, { token: gina.token, body: { password: 'second-password' } });
      assert.equal((await signIn('gina', 'first-password')).status, 401);
      assert.equal((await signIn('gina', 'second-password')).status, 200);
    });

    test('blocked users can neither use tokens nor sign in', async () => {
      const hank = await createUserWithToken(t, 'hank', { password: 'hank-password' });
      const blocked = await t.api<User>('PUT', `users/${hank.id}`, { body: { state: 'blocked' } });
      assert.equal(blocked.body.state, 'blocked');
      assert.equal((await t.api('GET', 'user', { token: hank.token })).status, 401);
      assert.equal((await signIn('hank', 'hank-password')).status, 401);
    });

    test('sign-in: one error for unknown user and wrong password; sign-out ends the session', async () => {
      await createUserWithToken(t, 'ivy', { password: 'ivy-password' });
      const unknown = await fetch(`${t.url}/api/v1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'nobody', password: 'whatever1' }),
      });
      const wrong = await fetch(`${t.url}/api/v1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'ivy', password: 'whatever1' }),
      });
      assert.equal(unknown.status, 401);
      assert.equal(wrong.status, 401);
      assert.deepEqual(await unknown.json(), await wrong.json());

      const { cookie } = await signIn('ivy', 'ivy-password');
      const me = await fetch(`${t.url}/api/v1/user`, { headers: { cookie } });
      assert.equal(((await me.json()) as User).username, 'ivy');
      const rows = await t.server.store.db.selectFrom('sessions').selectAll().execute();
      assert.ok(!JSON.stringify(rows).includes(cookie.split('=')[1]!), 'plaintext session token stored');
      await fetch(`${t.url}/api/v1/session`, { method: 'DELETE', headers: { cookie } });
      assert.equal((await fetch(`${t.url}/api/v1/user`, { headers: { cookie } })).status, 401);
    });

    test('a session cookie cannot change anything from another origin', async () => {
      await createUserWithToken(t, 'jack', { password: 'jack-password' });
      const { cookie } = await signIn('jack', 'jack-password');
      const crossSite = await fetch(`${t.url}/api/v1/projects`, {
        method: 'POST',
        headers: { cookie, origin: 'https://evil.example', 'content-type': 'application/json' },
        body: JSON.stringify({ path: 'csrf/attempt' }),
      });
      assert.equal(crossSite.status, 403);
      assert.equal((await t.api('GET', 'projects/csrf%2Fattempt')).status, 404);
      const sameSite = await fetch(`${t.url}/api/v1/projects`, {
        method: 'POST',
        headers: { cookie, origin: new URL(t.url).origin, 'content-type': 'application/json' },
        body: JSON.stringify({ path: 'csrf/legit' }),
      });
      assert.equal(sameSite.status, 201);
    });

    test('deleting a user: admins only, never themselves', async () => {
      const kim = await createUserWithToken(t, 'kim');
      const self = await t.api<User>('GET', 'user');
      assert.equal((await t.api('DELETE', `users/${self.body.id}`)).status, 403);
      assert.equal((await t.api('DELETE', `users/${kim.id}`)).status, 204);
      assert.equal((await t.api('GET', 'user', { token: kim.token })).status, 401);
    });
  });
}
