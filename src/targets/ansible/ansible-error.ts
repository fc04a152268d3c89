/** Why a playbook could not run to its end (a run that ends with failed hosts is a result, not an error). */
export type AnsibleFailure = 'invalid' | 'not_installed' | 'timeout';

/** An Ansible target failure whose message says what was expected, ready to show to the user. */
export class AnsibleError extends Error {
  readonly reason: AnsibleFailure;

  constructor(reason: AnsibleFailure, message: string) {
    super(message);
    this.name = 'AnsibleError';
    this.reason = reason;
  }
}
