import { mintToken, parseTtl, verifyToken } from './token';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
const NOW = Date.parse('2026-01-01T00:00:00Z');

test('a minted token verifies for its contract until it expires', () => {
  const token = mintToken(SECRET, 'N000000001', 600, NOW);
  expect(verifyToken(SECRET, token, NOW)).toEqual({ ok: true, contract: 'N000000001', expiresAt: NOW / 1000 + 600 });
  expect(verifyToken(SECRET, token, NOW + 599_000).ok).toBe(true);
  expect(verifyToken(SECRET, token, NOW + 600_000)).toEqual({ ok: false, reason: 'expired' });
  expect(mintToken(SECRET, 'N000000001', 600, NOW)).not.toBe(token); // a fresh nonce each time
});

test('every other spelling of the signature is refused, the last character included', () => {
  const token = mintToken(SECRET, 'N000000001', 600, NOW);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  for (const position of [token.length - 1, token.length - 10]) {
    for (const character of alphabet) {
      if (character === token[position]) continue;
      const changed = token.slice(0, position) + character + token.slice(position + 1);
      expect(verifyToken(SECRET, changed, NOW).ok).toBe(false);
    }
  }
});

test('a malformed token, another secret', () => {
  expect(verifyToken(SECRET, 'N000000001.1.2.3', NOW)).toEqual({ ok: false, reason: 'malformed' });
  expect(
    verifyToken(SECRET, mintToken('another-secret-that-is-long-enough-0123456789', 'N000000001', 600, NOW), NOW),
  ).toEqual({ ok: false, reason: 'signature' });
});

test('--ttl', () => {
  expect(parseTtl('90s')).toBe(90);
  expect(parseTtl('10m')).toBe(600);
  expect(parseTtl('24h')).toBe(86400);
  for (const bad of ['25h', '0m', '10', '1d', '-5m']) expect(() => parseTtl(bad)).toThrow(/ttl/);
});
