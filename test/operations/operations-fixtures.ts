import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { podman } from '../podman/podman-helpers.ts';
import { STATIC_BUSYBOX } from '../runner/podman-test-image.ts';

// The apps the environment operations tests deploy: one that prints on Podman, one on the
// Kubernetes rig (whose fake containers print what their annotations ask for, docs/kube-rig.md).

/**
 * Builds `localhost/<name>:v1`: a `FROM scratch` image with a static busybox as its shell and the
 * few applets the tests type (`sh`, `sleep`, `stty`).
 */
export async function buildShellImage(name: string): Promise<string> {
  const context = await mkdtemp(join(tmpdir(), 'gantry-ops-image-'));
  try {
    const applets = ['busybox', 'sh', 'sleep', 'stty'];
    for (const applet of applets) await copyFile(STATIC_BUSYBOX, join(context, applet));
    await writeFile(
      join(context, 'Containerfile'),
      ['FROM scratch', ...applets.map((applet) => `COPY ${applet} /bin/${applet}`), ''].join('\n'),
    );
    const image = `localhost/${name}:v1`;
    await podman(['build', '--pull=never', '--network', 'none', '--quiet', '--tag', image, context]);
    return image;
  } finally {
    await rm(context, { recursive: true, force: true });
  }
}

/** A Deployment `app` printing `tick N` every 200 ms; with `crashAfter`, it exits 3 after that many ticks. */
export function tickingApp(image: string, options: { crashAfter?: number } = {}): string {
  const loop =
    options.crashAfter === undefined
      ? 'i=0; while true; do i=$((i+1)); echo "tick $i"; sleep 0.2; done'
      : `i=0; while [ $i -lt ${options.crashAfter} ]; do i=$((i+1)); echo "tick $i"; sleep 0.2; done; echo "crashing now"; exit 3`;
  return `apiVersion: apps/v1
kind: Deployment
metadata: { name: app }
spec:
  selector: { matchLabels: { app: app } }
  template:
    metadata: { labels: { app: app } }
    spec:
      containers:
        - name: app
          image: ${image}
          command: ["/bin/sh", "-c", ${JSON.stringify(loop)}]
`;
}

/** Two replicas of `app` on the rig, ticking every 200 ms, using 250 millicores and 64 MiB each. */
export function rigTickingApp(image: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: { name: app }
spec:
  replicas: 2
  selector: { matchLabels: { app: app } }
  template:
    metadata:
      labels: { app: app }
      annotations:
        rig.gantry.dev/log-every-ms: "200"
        rig.gantry.dev/cpu-millicores: "250"
        rig.gantry.dev/memory-mib: "64"
    spec:
      containers:
        - name: app
          image: ${image}
`;
}
