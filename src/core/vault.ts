import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Encrypts secrets at rest with AES-256-GCM under a key ring. Every ciphertext names the key
 * that sealed it (`v1.<kid>.<base64url(iv|tag|ciphertext)>`), so the active key can rotate
 * while older rows stay readable.
 */
export interface Vault {
  readonly activeKid: string;
  seal(plaintext: string): string;
  open(sealed: string): string;
  sealJson(value: unknown): string;
  openJson<T>(sealed: string): T;
  /** The kid a sealed value was written with. */
  kidOf(sealed: string): string;
}

export class KeyRingError extends Error {}

/** Parses `kid:base64key[,kid:base64key…]`; the first key is active. */
export function parseKeyRing(spec: string): Map<string, Buffer> {
  const ring = new Map<string, Buffer>();
  for (const part of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const idx = part.indexOf(':');
    if (idx <= 0) throw new KeyRingError('each encryption key must be written kid:base64key');
    const kid = part.slice(0, idx);
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(kid))
      throw new KeyRingError(`invalid key id "${kid}" (letters, digits, - and _ only)`);
    const key = Buffer.from(part.slice(idx + 1), 'base64');
    if (key.length !== 32)
      throw new KeyRingError(`key "${kid}" must be 32 bytes (base64), got ${key.length}`);
    if (ring.has(kid)) throw new KeyRingError(`duplicate key id "${kid}"`);
    ring.set(kid, key);
  }
  if (ring.size === 0) throw new KeyRingError('the encryption key ring is empty');
  return ring;
}

export function generateKeySpec(kid = `k${Date.now().toString(36)}`): string {
  return `${kid}:${randomBytes(32).toString('base64')}`;
}

export function createVault(ring: Map<string, Buffer>): Vault {
  const [activeKid, activeKey] = [...ring.entries()][0]!;
  const seal = (plaintext: string): string => {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', activeKey, iv);
    cipher.setAAD(Buffer.from(activeKid));
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `v1.${activeKid}.${Buffer.concat([iv, cipher.getAuthTag(), ct]).toString('base64url')}`;
  };
  const parse = (sealed: string) => {
    const [version, kid, payload] = sealed.split('.');
    if (version !== 'v1' || !kid || payload === undefined) throw new KeyRingError('not a sealed value');
    return { kid, payload };
  };
  const open = (sealed: string): string => {
    const { kid, payload } = parse(sealed);
    const key = ring.get(kid);
    if (!key) throw new KeyRingError(`no key "${kid}" in the key ring`);
    const buf = Buffer.from(payload, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', key, buf.subarray(0, 12));
    decipher.setAAD(Buffer.from(kid));
    decipher.setAuthTag(buf.subarray(12, 28));
    return Buffer.concat([decipher.update(buf.subarray(28)), decipher.final()]).toString('utf8');
  };
  return {
    activeKid,
    seal,
    open,
    sealJson: (value) => seal(JSON.stringify(value)),
    openJson: <T>(sealed: string) => JSON.parse(open(sealed)) as T,
    kidOf: (sealed) => parse(sealed).kid,
  };
}

/** `__secretvalue:**redacted**<last 4>`: the shape the Hub and the API show for any secret. */
export function redact(value: string): string {
  return `__secretvalue:**redacted**${value.length >= 8 ? value.slice(-4) : ''}`;
}

export const REDACTED_PATTERN = /^__secretvalue:\*\*redacted\*\*(.*)$/;
