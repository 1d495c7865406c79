import { expect, Page, test } from '@playwright/test';

// Every page type a citizen reads, walked with the Tab key from the top to the end, as a
// keyboard or screen-reader user moves through it: each stop must be something visible, show
// where the focus is, and have a role and a name in the accessibility tree Chromium gives
// screen readers. The accessibility policy page reports what this walk finds.
const PLAN = '/plans/komagane-dx-strategy';
const WALKED = [
  { name: 'home', path: '/' },
  { name: 'plan overview', path: PLAN },
  { name: 'progress overview', path: `${PLAN}/progress` },
  { name: 'measure', path: `${PLAN}/measures/regional-06` },
  { name: 'roadmap', path: `${PLAN}/roadmap` },
  { name: 'glossary', path: `${PLAN}/glossary` },
  { name: 'search', path: '/search?q=%E9%98%B2%E7%81%BD' },
  { name: 'data page', path: `${PLAN}/data` },
  { name: 'accessibility policy', path: '/accessibility' },
  { name: 'sign-in', path: '/login' },
];

/** Beyond this many stops a page is not walked further (the roadmap has a few hundred). */
const MOST_STOPS = 600;

interface Stop {
  announced: string;
  visible: boolean;
  indicated: boolean;
  key: string;
}

async function currentStop(page: Page): Promise<Stop | null> {
  const focused = page.locator(':focus');
  if ((await focused.count()) === 0) return null;
  const facts = await focused.evaluate((el) => {
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    const outlined = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
    return {
      summary: el.tagName === 'SUMMARY' ? (el.textContent ?? '').trim() : null,
      visible: box.width > 0 && box.height > 0 && style.visibility !== 'hidden',
      indicated: outlined || style.boxShadow !== 'none',
      // Elements have no identity across evaluations: a path of tag names and indexes does.
      key: (() => {
        const parts: string[] = [];
        for (let node: Element | null = el; node; node = node.parentElement) {
          const index = node.parentElement ? Array.from(node.parentElement.children).indexOf(node) : 0;
          parts.unshift(`${node.tagName}:${index}`);
        }
        return parts.join('/');
      })(),
    };
  });
  // What a screen reader announces: the first line of the focused element's place in the
  // accessibility tree, its role and its name (`- link "Glossary"`). A disclosure's summary
  // has no ARIA role for the snapshot to give; Chromium exposes it as a disclosure triangle
  // named by its text, which is what is announced.
  const { summary, ...rest } = facts;
  const announced = summary
    ? `- disclosure "${summary}"`
    : (await focused.ariaSnapshot()).split('\n')[0];
  return { announced, ...rest };
}

for (const { name, path } of WALKED) {
  test(`the ${name} can be walked with the keyboard, every stop visible, indicated and named`, async ({ page }) => {
    test.setTimeout(120_000);
    await page.goto(path);
    const stops: Stop[] = [];
    const seen = new Set<string>();
    for (let i = 0; i < MOST_STOPS; i++) {
      await page.keyboard.press('Tab');
      const stop = await currentStop(page);
      // Past the last stop the focus leaves the page (to the browser's own controls).
      if (!stop || seen.has(stop.key)) break;
      seen.add(stop.key);
      stops.push(stop);
    }
    expect(stops.length, `${path}: stops`).toBeGreaterThan(3);
    expect(stops[0].announced, 'the first stop skips to the main content').toMatch(/^- link "本文へスキップ"/);
    const unnamed = stops.filter((s) => !/^- [\w-]+ "[^"]+"/.test(s.announced)).map((s) => s.announced);
    expect(unnamed, `${path}: stops without a role and a name`).toEqual([]);
    const hidden = stops.filter((s) => !s.visible).map((s) => s.announced);
    expect(hidden, `${path}: stops that cannot be seen`).toEqual([]);
    const unindicated = stops.filter((s) => !s.indicated).map((s) => s.announced);
    expect(unindicated, `${path}: stops that do not show the focus`).toEqual([]);
    test.info().annotations.push({ type: 'stops', description: `${path}: ${stops.length}` });
  });
}
