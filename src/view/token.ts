import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigurationError } from '../errors';

/**
 * The statement view's access token: `CONTRACT.EXPIRY.NONCE.SIGNATURE`, where EXPIRY is Unix
 * seconds, NONCE 16 random bytes in hex and SIGNATURE the base64url HMAC-SHA256, with the shared
 * secret, of `meisai-view-v1.CONTRACT.EXPIRY.NONCE`. It names the one contract it may read.
 */
export const TOKEN_PATTERN = /^(N\d{9})\.(\d{1,12})\.([0-9a-f]{32})\.([A-Za-z0-9_-]{43})$/;
const CONTEXT = 'meisai-view-v1';
export const MIN_SECRET_LENGTH = 32;
export const MAX_TTL_SECONDS = 24 * 3600;

function signature(secret: string, contract: string, expiry: string, nonce: string): Buffer {
  return createHmac('sha256', secret).update(`${CONTEXT}.${contract}.${expiry}.${nonce}`).digest();
}

export function mintToken(secret: string, contract: string, ttlSeconds: number, nowMs = Date.now()): string {
  const expiry = String(Math.floor(nowMs / 1000) + ttlSeconds);
  const nonce = randomBytes(16).toString('hex');
  return `${contract}.${expiry}.${nonce}.${signature(secret, contract, expiry, nonce).toString('base64url')}`;
}

export type TokenCheck =
  { ok: true; contract: string; expiresAt: number } | { ok: false; reason: 'malformed' | 'signature' | 'expired' };

/** Checks the signature (in constant time) before anything the token says is believed. */
export function verifyToken(secret: string, token: string, nowMs = Date.now()): TokenCheck {
  const match = TOKEN_PATTERN.exec(token);
  if (match === null) return { ok: false, reason: 'malformed' };
  const [, contract, expiry, nonce, given] = match as unknown as [string, string, string, string, string];
  // Compared as the canonical base64url text: base64 decoding ignores the last character's spare
  // bits, so comparing decoded bytes would accept several spellings of one signature.
  const expected = Buffer.from(signature(secret, contract, expiry, nonce).toString('base64url'));
  const givenText = Buffer.from(given);
  if (givenText.length !== expected.length || !timingSafeEqual(givenText, expected))
    return { ok: false, reason: 'signature' };
  const expiresAt = Number(expiry);
  if (expiresAt * 1000 <= nowMs) return { ok: false, reason: 'expired' };
  return { ok: true, contract, expiresAt };
}

/** `--ttl`: `90s`, `10m`, `2h` (at most 24h). */
export function parseTtl(value: string): number {
  const match = /^([1-9]\d{0,5})([smh])$/.exec(value);
  const seconds = match === null ? NaN : Number(match[1]) * { s: 1, m: 60, h: 3600 }[match[2] as 's' | 'm' | 'h'];
  if (!(seconds <= MAX_TTL_SECONDS))
    throw new ConfigurationError(`ttl "${value}" is not valid: expected a number and s, m or h, at most 24h, e.g. 10m`);
  return seconds;
}

/** The shared secret: `--secret-file FILE` when given, else MEISAI_VIEW_SECRET; never the command line itself. */
export function readViewSecret(secretFile: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  let secret: string;
  if (secretFile !== undefined) {
    try {
      secret = readFileSync(secretFile, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      throw new ConfigurationError(
        `cannot read the secret file ${secretFile}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      );
    }
  } else {
    secret = env.MEISAI_VIEW_SECRET ?? '';
    if (secret === '') throw new ConfigurationError('no secret: set MEISAI_VIEW_SECRET or give --secret-file FILE');
  }
  if (secret.length < MIN_SECRET_LENGTH)
    throw new ConfigurationError(
      `the secret is too short: at least ${MIN_SECRET_LENGTH} characters (e.g. openssl rand -hex 32)`,
    );
  return secret;
}
