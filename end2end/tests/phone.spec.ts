// A phone-sized screen (390 x 844): nothing overflows sideways, the header folds into a menu,
// the first search result is within two screens, and the skip link works once hydrated.
import { Page } from '@playwright/test';
import { test, expect, hydrated } from './fixtures';

const PHONE = { width: 390, height: 844 };


/** The first link's address in a list on `url`. */
async function firstLink(page: Page, url: string, selector: string): Promise<string> {
  await page.goto(url);
  const href = await page.locator(selector).first().getAttribute('href');
  expect(href, `a link ${selector} on ${url}`).toBeTruthy();
  return href!;
}

/** What sticks out on the right of the screen, to say where an overflow comes from. */
async function overflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= width) return [];
    const out: string[] = [];
    for (const el of Array.from(document.querySelectorAll('body *'))) {
      const r = el.getBoundingClientRect();
      // An element inside a scrolling box (a wide table) does not make the page overflow.
      let scrolls = false;
      for (let p = el.parentElement; p; p = p.parentElement) {
        const s = getComputedStyle(p).overflowX;
        if (s === 'auto' || s === 'scroll' || s === 'hidden') { scrolls = true; break; }
      }
      if (!scrolls && r.right > width + 1 && r.width > 0) {
        out.push(`${el.tagName.toLowerCase()}.${(el as HTMLElement).className || ''} right=${Math.round(r.right)}`);
      }
    }
    return [`scrollWidth ${document.documentElement.scrollWidth} > ${width}`, ...out.slice(0, 8)];
  });
}

test('at 390 px no main page overflows sideways and the header folds into a menu', async ({ browser }, info) => {
  const context = await browser.newContext({ viewport: PHONE, locale: 'fr-FR' });
  const page = await context.newPage();
  const firm = await firstLink(page, '/territoires/ti-8413', '[data-testid=firm-list] tbody tr th a');
  const proposal = await firstLink(page, '/simplification', '[data-testid=proposal-list] a[href^="/simplification/"]');
  const need = await firstLink(page, '/annonces', 'main a[href^="/annonces/"]:not([href$="nouvelle"])');
  const pages = ['/', '/recherche?q=usinage', '/territoires', '/territoires/ti-8422', '/territoires/ti-8422/filieres',
    '/territoires/ti-8413/partenaires', '/poles', '/districts', '/annonces', need, '/pratiques', '/simplification',
    proposal, '/simplification/tableau-de-bord', firm, '/connexion', '/inscription', '/rejoindre', '/revendications', '/clusters',
    '/page-inexistante'];
  const failures: string[] = [];
  for (const url of pages) {
    await page.goto(url);
    const out = await overflow(page);
    if (out.length) {
      failures.push(`${url}: ${out.join(' | ')}`);
      await page.screenshot({ path: info.outputPath(`overflow-${url.replace(/\W+/g, '_')}.png`), fullPage: true });
    }
  }
  expect(failures).toEqual([]);

  // The header is a line, not a third of the screen; its menu opens on demand.
  await page.goto('/territoires');
  const header = await page.locator('header.site-header').boundingBox();
  expect(header!.height).toBeLessThan(PHONE.height * 0.2);
  const nav = page.getByRole('navigation', { name: 'Navigation principale' });
  await expect(nav.getByRole('link', { name: 'Annonces' })).toBeHidden();
  await page.getByText('Menu', { exact: true }).click();
  await expect(nav.getByRole('link', { name: 'Annonces' })).toBeVisible();
  await page.screenshot({ path: info.outputPath('phone-menu.png') });
  await context.close();
});

test('on a phone the first search result is within two screens, the facets in a disclosure', async ({ browser }, info) => {
  const context = await browser.newContext({ viewport: PHONE, locale: 'fr-FR' });
  const page = await context.newPage();
  await page.goto('/recherche?q=usinage');
  const first = page.getByTestId('results').locator('li').first();
  await expect(first).toBeVisible();
  const top = await first.evaluate((el) => el.getBoundingClientRect().top + window.scrollY);
  expect(top).toBeLessThan(PHONE.height * 2);
  // The facets come after, folded; opening them shows their links.
  const refine = page.getByText('Affiner les résultats', { exact: true });
  await expect(page.getByTestId('facet-naf_division')).toBeHidden();
  await refine.click();
  await expect(page.getByTestId('facet-naf_division')).toBeVisible();
  await page.screenshot({ path: info.outputPath('phone-search.png'), fullPage: true });
  await context.close();
});

test('the skip link moves focus to the content, before and after hydration', async ({ page }) => {
  await page.goto('/territoires');
  await hydrated(page);
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Aller au contenu' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('main#contenu')).toBeFocused();
});

test('the 404 page has a title', async ({ page }) => {
  const r = await page.goto('/page-inexistante');
  expect(r?.status()).toBe(404);
  await expect(page).toHaveTitle(/Page introuvable/);
});
