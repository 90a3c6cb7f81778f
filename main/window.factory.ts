/**
 * The one window factory (issue 9). The webPreferences are written out literally
 * here so that electronegativity can read them and a test can assert them from
 * this very function (it passes a recording constructor, since the Electron
 * runtime is not available to unit tests).
 */
import type { BrowserWindow as ElectronBrowserWindow, BrowserWindowConstructorOptions } from 'electron';

export interface WindowGeometry {
  width: number;
  height: number;
  x?: number;
  y?: number;
}

/** What a secondary window (the database connections screen) may change; never webPreferences. */
export type WindowChrome = Pick<BrowserWindowConstructorOptions, 'parent' | 'modal' | 'title' | 'minWidth' | 'minHeight' | 'resizable' | 'minimizable' | 'maximizable' | 'fullscreenable'>;

export function createSecureWindow(
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => ElectronBrowserWindow,
  preloadPath: string,
  geometry: WindowGeometry,
  chrome: WindowChrome = {},
): ElectronBrowserWindow {
  return new BrowserWindow({
    ...geometry,
    minWidth: 900,
    minHeight: 560,
    title: 'Custos',
    ...chrome,
    show: false,
    backgroundColor: '#f6f7f9',
    webPreferences: {
      // Reviewed: main/preload.ts exposes exactly custos.call, custos.on and custos.connections (see preload test).
      preload: preloadPath, // eng-disable PRELOAD_JS_CHECK
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      disableBlinkFeatures: 'Auxclick',
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
    },
  });
}
