/**
 * PostgreSQL URLs kept with the OS keychain (issue 8: "credentials come from the OS
 * keychain (Electron safeStorage) or environment, never from a plain file in the
 * repo"). One encrypted file in the desktop app's userData folder holds a map from
 * environment-variable name (custos.json's `controlPlane.urlEnv`,
 * `tenantDatabases.postgres.urlEnv`) to URL; the whole map is one safeStorage
 * ciphertext, so not even the variable names are readable on disk.
 *
 * Electron's `safeStorage` is injected (SafeStorageLike) so that this module runs in
 * plain Node tests; nothing here imports electron. Never put a URL in a message or
 * a log line: messages name the file and the variable, nothing else.
 */
import { chmodSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/** What the store needs of Electron's `safeStorage` (the real object satisfies it). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only in Electron: 'basic_text' | 'gnome_libsecret' | 'kwallet' | 'kwallet5' | 'kwallet6' | 'unknown'. */
  getSelectedStorageBackend(): string;
}

export const CREDENTIALS_FILE = 'database-connections.enc';
/** The same names custos.json accepts for urlEnv. */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
export const MAX_STORED_URL_LENGTH = 4096;

export type CredentialStoreErrorCode = 'ENCRYPTION_UNAVAILABLE' | 'INSECURE_KEY_STORE' | 'CREDENTIALS_UNREADABLE' | 'INVALID_INPUT';

/** A refusal that carries the fix (CONVENTIONS.md §6). */
export class CredentialStoreError extends Error {
  readonly code: CredentialStoreErrorCode;
  readonly hint: string;
  constructor(code: CredentialStoreErrorCode, message: string, hint: string) {
    super(message);
    this.name = 'CredentialStoreError';
    this.code = code;
    this.hint = hint;
  }
}

export interface KeyStoreBackend {
  /** 'keychain' (macOS), 'dpapi' (Windows), or Electron's Linux backend name. */
  name: string;
  /** For people: "GNOME Keyring (libsecret)". */
  label: string;
}

const LINUX_LABELS: Record<string, string> = {
  gnome_libsecret: 'GNOME Keyring / Secret Service (libsecret)',
  kwallet: 'KDE Wallet',
  kwallet5: 'KDE Wallet 5',
  kwallet6: 'KDE Wallet 6',
  basic_text: 'basic_text (a key built into the app, not a keychain)',
  unknown: 'unknown',
};

/** Linux backends that are not a keychain: safeStorage then encrypts with a key anyone can find in Chromium's source. */
const NOT_A_KEYCHAIN = new Set(['basic_text', 'unknown']);

interface StoredFile {
  custos: 'database-connections';
  version: 1;
  urls: Record<string, string>;
}

function isStoredFile(x: unknown): x is StoredFile {
  if (!x || typeof x !== 'object' || Array.isArray(x)) return false;
  const f = x as Partial<StoredFile>;
  if (f.custos !== 'database-connections' || f.version !== 1) return false;
  if (!f.urls || typeof f.urls !== 'object' || Array.isArray(f.urls) || Object.getPrototypeOf(f.urls) !== Object.prototype) return false;
  return Object.entries(f.urls).every(([k, v]) => ENV_NAME.test(k) && typeof v === 'string' && v.length > 0 && v.length <= MAX_STORED_URL_LENGTH);
}

export interface CredentialStoreOptions {
  /** The desktop app's userData folder (never the data folder a person may share or commit). */
  dir: string;
  safeStorage: SafeStorageLike;
  platform?: NodeJS.Platform;
  fileName?: string;
}

export class CredentialStore {
  readonly path: string;
  private readonly safe: SafeStorageLike;
  private readonly platform: NodeJS.Platform;

  constructor(options: CredentialStoreOptions) {
    this.path = join(options.dir, options.fileName ?? CREDENTIALS_FILE);
    this.safe = options.safeStorage;
    this.platform = options.platform ?? process.platform;
  }

  backend(): KeyStoreBackend {
    if (this.platform === 'darwin') return { name: 'keychain', label: 'macOS Keychain' };
    if (this.platform === 'win32') return { name: 'dpapi', label: 'Windows DPAPI (your Windows account)' };
    let name = 'unknown';
    try {
      name = String(this.safe.getSelectedStorageBackend());
    } catch {
      /* not available before the app is ready, or on this platform */
    }
    return { name, label: LINUX_LABELS[name] ?? name };
  }

