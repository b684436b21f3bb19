// A territory's team offers a land site from a form: the commune picked by its name, the site
// saved and found by the search API within a second, its status changed from its page.
import { test, expect, hydrated } from './fixtures';
import { execFileSync } from 'child_process';

const PASSWORD = 'une phrase de passe longue';

test('a team member offers a land site, finds it at once and puts it under option', async ({ page, request }, info) => {
  const stamp = Date.now();
  const email = `foncier.${stamp}@arve.example.fr`;
  execFileSync(process.env.MAILLAGE_BIN!, [
    '--data-dir', process.env.E2E_DATA_DIR!, 'user', 'create', '--email', email, '--name', 'Fanny Foncier',
    '--role', 'team_member', '--territory', 'ti-8422', '--password', PASSWORD,
  ]);
  await page.goto('/connexion');
  await page.locator('#si-email').fill(email);
  await page.locator('#si-password').fill(PASSWORD);
  await page.locator('form[action="/auth/connexion"] button[type=submit]').click();
  await expect(page).toHaveURL(/\/compte$/);
  await page.getByTestId('new-site-link').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Proposer un site foncier');
  await hydrated(page);

  const name = `Parc des Grands Prés ${stamp}`;
  await page.getByLabel('Nom du site').fill(name);
  const commune = page.getByLabel('Commune', { exact: false }).first();
  await commune.pressSequentially('Clus');
  await page.getByTestId('choices-ls-commune').getByRole('button', { name: 'Cluses (74)', exact: true }).click();
  await expect(commune).toHaveValue('Cluses (74)');
  await page.getByLabel('Surface (ha)').fill('8,5');
  await page.getByLabel('Desserte ferroviaire').check();
  await page.getByLabel('Prix minimal (€/m²)').fill('35');
  await page.getByLabel('Prix maximal (€/m²)').fill('48');
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(page.getByTestId('flash')).toContainText('Site enregistré');
  await expect(page.getByTestId('site-facts')).toContainText('Cluses (74081)');
  await expect(page.getByTestId('site-facts')).toContainText('MS-74081-');
  const id = Number(new URL(page.url()).pathname.split('/').pop());

  // Searchable within a second of saving.
  const started = Date.now();
  await expect.poll(async () => {
    const body = await (await request.get(`/api/v1/search?kind=land_site&q=${encodeURIComponent(`Grands Prés ${stamp}`)}`)).json();
    return body.hits.some((h: { id: number }) => h.id === id);
  }, { timeout: 1_000, intervals: [50] }).toBe(true);
  expect(Date.now() - started).toBeLessThan(1_000);

  // Its status, in one step from its page.
  await page.getByTestId('site-tools').getByLabel('Statut').selectOption('under_option');
  await page.getByTestId('site-tools').getByRole('button', { name: 'Enregistrer' }).click();
  await expect(page.locator('main .badge').first()).toHaveText('Sous option');
  await page.screenshot({ path: info.outputPath('land-site.png'), fullPage: true });
});
