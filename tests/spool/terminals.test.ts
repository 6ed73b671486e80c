import { describe, expect, test } from 'vitest';
import { parseConfig } from '../../src/config/config.ts';
import { createTerminalResolver, normalizeAddress } from '../../src/spool/terminals.ts';

const config = parseConfig({
  raw: {
    sites: [
      {
        id: 'lobeda',
        name: 'Lobeda',
        terminals: [
          { id: 't1', name: 'Terminal 1', addresses: ['10.20.0.11', 'fd00:20::11'], hostnames: ['LOBEDA-T1'] },
          { id: 't2', name: 'Terminal 2', addresses: ['10.20.1.0/24'] },
        ],
      },
      {
        id: 'winzerla',
        name: 'Winzerla',
        allowUnknownClients: true,
        terminals: [{ id: 'w1', name: 'Terminal 1', addresses: ['10.30.0.0/16'] }],
      },
    ],
  },
});
const resolver = createTerminalResolver({ config });

describe('terminal resolver', () => {
  test('an exact IPv4 address maps to its terminal and site', () => {
    expect(resolver.resolve({ address: '10.20.0.11' })).toMatchObject({ site: { id: 'lobeda' }, terminal: { id: 't1', guest: false } });
  });

  test('an IPv4-mapped IPv6 address from a dual-stack socket maps like the IPv4 address', () => {
    expect(normalizeAddress('::ffff:10.20.0.11')).toBe('10.20.0.11');
    expect(resolver.resolve({ address: '::ffff:10.20.0.11' })?.terminal.id).toBe('t1');
  });

  test('IPv6 addresses and CIDR ranges match', () => {
    expect(resolver.resolve({ address: 'fd00:20:0:0:0:0:0:11' })?.terminal.id).toBe('t1');
    expect(resolver.resolve({ address: '10.20.1.200' })?.terminal.id).toBe('t2');
    expect(resolver.resolve({ address: '10.20.2.1' })).toBeNull();
  });

  test('the host part of a Windows requesting-user-name identifies the terminal when the address does not', () => {
    expect(resolver.resolve({ address: '192.0.2.1', requestingUserName: 'lobeda-t1\\Bürger' })?.terminal.id).toBe('t1');
    expect(resolver.resolve({ address: '192.0.2.1', requestingUserName: 'OTHER\\x' })).toBeNull();
    expect(resolver.resolve({ address: '192.0.2.1', requestingUserName: 'justauser' })).toBeNull();
  });

  test('an address of another site does not match when a site is given', () => {
    expect(resolver.resolve({ address: '10.20.0.11', siteId: 'winzerla' })?.terminal.guest).toBe(true);
    expect(resolver.resolve({ address: '10.30.5.5', siteId: 'lobeda' })).toBeNull();
  });

  test('unknown clients are refused unless the site allows them; guests get a terminal id without their address', () => {
    expect(resolver.resolve({ address: '192.0.2.7', siteId: 'lobeda' })).toBeNull();
    const guest = resolver.resolve({ address: '192.0.2.7', siteId: 'winzerla' });
    expect(guest?.terminal.guest).toBe(true);
    expect(guest?.terminal.id).toMatch(/^guest-[0-9a-f]{12}$/);
    expect(guest?.terminal.id).not.toContain('192');
    expect(resolver.resolve({ address: '192.0.2.8', siteId: 'winzerla' })?.terminal.id).not.toBe(guest?.terminal.id);
  });

  test('asking again gives the same answers, per site, for matches, misses and the user-name fallback', () => {
    // The resolver keeps answers per (site, address); a kept answer must not leak across sites or
    // hide the user-name fallback for an address that matched nothing.
    for (let round = 0; round < 3; round++) {
      expect(resolver.resolve({ address: '10.20.0.11', siteId: 'lobeda' })?.terminal.id).toBe('t1');
      expect(resolver.resolve({ address: '10.20.0.11', siteId: 'winzerla' })?.terminal).toMatchObject({ guest: true });
      expect(resolver.resolve({ address: '10.30.4.4', siteId: 'lobeda' })).toBeNull();
      expect(resolver.resolve({ address: '10.30.4.4', siteId: 'winzerla' })?.terminal.id).toBe('w1');
      expect(resolver.resolve({ address: '10.30.4.4' })?.site.id).toBe('winzerla');
      expect(resolver.resolve({ address: '192.0.2.9', siteId: 'lobeda', requestingUserName: 'LOBEDA-T1\\anna' })?.terminal.id).toBe('t1');
      expect(resolver.resolve({ address: '192.0.2.9', siteId: 'lobeda' })).toBeNull();
    }
  });

  test('garbage addresses match nothing', () => {
    expect(resolver.resolve({ address: 'not-an-ip', siteId: 'lobeda' })).toBeNull();
  });
});
