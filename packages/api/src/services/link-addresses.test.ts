import { describe, expect, it } from 'vitest';
import { isPublicAddress, mayConnect, parseAllowList } from './link-addresses.ts';

describe('isPublicAddress', () => {
  it.each([
    '127.0.0.1',
    '127.1.2.3',
    '10.0.0.1',
    '172.16.5.4',
    '172.31.255.255',
    '192.168.1.1',
    '100.64.0.1',
    '169.254.169.254',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::',
    '::1',
    'fc00::1',
    'fd12:3456::1',
    'fe80::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:169.254.169.254',
    '::ffff:a9fe:a9fe',
    '0:0:0:0:0:ffff:10.0.0.1',
    '64:ff9b::7f00:1',
  ])('refuses %s', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(['93.184.215.14', '8.8.8.8', '172.32.0.1', '2606:4700::6810:85e5', '::ffff:8.8.8.8'])(
    'accepts %s',
    (address) => {
      expect(isPublicAddress(address)).toBe(true);
    },
  );

  it('refuses what is not an IP address', () => {
    expect(isPublicAddress('localhost')).toBe(false);
    expect(isPublicAddress('')).toBe(false);
  });
});

describe('parseAllowList', () => {
  it('allows the addresses and networks listed, nothing else', () => {
    const allow = parseAllowList(' 127.0.0.1, ::1 ,10.1.0.0/16');
    expect(mayConnect('127.0.0.1', allow)).toBe(true);
    expect(mayConnect('::ffff:127.0.0.1', allow)).toBe(true);
    expect(mayConnect('::1', allow)).toBe(true);
    expect(mayConnect('10.1.200.3', allow)).toBe(true);
    expect(mayConnect('10.2.0.1', allow)).toBe(false);
    expect(mayConnect('127.0.0.2', allow)).toBe(false);
    expect(mayConnect('169.254.169.254', allow)).toBe(false);
    expect(mayConnect('8.8.8.8', parseAllowList(''))).toBe(true);
  });

  it.each(['localhost', '10.0.0.0/33', '::1/129', '1.2.3.4/8/9', '10.0.0.0/x', '10.0.0.0/'])(
    'refuses the entry %s',
    (entry) => {
      expect(() => parseAllowList(entry)).toThrow(/not an IP address or a CIDR network/);
    },
  );
});
