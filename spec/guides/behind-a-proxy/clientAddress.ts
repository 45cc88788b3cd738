import { BlockList, isIP } from 'node:net';
import type { UpgradeRequest } from 'rodeo';

/**
 * The address of the client behind your proxies. `X-Forwarded-For` is read only when the
 * connection comes from a trusted proxy, and from the right: each proxy appends the address it
 * was connected from, so the entries left of the last one a trusted proxy wrote may be anything
 * the client sent. The first entry, walking leftwards, that is not a trusted proxy is the client.
 *
 * @param req The upgrade request (`init`'s argument).
 * @param trusted Your proxies' addresses and subnets.
 * @return The client's address; `req.remoteAddress` when the peer is not a trusted proxy.
 */
export function clientAddress(req: UpgradeRequest, trusted: BlockList): string {
  let address = unmapped(req.remoteAddress);
  const hops = String(req.headers['x-forwarded-for'] ?? '').split(',');
  while (isTrusted(address, trusted)) {
    const hop = unmapped(hops.pop()?.trim() ?? '');
    if (isIP(hop) === 0) break; // no entry left, or one no proxy wrote: keep the last proxy
    address = hop;
  }
  return address;
}

/** Your proxies as a `BlockList`, from addresses and subnets: `trustedProxies('10.0.0.0/8')`. */
export function trustedProxies(...addresses: string[]): BlockList {
  const list = new BlockList();
  for (const entry of addresses) {
    const [network = '', prefix] = entry.split('/');
    const type = isIP(network) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(network, type);
    else list.addSubnet(network, Number(prefix), type);
  }
  return list;
}

function isTrusted(address: string, trusted: BlockList): boolean {
  const type = isIP(address);
  return type !== 0 && trusted.check(address, type === 6 ? 'ipv6' : 'ipv4');
}

/** `::ffff:10.0.0.1`, as a dual-stack socket reports an IPv4 peer, is `10.0.0.1`. */
function unmapped(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}
