/**
 * A page driven by this benchmark over the DevTools protocol, without Playwright's own
 * instrumentation of the page.
 *
 * Playwright enables the protocol's network events on every page it drives, with no limit on
 * the request bodies they carry: each request reaches Playwright with its whole body, base64
 * in JSON. A trace of the sync benchmark showed the browser's main thread spending 22–57 ms per
 * push of 2,000 notes (about 0.4 MB) passing those events on, besides the renderer's encoding
 * and Node's decoding, on the two cores the server and the page share. No user's browser does
 * that work, so the timed parts of the benchmark run in a page of their own: a browser context
 * Playwright does not know (it detaches from such targets), attached through a browser-level
 * session, with network events on (offline emulation needs them) but request bodies left out
 * (`maxPostDataSize: 1`).
 */
export class CdpPage {
  /** Opens a blank page in a new browser context of `browser` (a Playwright `Browser`). */
  static async open(browser, origin) {
    const cdp = await browser.newBrowserCDPSession();
    const { browserContextId } = await cdp.send('Target.createBrowserContext', {});
    const { targetId } = await cdp.send('Target.createTarget', { url: 'about:blank', browserContextId });
    const page = new CdpPage(cdp, browserContextId, origin);
    page.session = await page.attach(targetId);
    await page.call('Page.enable');
    await page.call('Network.enable', { maxPostDataSize: 1 });
    return page;
  }

  constructor(cdp, browserContextId, origin) {
    this.cdp = cdp;
    this.browserContextId = browserContextId;
    this.origin = origin;
    this.lastId = 0;
    this.replies = new Map();
    this.listeners = new Set();
    cdp.on('Target.receivedMessageFromTarget', ({ sessionId, message }) => {
      const parsed = JSON.parse(message);
      const reply = parsed.id !== undefined && this.replies.get(parsed.id);
      if (reply) {
        this.replies.delete(parsed.id);
        if (parsed.error) reply.fail(new Error(`${reply.method}: ${parsed.error.message}`));
        else reply.done(parsed.result);
      } else if (parsed.method) {
        for (const listener of this.listeners) listener(sessionId, parsed);
      }
    });
  }

  async attach(targetId) {
    // Messages travel inside the browser session (`sendMessageToTarget`), which is all a
    // Playwright browser session can carry.
    const { sessionId } = await this.cdp.send('Target.attachToTarget', { targetId, flatten: false });
    return sessionId;
  }

  call(method, params = {}, sessionId = this.session) {
    const id = ++this.lastId;
    const reply = new Promise((done, fail) => this.replies.set(id, { done, fail, method }));
    this.cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) })
      .catch((error) => this.replies.get(id)?.fail(error));
    return reply;
  }

  /** Resolves at the page's next `method` event (listen before causing it). */
  nextEvent(method) {
    return new Promise((done) => {
      const listener = (sessionId, event) => {
        if (sessionId !== this.session || event.method !== method) return;
        this.listeners.delete(listener);
        done(event.params);
      };
      this.listeners.add(listener);
    });
  }

  async goto(path) {
    const loaded = this.nextEvent('Page.loadEventFired');
    const { errorText } = await this.call('Page.navigate', { url: new URL(path, this.origin).href });
    if (errorText) throw new Error(`${path}: ${errorText}`);
    await loaded;
  }

  async reload() {
    const loaded = this.nextEvent('Page.loadEventFired');
    await this.call('Page.reload');
    await loaded;
  }

  /** Runs `fn(arg)` in the page and returns its (awaited) result, which must be JSON. */
  async evaluate(fn, arg) {
    const result = await this.run({ expression: `(${fn})(${JSON.stringify(arg)})`, awaitPromise: true, returnByValue: true });
    return result.value;
  }

  /** Runs a script's text in the page, as a script tag would. */
  async addScript(source) {
    await this.run({ expression: source });
  }

  async run(evaluation) {
    const { result, exceptionDetails } = await this.call('Runtime.evaluate', evaluation);
    if (exceptionDetails) {
      throw new Error(`in the page: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
    }
    return result;
  }

  /** Polls `fn(arg)` every `polling` ms until it returns something truthy. */
  async waitForFunction(fn, arg, { timeout = 600_000, polling = 20 } = {}) {
    const deadline = Date.now() + timeout;
    for (;;) {
      // A navigation in progress destroys the context an evaluation runs in: try again.
      const value = await this.evaluate(fn, arg).catch(() => undefined);
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${fn}`);
      await new Promise((done) => setTimeout(done, polling));
    }
  }

  /**
   * Cuts the page and this context's service workers off the network, or connects them again,
   * as Playwright's `setOffline` does. The page receives `offline` and `online` events.
   */
  async setOffline(offline) {
    const conditions = { offline, latency: 0, downloadThroughput: -1, uploadThroughput: -1 };
    // The page first: reconnecting, its `online` event starts the sync being timed.
    await this.call('Network.emulateNetworkConditions', conditions);
    const { targetInfos } = await this.cdp.send('Target.getTargets');
    const workers = targetInfos.filter((t) => t.type === 'service_worker' && t.browserContextId === this.browserContextId);
    this.workerSessions ??= new Map();
    for (const worker of workers) {
      if (!this.workerSessions.has(worker.targetId)) {
        const session = await this.attach(worker.targetId);
        await this.call('Network.enable', { maxPostDataSize: 1 }, session);
        this.workerSessions.set(worker.targetId, session);
      }
      await this.call('Network.emulateNetworkConditions', conditions, this.workerSessions.get(worker.targetId));
    }
  }

  async close() {
    await this.cdp.send('Target.disposeBrowserContext', { browserContextId: this.browserContextId });
    await this.cdp.detach();
  }
}
