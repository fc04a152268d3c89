import type { MavenTargetSettings } from '../api/host-target-types.ts';

/** What the target form holds for a Maven repository, as typed. */
export interface MavenTargetForm {
  url: string;
  username: string;
  /** Write-only: blank keeps the stored one on update. */
  password: string;
}

export const EMPTY_MAVEN_TARGET_FORM: MavenTargetForm = { url: '', username: '', password: '' };

/** The `maven` settings of a target body; blank credentials left out (on update: kept). */
export function mavenSettings(form: MavenTargetForm): Record<string, unknown> {
  const settings: Record<string, unknown> = { url: form.url.trim() };
  if (form.username.trim() !== '') settings.username = form.username.trim();
  if (form.password !== '') settings.password = form.password;
  return settings;
}

/** A stored Maven target as the edit form starts from (the password blank: kept). */
export function mavenTargetForm(view: MavenTargetSettings): MavenTargetForm {
  return { url: view.url, username: view.username ?? '', password: '' };
}