  private available(): boolean {
    try {
      return this.safe.isEncryptionAvailable();
    } catch {
      return false;
    }
  }

  /** Null when a URL can be stored; otherwise why not, and what to do instead. */
  refusal(): CredentialStoreError | null {
    if (!this.available()) {
      return new CredentialStoreError(
        'ENCRYPTION_UNAVAILABLE',
        'This computer offers Custos no OS keychain to encrypt the URL with, so it is not stored.',
        'Set the environment variable instead (for example in the service or shell that starts Custos). On Linux, unlock or install a Secret Service keyring (GNOME Keyring, KWallet) and restart Custos.',
      );
    }
    const b = this.backend();
    if (this.platform !== 'darwin' && this.platform !== 'win32' && NOT_A_KEYCHAIN.has(b.name)) {
      return new CredentialStoreError(
        'INSECURE_KEY_STORE',
        `The only encryption available is Electron's "${b.name}" store, which uses a key built into the app rather than an OS keychain: anyone who copies the file could read the URL, so it is not stored.`,
        'Set the environment variable instead. To use a keychain, run Custos in a desktop session with GNOME Keyring or KWallet (or start it with --password-store=gnome-libsecret) and restart it.',
      );
    }
    return null;
  }

  exists(): boolean {
    return existsSync(this.path);
  }

