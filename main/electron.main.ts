/**
 * The Electron shell: one window, the core in a utilityProcess, the contract
 * over one IPC channel. Thin on purpose: features live in app/, never here.
 */
import { app, BrowserWindow, ipcMain, protocol, session, shell, dialog, utilityProcess, net, Notification } from 'electron';
import { join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { CALL_CHANNEL, EVENT_CHANNEL, HOST_PICK_FOLDER } from './ipc-channels';
import { checkPayload, senderIsTrusted } from './ipc-guard';
import { APP_HOST, APP_ORIGIN, APP_SCHEME, isAppUrl, isSafeExternalUrl } from './window-options';
import { createSecureWindow } from './window.factory';
import { CSP } from './web-host/csp';
import { buildMenu } from './menu';
import { parseWindowState, startUrl, viewToRemember, type WindowState } from './window-state';

const here = __dirname; // bundled to CommonJS in dist/main
const rendererDir = resolve(here, '..', 'renderer');

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } }]);

if (!app.requestSingleInstanceLock()) {
  app.quit();
}

interface Pending {
  resolve: (v: unknown) => void;
}
let core: Electron.UtilityProcess | null = null;
const pending = new Map<number, Pending>();
let nextId = 1;
/** Session tokens live here in the main process, one per window, never in renderer storage. */
const tokens = new Map<number, string>();
let mainWindow: BrowserWindow | null = null;

function dataDir(): string {
  return process.env.CUSTOS_DATA_DIR ?? app.getPath('userData');
}

function startCore(): Promise<void> {
  core = utilityProcess.fork(join(here, 'core.worker.cjs'), [], { serviceName: 'custos-core', stdio: 'inherit' });
  core.on('message', (msg: { kind: string; id?: number; result?: unknown; event?: unknown; message?: string; hint?: string | null }) => {
    if (msg.kind === 'result' && msg.id !== undefined) {
      pending.get(msg.id)?.resolve(msg.result);
      pending.delete(msg.id);
    } else if (msg.kind === 'event') {
      for (const w of BrowserWindow.getAllWindows()) w.webContents.send(EVENT_CHANNEL, msg.event);
      const e = msg.event as { type?: string; state?: string; kind?: string; done?: number; total?: number | null; message?: string };
      if (e.type === 'job' && mainWindow) {
        mainWindow.setProgressBar(e.state === 'running' && e.total ? Math.min(1, (e.done ?? 0) / e.total) : -1);
        // A long job that ends while the user is elsewhere gets an OS notification.
        if (e.state && e.state !== 'running' && !mainWindow.isFocused() && Notification.isSupported()) {
          const what = e.kind ?? 'job';
          new Notification({ title: `Custos: ${what} ${e.state}`, body: e.message ?? (e.state === 'succeeded' ? 'Finished.' : 'Open the console for details.') }).show();
        }
      }
    }
  });
  return new Promise((resolveReady, reject) => {
    const onMsg = (msg: { kind: string; message?: string; hint?: string | null }) => {
      if (msg.kind === 'ready') resolveReady();
      if (msg.kind === 'failed') reject(new Error(`${msg.message}${msg.hint ? `\n${msg.hint}` : ''}`));
    };
    core!.on('message', onMsg);
    // Logs go to the OS log folder, the one the menu's "Open logs folder" opens.
    core!.postMessage({ kind: 'open', dataDir: dataDir(), logDir: app.getPath('logs') });
  });
}

function callCore(webContentsId: number, op: unknown, input: unknown): Promise<{ envelope: unknown; sessionToken?: string | null }> {
  const id = nextId++;
  return new Promise((resolveCall) => {
    pending.set(id, { resolve: resolveCall as (v: unknown) => void });
    core!.postMessage({ kind: 'call', id, ctx: { transport: 'ipc', sessionToken: tokens.get(webContentsId) ?? null }, op, input });
  });
}

