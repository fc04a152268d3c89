// Encryption contexts of webhook secrets (see SecretBox): a ciphertext copied into another row does
// not decrypt. Every writer and reader of these columns uses these functions.

/** Context of `project_hooks.secret_encrypted`. */
export function projectHookSecretContext(projectId: number, hookId: number): string {
  return `project_hooks.secret:${projectId}:${hookId}`;
}

/** Context of `targets.secret_encrypted`. */
export function targetSecretContext(targetId: number): string {
  return `targets.secret:${targetId}`;
}