  /** The stored URLs by variable name; {} without a file. Throws CREDENTIALS_UNREADABLE (never with file contents in the message). */
  read(): Record<string, string> {
    let bytes: Buffer;
    try {
      bytes = readFileSync(this.path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw this.unreadable(`the file cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    if (!this.available()) throw this.unreadable('the OS keychain is not available now (locked, or another desktop session)');
    let plain: string;
    try {
      plain = this.safe.decryptString(bytes);
    } catch {
      throw this.unreadable('it cannot be decrypted with this OS account\'s keychain (damaged, copied from another computer or account, or the keychain was reset)');
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(plain);
    } catch {
      // JSON.parse's own message quotes the text: it could quote a URL.
      throw this.unreadable('it decrypts to something that is not a Custos connection list');
    }
    if (!isStoredFile(parsed)) throw this.unreadable('it decrypts to something that is not a Custos connection list');
    return { ...parsed.urls };
  }

  /**
   * Stores (or replaces) the URL for one variable. The caller has checked the URL
   * against the transport policy; this checks only the name, the size and the
   * scheme, and refuses without a real keychain.
   */
  save(variable: string, url: string): void {
    if (!ENV_NAME.test(variable)) throw new CredentialStoreError('INVALID_INPUT', 'That is not the name of an environment variable.', 'Use a name such as CUSTOS_CONTROL_PLANE_URL.');
    if (typeof url !== 'string' || url.length === 0 || url.length > MAX_STORED_URL_LENGTH || !/^postgres(ql)?:\/\//i.test(url)) {
      throw new CredentialStoreError('INVALID_INPUT', 'Only a postgres:// or postgresql:// URL can be stored.', 'Use a URL such as postgres://custos@db.example.com:5432/custos?sslmode=verify-full.');
    }
    const refusal = this.refusal();
    if (refusal) throw refusal;
    const urls = this.read();
    urls[variable] = url;
    this.write(urls, [url]);
  }

  /** Forgets the URL for one variable; false when none was stored. */
  forget(variable: string): boolean {
    const urls = this.read();
    if (!Object.prototype.hasOwnProperty.call(urls, variable)) return false;
    delete urls[variable];
    if (Object.keys(urls).length === 0) {
      this.removeFile();
      return true;
    }
    const refusal = this.refusal();
    if (refusal) throw refusal;
    this.write(urls, Object.values(urls));
    return true;
  }

  /** Deletes the file (an unreadable one cannot be edited, only replaced). */
  removeFile(): void {
    try {
      unlinkSync(this.path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }

  private unreadable(why: string): CredentialStoreError {
    return new CredentialStoreError(
      'CREDENTIALS_UNREADABLE',
      `The database connections stored in ${this.path} cannot be read: ${why}.`,
      'Custos uses the environment variables instead. To store the URLs again, open File > Database connections…, remove the unreadable file and save them; or set the environment variables.',
    );
  }

  private write(urls: Record<string, string>, secrets: string[]): void {
    const doc: StoredFile = { custos: 'database-connections', version: 1, urls };
    const plain = JSON.stringify(doc);
    const cipher = this.safe.encryptString(plain);
    // A backend that "encrypts" by copying (or a broken one) must never leave the URL on disk.
    if (!Buffer.isBuffer(cipher) || cipher.length === 0 || secrets.some((s) => cipher.includes(Buffer.from(s, 'utf8'))) || cipher.includes(Buffer.from(plain, 'utf8'))) {
      throw new CredentialStoreError('INSECURE_KEY_STORE', 'The OS keychain returned the URL unencrypted, so it is not stored.', 'Set the environment variable instead, and report this computer\'s keychain setup to the engineering team.');
    }
    let roundTrip: string | null = null;
    try {
      roundTrip = this.safe.decryptString(cipher);
    } catch {
      roundTrip = null;
    }
    if (roundTrip !== plain) {
      throw new CredentialStoreError('ENCRYPTION_UNAVAILABLE', 'The OS keychain could not decrypt what it had just encrypted, so the URL is not stored.', 'Set the environment variable instead; check that the keychain is unlocked, then try again.');
    }
    writeFileAtomic(this.path, cipher);
  }
}

/**
 * Crash-safe write of ciphertext, owner-only (0600) in an owner-only folder: a temp
 * name in the same folder, fsync, rename, fsync the folder. A reader sees the old
 * file or the new one, never half of one.
 */
function writeFileAtomic(path: string, data: Buffer): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    throw e;
  }
  closeSync(fd);
  try {
    chmodSync(tmp, 0o600);
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    throw e;
  }
  try {
    const dfd = openSync(dir, 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch {
    // Windows cannot open a folder; the rename is still atomic there.
  }
}

/** What the desktop app puts into the core's environment at start, and what it reports. */
export interface StartupCredentials {
  /** Variables to add to the core's environment (values are URLs: never log them). */
  env: Record<string, string>;
  /** Names taken from the keychain at this start. */
  fromStore: string[];
  /** Names stored in the keychain but already set in the environment, which wins. */
  environmentWins: string[];
  /** The store could not be read: the core starts with the environment alone. */
  problem: CredentialStoreError | null;
}

function isSet(value: string | undefined): boolean {
  // The core treats an empty variable as unset (postgresUrlFromEnv), so a stored URL fills it.
  return value !== undefined && value.trim() !== '';
}

/**
 * The stored URLs to hand to the core, given the environment the core inherits.
 * Never throws: a damaged or undecryptable file must not stop the console from
 * starting; the caller reports `problem` and the core falls back to the environment.
 */
export function credentialsForCore(store: CredentialStore, env: NodeJS.ProcessEnv): StartupCredentials {
  const out: StartupCredentials = { env: {}, fromStore: [], environmentWins: [], problem: null };
  if (!store.exists()) return out;
  let urls: Record<string, string>;
  try {
    urls = store.read();
  } catch (e) {
    out.problem =
      e instanceof CredentialStoreError
        ? e
        : new CredentialStoreError('CREDENTIALS_UNREADABLE', `The database connections stored in ${store.path} cannot be read.`, 'Custos uses the environment variables instead.');
    return out;
  }
  for (const [variable, url] of Object.entries(urls)) {
    // An environment variable that is already set wins over the keychain: ops can
    // override a stored URL (a service unit, a one-off run against another server)
    // without touching this desktop's keychain.
    if (isSet(env[variable])) out.environmentWins.push(variable);
    else {
      out.env[variable] = url;
      out.fromStore.push(variable);
    }
  }
  return out;
}

/** One line for the log: variable names only, never a URL. */
export function describeStartup(s: StartupCredentials): string {
  const parts: string[] = [];
  if (s.fromStore.length) parts.push(`from the OS keychain: ${s.fromStore.join(', ')}`);
  if (s.environmentWins.length) parts.push(`set in the environment, which wins over the stored URL: ${s.environmentWins.join(', ')}`);
  if (s.problem) parts.push(`stored connections unreadable (${s.problem.code}), using the environment`);
  return parts.length ? `database connections ${parts.join('; ')}` : 'no stored database connections';
}
