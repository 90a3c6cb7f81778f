/**
 * A stand-in for Electron's safeStorage in unit tests (the Electron binary cannot
 * run here): AES-256-GCM under a key held only in memory, like the OS keychain's key.
 * Only tests import it.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SafeStorageLike } from './credential-store';

export class FakeSafeStorage implements SafeStorageLike {
  available = true;
  backendName = 'gnome_libsecret';
  private key = randomBytes(32);

  isEncryptionAvailable(): boolean {
    return this.available;
  }
  encryptString(plainText: string): Buffer {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([c.update(plainText, 'utf8'), c.final()]);
    return Buffer.concat([Buffer.from('v11'), iv, c.getAuthTag(), body]);
  }
  decryptString(encrypted: Buffer): string {
    if (encrypted.length < 31 || encrypted.subarray(0, 3).toString() !== 'v11') throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    const d = createDecipheriv('aes-256-gcm', this.key, encrypted.subarray(3, 15));
    d.setAuthTag(encrypted.subarray(15, 31));
    return Buffer.concat([d.update(encrypted.subarray(31)), d.final()]).toString('utf8');
  }
  getSelectedStorageBackend(): string {
    return this.backendName;
  }
  /** Another OS account or computer: the same file, another key. */
  rotateKey(): void {
    this.key = randomBytes(32);
  }
}
