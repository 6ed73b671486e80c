import { describe, expect, test } from 'vitest';
import { createTestApp } from '../helpers/test-app.ts';
import { demoConfig } from '../../src/config/demo-config.ts';
import { webDistDir } from '../../src/web/web.routes.ts';
import { digitsOf, expectNoViolations, pdf2, pdf3, releaseCode, t, tile, translatorOf, useTerminalTestbed, waitForHeading, zip } from './terminal-page.ts';

// The terminal start page's flows in Debian's Chromium against the real app: upload, live job
// list, delete, end of session, city links. WCAG checks of every state and the reflow at 400 %
// zoom are in terminal-a11y.e2e.test.ts.

const bed = useTerminalTestbed();
const { sessionFromApi, uploadFromOutside, openTerminal } = bed;

describe('the start page', () => {
  test('shows the five tiles and the configured city links grouped, opening in the same tab', async () => {
    const { page, problems } = await openTerminal();
    for (const [id, key] of [
      ['tile-print', 'terminal.tiles.print'],
      ['tile-jobs', 'terminal.tiles.jobs'],
      ['tile-scan', 'terminal.tiles.scan'],
      ['tile-eid', 'terminal.tiles.eid'],
      ['tile-end', 'terminal.tiles.end'],
    ] as const) {
      expect(await tile(page, id).textContent()).toContain(t(key));
    }
    const configured = bed.ctx.config.sites[0]!.quickLinks;
    const links = page.getByTestId('quick-link');
    await expect.poll(() => links.count()).toBe(configured.length);
    const first = links.first();
    expect(await first.getAttribute('href')).toBe(configured[0]!.url);
    expect(await first.getAttribute('target')).toBeNull();
    expect(await first.textContent()).toContain(configured[0]!.title.de);
    expect(await first.locator('svg').count()).toBe(1);
    // One heading per group, in the order the staff configured.
    const groupHeadings = await page.locator('.quick-links h3').allTextContents();
    expect(groupHeadings).toEqual([t('terminal.links.group.city'), t('terminal.links.group.work'), t('terminal.links.group.forms')]);
    expect(problems).toEqual([]);
  });

  test('in Arabic the city links use their Arabic titles and fall back to German descriptions marked as German', async () => {
    const { page } = await openTerminal({ language: 'ar' });
    const configured = bed.ctx.config.sites[0]!.quickLinks[0]!;
    const first = page.getByTestId('quick-link').first();
    await first.waitFor();
    expect(await first.locator('.tile__title').textContent()).toBe(configured.title.ar);
    expect(await first.locator('.tile__title').getAttribute('lang')).toBeNull();
    const description = first.locator('.tile__text');
    expect(await description.textContent()).toBe(configured.description!.de);
    expect(await description.getAttribute('lang')).toBe('de');
  });
});

