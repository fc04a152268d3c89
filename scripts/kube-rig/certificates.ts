import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Paths of the rig's PEM files. One CA signs them all: the API server's serving certificate, the admin's
 * client certificate, and those between the API server and the rig-kubelet (both ways).
 */
export interface RigCertificates {
  caCert: string;
  caKey: string;
  servingCert: string;
  servingKey: string;
  /** Client certificate of the rig's admin: group `system:masters`, so RBAC allows it everything. */
  adminCert: string;
  adminKey: string;
  /** Signs (private) and verifies (public) service-account tokens. */
  serviceAccountKey: string;
  serviceAccountPublicKey: string;
  /** The rig-kubelet's serving certificate: 127.0.0.1 (every node's address), the metrics Service's name. */
  kubeletCert: string;
  kubeletKey: string;
  /** The API server's client certificate towards the rig-kubelet (pod logs, exec). */
  kubeletClientCert: string;
  kubeletClientKey: string;
  /** The aggregator's client certificate towards the metrics API (the "front proxy"). */
  proxyClientCert: string;
  proxyClientKey: string;
}

/** The admin's user name, as the API server sees it (the certificate's common name). */
export const ADMIN_USER = 'gantry-rig-admin';
/** Who the API server is to the rig-kubelet when it asks for logs or an exec. */
export const KUBELET_CLIENT_USER = 'kube-apiserver-kubelet-client';
/** The aggregator to the metrics API: the only name the API server accepts X-Remote-User headers from. */
export const PROXY_CLIENT_USER = 'front-proxy-client';
/**
 * The Service (ExternalName `localhost`) the aggregator reaches the metrics API through; it checks the
 * rig-kubelet's certificate for the name `<name>.<namespace>.svc`.
 */
export const METRICS_SERVICE = { namespace: 'kube-system', name: 'rig-metrics' } as const;

/**
 * Writes a fresh CA, a serving certificate for 127.0.0.1 and localhost, an admin client certificate, a
 * service-account key pair and the rig-kubelet's certificates into `dir`. Keys are P-256 (fast to make,
 * accepted by every component); the certificates are signed with the `openssl` command, which
 * node:crypto cannot do.
 */
export async function createCertificates(dir: string): Promise<RigCertificates> {
  const config = join(dir, 'openssl.cnf');
  // A config of our own so that no distribution default (such as a CA:TRUE section) slips into leaf certificates.
  writeFileSync(config, '[req]\ndistinguished_name = dn\n[dn]\n');
  const paths: RigCertificates = {
    caCert: join(dir, 'ca.crt'),
    caKey: writeKey(join(dir, 'ca.key')),
    servingCert: join(dir, 'apiserver.crt'),
    servingKey: writeKey(join(dir, 'apiserver.key')),
    adminCert: join(dir, 'admin.crt'),
    adminKey: writeKey(join(dir, 'admin.key')),
    serviceAccountKey: join(dir, 'service-account.key'),
    serviceAccountPublicKey: join(dir, 'service-account.pub'),
    kubeletCert: join(dir, 'kubelet.crt'),
    kubeletKey: writeKey(join(dir, 'kubelet.key')),
    kubeletClientCert: join(dir, 'kubelet-client.crt'),
    kubeletClientKey: writeKey(join(dir, 'kubelet-client.key')),
    proxyClientCert: join(dir, 'front-proxy-client.crt'),
    proxyClientKey: writeKey(join(dir, 'front-proxy-client.key')),
  };
  const serviceAccount = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  writeFileSync(paths.serviceAccountKey, serviceAccount.privateKey.export({ type: 'pkcs8', format: 'pem' }), {
    mode: 0o600,
  });
  writeFileSync(
    paths.serviceAccountPublicKey,
    serviceAccount.publicKey.export({ type: 'spki', format: 'pem' }),
  );

  await openssl(config, paths.caKey, paths.caCert, '/CN=gantry-kube-rig-ca', [
    'basicConstraints=critical,CA:TRUE',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  const signedByCa = ['-CA', paths.caCert, '-CAkey', paths.caKey];
  await Promise.all([
    openssl(
      config,
      paths.servingKey,
      paths.servingCert,
      '/CN=kube-apiserver',
      [...leaf('serverAuth'), 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
      signedByCa,
    ),
    openssl(
      config,
      paths.adminKey,
      paths.adminCert,
      `/O=system:masters/CN=${ADMIN_USER}`,
      leaf('clientAuth'),
      signedByCa,
    ),
    openssl(
      config,
      paths.kubeletKey,
      paths.kubeletCert,
      '/CN=rig-kubelet',
      [
        ...leaf('serverAuth'),
        // The aggregator checks the name `<service>.<namespace>.svc`; the API server dials the node's IP.
        `subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:${METRICS_SERVICE.name}.${METRICS_SERVICE.namespace}.svc`,
      ],
      signedByCa,
    ),
    openssl(
      config,
      paths.kubeletClientKey,
      paths.kubeletClientCert,
      `/CN=${KUBELET_CLIENT_USER}`,
      leaf('clientAuth'),
      signedByCa,
    ),
    openssl(
      config,
      paths.proxyClientKey,
      paths.proxyClientCert,
      `/CN=${PROXY_CLIENT_USER}`,
      leaf('clientAuth'),
      signedByCa,
    ),
  ]);
  return paths;
}

function leaf(usage: 'serverAuth' | 'clientAuth'): string[] {
  return [
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature',
    `extendedKeyUsage=${usage}`,
  ];
}

function writeKey(path: string): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  return path;
}

async function openssl(
  config: string,
  key: string,
  out: string,
  subject: string,
  extensions: string[],
  issuer: string[] = [],
): Promise<void> {
  const args = [
    'req',
    '-config',
    config,
    '-x509',
    '-new',
    '-key',
    key,
    '-subj',
    subject,
    '-days',
    '3650',
    '-out',
    out,
  ];
  for (const extension of extensions) args.push('-addext', extension);
  try {
    await run('openssl', [...args, ...issuer]);
  } catch (error) {
    const detail = (error as { stderr?: string }).stderr?.trim() || String(error);
    throw new Error(`openssl could not make the certificate ${subject} (OpenSSL 3 is needed): ${detail}`);
  }
}
