/** One SSH host as registered: where it is, who logs in, and how its identity and the login are proven. */
export interface SshEndpoint {
  host: string;
  port: number;
  user: string;
  /** The host's known_hosts lines, recorded at registration; the only keys it may present. */
  knownHosts: string;
  /** The private key (OpenSSH or PEM text), or null to log in with {@link password}. */
  privateKey: string | null;
  password: string | null;
}

/** `host:port` as people write it, for messages. */
export function endpointAddress(endpoint: Pick<SshEndpoint, 'host' | 'port'>): string {
  return endpoint.host.includes(':')
    ? `[${endpoint.host}]:${endpoint.port}`
    : `${endpoint.host}:${endpoint.port}`;
}

/** `user@host:port`, for messages. */
export function endpointLogin(endpoint: Pick<SshEndpoint, 'host' | 'port' | 'user'>): string {
  return `${endpoint.user}@${endpointAddress(endpoint)}`;
}

/**
 * What is wrong with an endpoint's fields, or undefined when they can be passed to `ssh`: a host or
 * user starting with `-` would be read as an option, and whitespace would split the argument.
 */
export function endpointProblem(endpoint: SshEndpoint): string | undefined {
  if (!/^[A-Za-z0-9_.:[\]%-]+$/.test(endpoint.host) || endpoint.host.startsWith('-')) {
    return `SSH host ${JSON.stringify(endpoint.host)} is not a host name or IP address`;
  }
  if (!Number.isInteger(endpoint.port) || endpoint.port < 1 || endpoint.port > 65535) {
    return `SSH port ${endpoint.port} is not between 1 and 65535`;
  }
  if (!/^[A-Za-z0-9_.][A-Za-z0-9_.-]*\$?$/.test(endpoint.user)) {
    return `SSH user ${JSON.stringify(endpoint.user)} is not a user name`;
  }
  if (endpoint.knownHosts.trim() === '') return `no host key is recorded for ${endpointAddress(endpoint)}`;
  if (endpoint.privateKey === null && endpoint.password === null) {
    return `neither a private key nor a password is set for ${endpointLogin(endpoint)}`;
  }
  return undefined;
}