describe('printing', () => {
  test('the print screen names the printer exactly as the session API does', async () => {
    const { page } = await openTerminal();
    await tile(page, 'tile-print').click();
    await waitForHeading(page, t('terminal.print.title'));
    const { printerName } = await sessionFromApi();
    await expect.poll(() => page.getByTestId('printer-name').textContent()).toBe(printerName);
    expect(await page.locator('.steps').first().textContent()).toContain(printerName);
    expect(await page.locator('.steps').first().locator('li').count()).toBe(3);
  });

  test('a PDF chosen with the file button uploads with a progress bar and shows up with its pages and the session’s code', async () => {
    const { page, problems } = await openTerminal();
    await tile(page, 'tile-print').click();
    await waitForHeading(page, t('terminal.print.title'));
    // A slow office line (16 KB/s): the 24 KB file takes more than a second, so the bar is seen moving.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 16 * 1024 });

    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: t('terminal.upload.choose') }).click();
    await (await chooser).setFiles({ name: 'Antrag Wohngeld.pdf', mimeType: 'application/pdf', buffer: pdf2 });

    const bar = page.getByRole('progressbar');
    await bar.waitFor({ timeout: 5000 });
    const seen = new Set<string>();
    for (let i = 0; i < 40 && (await bar.count()) > 0; i++) {
      const value = await bar.getAttribute('value').catch(() => null);
      if (value !== null) seen.add(value);
      await page.waitForTimeout(50);
    }
    // Some fraction strictly between nothing and everything was shown.
    expect([...seen].some((value) => Number(value) > 0 && Number(value) < 1), [...seen].join()).toBe(true);
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });

    await waitForHeading(page, t('terminal.jobs.title'));
    const job = page.getByTestId('job');
    await expect.poll(() => job.count(), { timeout: 10_000 }).toBe(1);
    expect(await job.locator('.job__name').textContent()).toBe('Antrag Wohngeld.pdf');
    expect(await job.getByTestId('job-pages').textContent()).toBe(t('terminal.jobs.pages', { pages: 2 }));
    expect(await job.getByTestId('job-status').textContent()).toContain(t('terminal.jobs.status.waiting'));
    // The thumbnail of page 1 is a real image from the server.
    await expect.poll(() => job.locator('img').evaluate((img) => (img as HTMLImageElement).naturalWidth), { timeout: 10_000 }).toBeGreaterThan(0);

    const api = await sessionFromApi();
    expect(api.jobs.map((j) => [j.name, j.pages, j.state])).toEqual([['Antrag Wohngeld.pdf', 2, 'held']]);
    expect(await digitsOf(page)).toBe(api.session.code);
    expect(await releaseCode(page).getAttribute('aria-label')).toBe(api.session.code.split('').join(' '));
    // The QR is our server's SVG shown as an image, never inserted as markup.
    expect(await page.locator('img.code-card__qr').getAttribute('src')).toMatch(/^data:image\/svg\+xml;charset=utf-8,/);
    expect(await page.locator('main svg[height]').count()).toBe(0);
    await expect.poll(() => page.getByTestId('live-polite').textContent()).toBe(t('terminal.upload.done', { pages: 2 }));
    expect(problems).toEqual([]);
  });

  test('an unsupported file gets the translated error, in German and in Arabic, without WCAG violations', async () => {
    for (const language of ['de', 'ar'] as const) {
      const { page, tr } = await openTerminal({ language });
      await tile(page, 'tile-print').click();
      await waitForHeading(page, tr('terminal.print.title'));
      const chooser = page.waitForEvent('filechooser');
      await page.getByRole('button', { name: tr('terminal.upload.choose') }).click();
      await (await chooser).setFiles({ name: 'archiv.zip', mimeType: 'application/zip', buffer: zip });
      const error = page.locator('.upload .tm-notice--error');
      await error.waitFor({ timeout: 10_000 });
      expect(await error.textContent()).toContain(tr('error.spool.format_unsupported'));
      await expect.poll(() => page.getByTestId('live-assertive').textContent()).toContain(tr('error.spool.format_unsupported'));
      // The button says which error belongs to it.
      const describedBy = await page.getByRole('button', { name: tr('terminal.upload.choose') }).getAttribute('aria-describedby');
      expect(await page.locator(`[id="${describedBy}"]`).textContent()).toContain(tr('error.spool.format_unsupported'));
      await expectNoViolations(page, `upload error ${language}`);
      expect((await sessionFromApi()).jobs).toEqual([]);
    }
  });

  test('a file dropped on the upload area is uploaded like a chosen one', async () => {
    const { page } = await openTerminal();
    await tile(page, 'tile-print').click();
    await waitForHeading(page, t('terminal.print.title'));
    const dataTransfer = await page.evaluateHandle((bytes) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(bytes)], 'Mietvertrag.pdf', { type: 'application/pdf' }));
      return transfer;
    }, [...pdf3]);
    await page.dispatchEvent('[data-testid="upload-drop"]', 'dragover', { dataTransfer });
    expect(await page.getByTestId('upload-drop').getAttribute('class')).toContain('upload__drop--active');
    await page.dispatchEvent('[data-testid="upload-drop"]', 'drop', { dataTransfer });
    await waitForHeading(page, t('terminal.jobs.title'));
    await expect.poll(() => page.getByTestId('job').locator('.job__name').allTextContents(), { timeout: 10_000 }).toEqual(['Mietvertrag.pdf']);
    expect((await sessionFromApi()).jobs.map((job) => [job.name, job.pages])).toEqual([['Mietvertrag.pdf', 3]]);
  });

  test('keyboard only: Tab to the file button, Enter opens the chooser, the upload lands in the list', async () => {
    const { page } = await openTerminal();
    await tile(page, 'tile-print').focus();
    await page.keyboard.press('Enter');
    await waitForHeading(page, t('terminal.print.title'));
    // Listen first: Playwright turns on file-chooser interception asynchronously, and a key press
    // right after subscribing can beat it (the chooser then opens unseen).
    const chooser = page.waitForEvent('filechooser');
    // From the new heading, Tab until the file button has the focus.
    const choose = t('terminal.upload.choose');
    for (let i = 0; i < 30; i++) {
      await page.keyboard.press('Tab');
      if ((await page.evaluate(() => document.activeElement?.textContent ?? '')).includes(choose)) break;
    }
    expect(await page.evaluate(() => document.activeElement?.textContent)).toContain(choose);
    await page.keyboard.press('Enter');
    await (await chooser).setFiles({ name: 'Brief.pdf', mimeType: 'application/pdf', buffer: pdf3 });
    await waitForHeading(page, t('terminal.jobs.title'));
    await expect.poll(() => page.getByTestId('job').count(), { timeout: 10_000 }).toBe(1);
    // Focus moved to the new screen's heading, not lost to <body> (polled: it moves after rendering).
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
  });
});

