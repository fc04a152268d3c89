import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Paths of the rig's PEM files: one CA signs the API server's serving certificate and the admin's client one. */
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
}

/** The admin's user name, as the API server sees it (the certificate's common name). */
export const ADMIN_USER = 'gantry-rig-admin';

/**
 * Writes a fresh CA, a serving certificate for 127.0.0.1 and localhost, an admin client certificate and a
 * service-account key pair into `dir`. Keys are P-256 (fast to make, accepted by every component); the
 * certificates are signed with the `openssl` command, which node:crypto cannot do.
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
