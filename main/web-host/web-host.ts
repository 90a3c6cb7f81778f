/**
 * The web host: the same contract over HTTP on 127.0.0.1 only (ARCHITECTURE.md
 * "Shells"), for development and for Playwright where the Electron runtime cannot
 * be downloaded. As strict as the Electron shell:
 * - a random per-start token, exchanged once for an HttpOnly SameSite=Strict cookie;
 * - the staff session in a second HttpOnly cookie (never in renderer storage);
 * - Host must be 127.0.0.1/localhost/[::1] on our port (DNS rebinding);
 * - Origin must be ours on every state-changing request (CSRF from other local pages);
 * - JSON bodies only, size-capped; the dispatcher parses the rest.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { ConsoleCore, ConsoleEvent } from '../../app/api';

export interface WebHostOptions {
  core: ConsoleCore;
  rendererDir: string;
  port?: number;
  /** Fixed token (tests); random otherwise. */
  token?: string;
}

export interface WebHost {
  url: string;
  origin: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

import { CSP } from './csp';
export { CSP };

const MAX_BODY = 1024 * 1024;
const HOST_COOKIE = 'custos_host';
const SESSION_COOKIE = 'custos_session';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out.set(part.slice(0, i).trim(), part.slice(i + 1).trim());
  }
  return out;
}

function safeEqual(a: string | undefined, b: string): boolean {
  if (!a) return false;
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

function securityHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('Cache-Control', 'no-store');
}

