import { readFileSync } from 'node:fs';

/** The product version, read once from package.json (bundlers inline it at build time). */
function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return process.env.CUSTOS_VERSION ?? '0.0.0';
  }
}
export const APP_VERSION: string = readVersion();