function registerIpc(): void {
  ipcMain.handle(CALL_CHANNEL, async (event, op: unknown, input: unknown) => {
    if (!senderIsTrusted(event.senderFrame, event.sender)) {
      return { ok: false, error: { code: 'FORBIDDEN', message: 'Refused: the request did not come from the console window.' } };
    }
    const check = checkPayload(op, input);
    if (!check.ok) return { ok: false, error: { code: check.code, message: check.message } };
    // Host features (CONVENTIONS.md §17) are answered here, never by the core: the
    // native folder dialog for export destinations.
    if (op === HOST_PICK_FOLDER) {
      const owner = BrowserWindow.fromWebContents(event.sender);
      const r = owner
        ? await dialog.showOpenDialog(owner, { title: 'Choose the export destination', properties: ['openDirectory', 'createDirectory'] })
        : await dialog.showOpenDialog({ title: 'Choose the export destination', properties: ['openDirectory', 'createDirectory'] });
      return { ok: true, value: { path: r.canceled ? null : (r.filePaths[0] ?? null) } };
    }
    const result = await callCore(event.sender.id, op, input);
    if (result.sessionToken !== undefined) {
      if (result.sessionToken) tokens.set(event.sender.id, result.sessionToken);
      else tokens.delete(event.sender.id);
    }
    return result.envelope;
  });
}

function registerAppProtocol(): void {
  protocol.handle(APP_SCHEME, (request) => {
    const url = new URL(request.url);
    if (url.host !== APP_HOST) return new Response('not found', { status: 404 });
    const rel = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
    const file = resolve(rendererDir, '.' + rel);
    if (!file.startsWith(rendererDir + sep)) return new Response('not found', { status: 404 });
    return net.fetch(pathToFileURL(file).toString());
  });
}

function hardenSession(): void {
  const s = session.defaultSession;
  s.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  s.setPermissionCheckHandler(() => false);
  s.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });
}

const stateFile = () => join(app.getPath('userData'), 'window-state.json');
function loadWindowState(): WindowState {
  try {
    return parseWindowState(readFileSync(stateFile(), 'utf8'));
  } catch {
    return parseWindowState(null); // first start
  }
}
function saveWindowState(w: BrowserWindow): void {
  try {
    mkdirSync(app.getPath('userData'), { recursive: true });
    const b = w.getNormalBounds();
    const lastView = viewToRemember(w.webContents.getURL(), APP_ORIGIN);
    writeFileSync(stateFile(), JSON.stringify({ ...b, maximized: w.isMaximized(), ...(lastView ? { lastView } : {}) }));
  } catch {
    /* not worth failing over */
  }
}

export function createMainWindow(): BrowserWindow {
  const state = loadWindowState();
  const w = createSecureWindow(BrowserWindow, join(here, 'preload.cjs'), state);
  if (state.maximized) w.maximize();
  w.once('ready-to-show', () => w.show());
  w.on('close', () => saveWindowState(w));
  w.webContents.on('will-navigate', (e, url) => {
    if (!isAppUrl(url)) e.preventDefault();
  });
  w.webContents.on('will-redirect', (e, url) => {
    if (!isAppUrl(url)) e.preventDefault();
  });
  w.webContents.on('will-attach-webview', (e) => e.preventDefault());
  w.webContents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternalUrl(url)) {
      void dialog
        .showMessageBox(w, { type: 'question', buttons: ['Open in browser', 'Cancel'], defaultId: 1, message: 'Open this link in your web browser?', detail: url })
        .then((r) => {
          // Only https URLs reach here (isSafeExternalUrl), after the user confirmed.
          if (r.response === 0) void shell.openExternal(url); // eng-disable OPEN_EXTERNAL_JS_CHECK
        });
    }
    return { action: 'deny' };
  });
  w.webContents.on('destroyed', () => tokens.delete(w.webContents.id));
  void w.loadURL(startUrl(APP_ORIGIN, state));
  return w;
}

app.on('second-instance', () => {
  if (mainWindow) {
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  }
});

app.on('web-contents-created', (_e, contents) => {
  contents.on('will-attach-webview', (e) => e.preventDefault());
});

app.whenReady().then(async () => {
  hardenSession();
  registerAppProtocol();
  registerIpc();
  buildMenu(() => mainWindow, app.getPath('logs'));
  try {
    await startCore();
  } catch (e) {
    dialog.showErrorBox('Custos could not start', (e as Error).message);
    app.exit(1);
    return;
  }
  mainWindow = createMainWindow();
});

app.on('window-all-closed', () => {
  core?.postMessage({ kind: 'close' });
  app.quit();
});
