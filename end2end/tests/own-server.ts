import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * A server of this test's own, for tests that stop, kill or restart it (the shared server of
 * playwright.config.ts must stay up for the other tests). Same binary and site, its own port
 * and data directory; restarts keep the data directory.
 */
export class OwnServer {
  readonly url: string;
  readonly dataDir = mkdtempSync(join(tmpdir(), 'keikaku-e2e-own-'));
  private process?: ChildProcess;

  constructor(readonly port: number) {
    this.url = `http://127.0.0.1:${port}`;
  }

  async start(): Promise<void> {
    const repo = resolve(__dirname, '..', '..');
    const profile = process.env.E2E_PROFILE ?? 'debug';
    const child = spawn(join(repo, 'target', profile, 'server'), ['serve'], {
      cwd: repo,
      env: {
        ...process.env,
        LEPTOS_SITE_ADDR: `127.0.0.1:${this.port}`,
        LEPTOS_SITE_ROOT: 'target/site',
        LEPTOS_OUTPUT_NAME: 'keikaku',
        LEPTOS_HASH_FILES: 'true',
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