function sendJson(res: ServerResponse, status: number, body: unknown, cookies: string[] = []): void {
  if (cookies.length) res.setHeader('Set-Cookie', cookies);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, status: number, code: string, message: string, hint: string): void {
  sendJson(res, status, { ok: false, error: { code, message, hint } });
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? randomBytes(32).toString('base64url');
  const rendererDir = resolve(options.rendererDir);
  const { core } = options;
  let port = 0;
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`, `http://[::1]:${port}`]);
  const sseClients = new Set<ServerResponse>();

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendError(res, 500, 'INTERNAL', 'The web host failed to answer.', 'Try again.');
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    securityHeaders(res);
    // DNS rebinding: a page on evil.example resolving to 127.0.0.1 sends its own Host.
    if (!req.headers.host || !allowedHosts().has(req.headers.host)) {
      return sendError(res, 421, 'FORBIDDEN', 'This console only answers on 127.0.0.1.', 'Open the URL printed by `custos serve`.');
    }
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    const cookies = parseCookies(req.headers.cookie);

    // The printed URL carries the token once; it becomes a cookie and leaves the address bar.
    const offered = url.searchParams.get('token');
    if (offered !== null) {
      if (!safeEqual(offered, token)) return sendError(res, 401, 'NOT_SIGNED_IN', 'That console link is not valid (the console was restarted?).', 'Open the URL printed by `custos serve`.');
      res.setHeader('Set-Cookie', `${HOST_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`);
      res.writeHead(303, { Location: '/' });
      res.end();
      return;
    }
    if (!safeEqual(cookies.get(HOST_COOKIE), token)) {
      if (req.method === 'GET' && !url.pathname.startsWith('/api/')) {
        res.writeHead(401, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('Custos: open the URL printed by `custos serve` (it carries a one-time token).\n');
        return;
      }
      return sendError(res, 401, 'NOT_SIGNED_IN', 'This browser has not opened the console link.', 'Open the URL printed by `custos serve`.');
    }

    if (url.pathname === '/api/call') return handleCall(req, res, cookies);
    if (url.pathname === '/api/events') return handleEvents(req, res, cookies);
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, 'INVALID_INPUT', 'Method not allowed.', 'Use the console UI.');
    return serveStatic(url.pathname, res);
  }

  function originOk(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    return typeof origin === 'string' && allowedOrigins().has(origin);
  }

  async function readBody(req: IncomingMessage): Promise<Buffer | null> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY) {
        req.pause();
        return null;
      }
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  }

  async function handleCall(req: IncomingMessage, res: ServerResponse, cookies: Map<string, string>): Promise<void> {
    if (req.method !== 'POST') return sendError(res, 405, 'INVALID_INPUT', 'Use POST.', 'Use the console UI.');
    if (!originOk(req)) return sendError(res, 403, 'FORBIDDEN', 'Request from a foreign page refused.', 'Use the console UI itself.');
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return sendError(res, 415, 'INVALID_INPUT', 'Only JSON requests are accepted.', 'Use the console UI.');
    }
    const body = await readBody(req);
    if (body === null) {
      // Stop reading the rest: close the connection so it is not reused mid-body.
      res.setHeader('Connection', 'close');
      sendError(res, 413, 'INVALID_INPUT', 'The request is too large.', 'Send less at once.');
      res.on('finish', () => req.destroy());
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      return sendError(res, 400, 'INVALID_INPUT', 'The request is not valid JSON.', 'Use the console UI.');
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return sendError(res, 400, 'INVALID_INPUT', 'Malformed request.', 'Use the console UI.');
    const { op, input } = parsed as { op?: unknown; input?: unknown };
    const result = await core.dispatch({ transport: 'http', sessionToken: cookies.get(SESSION_COOKIE) ?? null }, op, input);
    const setCookies: string[] = [];
    if (result.sessionToken !== undefined) {
      setCookies.push(
        result.sessionToken
          ? `${SESSION_COOKIE}=${result.sessionToken}; HttpOnly; SameSite=Strict; Path=/`
          : `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`,
      );
    }
    sendJson(res, 200, result.envelope, setCookies);
  }

  async function handleEvents(req: IncomingMessage, res: ServerResponse, cookies: Map<string, string>): Promise<void> {
    const token = cookies.get(SESSION_COOKIE) ?? null;
    const check = await core.dispatch({ transport: 'http', sessionToken: token }, 'session.current', {});
    if (!check.envelope.ok || check.envelope.value === null) return sendError(res, 401, 'NOT_SIGNED_IN', 'Sign in first.', 'Sign in to continue.');
    res.writeHead(200, { 'Content-Type': 'text/event-stream', Connection: 'keep-alive' });
    res.write(': connected\n\n');
    sseClients.add(res);
    const off = core.onEvent((e: ConsoleEvent) => res.write(`data: ${JSON.stringify(e)}\n\n`));
    const beat = setInterval(() => res.write(': beat\n\n'), 15_000);
    req.on('close', () => {
      clearInterval(beat);
      off();
      sseClients.delete(res);
    });
  }

  function serveStatic(pathname: string, res: ServerResponse): void {
    let rel: string;
    try {
      rel = decodeURIComponent(pathname);
    } catch {
      return sendError(res, 400, 'INVALID_INPUT', 'Bad path.', 'Use the console UI.');
    }
    if (rel.includes('\0')) return sendError(res, 400, 'INVALID_INPUT', 'Bad path.', 'Use the console UI.');
    let file = resolve(rendererDir, '.' + (rel === '/' ? '/index.html' : rel));
    if (file !== rendererDir && !file.startsWith(rendererDir + sep)) return sendError(res, 404, 'INVALID_INPUT', 'Not found.', 'Use the console UI.');
    if (!existsSync(file) || !statSync(file).isFile()) {
      // Unknown paths get the app (client-side routes); missing build gets a clear message.
      file = join(rendererDir, 'index.html');
      if (!existsSync(file)) {
        res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('Custos: the renderer is not built. Run `npm run build:renderer`, then reload.\n');
        return;
      }
    }
    res.writeHead(200, { 'Content-Type': MIME[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  }

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolveListen());
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    async close() {
      for (const c of sseClients) c.end();
      const closed = new Promise<void>((r) => server.close(() => r()));
      // A socket the browser opened ahead of its next request (Chromium preconnects) counts
      // as neither idle nor done for server.close(), which then waits minutes: the console
      // is stopping, so every connection is cut now, not after.
      server.closeAllConnections();
      await closed;
    },
  };
}
