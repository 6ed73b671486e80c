import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { createHash } from 'node:crypto';
import type { Config, SiteConfig, TerminalConfig } from '../config/config.ts';

export type TerminalMatch = {
  site: SiteConfig;
  /** The configured terminal, or a guest terminal for an unknown client where the site allows it. */
  terminal: { id: string; name: string; guest: boolean };
};

/** Strips the IPv4-mapped prefix Node reports on dual-stack sockets (::ffff:10.0.0.5 → 10.0.0.5). */
export function normalizeAddress(address: string): string {
  const lower = address.toLowerCase();
  if (lower.startsWith('::ffff:') && isIPv4(lower.slice(7))) return lower.slice(7);
  return lower;
}

function blockListFor(terminal: TerminalConfig): BlockList {
  const list = new BlockList();
  for (const entry of terminal.addresses) {
    const [address = '', prefix] = entry.split('/');
    const type = isIPv6(address) ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return list;
}

/**
 * Maps a client to the terminal it is, from the configuration: by address (IPv4/IPv6, CIDR)
 * first, then by the host part of an IPP `requesting-user-name` such as `LOBEDA-T1\citizen`.
 * Unknown clients become a guest terminal only where the site allows it; otherwise null.
 */
export function createTerminalResolver({ config }: { config: Config }) {
  const entries = config.sites.flatMap((site) =>
    site.terminals.map((terminal) => ({ site, terminal, blockList: blockListFor(terminal) })),
  );

  // Every request of a terminal asks again for the same address; the configuration does not
  // change while the resolver lives, so the answer is kept (bounded: cleared when full).
  const byAddressCache = new Map<string, (typeof entries)[number] | null>();
  const BY_ADDRESS_CACHE_MAX = 4096;

  function byAddress(address: string, siteId?: string) {
    const key = `${siteId ?? ''}|${address}`;
    const cached = byAddressCache.get(key);
    if (cached !== undefined) return cached ?? undefined;
    const normalized = normalizeAddress(address);
    const type = isIPv6(normalized) ? 'ipv6' : isIPv4(normalized) ? 'ipv4' : undefined;
    const found = type ? entries.find((e) => (!siteId || e.site.id === siteId) && e.blockList.check(normalized, type)) : undefined;
    if (byAddressCache.size >= BY_ADDRESS_CACHE_MAX) byAddressCache.clear();
    byAddressCache.set(key, found ?? null);
    return found;
  }

  function byUserName(userName: string | undefined, siteId?: string) {
    if (!userName) return undefined;
    const host = userName.includes('\\') ? userName.split('\\')[0] : undefined;
    if (!host) return undefined;
    const wanted = host.toLowerCase();
    return entries.find(
      (e) => (!siteId || e.site.id === siteId) && e.terminal.hostnames.some((h) => h.toLowerCase() === wanted),
    );
  }

  return {
    resolve({ address, siteId, requestingUserName }: { address: string; siteId?: string; requestingUserName?: string }): TerminalMatch | null {
      const found = byAddress(address, siteId) ?? byUserName(requestingUserName, siteId);
      if (found) return { site: found.site, terminal: { id: found.terminal.id, name: found.terminal.name, guest: false } };
      const site = siteId ? config.sites.find((s) => s.id === siteId) : config.sites[0];
      if (site?.allowUnknownClients) {
        // A guest gets a session of its own, keyed by a hash so no address is stored.
        const key = createHash('sha256').update(normalizeAddress(address)).digest('hex').slice(0, 12);
        return { site, terminal: { id: `guest-${key}`, name: 'Gast', guest: true } };
      }
      return null;
    },
  };
}

export type TerminalResolver = ReturnType<typeof createTerminalResolver>;
