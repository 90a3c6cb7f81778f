import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The same folder Electron's `app.getPath('userData')` gives for productName
 * "Custos", so the desktop app, the web host and the CLI share one data folder.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.CUSTOS_DATA_DIR) return env.CUSTOS_DATA_DIR;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Custos');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Custos');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Custos');
}
