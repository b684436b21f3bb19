// Search as an industrialist uses it: type, refine with a facet, go back.
import { test, expect } from './fixtures';

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
  await page.getByLabel('Près de (commune ou code postal)').fill('Cluses');
  await page.getByLabel('Rayon').selectOption('80');
  await page.getByRole('button', { name: 'Rechercher' }).click();
  await expect(page).toHaveURL(/q=usinage&near=Cluses&radius_km=80/);
  await expect(page.getByLabel('Savoir-faire, produit, entreprise, certification…')).toHaveValue('usinage');
  await expect(page.getByTestId('results').locator('li').first()).toContainText('km');
  await context.close();
});

test('a place is a name, a postal code or a misspelling with suggestions; a SIRET opens its firm', async ({ page, request }) => {
  // The postal code and the name find results; never an error page.
  for (const near of ['74300', 'Cluses']) {
    await page.goto(`/recherche?q=usinage&near=${near}&radius_km=25`);
    await expect(page.getByTestId('result-count')).toContainText(/\d/);
    await expect(page.getByTestId('place-unknown')).toHaveCount(0);
  }
  // A misspelt name is said, with the commune it may be, a link to the same search near it.
  await page.goto('/recherche?q=usinage&near=Clusse');
  await expect(page.getByTestId('place-unknown')).toBeVisible();
  const suggestion = page.getByTestId('place-suggestions').getByRole('link', { name: /Cluses \(74\)/ });
  await suggestion.click();
  await expect(page).toHaveURL(/near=74081/);
  await expect(page.getByTestId('place-unknown')).toHaveCount(0);
  // A SIRET typed in the box opens its firm's page.
  const hits = await (await request.get('/api/v1/search?q=usinage&kind=firm&per_page=20')).json();
  const firm = hits.hits.find((h: any) => h.siret);
  await page.goto(`/recherche?q=${firm.siret}`);
  await expect(page).toHaveURL(new RegExp(`/organisations/${firm.id}$`));
});
