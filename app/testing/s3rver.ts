import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A real S3-protocol server on loopback for tests (ARCHITECTURE.md: "tests use the
 * real adapters against real engines on loopback, not mocks").
 *
 * s3rver runs in a child process started with `node --openssl-legacy-provider`:
 * its ListObjectsV2 continuation tokens are DES-encrypted, which OpenSSL 3 only
 * offers through the legacy provider, so pagination fails without the flag. A
 * child process also keeps its Koa/winston globals out of the test worker.
 *
 * It listens on 127.0.0.1, port 0 (the kernel picks a free one, so no race with
 * other suites), stores into a fresh temp folder, and exits on its own if the
 * test process dies (it watches its stdin).
 */
export interface S3rverHandle {
  /** `http://127.0.0.1:<port>` — use with `forcePathStyle: true`. */
  endpoint: string;
  bucket: string;
  accessKeyId: 'S3RVER';
  secretAccessKey: 'S3RVER';
  close(): Promise<void>;
}

const CHILD_SCRIPT = `
'use strict';
const S3rver = require(process.env.S3RVER_MODULE);
const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory: process.env.S3RVER_DIR,
  configureBuckets: [{ name: process.env.S3RVER_BUCKET, configs: [] }],
});
server.run().then(
  (addr) => process.stdout.write(JSON.stringify({ port: addr.port }) + '\\n'),
  (err) => { process.stderr.write(String(err && err.stack || err) + '\\n'); process.exit(1); },
);
// Parent gone (or closed our stdin): leave.
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
process.on('SIGTERM', () => process.exit(0));
`;

const START_TIMEOUT_MS = 15_000;

export async function startS3rver(options: { bucket?: string } = {}): Promise<S3rverHandle> {
  const bucket = options.bucket ?? 'custos-test';
  const dir = await mkdtemp(path.join(tmpdir(), 'custos-s3rver-'));
  const s3rverModule = createRequire(import.meta.url).resolve('s3rver');

  const env: NodeJS.ProcessEnv = { ...process.env, S3RVER_MODULE: s3rverModule, S3RVER_DIR: dir, S3RVER_BUCKET: bucket };
  delete env.NODE_OPTIONS; // the test runner's loaders have no business in s3rver
  const child = spawn(process.execPath, ['--openssl-legacy-provider', '-e', CHILD_SCRIPT], {
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });

  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await stopChild(child);
    await rm(dir, { recursive: true, force: true, maxRetries: 3 });
  };

  try {
    const port = await readPort(child);
    const endpoint = `http://127.0.0.1:${port}`;
    await waitUntilAnswering(endpoint);
    return { endpoint, bucket, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', close };
  } catch (e) {
    await close();
    throw e;
  }
}

function readPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => finish(new Error(`s3rver did not start within ${START_TIMEOUT_MS} ms. ${err}`)), START_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (!line) return;
      try {
        const { port } = JSON.parse(line) as { port: number };
        finish(null, port);
      } catch (e) {
        finish(e as Error);
      }
    };
    const onErr = (chunk: Buffer) => {
      err += chunk.toString('utf8');
    };
    const onExit = (code: number | null) => finish(new Error(`s3rver exited early (code ${code}). ${err}`));
    const finish = (e: Error | null, port?: number) => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      child.off('error', onExit);
      if (e) reject(e);
      else resolve(port as number);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onErr);
    child.on('exit', onExit);
    child.on('error', onExit);
  });
}

/** Any HTTP answer (even 403 to an unsigned request) means the server is serving. */
async function waitUntilAnswering(endpoint: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const req = request(`${endpoint}/`, { method: 'GET', timeout: 1000 }, (res) => {
        res.resume();
        resolve(true);
      });
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve(false));
      req.end();
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`s3rver at ${endpoint} did not answer within ${START_TIMEOUT_MS} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stdin?.end();
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
  child.stdout?.destroy();
  child.stderr?.destroy();
}
