// Search as an industrialist uses it: type, refine with a facet, go back.
import { test, expect } from '@playwright/test';

test('search updates as you type, a facet refines it, back restores it', async ({ page }, info) => {
  await page.goto('/recherche');
  await page.waitForFunction(() => (window as any).__maillage_hydrated === true, null, { timeout: 30_000 });
  await page.evaluate(() => ((window as any).__no_reload = true));
  await page.getByLabel('Savoir-faire, produit, entreprise, certification…').pressSequentially('usinage');
  await expect(page).toHaveURL(/\/recherche\?q=usinage$/);
  const count = page.getByTestId('result-count');
  await expect(count).toHaveText(/^[\d\u202f]+ résultats?$/);
  const before = (await count.textContent())!;
  expect(before).not.toBe('3\u202f126 résultats');
  await page.screenshot({ path: info.outputPath('search-typed.png'), fullPage: true });

  const facet = page.getByTestId('facet-certification').getByRole('link').first();
  await facet.click();
  await expect(page).toHaveURL(/certification=/);
  await expect(count).not.toHaveText(before);
  await expect(page.getByTestId('results').locator('li').first()).toBeVisible();
  await page.screenshot({ path: info.outputPath('search-faceted.png'), fullPage: true });

  await page.goBack();
  await expect(page).toHaveURL(/\/recherche\?q=usinage$/);
  await expect(count).toHaveText(before);
  expect(await page.evaluate(() => (window as any).__no_reload)).toBe(true);
});

test('search works as a plain GET form without JavaScript, with distance', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false, locale: 'fr-FR' });
  const page = await context.newPage();
  await page.goto('/recherche');
  await page.getByLabel('Savoir-faire, produit, entreprise, certification…').fill('usinage');
  await page.getByLabel('Près de (commune ou code INSEE)').fill('Cluses');
  await page.getByLabel('Rayon').selectOption('80');
  await page.getByRole('button', { name: 'Rechercher' }).click();
  await expect(page).toHaveURL(/q=usinage&near=Cluses&radius_km=80/);
  await expect(page.getByLabel('Savoir-faire, produit, entreprise, certification…')).toHaveValue('usinage');
  await expect(page.getByTestId('results').locator('li').first()).toContainText('km');
  await context.close();
});
