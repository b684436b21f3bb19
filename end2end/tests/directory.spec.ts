// The territorial directory, as a visitor meets it.
import { Page } from '@playwright/test';
import { test, expect, hydrated } from './fixtures';
import AxeBuilder from '@axe-core/playwright';


test('home page shows key figures and a map of 183 territory links', async ({ page }, info) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Territoires d');
  await expect(page.getByTestId('key-figures')).toContainText('183');
  const links = page.getByTestId('france-map').locator('a');
  await expect(links).toHaveCount(183);
  await page.screenshot({ path: info.outputPath('home.png'), fullPage: true });
});

test('a territory link on the map leads to its page and its EPCI', async ({ page }, info) => {
  await page.goto('/');
  await page.getByTestId('france-map').getByRole('link', { name: "Vallée de l'Arve" }).click();
  await expect(page).toHaveURL(/\/territoires\/ti-8422$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText("Vallée de l'Arve");
  const rows = page.getByTestId('epci-list').locator('tbody tr');
  await expect(rows).toHaveCount(2);
  await expect(page.getByTestId('epci-list')).toContainText('CC Cluses-Arve et Montagnes');
  await expect(page.getByTestId('epci-list')).toContainText('CC Faucigny - Glières');
  await page.screenshot({ path: info.outputPath('territory.png'), fullPage: true });
});

test('hydrated, the territory list filters as you type without reloading', async ({ page }, info) => {
  await page.goto('/territoires');
  await expect(page.getByTestId('territory-count')).toHaveText(/183 territoires/);
  await hydrated(page);
  // A marker that a full page load would erase.
  await page.evaluate(() => ((window as any).__no_reload = true));
  // Unaccented on purpose: "Vallée de l'Arve" must match.
  await page.getByLabel('Nom du territoire').pressSequentially('vallee arve');
  await expect(page.getByTestId('territory-count')).toHaveText(/^1 territoire$/);
  await expect(page.getByTestId('territory-table').locator('tbody tr')).toHaveCount(1);
  expect(await page.evaluate(() => (window as any).__no_reload)).toBe(true);
  await expect(page).toHaveURL(/\?q=vallee\+arve$/);
  await page.screenshot({ path: info.outputPath('territories-filtered.png'), fullPage: true });
});

test('without JavaScript the filter still works as a GET form', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false, locale: 'fr-FR' });
  const page = await context.newPage();
  await page.goto('/territoires');
  await page.getByLabel('Région').selectOption({ label: 'Corse' });
  await page.getByRole('button', { name: 'Filtrer' }).click();
  await expect(page).toHaveURL(/region=94/);
  await expect(page.getByTestId('territory-table').locator('tbody tr')).toHaveCount(2);
  await context.close();
});

test('the language switch renders the page in English and back', async ({ page }) => {
  await page.goto('/territoires/ti-8422');
  await page.getByTestId('lang-switch').click();
  await expect(page).toHaveURL(/\/territoires\/ti-8422$/);
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('heading', { name: /Member intercommunalities/ })).toBeVisible();
  await page.getByTestId('lang-switch').click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
});

test('pôle and district pages show their profile', async ({ page }) => {
  await page.goto('/poles');
  await page.getByRole('link', { name: 'Polymeris' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Polymeris');
  await expect(page.getByTestId('divisions')).toContainText('22');
  await page.goto('/districts');
  await page.getByRole('link', { name: 'Distretto della ceramica di Sassuolo' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Distretto della ceramica di Sassuolo');
  await expect(page.locator('main')).toContainText('ITH54');
});

test('a firm opens from its territory page', async ({ page }, info) => {
  await page.goto('/territoires/ti-8413');
  await expect(page.getByTestId('division-chart')).toBeVisible();
  const firstFirm = page.getByTestId('firm-list').locator('tbody tr th a').first();
  const name = (await firstFirm.textContent())!.trim();
  await firstFirm.click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
  await expect(page.getByTestId('firm-facts')).toContainText('SIRET');
  await expect(page.getByText('Données de démonstration')).toBeVisible();
  await page.screenshot({ path: info.outputPath('firm.png'), fullPage: true });
});

test('an unknown territory answers 404 with a clear message', async ({ page }) => {
  const response = await page.goto('/territoires/ti-0000');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page introuvable');
});

for (const lang of ['fr-FR', 'en-GB']) {
  test(`main pages have no accessibility violations (${lang})`, async ({ browser }) => {
    const context = await browser.newContext({ locale: lang });
    const page = await context.newPage();
    for (const url of ['/', '/territoires', '/territoires/ti-8422', '/poles', '/districts', '/recherche?q=usinage', '/connexion', '/inscription', '/mot-de-passe-oublie', '/simplification', '/simplification/tableau-de-bord', '/pratiques', '/territoires/ti-8413/partenaires', '/territoires/ti-8422/partenaires', '/annonces', '/territoires/ti-8422/filieres', '/page-inexistante']) {
      await page.goto(url);
      const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
      expect(results.violations.map((v) => `${url}: ${v.id} ${v.help}`)).toEqual([]);
    }
    await context.close();
  });
}
