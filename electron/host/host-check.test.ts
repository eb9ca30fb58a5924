import { networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import { createHostCheck, parseHostHeader } from './host-check';

describe('host check', () => {
  it('parses Host headers, and refuses what is not one', () => {
    expect(parseHostHeader('Desk.LAN:5170')).toEqual({ name: 'desk.lan', port: 5170 });
    expect(parseHostHeader('desk.lan.:5170')).toEqual({ name: 'desk.lan', port: 5170 });
    expect(parseHostHeader('[::1]:80')).toEqual({ name: '::1', port: 80 });
    expect(parseHostHeader('desk.lan')).toEqual({ name: 'desk.lan', port: null });
    for (const bad of [undefined, '', 'user@desk.lan', 'desk.lan:x', '::1:80', '[desk]:80', 'desk.lan/x']) expect(parseHostHeader(bad), String(bad)).toBeNull();
  });

  it('bound to a LAN address: that address only (loopback does not reach it), plus the extra names', () => {
    const check = createHostCheck({ boundHost: '192.168.1.20', boundAddress: '192.168.1.20', port: 5170, extraNames: () => ['recepcao.local'] });
    expect(check('192.168.1.20:5170')).toBe(true);
    expect(check('recepcao.local:5170')).toBe(true);
    expect(check('localhost:5170')).toBe(false);
    expect(check('192.168.1.21:5170')).toBe(false);
  });

  it('bound to every interface: each interface address and localhost', () => {
    const check = createHostCheck({ boundHost: '0.0.0.0', boundAddress: '0.0.0.0', port: 5170, extraNames: () => [] });
    const addresses = Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((info) => info.address));
    for (const address of addresses) {
      const name = address.includes(':') ? `[${address.replace(/%.*$/, '')}]` : address;
      expect(check(`${name}:5170`), name).toBe(true);
    }
    expect(check('localhost:5170')).toBe(true);
    expect(check('0.0.0.0:5170')).toBe(false);
    expect(check('evil.example:5170')).toBe(false);
  });

  it('a port 80 host accepts a Host without port', () => {
    const check = createHostCheck({ boundHost: '127.0.0.1', boundAddress: '127.0.0.1', port: 80, extraNames: () => [] });
    expect(check('localhost')).toBe(true);
    expect(check('localhost:80')).toBe(true);
    expect(check('localhost:81')).toBe(false);
  });
});
