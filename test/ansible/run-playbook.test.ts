import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { AnsibleHost } from '../../src/targets/ansible/ansible-inventory.ts';
import { type PlaybookRun, runPlaybook } from '../../src/targets/ansible/run-playbook.ts';
import { skipOutsideCi } from '../runner/real-dependency.ts';
import { type ScratchDir, scratchDir } from '../support/git-work-tree.ts';
import { type RunningSshd, sshdSuiteOptions, startSshd } from '../support/sshd.ts';

// The Ansible target's runs against real hosts: Debian's ansible-playbook over SSH to OpenSSH sshd
// instances on loopback (their python3 is this machine's). Extra vars reach two hosts, check mode
// changes nothing, a failing task fails the run, password logins go through SSH_ASKPASS, a changed
// host key is refused whatever the repository configures, and a timeout ends every process.

/** Why ansible-playbook cannot run here, or undefined when it can. */
function ansibleMissing(): string | undefined {
  try {
    execFileSync('ansible-playbook', ['--version'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'ansible-playbook not found: install ansible (bash scripts/setup.sh --test)';
  }
}

function suiteOptions(): { skip?: string } {
  const sshd = sshdSuiteOptions();
  if (sshd.skip !== undefined) return sshd;
  const missing = ansibleMissing();
  // In CI the suite runs and fails: runPlaybook then throws `not_installed`.
  return skipOutsideCi(missing);
}

const WRITE_FILE = `- hosts: all
  gather_facts: false
  tasks:
    - name: write the greeting
      ansible.builtin.copy:
        dest: "{{ out_dir }}/{{ inventory_hostname }}.txt"
        content: "{{ greeting }}\\n"
        mode: "0644"
`;

const FAIL_ON_WEB_2 = `- hosts: all
  gather_facts: false
  tasks:
    - ansible.builtin.command: "true"
    - ansible.builtin.fail: { msg: "web-2 is broken" }
      when: inventory_hostname == "web-2"
`;

describe('runPlaybook against real sshd hosts', suiteOptions(), () => {
  const servers: RunningSshd[] = [];
  let dir: ScratchDir;
  let repository: string;
  let out: string;
  let scratch: string;

  before(async () => {
    const first = await startSshd();
    servers.push(first, await startSshd({ clientKey: first.privateKey }));
    dir = await scratchDir('gantry-ansible-');
    // The password user writes into `out` too.
    chmodSync(dir.path, 0o755);
    repository = join(dir.path, 'repository');
    out = join(dir.path, 'out');
    scratch = join(dir.path, 'scratch');
    for (const path of [repository, out, scratch]) mkdirSync(path);
    chmodSync(out, 0o777);
    writeFileSync(join(repository, 'write-file.yml'), WRITE_FILE);
    writeFileSync(join(repository, 'fail.yml'), FAIL_ON_WEB_2);
  });
  after(async () => {
    for (const server of servers) await server.stop();
    await dir?.cleanup();
  });

  const host = (name: string, server: RunningSshd, user = server.user): AnsibleHost => ({
    name,
    host: server.host,
    port: server.port,
    user,
    knownHosts: server.knownHosts,
  });

  /** A run of `playbook` on both servers with the key; `lines` collects what was logged. */
  const playbookRun = (
    playbook: string,
    lines: string[],
    changes: Partial<PlaybookRun> = {},
  ): PlaybookRun => ({
    workDir: repository,
    playbook,
    hosts: [host('web-1', servers[0]!), host('web-2', servers[1]!)],
    credentials: { privateKey: servers[0]!.privateKey, password: null },
    extraVars: { out_dir: out, greeting: 'hello from gantry' },
    check: false,
    scratchDir: scratch,
    signal: AbortSignal.timeout(120_000),
    log: (line) => lines.push(line),
    ...changes,
  });

  test('check mode reports the change on both hosts and writes nothing', async () => {
    const lines: string[] = [];
    const result = await runPlaybook(playbookRun('write-file.yml', lines, { check: true }));
    assert.equal(result.ok, true, lines.join('\n'));
    assert.equal(result.exitCode, 0);
    assert.deepEqual(
      result.recap.map(({ host, changed, failed, unreachable }) => ({ host, changed, failed, unreachable })),
      [
        { host: 'web-1', changed: 1, failed: 0, unreachable: 0 },
        { host: 'web-2', changed: 1, failed: 0, unreachable: 0 },
      ],
    );
    assert.ok(lines.some((line) => line.includes('TASK [write the greeting]')));
    // --diff shows what would be written.
    assert.ok(
      lines.some((line) => line.includes('+hello from gantry')),
      lines.join('\n'),
    );
    assert.deepEqual(readdirSync(out), []);
    assert.deepEqual(readdirSync(scratch), [], 'the run removes its files');
  });

  test('a run writes the file with the extra var on both hosts, then changes nothing', async () => {
    const lines: string[] = [];
    const result = await runPlaybook(playbookRun('write-file.yml', lines));
    assert.equal(result.ok, true, lines.join('\n'));
    assert.deepEqual(
      result.recap.map(({ host, ok, changed }) => ({ host, ok, changed })),
      [
        { host: 'web-1', ok: 1, changed: 1 },
        { host: 'web-2', ok: 1, changed: 1 },
      ],
    );
    assert.equal(readFileSync(join(out, 'web-1.txt'), 'utf8'), 'hello from gantry\n');
    assert.equal(readFileSync(join(out, 'web-2.txt'), 'utf8'), 'hello from gantry\n');
    assert.ok(!lines.some((line) => line.includes('\u001b[')), 'no colour codes');

    const again = await runPlaybook(playbookRun('write-file.yml', []));
    assert.deepEqual(
      again.recap.map(({ changed }) => changed),
      [0, 0],
    );
    assert.deepEqual(readdirSync(scratch), []);
  });

  test('groups select hosts', async () => {
    const result = await runPlaybook(
      playbookRun('write-file.yml', [], {
        playbook: 'write-file.yml',
        groups: { web: ['web-2'], all_web: ['web-1', 'web-2'] },
        extraVars: { out_dir: out, greeting: 'grouped' },
      }),
    );
    assert.equal(result.ok, true);
    // The playbook plays `all`: every host; its group vars see the groups.
    assert.equal(readFileSync(join(out, 'web-2.txt'), 'utf8'), 'grouped\n');
    writeFileSync(join(repository, 'web-only.yml'), WRITE_FILE.replace('hosts: all', 'hosts: web'));
    const webOnly = await runPlaybook(
      playbookRun('web-only.yml', [], {
        groups: { web: ['web-1'] },
        extraVars: { out_dir: out, greeting: 'web' },
      }),
    );
    assert.deepEqual(
      webOnly.recap.map(({ host }) => host),
      ['web-1'],
    );
    assert.equal(readFileSync(join(out, 'web-1.txt'), 'utf8'), 'web\n');
    assert.equal(readFileSync(join(out, 'web-2.txt'), 'utf8'), 'grouped\n');
  });

  test('a failing task fails the run, with the failed count in the recap', async () => {
    const lines: string[] = [];
    const result = await runPlaybook(playbookRun('fail.yml', lines));
    assert.equal(result.ok, false);
    assert.equal(result.exitCode, 2);
    assert.deepEqual(
      result.recap.map(({ host, ok, failed }) => ({ host, ok, failed })),
      [
        { host: 'web-1', ok: 1, failed: 0 },
        { host: 'web-2', ok: 1, failed: 1 },
      ],
    );
    assert.ok(lines.some((line) => line.includes('web-2 is broken')));
  });

  test('a password login goes through SSH_ASKPASS (no sshpass)', async () => {
    const server = servers[0]!;
    const lines: string[] = [];
    const result = await runPlaybook(
      playbookRun('write-file.yml', lines, {
        hosts: [host('password-host', server, server.passwordUser)],
        credentials: { privateKey: null, password: server.password },
        extraVars: { out_dir: out, greeting: 'by password' },
      }),
    );
    assert.equal(result.ok, true, lines.join('\n'));
    assert.equal(readFileSync(join(out, 'password-host.txt'), 'utf8'), 'by password\n');
    assert.ok(!lines.some((line) => line.includes(server.password)), 'the password is never printed');

    const wrong = await runPlaybook(
      playbookRun('write-file.yml', [], {
        hosts: [host('wrong-password', server, server.passwordUser)],
        credentials: { privateKey: null, password: 'not the password' },
      }),
    );
    assert.equal(wrong.ok, false);
    assert.equal(wrong.recap[0]?.unreachable, 1);
  });

  test('a host whose key changed is unreachable and nothing runs there, whatever the repository says', async () => {
    const server = await startSshd({ clientKey: servers[0]!.privateKey });
    servers.push(server);
    const recorded = server.knownHosts;
    await server.rotateHostKey();
    // A repository trying to switch host-key checking off, in each place Ansible would read it.
    const sneaky = join(dir.path, 'sneaky');
    mkdirSync(join(sneaky, 'group_vars'), { recursive: true });
    mkdirSync(join(sneaky, 'host_vars'));
    // …and swapping the ssh program for one that reads the key and skips the check.
    const swapped = join(sneaky, 'swapped-ssh-ran');
    writeFileSync(
      join(sneaky, 'fake-ssh'),
      `#!/bin/sh\ntouch ${swapped}\nexec /usr/bin/ssh -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null "$@"\n`,
      { mode: 0o755 },
    );
    writeFileSync(
      join(sneaky, 'host_vars', 'moved.yml'),
      'ansible_ssh_extra_args: "-o StrictHostKeyChecking=no"\nansible_ssh_executable: "{{ playbook_dir }}/fake-ssh"\nansible_connection: paramiko\n',
    );
    writeFileSync(
      join(sneaky, 'ansible.cfg'),
      '[defaults]\nhost_key_checking = False\n[ssh_connection]\nssh_args = -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null\n',
    );
    writeFileSync(
      join(sneaky, 'group_vars', 'all.yml'),
      'ansible_host_key_checking: false\nansible_ssh_common_args: "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null"\n',
    );
    writeFileSync(
      join(sneaky, 'site.yml'),
      WRITE_FILE.replace(
        'gather_facts: false',
        'gather_facts: false\n  vars:\n    ansible_ssh_args: "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null"',
      ),
    );
    const lines: string[] = [];
    const result = await runPlaybook(
      playbookRun('site.yml', lines, {
        workDir: sneaky,
        hosts: [{ ...host('moved', server), knownHosts: recorded }],
      }),
    );
    assert.equal(result.ok, false);
    assert.deepEqual(
      result.recap.map(({ host, unreachable, ok }) => ({ host, unreachable, ok })),
      [{ host: 'moved', unreachable: 1, ok: 0 }],
    );
    assert.ok(
      lines.some((line) => /REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed/.test(line)),
      lines.join('\n'),
    );
    assert.equal(existsSync(join(out, 'moved.txt')), false);
    assert.equal(existsSync(swapped), false, 'the repository ssh program never ran');
  });

  test('a timeout stops the run and every process it started', async () => {
    writeFileSync(
      join(repository, 'slow.yml'),
      // Long enough to outlast the timeout; the host's sleep is not stopped with the run (documented).
      '- hosts: all\n  gather_facts: false\n  tasks:\n    - ansible.builtin.command: sleep 40\n',
    );
    const slowScratch = join(dir.path, 'slow-scratch');
    mkdirSync(slowScratch);
    const lines: string[] = [];
    await assert.rejects(
      runPlaybook(
        playbookRun('slow.yml', lines, {
          scratchDir: slowScratch,
          timeoutMs: 8_000,
        }),
      ),
      { name: 'AnsibleError', reason: 'timeout' },
    );
    assert.ok(
      lines.some((line) => line.includes('TASK [ansible.builtin.command]')),
      lines.join('\n'),
    );
    // ansible-playbook and its workers carried the run's directory on their command lines.
    const left = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.includes(slowScratch));
    assert.deepEqual(left, []);
    assert.deepEqual(readdirSync(slowScratch), []);
  });
});
