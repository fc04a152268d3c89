import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Where metrics are never scraped from, whatever an environment's external URL says: link-local
 * addresses (IPv4 and IPv6), where clouds serve instance metadata and credentials, and the
 * metadata services elsewhere (AWS' IPv6 one, Alibaba Cloud's). Loopback and private networks stay
 * allowed: the Podman target's environments are `http://127.0.0.1:<port>`.
 */
export const BUILT_IN_SCRAPE_DENY: readonly string[] = [
  '169.254.0.0/16',
  'fe80::/10',
  'fd00:ec2::254/128',
  '100.100.100.200/32',
];

/** A resolved address, as `dns.lookup` with `all: true` answers it. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to every address it has (`dns.lookup`, so /etc/hosts counts). */
export type ResolveHost = (hostname: string) => Promise<ResolvedAddress[]>;

const systemResolve: ResolveHost = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map(({ address, family }) => ({
    address,
    family: family === 6 ? 6 : 4,
  }));

/**
 * The addresses metrics are never scraped from: {@link BUILT_IN_SCRAPE_DENY} and `extra`
 * (GANTRY_METRICS_SCRAPE_DENY, which src/config/server-config.ts has checked), CIDRs such as
 * `10.0.0.0/8` or `fd00::/8`. IPv4 ranges also cover their IPv4-mapped IPv6 forms
 * (`::ffff:169.254.169.254`).
 */
export function scrapeDenyList(extra: readonly string[] = []): BlockList {
  const list = new BlockList();
  for (const cidr of [...BUILT_IN_SCRAPE_DENY, ...extra]) {
    const [address = '', prefix] = cidr.split('/');
    list.addSubnet(address, Number(prefix), isIP(address) === 6 ? 'ipv6' : 'ipv4');
  }
  return list;
}

/** Whether `address` (an IPv4 or IPv6 address) is one metrics are never scraped from. */
export function isDeniedAddress(deny: BlockList, address: string): boolean {
  const family = isIP(address);
  if (family === 0) throw new Error(`"${address}" is not an IP address`);
  return deny.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * The addresses a scrape of `hostname` (a URL's hostname: a name, an IPv4 address or a bracketed
 * IPv6 one) may connect to: every address it resolves to, resolved once, so that the connection
 * can be pinned to them and a second DNS answer cannot send it elsewhere.
 * @throws Error when the name does not resolve, or when any of its addresses is denied (a name
 *   that also resolves to a metadata address is not scraped at all).
 */
export async function resolveScrapeAddresses(
  hostname: string,
  deny: BlockList,
  resolve: ResolveHost = systemResolve,
): Promise<ResolvedAddress[]> {
  const host = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  const literal = isIP(host);
  const addresses: ResolvedAddress[] =
    literal === 0 ? await resolve(host) : [{ address: host, family: literal === 6 ? 6 : 4 }];
  if (addresses.length === 0) throw new Error(`${host} resolves to no address`);
  const denied = addresses.find(({ address }) => isDeniedAddress(deny, address));
  if (denied) {
    const via = denied.address === host ? '' : ` (${host} resolves to it)`;
    throw new Error(
      `metrics are never scraped from ${denied.address}${via}: link-local and cloud metadata addresses, and those of GANTRY_METRICS_SCRAPE_DENY, are refused`,
    );
  }
  return addresses;
}