describe('my print jobs', () => {
  test('a job printed from another program appears without a reload', async () => {
    const { page } = await openTerminal();
    await tile(page, 'tile-jobs').click();
    await waitForHeading(page, t('terminal.jobs.title'));
    await page.getByTestId('jobs-empty').waitFor();
    await uploadFromOutside('Rechnung.pdf', pdf3);
    await expect.poll(() => page.getByTestId('job').count(), { timeout: 8000 }).toBe(1);
    expect(await page.getByTestId('job').locator('.job__name').textContent()).toBe('Rechnung.pdf');
    expect(await page.getByTestId('job-pages').textContent()).toBe(t('terminal.jobs.pages', { pages: 3 }));
    await expect.poll(() => page.getByTestId('live-polite').textContent()).toBe(t('terminal.jobs.arrived', { pages: 3 }));
  });

  test('delete asks first; "no" keeps the job and returns focus, "yes" deletes it on the server', async () => {
    await uploadFromOutside('Eins.pdf', pdf3);
    const { id: keptId } = (await uploadFromOutside('Zwei.pdf', pdf2)).job;
    const { page } = await openTerminal();
    await tile(page, 'tile-jobs').click();
    await expect.poll(() => page.getByTestId('job').count(), { timeout: 8000 }).toBe(2);
    const first = page.getByTestId('job').filter({ hasText: 'Eins.pdf' });
    const deleteButton = first.getByRole('button', { name: t('terminal.jobs.delete') });

    await deleteButton.click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe(t('terminal.jobs.confirmDelete'));
    await first.getByRole('button', { name: t('terminal.jobs.confirmNo') }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe(t('terminal.jobs.delete'));
    expect((await sessionFromApi()).jobs.length).toBe(2);

    await deleteButton.click();
    await first.getByRole('button', { name: t('terminal.jobs.confirmYes') }).click();
    await expect.poll(() => page.getByTestId('job').count()).toBe(1);
    expect((await sessionFromApi()).jobs.map((job) => job.id)).toEqual([keptId]);
    await expect.poll(() => page.getByTestId('live-polite').textContent()).toBe(t('terminal.jobs.deletedAnnouncement'));
    // Focus moves once the new screen rendered: poll instead of reading it right after the click.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('jobs-heading');
  });

  test('each job tells in words when it will be deleted', async () => {
    await uploadFromOutside('Eins.pdf', pdf3);
    const { page } = await openTerminal({ language: 'en' });
    await tile(page, 'tile-jobs').click();
    const hours = bed.ctx.config.sites[0]!.holdHours;
    const expected = translatorOf('en')('terminal.jobs.deletedIn', { when: new Intl.RelativeTimeFormat('en', { numeric: 'auto' }).format(hours, 'hour') });
    await expect.poll(() => page.locator('.job__expiry').textContent(), { timeout: 8000 }).toBe(expected);
  });
});

describe('ending the session', () => {
  test('keyboard only: keep the waiting jobs, then the page shows a new code and the old jobs stay held', async () => {
    const { code: oldCode, job } = await uploadFromOutside('Behalten.pdf', pdf3);
    const { page } = await openTerminal();
    await tile(page, 'tile-end').focus();
    await page.keyboard.press('Enter');
    await waitForHeading(page, t('terminal.end.title'));
    await expect.poll(() => page.locator('.lead').textContent()).toBe(`${t('terminal.end.question', { count: 1 })}`);
    // The code to write down is shown with the choice to keep the jobs.
    expect((await page.locator('.choice__code').textContent())?.replace(/\s/g, '')).toBe(oldCode);
    const keep = t('terminal.end.keep');
    for (let i = 0; i < 30; i++) {
      await page.keyboard.press('Tab');
      if ((await page.evaluate(() => document.activeElement?.textContent ?? '')) === keep) break;
    }
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(keep);
    await page.keyboard.press('Enter');
    await waitForHeading(page, t('terminal.title'));
    expect(await page.getByTestId('notice').textContent()).toContain(t('terminal.end.doneKept'));

    const api = await sessionFromApi();
    expect(api.session.code).not.toBe(oldCode);
    expect(api.jobs).toEqual([]);
    const old = await bed.ctx.app.inject({ method: 'GET', url: `/api/terminal/jobs/${job.id}/pages/1/preview.png`, remoteAddress: '127.0.0.1' });
    expect(old.statusCode).toBe(404); // no longer this terminal's …
    expect(bed.ctx.db.prepare('SELECT state FROM print_jobs WHERE id = ?').get(job.id)).toEqual({ state: 'held' }); // … but still at the printer

    await tile(page, 'tile-jobs').click();
    await waitForHeading(page, t('terminal.jobs.title'));
    await expect.poll(() => digitsOf(page)).toBe(api.session.code);
    expect(await page.getByTestId('jobs-empty').count()).toBe(1);
  });

  test('deleting the waiting jobs at the end removes them and starts a new session', async () => {
    const { code: oldCode, job } = await uploadFromOutside('Weg.pdf', pdf3);
    const { page } = await openTerminal();
    await tile(page, 'tile-end').click();
    await waitForHeading(page, t('terminal.end.title'));
    await page.getByRole('button', { name: t('terminal.end.delete') }).click();
    await waitForHeading(page, t('terminal.title'));
    expect(await page.getByTestId('notice').textContent()).toContain(t('terminal.end.doneDeleted'));
    const api = await sessionFromApi();
    expect(api.session.code).not.toBe(oldCode);
    expect(bed.ctx.db.prepare('SELECT state FROM print_jobs WHERE id = ?').get(job.id)).toBeUndefined();
  });

  test('the next person starts fresh: language, large text and contrast go back to the defaults', async () => {
    await uploadFromOutside('Letzter.pdf', pdf3);
    const { page, tr } = await openTerminal({ language: 'en' });
    const pressed = (name: string) => page.getByRole('button', { name }).getAttribute('aria-pressed');
    await page.getByRole('button', { name: tr('shell.largeText') }).click();
    await page.getByRole('button', { name: tr('shell.highContrast') }).click();
    expect(await pressed(tr('shell.largeText'))).toBe('true');
    const htmlClasses = () => page.evaluate(() => [...document.documentElement.classList].filter((c) => c.startsWith('pref-')).sort());
    expect(await htmlClasses()).toEqual(['pref-high-contrast', 'pref-large-text']);

    await tile(page, 'tile-end').click();
    await waitForHeading(page, tr('terminal.end.title'));
    await page.getByRole('button', { name: tr('terminal.end.keep') }).click();
    // German again, as the page comes; the citizen who ended reads the confirmation in English.
    await waitForHeading(page, t('terminal.title'));
    expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual(['de', 'ltr']);
    expect(await htmlClasses()).toEqual([]);
    expect(await pressed(t('shell.largeText'))).toBe('false');
    expect(await pressed(t('shell.highContrast'))).toBe('false');
    const notice = page.getByTestId('notice').locator('p');
    expect(await notice.textContent()).toContain(tr('terminal.end.doneKept'));
    expect(await notice.getAttribute('lang')).toBe('en');
    // Nothing of it is left in the browser session either: a reload stays German and plain.
    await page.reload();
    await waitForHeading(page, t('terminal.title'));
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('de');
    expect(await htmlClasses()).toEqual([]);
  });

  test('with nothing waiting it asks once and ends', async () => {
    const before = (await sessionFromApi()).session.code;
    const { page } = await openTerminal();
    await tile(page, 'tile-end').click();
    await waitForHeading(page, t('terminal.end.title'));
    expect(await page.locator('.lead').textContent()).toBe(t('terminal.end.nothingWaiting'));
    await page.getByRole('button', { name: t('terminal.end.confirm') }).click();
    await waitForHeading(page, t('terminal.title'));
    expect((await sessionFromApi()).session.code).not.toBe(before);
  });
});

describe('a computer that is no terminal', () => {
  test('is told so in plain words where printing needs the terminal, and cannot upload', async () => {
    const raw = structuredClone(demoConfig);
    raw.sites[0]!.terminals[0]!.addresses = ['192.0.2.10'];
    const other = await createTestApp({ webDistDir, rawConfig: raw });
    try {
      const url = await other.app.listen({ port: 0, host: '127.0.0.1' });
      const { page } = await openTerminal({ url });
      await tile(page, 'tile-print').click();
      await waitForHeading(page, t('terminal.print.title'));
      await expect.poll(() => page.locator('.tm-notice--error').first().textContent(), { timeout: 8000 }).toContain(t('error.spool.terminal_unknown'));
      const chooser = page.waitForEvent('filechooser');
      await page.getByRole('button', { name: t('terminal.upload.choose') }).click();
      await (await chooser).setFiles({ name: 'Brief.pdf', mimeType: 'application/pdf', buffer: pdf3 });
      await expect.poll(() => page.locator('.upload .tm-notice--error').textContent()).toContain(t('error.spool.terminal_unknown'));
    } finally {
      await other.close();
    }
  });
});

describe('right to left', () => {
  test('the release code reads left to right in Arabic', async () => {
    await uploadFromOutside('Formular.pdf', pdf3);
    const { page } = await openTerminal({ language: 'ar' });
    await tile(page, 'tile-jobs').click();
    await releaseCode(page).waitFor();
    expect(await page.evaluate(() => getComputedStyle(document.querySelector('.code-card__digits')!).direction)).toBe('ltr');
    const [firstGroup, secondGroup] = await page.evaluate(() => {
      const code = document.querySelector('[data-testid="release-code"]')!;
      const range = document.createRange();
      const text = code.firstChild!;
      range.setStart(text, 0);
      range.setEnd(text, 3);
      const first = range.getBoundingClientRect().left;
      range.setStart(text, 4);
      range.setEnd(text, 7);
      return [first, range.getBoundingClientRect().left];
    });
    expect(firstGroup).toBeLessThan(secondGroup!);
  });
});
