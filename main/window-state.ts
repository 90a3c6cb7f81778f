/**
 * What the desktop window remembers between starts (issue 9): size, position,
 * maximized, and the last view. Pure, so it is tested without Electron.
 *
 * The last view is the renderer's hash route (e.g. `#/tenants/t-000003`). It is
 * stored only when it looks like one of ours, and read back through the same check:
 * a state file someone edited can never make the window load anything but the
 * app's own index page.
 */
export interface WindowState {
  width: number;
  height: number;
  x?: number;
  y?: number;
  maximized?: boolean;
  lastView?: string;
}

export const DEFAULT_WINDOW_STATE: WindowState = { width: 1280, height: 820 };

const VIEW = /^#\/[A-Za-z0-9/_\-.~%?=&+,]{0,400}$/;
/** Not worth returning to; and the database connections screen belongs to its own window only. */
const NOT_REMEMBERED = /^#\/(sign-in|setup|change-password|connections)/;

/** The hash route to remember, or undefined (sign-in and setup screens are not worth returning to). */
export function viewToRemember(url: string, appOrigin: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (u.origin !== appOrigin && `${u.protocol}//${u.host}` !== appOrigin) return undefined;
  const hash = u.hash;
  if (!VIEW.test(hash) || NOT_REMEMBERED.test(hash)) return undefined;
  return hash;
}

export function parseWindowState(text: string | null): WindowState {
  if (!text) return { ...DEFAULT_WINDOW_STATE };
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { ...DEFAULT_WINDOW_STATE };
  }
  if (typeof v !== 'object' || v === null) return { ...DEFAULT_WINDOW_STATE };
  const o = v as Record<string, unknown>;
  const num = (x: unknown, min: number, max: number) => (typeof x === 'number' && Number.isFinite(x) && x >= min && x <= max ? Math.round(x) : undefined);
  const width = num(o.width, 600, 20_000);
  const height = num(o.height, 400, 20_000);
  if (width === undefined || height === undefined) return { ...DEFAULT_WINDOW_STATE };
  const out: WindowState = { width, height };
  const x = num(o.x, -20_000, 20_000);
  const y = num(o.y, -20_000, 20_000);
  if (x !== undefined && y !== undefined) {
    out.x = x;
    out.y = y;
  }
  if (o.maximized === true) out.maximized = true;
  if (typeof o.lastView === 'string' && VIEW.test(o.lastView) && !NOT_REMEMBERED.test(o.lastView)) out.lastView = o.lastView;
  return out;
}

/** The URL the window opens: the app's index page, at the remembered view if any. */
export function startUrl(appOrigin: string, state: WindowState): string {
  return `${appOrigin}/index.html${state.lastView && VIEW.test(state.lastView) ? state.lastView : ''}`;
}
