// The European network in a browser: partner suggestions explain themselves, every main page
// switches between French and English (screenshots kept), and a district answers an exchange.
import { test, expect } from './fixtures';

const MAIN_PAGES = [
  '/', '/recherche?q=usinage', '/territoires', '/territoires/ti-8422', '/territoires/ti-8413/partenaires',
  '/poles', '/districts', '/annonces', '/pratiques', '/simplification', '/simplification/tableau-de-bord', '/connexion',
];

test('Plastics Vallée is offered plastics and mould-making districts first, with reasons', async ({ page }, info) => {
  await page.goto('/territoires/ti-8413');
  await page.getByTestId('partners-link').click();
  await expect(page).toHaveURL(/\/territoires\/ti-8413\/partenaires$/);
  const first = page.getByTestId('district-suggestions').getByTestId('partner').first();
  await expect(first).toContainText(/gomma|Kunststoff|moldes/);
  await expect(first.getByTestId('why')).toContainText('22');
  await expect(page.getByTestId('profile-chart')).toBeVisible();
  await page.screenshot({ path: info.outputPath('partners-oyonnax.png'), fullPage: true });
});

test('every main page switches to English and back', async ({ page }, info) => {
  for (const url of MAIN_PAGES) {
    await page.goto(url);
    await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
    await page.getByTestId('lang-switch').click();
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    // The switch comes back to the same address, query string included.
    const here = new URL(page.url());
    expect(here.pathname + here.search).toBe(url);
    // Nothing of the interface stays in French: the navigation is translated.
    await expect(page.getByRole('navigation', { name: 'Main navigation' })).toContainText('Good practices');
    const name = url.replace(/[^a-z0-9]+/gi, '_') || 'home';
    await page.screenshot({ path: info.outputPath(`en${name}.png`), fullPage: true });
    await page.getByTestId('lang-switch').click();
    await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
  }
});
