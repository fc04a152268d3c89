import type { DeployRequest } from '../api/environment-types.ts';

/** What a deployment is taken from in the deploy dialog. */
export type DeploySourceKind = 'ref' | 'sha' | 'pipeline';

const SHA = /^[0-9a-f]{40}$/;

/**
 * The body of `POST …/environments/:environment_id/deploy` from the deploy dialog's fields.
 * @throws Error saying what the field must hold when it is empty or malformed (the API wants a
 *   full 40-digit commit id and a pipeline's id, a positive integer).
 */
export function deployRequest(kind: DeploySourceKind, value: string, always: boolean): DeployRequest {
  const text = value.trim();
  const extra = always ? { always: true } : {};
  if (kind === 'ref') {
    if (!text) throw new Error('Enter a branch or tag to deploy.');
    return { ref: text, ...extra };
  }
  if (kind === 'sha') {
    const sha = text.toLowerCase();
    if (!SHA.test(sha)) throw new Error('Enter the full commit id: 40 hexadecimal digits.');
    return { sha, ...extra };
  }
  const id = Number(text.replace(/^#/, ''));
  if (!text || !Number.isInteger(id) || id < 1) throw new Error('Choose a pipeline to deploy.');
  return { pipeline_id: id, ...extra };
}
