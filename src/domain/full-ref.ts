/** Whether a short ref name is a branch or a tag. */
export type RefType = 'branch' | 'tag';

const PREFIX: Record<RefType, string> = { branch: 'refs/heads/', tag: 'refs/tags/' };

/** `refs/heads/<name>` or `refs/tags/<name>`. */
export function fullRef(name: string, refType: RefType): string {
  return `${PREFIX[refType]}${name}`;
}

/** The short name and type of a full branch or tag ref, or null for anything else (or an empty name). */
export function parseFullRef(ref: string): { name: string; refType: RefType } | null {
  for (const refType of ['branch', 'tag'] as const) {
    const prefix = PREFIX[refType];
    if (ref.startsWith(prefix) && ref.length > prefix.length)
      return { name: ref.slice(prefix.length), refType };
  }
  return null;
}
