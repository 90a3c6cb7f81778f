/**
 * The Electron shell: one window, the core in a utilityProcess, the contract
 * over one IPC channel. Thin on purpose: features live in app/, never here.
 * Host features only: the folder dialog, notifications, and File > Database
 * connections… (PostgreSQL URLs kept with safeStorage, its own window and channel).
 */
import { app, BrowserWindow, ipcMain, protocol, session, shell, dialog, utilityProcess, net, Notification, safeStorage } from 'electron';
import { join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { CALL_CHANNEL, CONNECTIONS_CHANNEL, EVENT_CHANNEL, HOST_PICK_FOLDER } from './ipc-channels';
import { checkPayload, parseConnectionsRequest, senderIsTrusted, senderIsWindow } from './ipc-guard';
import { APP_HOST, APP_ORIGIN, APP_SCHEME, isAppUrl, isSafeExternalUrl } from './window-options';
import { createSecureWindow } from './window.factory';
import { CSP } from './web-host/csp';
import { buildMenu } from './menu';
import { parseWindowState, startUrl, viewToRemember, type WindowState } from './window-state';
import { CredentialStore, credentialsForCore, describeStartup, type StartupCredentials } from './credential-store';
import { ConnectionsHost, type CoreState, type TargetsAnswer, type UrlCheckAnswer } from './connections.host';

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
/** The database connections screen (File > Database connections…), the only sender its channel accepts. */
let connectionsWindow: BrowserWindow | null = null;
let coreState: CoreState = 'starting';
/** Questions to the core process that are not contract calls (the connections screen's rules). */
const hostPending = new Map<number, (result: unknown) => void>();

function dataDir(): string {
  return process.env.CUSTOS_DATA_DIR ?? app.getPath('userData');
}

/**
 * Forks the core. `storedUrls` are the PostgreSQL URLs kept in the OS keychain,
 * already without the variables set in our own environment (credentialsForCore:
 * the environment wins); they go into the core's environment, where custos.json's
 * urlEnv names are read.
 */
function startCore(storedUrls: Record<string, string>): Promise<void> {
  core = utilityProcess.fork(join(here, 'core.worker.cjs'), [], { serviceName: 'custos-core', stdio: 'inherit', env: { ...process.env, ...storedUrls } });
  core.on('message', (msg: { kind: string; id?: number; result?: unknown; event?: unknown; message?: string; hint?: string | null }) => {
    if (msg.kind === 'result' && msg.id !== undefined) {
      pending.get(msg.id)?.resolve(msg.result);
      pending.delete(msg.id);
    } else if (msg.kind === 'host-result' && msg.id !== undefined) {
      hostPending.get(msg.id)?.(msg.result);
      hostPending.delete(msg.id);
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

/** Asks the core process one of the connections screen's questions; it answers even when the core could not open. */
function askCore<T>(request: { what: 'connection-targets'; dataDir: string } | { what: 'check-postgres-url'; url: string }, unavailable: T): Promise<T> {
  if (!core) return Promise.resolve(unavailable);
  const id = nextId++;
  return new Promise((resolveAsk) => {
    const timer = setTimeout(() => {
      hostPending.delete(id);
      resolveAsk(unavailable);
    }, 10_000);
    hostPending.set(id, (result) => {
      clearTimeout(timer);
      resolveAsk(result as T);
    });
    core!.postMessage({ kind: 'host', id, request });
  });
}

const CORE_SILENT = { code: 'CORE_UNREACHABLE', message: 'The console core did not answer, so the rules for database connections cannot be checked.', hint: 'Restart Custos and try again.' };

function connectionTargets(): Promise<TargetsAnswer> {
  return askCore<TargetsAnswer>({ what: 'connection-targets', dataDir: dataDir() }, { ok: false, error: CORE_SILENT });
}

/** The signed-in staff member of the console window, asked of the core with that window's own session. */
async function consoleStaff(): Promise<{ roles: readonly string[] } | null> {
  if (!mainWindow || mainWindow.isDestroyed() || coreState !== 'running') return null;
  const id = mainWindow.webContents.id;
  if (!tokens.has(id)) return null;
  const r = (await callCore(id, 'session.current', {})).envelope as { ok?: boolean; value?: { staff?: { roles?: unknown; status?: unknown; mustChangePassword?: unknown } } | null };
  const staff = r.ok ? r.value?.staff : undefined;
  if (!staff || staff.status !== 'active' || staff.mustChangePassword !== false || !Array.isArray(staff.roles)) return null;
  return { roles: staff.roles.filter((x): x is string => typeof x === 'string') };
}

function createConnectionsHost(store: CredentialStore, startup: StartupCredentials): ConnectionsHost {
  return new ConnectionsHost({
    store,
    env: process.env,
    startup,
    coreState: () => coreState,
    targets: connectionTargets,
    checkUrl: (url) => askCore<UrlCheckAnswer>({ what: 'check-postgres-url', url }, { ok: false, error: CORE_SILENT }),
    consoleStaff,
    confirm: async (c) => {
      const owner = connectionsWindow ?? mainWindow;
      const options = { type: 'question' as const, title: c.title, message: c.message, detail: c.detail, buttons: c.buttons, defaultId: c.buttons.length - 1, cancelId: c.buttons.length - 1, noLink: true };
      const r = owner && !owner.isDestroyed() ? await dialog.showMessageBox(owner, options) : await dialog.showMessageBox(options);
      return r.response;
    },
    restart: () => {
      app.relaunch();
      app.quit();
    },
  });
}

function registerConnectionsIpc(host: ConnectionsHost): void {
  ipcMain.handle(CONNECTIONS_CHANNEL, async (event, payload: unknown) => {
    if (!senderIsWindow(event.senderFrame, event.sender, connectionsWindow && !connectionsWindow.isDestroyed() ? connectionsWindow.webContents.id : null)) {
      return { ok: false, error: { code: 'FORBIDDEN', message: 'Refused: database connections are managed only from File > Database connections….' } };
    }
    const parsed = parseConnectionsRequest(payload);
    if (!parsed.ok) return { ok: false, error: { code: parsed.code, message: parsed.message } };
    return host.handle(parsed.request);
  });
}

/** File > Database connections…: its own small window, so that only it can reach the connections channel. */
function openConnectionsWindow(): void {
  if (connectionsWindow && !connectionsWindow.isDestroyed()) {
    connectionsWindow.focus();
    return;
  }
  const parent = mainWindow && !mainWindow.isDestroyed() ? mainWindow : null;
  const w = createSecureWindow(BrowserWindow, join(here, 'preload.cjs'), { width: 760, height: 680 }, {
    title: 'Custos — Database connections',
    minWidth: 560,
    minHeight: 480,
    minimizable: false,
    fullscreenable: false,
    ...(parent ? { parent, modal: true } : {}),
  });
  connectionsWindow = w;
  lockDown(w);
  w.once('ready-to-show', () => w.show());
  w.on('closed', () => {
    if (connectionsWindow === w) connectionsWindow = null;
  });
  void w.loadURL(`${APP_ORIGIN}/index.html#/connections`);
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
    if (coreState !== 'running') return { ok: false, error: { code: 'CORE_UNREACHABLE', message: 'The console core is not running.', hint: 'Restart Custos; if it does not start, read the message it shows.' } };
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

/** Navigation, redirects, webviews and new windows: the same limits for every window of ours. */
function lockDown(w: BrowserWindow): void {
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
}

export function createMainWindow(): BrowserWindow {
  const state = loadWindowState();
  const w = createSecureWindow(BrowserWindow, join(here, 'preload.cjs'), state);
  if (state.maximized) w.maximize();
  w.once('ready-to-show', () => w.show());
  w.on('close', () => saveWindowState(w));
  lockDown(w);
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
  // PostgreSQL URLs kept with the OS keychain (issue 8), read after 'ready' (safeStorage needs it on Linux).
  // An unreadable store never stops the start: the core falls back to the environment, and we say so.
  const store = new CredentialStore({ dir: app.getPath('userData'), safeStorage });
  const startup = credentialsForCore(store, process.env);
  console.log(`custos: ${describeStartup(startup)}`); // variable names only, never a URL
  if (startup.problem) console.warn(`custos: ${startup.problem.message}`);
  registerConnectionsIpc(createConnectionsHost(store, startup));
  buildMenu(() => mainWindow, app.getPath('logs'), openConnectionsWindow);
  try {
    await startCore(startup.env);
  } catch (e) {
    coreState = 'failed';
    await offerRecovery((e as Error).message, startup);
    return;
  }
  coreState = 'running';
  mainWindow = createMainWindow();
  if (startup.problem) {
    const { message, hint } = startup.problem;
    mainWindow.once('ready-to-show', () => {
      if (mainWindow) void dialog.showMessageBox(mainWindow, { type: 'warning', title: 'Stored database connections', message: 'Custos started with the environment variables only.', detail: `${message}\n\n${hint}` });
    });
  }
});

/**
 * The core could not open: most often because custos.json names a PostgreSQL URL
 * variable that is not set. Nobody can sign in, so the connections screen is offered
 * here, to the person at this desktop, when custos.json names such a variable.
 */
async function offerRecovery(message: string, startup: StartupCredentials): Promise<void> {
  const targets = await connectionTargets();
  const canConfigure = targets.ok && targets.targets.length > 0;
  const storeNote = startup.problem ? `\n\n${startup.problem.message}` : '';
  if (!canConfigure) {
    dialog.showErrorBox('Custos could not start', `${message}${storeNote}`);
    app.exit(1);
    return;
  }
  const r = await dialog.showMessageBox({
    type: 'error',
    title: 'Custos could not start',
    message: 'Custos could not start',
    detail: `${message}${storeNote}\n\nIf a PostgreSQL URL is missing or wrong, you can keep it in this computer's OS keychain under Database connections… (the environment variable, when set, still wins).`,
    buttons: ['Quit', 'Database connections…'],
    defaultId: 1,
    cancelId: 0,
    noLink: true,
  });
  if (r.response !== 1) {
    app.exit(1);
    return;
  }
  // Closing this window (the only one) quits, through window-all-closed.
  openConnectionsWindow();
}

app.on('window-all-closed', () => {
  core?.postMessage({ kind: 'close' });
  app.quit();
});
