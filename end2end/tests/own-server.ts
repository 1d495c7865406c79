import { test } from '@playwright/test';
import { ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, renameSync, writeFileSync, appendFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const REPO = resolve(__dirname, '..', '..');
const PROFILE = process.env.E2E_PROFILE ?? 'debug';

/**
 * A release of the site: the directory the server serves and the hash file that tells it which
 * build files its pages name. The build under test is `currentRelease()`.
 */
export interface Release {
  siteRoot: string;
  hashFile: string;
}

export const currentRelease = (): Release => ({
  siteRoot: join(REPO, 'target', 'site'),
  hashFile: join(REPO, 'target', PROFILE, 'hash.txt'),
});

/**
 * The next release, as browsers and the service worker meet it: a copy of the current site in
 * which every hashed build file has a new name (and so a new hash), the stylesheet has changed,
 * and the old build's files are gone, as after a deployment. The code is the same build's, so
 * the test needs one build, not two.
 */
export function nextRelease(marker: string): Release {
  const current = currentRelease();
  const dir = mkdtempSync(join(tmpdir(), 'keikaku-e2e-release-'));
  const siteRoot = join(dir, 'site');
  cpSync(current.siteRoot, siteRoot, { recursive: true });
  const pkg = join(siteRoot, 'pkg');
  const renamed = new Map<string, string>();
  const hashes = readFileSync(current.hashFile, 'utf8')
    .split('\n')
    .filter((line) => line.includes(':'))
    .map((line) => {
      const [kind, hash] = line.split(':').map((part) => part.trim());
      const next = `${marker}${hash}`.slice(0, hash.length);
      renamed.set(hash, next);
      return `${kind}: ${next}`;
    });
  for (const file of readdirSync(pkg)) {
    const [, hash] = file.split('.');
    const next = renamed.get(hash);
    if (next) renameSync(join(pkg, file), join(pkg, file.replace(hash, next)));
  }
  // A visible difference between the builds: the new stylesheet sets a custom property.
  const css = readdirSync(pkg).find((file) => file.endsWith('.css'))!;
  appendFileSync(join(pkg, css), `\n:root { --keikaku-release: "${marker}"; }\n`);
  // Its precompressed copies (scripts/compress-build-files.mjs) are of the old text: without
  // them the server sends the changed file itself.
  for (const copy of [`${css}.br`, `${css}.gz`]) rmSync(join(pkg, copy), { force: true });
  const hashFile = join(dir, 'hash.txt');
  writeFileSync(hashFile, hashes.join('\n') + '\n');
  return { siteRoot, hashFile };
}

/**
 * A server of this test's own, for tests that stop, kill or restart it (the shared server of
 * playwright.config.ts must stay up for the other tests). Same binary and site, its own port
 * and data directory; restarts keep the data directory.
 */
export class OwnServer {
  readonly url: string;
  readonly dataDir = mkdtempSync(join(tmpdir(), 'keikaku-e2e-own-'));
  private process?: ChildProcess;
  /** What the next `start()` serves; set it between a stop and a start to deploy a release. */
  release: Release = currentRelease();

  constructor(readonly port: number) {
    this.url = `http://127.0.0.1:${port}`;
  }

  async start(): Promise<void> {
    const child = spawn(join(REPO, 'target', PROFILE, 'server'), ['serve'], {
      cwd: REPO,
      env: {
        ...process.env,
        LEPTOS_SITE_ADDR: `127.0.0.1:${this.port}`,
        LEPTOS_SITE_ROOT: this.release.siteRoot,
        LEPTOS_OUTPUT_NAME: 'keikaku',
        LEPTOS_HASH_FILES: 'true',
        // An absolute name: the server reads it beside its binary, and joining replaces that.
        LEPTOS_HASH_FILE_NAME: this.release.hashFile,
        KEIKAKU_DATA_DIR: this.dataDir,
        KEIKAKU_DEMO_USERS: 'on',
        RUST_LOG: 'warn',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    this.process = child;
    await new Promise<void>((ready, fail) => {
      const timer = setTimeout(() => fail(new Error('server did not start within 60 s')), 60_000);
      child.stdout!.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('listening on')) {
          clearTimeout(timer);
          ready();
        }
      });
      child.on('exit', (code) => fail(new Error(`server exited with ${code}`)));
    });
  }

  /** Stops the server: SIGTERM (graceful) or SIGKILL (a crash). */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill(signal);
    // A graceful stop that hangs would hang the test: end it after 10 s.
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
    this.process = undefined;
  }
}

/**
 * Gives each test of the enclosing describe a server of its own, on its project's port from
 * `ports`: started before the test, stopped after it. Call the returned function in the test.
 */
export function ownServerForEachTest(ports: Record<string, number>): () => OwnServer {
  let server: OwnServer;
  test.beforeEach(async ({}, testInfo) => {
    server = new OwnServer(ports[testInfo.project.name]);
    await server.start();
  });
  test.afterEach(async () => {
    await server.stop();
  });
  return () => server;
}

/**
 * One server for every test of the file, on its project's port from `ports`: for tests that
 * prepare data once (a published round, say) and only read it.
 */
export function ownServerForFile(ports: Record<string, number>): () => OwnServer {
  let server: OwnServer;
  test.beforeAll(async ({}, testInfo) => {
    server = new OwnServer(ports[testInfo.project.name]);
    await server.start();
  });
  test.afterAll(async () => {
    await server.stop();
  });
  return () => server;
}
