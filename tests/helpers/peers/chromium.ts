import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { requireCommand } from './process.ts';

/** Debian's chromium; playwright-core never downloads a browser of its own here. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

// Flags keep the browser off the network (only the pages a test opens) and quiet on a headless
// machine as root.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export interface ChromiumPeer {
  browser: Browser;
  /**
   * A page in a fresh browser context (own cookies and storage). axe needs pages from an
   * explicit context: `browser.newPage()` pages make AxeBuilder throw.
   */
  newPage: (options?: BrowserContextOptions) => Promise<Page>;
  stop: () => Promise<void>;
}

/** Launches Debian's headless Chromium (playwright gives it a fresh temp profile each time). */
export async function launchChromium({ timeoutMs = 30_000 }: { timeoutMs?: number } = {}): Promise<ChromiumPeer> {
  const executablePath = requireCommand('chromium', 'chromium');
  const browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS, timeout: timeoutMs });
  return {
    browser,
    newPage: async (options) => await (await browser.newContext(options)).newPage(),
    stop: () => browser.close(),
  };
}

export interface A11yViolation {
  id: string;
  impact: string | null | undefined;
  help: string;
  helpUrl: string;
  /** CSS selectors of the offending elements. */
  targets: string[];
}

export interface A11yResult {
  violations: A11yViolation[];
  /** One readable block per violation, for `expect(result.report).toBe('')`-style messages. */
  report: string;
}

/** WCAG 2.1 A and AA, the level BITV 2.0 requires. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * Runs axe-core on `page` with the WCAG 2.1 AA rules and returns violations formatted readably.
 * The page must come from `browser.newContext()` (or `ChromiumPeer.newPage`).
 */
export async function checkA11y(
  page: Page,
  { include, exclude, disableRules = [] }: { include?: string; exclude?: string; disableRules?: string[] } = {},
): Promise<A11yResult> {
  let builder = new AxeBuilder({ page }).withTags(WCAG_TAGS);
  if (include) builder = builder.include(include);
  if (exclude) builder = builder.exclude(exclude);
  if (disableRules.length > 0) builder = builder.disableRules(disableRules);
  const results = await builder.analyze();
  const violations = results.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact,
    help: violation.help,
    helpUrl: violation.helpUrl,
    targets: violation.nodes.map((node) => node.target.map(String).join(' ')),
  }));
  const report = results.violations
    .map((violation) =>
      [
        `${violation.id} (${violation.impact ?? 'n/a'}): ${violation.help}`,
        ...violation.nodes.map((node) => `  at ${node.target.map(String).join(' ')}: ${node.html.slice(0, 160)}`),
      ].join('\n'),
    )
    .join('\n');
  return { violations, report };
}
