import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api, type KubeConfig, StorageV1Api } from '@kubernetes/client-node';
import type { KubeMetadata } from '../../src/targets/kubernetes/kube-object.ts';
import {
  failureReporter,
  ignoringNotFound,
  RIG_FIELD_MANAGER,
  serverSideApply,
  statusOf,
} from './api-calls.ts';
import { followCollection, type WatchEventType } from './list-watch.ts';

/** The rig's default StorageClass. */
export const RIG_STORAGE_CLASS = 'rig-local';
/** The provisioner named by {@link RIG_STORAGE_CLASS}; any class naming it is served. */
export const RIG_PROVISIONER = 'rig.gantry.dev/local';

/** Set by the PV controller on a claim that waits for an external provisioner. */
const PROVISIONER_ANNOTATIONS = [
  'volume.kubernetes.io/storage-provisioner',
  'volume.beta.kubernetes.io/storage-provisioner',
];
const PROVISIONED_BY = 'pv.kubernetes.io/provisioned-by';
const RETRY_MS = 1_000;

interface ClaimJson {
  metadata: KubeMetadata;
  spec: {
    storageClassName?: string;
    volumeName?: string;
    accessModes?: string[];
    volumeMode?: string;
    resources?: { requests?: { storage?: string } };
  };
  status?: { phase?: string };
}

interface VolumeJson {
  metadata: KubeMetadata;
  spec: { persistentVolumeReclaimPolicy?: string; hostPath?: { path: string } };
  status?: { phase?: string };
}

export interface VolumeProvisioner {
  stop(): void;
}

/**
 * A dynamic provisioner for the rig: creates the default StorageClass {@link RIG_STORAGE_CLASS}
 * (Immediate binding, reclaim Delete), answers each claim waiting for {@link RIG_PROVISIONER} with a
 * hostPath PersistentVolume under `root` that is pre-bound to it (the PV controller completes the
 * binding), and deletes released volumes it provisioned.
 */
export async function startVolumeProvisioner(
  kubeConfig: KubeConfig,
  root: string,
  log: (message: string) => void,
): Promise<VolumeProvisioner> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const storage = kubeConfig.makeApiClient(StorageV1Api);
  const stopper = new AbortController();
  const report = failureReporter('volume provisioner', stopper.signal, log);

  await storage.patchStorageClass(
    {
      name: RIG_STORAGE_CLASS,
      body: {
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        metadata: {
          name: RIG_STORAGE_CLASS,
          annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' },
        },
        provisioner: RIG_PROVISIONER,
        reclaimPolicy: 'Delete',
        volumeBindingMode: 'Immediate',
      },
      fieldManager: RIG_FIELD_MANAGER,
      force: true,
    },
    serverSideApply,
  );

  const provision = async (claim: ClaimJson) => {
    const name = `pvc-${claim.metadata.uid}`;
    const path = join(root, name);
    mkdirSync(path, { recursive: true });
    try {
      await core.createPersistentVolume({
        body: {
          apiVersion: 'v1',
          kind: 'PersistentVolume',
          metadata: { name, annotations: { [PROVISIONED_BY]: RIG_PROVISIONER } },
          spec: {
            capacity: { storage: claim.spec.resources?.requests?.storage ?? '1Gi' },
            accessModes: claim.spec.accessModes ?? ['ReadWriteOnce'],
            volumeMode: claim.spec.volumeMode ?? 'Filesystem',
            persistentVolumeReclaimPolicy: 'Delete',
            storageClassName: claim.spec.storageClassName ?? RIG_STORAGE_CLASS,
            hostPath: { path, type: 'DirectoryOrCreate' },
            claimRef: {
              apiVersion: 'v1',
              kind: 'PersistentVolumeClaim',
              namespace: claim.metadata.namespace ?? '',
              name: claim.metadata.name ?? '',
              uid: claim.metadata.uid ?? '',
            },
          },
        },
        fieldManager: RIG_FIELD_MANAGER,
      });
    } catch (error) {
      // 409: provisioned already, by an earlier event for the same claim.
      if (statusOf(error) !== 409) throw error;
    }
  };

  const onClaim = (type: WatchEventType, claim: ClaimJson) => {
    const wanted = PROVISIONER_ANNOTATIONS.some(
      (key) => claim.metadata.annotations?.[key] === RIG_PROVISIONER,
    );
    const pending = (claim.status?.phase ?? 'Pending') === 'Pending' && !claim.spec.volumeName;
    if (type === 'DELETED' || !wanted || !pending || claim.metadata.deletionTimestamp) return;
    provision(claim).catch((error: unknown) => {
      report(`claim ${claim.metadata.namespace}/${claim.metadata.name}`)(error);
      // Claims seldom change again on their own: try again. A volume made for a claim deleted meanwhile
      // is released by the PV controller, then deleted below.
      if (!stopper.signal.aborted) setTimeout(() => onClaim(type, claim), RETRY_MS);
    });
  };

  const onVolume = (type: WatchEventType, volume: VolumeJson) => {
    const ours = volume.metadata.annotations?.[PROVISIONED_BY] === RIG_PROVISIONER;
    const released =
      volume.status?.phase === 'Released' && volume.spec.persistentVolumeReclaimPolicy === 'Delete';
    if (type === 'DELETED' || !ours || !released || volume.metadata.deletionTimestamp) return;
    const name = volume.metadata.name ?? '';
    ignoringNotFound(() => core.deletePersistentVolume({ name }))
      .then(() => {
        if (volume.spec.hostPath?.path.startsWith(root))
          rmSync(volume.spec.hostPath.path, { recursive: true, force: true });
      })
      .catch(report(`volume ${name}`));
  };

  void followCollection(kubeConfig, '/api/v1/persistentvolumeclaims', onClaim, {
    signal: stopper.signal,
    onError: report('watch of claims'),
  });
  void followCollection(kubeConfig, '/api/v1/persistentvolumes', onVolume, {
    signal: stopper.signal,
    onError: report('watch of volumes'),
  });
  return { stop: () => stopper.abort() };
}
