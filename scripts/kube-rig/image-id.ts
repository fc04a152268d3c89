import { createHash } from 'node:crypto';

/**
 * The `imageID` a Docker-based kubelet reports for a running image:
 * `docker-pullable://<repository>@sha256:<digest>`. The repository drops the tag; the digest is the one
 * written in the reference, or else a stable fake derived from the whole reference, so that a new image
 * string always gets a new digest and the same string always the same one.
 */
export function fakeImageId(image: string): string {
  const at = image.indexOf('@');
  const named = at >= 0 ? image.slice(0, at) : image;
  const digest = at >= 0 ? image.slice(at + 1) : `sha256:${createHash('sha256').update(image).digest('hex')}`;
  return `docker-pullable://${withoutTag(named)}@${digest}`;
}

/** `registry:5000/app:1.2` → `registry:5000/app`: a tag is a colon after the last slash. */
function withoutTag(reference: string): string {
  const colon = reference.lastIndexOf(':');
  return colon > reference.lastIndexOf('/') ? reference.slice(0, colon) : reference;
}
