import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { AnsibleError } from './ansible-error.ts';

/**
 * The absolute path of a playbook given relative to the checked-out repository. Throws
 * {@link AnsibleError} `invalid` when the path is absolute, leads out of the repository (also
 * through a symbolic link) or names no file.
 */
export async function playbookPath(workDir: string, playbook: string): Promise<string> {
  if (playbook.trim() === '' || isAbsolute(playbook))
    throw new AnsibleError(
      'invalid',
      `playbook ${JSON.stringify(playbook)} must be a path relative to the repository`,
    );
  const root = await realpath(workDir);
  let file: string;
  try {
    file = await realpath(resolve(root, playbook));
  } catch {
    throw new AnsibleError('invalid', `playbook ${playbook} is not in the repository`);
  }
  const inside = relative(root, file);
  if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside))
    throw new AnsibleError('invalid', `playbook ${playbook} leads out of the repository`);
  if (!(await stat(file)).isFile()) throw new AnsibleError('invalid', `playbook ${playbook} is not a file`);
  return file;
}
