import assert from 'node:assert/strict';
import { test } from 'node:test';
import { endpointAddress, endpointLogin, endpointProblem, type SshEndpoint } from './ssh-endpoint.ts';

const endpoint: SshEndpoint = {
  host: 'web-1.example.com',
  port: 22,
  user: 'deploy',
  knownHosts: 'web-1.example.com ssh-ed25519 AAAA\n',
  privateKey: 'key',
  password: null,
};

test('addresses are written as people write them, IPv6 in brackets', () => {
  assert.equal(endpointLogin(endpoint), 'deploy@web-1.example.com:22');
  assert.equal(endpointAddress({ host: '::1', port: 2222 }), '[::1]:2222');
});

test('a usable endpoint has no problem', () => {
  assert.equal(endpointProblem(endpoint), undefined);
  assert.equal(endpointProblem({ ...endpoint, privateKey: null, password: 'secret' }), undefined);
});

test('fields that ssh would misread are refused', () => {
  assert.match(endpointProblem({ ...endpoint, host: '-oProxyCommand=x' }) ?? '', /is not a host name/);
  assert.match(endpointProblem({ ...endpoint, host: 'a b' }) ?? '', /is not a host name/);
  assert.match(endpointProblem({ ...endpoint, user: '-l' }) ?? '', /is not a user name/);
  assert.match(endpointProblem({ ...endpoint, port: 70000 }) ?? '', /not between 1 and 65535/);
  assert.match(endpointProblem({ ...endpoint, knownHosts: ' ' }) ?? '', /no host key is recorded/);
  assert.match(
    endpointProblem({ ...endpoint, privateKey: null }) ?? '',
    /neither a private key nor a password/,
  );
});
