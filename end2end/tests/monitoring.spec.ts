// The programme's scorecards: the map of a figure without WebAssembly, accessible, with its
// legend and table; the drill-down from the nation to a region then a territory.
import { test, expect } from './fixtures';
import AxeBuilder from '@axe-core/playwright';

test('without WebAssembly, the map coloured by jobs created has its legend and its table, and passes axe', async ({ browser }, info) => {
  // Scripts run (axe needs them) but no WebAssembly loads: the page is the server's HTML.
  const context = await browser.newContext({ locale: 'fr-FR' });
  await context.route(/\.wasm(\?|$)/, (route) => route.abort());
  const page = await context.newPage();
  await page.goto('/suivi?indicateur=emplois_crees');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Suivi du programme');
  await expect(page.getByRole('heading', { name: 'Carte des territoires : Emplois créés' })).toBeVisible();
  const map = page.getByTestId('france-map');
  await expect(map.locator('a')).toHaveCount(183);
  // Coloured: some territories in a class above zero, each labelled with its value.
  expect(await map.locator('a.ti.q1, a.ti.q2, a.ti.q3, a.ti.q4').count()).toBeGreaterThan(3);
  const first = page.getByTestId('map-table').locator('tbody tr').first();
  const name = (await first.locator('th').innerText()).trim();
  const value = (await first.locator('td').innerText()).trim();
  await expect(map.getByRole('link', { name: `${name} : ${value}` })).toHaveCount(1);
  await expect(page.getByTestId('map-legend').locator('li')).toHaveCount(await page.getByTestId('map-legend').locator('.swatch').count());
  await expect(page.getByTestId('map-table').locator('tbody tr')).toHaveCount(183);
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(results.violations.map((v) => `${v.id} ${v.help} ${v.nodes.map((n) => n.target).join(' ')}`)).toEqual([]);
  await page.screenshot({ path: info.outputPath('suivi-map.png'), fullPage: true });
  await context.close();
  // And with no script at all, the same map and table.
  const bare = await browser.newContext({ javaScriptEnabled: false, locale: 'fr-FR' });
  const plain = await bare.newPage();
  await plain.goto('/suivi?indicateur=emplois_crees');
  await expect(plain.getByTestId('france-map').locator('a.ti.q1, a.ti.q2, a.ti.q3, a.ti.q4').first()).toBeVisible();
  await expect(plain.getByTestId('map-table').locator('tbody tr')).toHaveCount(183);
  await bare.close();
});

test('a click on a region then on a territory drills down, the figure kept', async ({ page }) => {
  await page.goto('/suivi?indicateur=montants_engages');
  await page.getByTestId('regions').getByRole('link', { name: 'Auvergne-Rhône-Alpes' }).click();
  await expect(page).toHaveURL(/\/suivi\/regions\/84\?indicateur=montants_engages$/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Auvergne-Rhône-Alpes');
  await page.getByTestId('territories').getByRole('link', { name: 'Oyonnax' }).first().click();
  await expect(page).toHaveURL(/\/suivi\/territoires\/ti-8413/);
  await expect(page.getByTestId('key-figures')).toBeVisible();
  await page.getByRole('link', { name: 'Auvergne-Rhône-Alpes' }).first().click();
  await expect(page).toHaveURL(/\/suivi\/regions\/84/);
});

for (const lang of ['fr-FR', 'en-GB']) {
  test(`scorecard pages have no accessibility violations (${lang})`, async ({ browser }) => {
    const context = await browser.newContext({ locale: lang });
    const page = await context.newPage();
    for (const url of ['/suivi', '/suivi/regions/84', '/suivi/territoires/ti-8413', '/suivi/evaluations']) {
      await page.goto(url);
      const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
      expect(results.violations.map((v) => `${url}: ${v.id} ${v.help}`)).toEqual([]);
    }
    await context.close();
  });
}
