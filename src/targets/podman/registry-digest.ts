/**
 * The registry's digest of the image a container runs. A container's own `ImageDigest` is the digest
 * of the manifest the image was *created* from: for an image built on this host and pushed from it
 * (a build job on the Podman host itself), that is the local manifest, never the one the registry
 * stored (pushing compresses the layers anew). Pulling adds the registry's manifest digest to the
 * image's `RepoDigests` (`repository@sha256:…`), beside the local one: the entry for the container's
 * repository that is not the image's own creation digest is what the registry, and so the registry
 * pages, know the image by. An image only ever pulled has one entry, its own digest.
 */
export function registryDigest(
  imageName: string,
  repoDigests: readonly string[] | null | undefined,
  createdFrom: string | null,
): string | null {
  const repository = repositoryOf(imageName);
  const digests = (repoDigests ?? [])
    .filter((entry) => entry.slice(0, entry.lastIndexOf('@')) === repository)
    .map((entry) => entry.slice(entry.lastIndexOf('@') + 1));
  return digests.find((digest) => digest !== createdFrom) ?? createdFrom;
}

/** `host:port/path/name:tag` or `…@sha256:…` → `host:port/path/name`. */
export function repositoryOf(image: string): string {
  const at = image.indexOf('@');
  const withoutDigest = at === -1 ? image : image.slice(0, at);
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  return colon > lastSlash ? withoutDigest.slice(0, colon) : withoutDigest;
}

/**
 * Whether `podman kube play` would pull the image from a registry (it names one: `host.tld/…` or
 * `host:port/…`), rather than take a local one (`localhost/…`, a short name).
 */
export function isRegistryImage(image: string): boolean {
  const slash = image.indexOf('/');
  if (slash === -1) return false;
  const host = image.slice(0, slash);
  return host !== 'localhost' && (host.includes('.') || host.includes(':'));
}
