// Explanations speak the reader's language: on the English pages, the reasons of a firm
// suggested for an annonce and of a partner district are English, built from the same
// reasons as the French ones.
import { test, expect } from './fixtures';
import { execFileSync } from 'child_process';

const PASSWORD = 'une phrase de passe longue';

test('match and partner explanations are English on the English pages', async ({ browser, request }) => {
  // Partners of Plastics Vallée, read in English.
  const english = await browser.newContext({ locale: 'en-GB' });
  const visitor = await english.newPage();
  await visitor.goto('/territoires/ti-8413/partenaires');
  await expect(visitor.locator('html')).toHaveAttribute('lang', 'en');
  const why = visitor.getByTestId('district-suggestions').getByTestId('partner').first().getByTestId('why');
  await expect(why).toContainText('Shared specialisations');
  await expect(why).not.toContainText('Spécialisations');

  // A buyer's annonce, its suggested firms read in English.
  const poles = await (await request.get('/api/v1/organisations?kind=pole&per_page=1')).json();
  const stamp = Date.now();
  const email = `explications.${stamp}@example.fr`;
  execFileSync(process.env.MAILLAGE_BIN!, [
    '--data-dir', process.env.E2E_DATA_DIR!, 'user', 'create',
    '--email', email, '--name', 'Eve Acheteuse', '--role', 'admin', '--organisation', String(poles.items[0].id), '--password', PASSWORD,
  ]);
  const context = await browser.newContext({ locale: 'fr-FR' });
  const page = await context.newPage();
  await page.goto('/connexion');
  await page.getByLabel('Adresse électronique').first().fill(email);
  await page.getByLabel('Mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page).toHaveURL(/\/compte$/);
  await page.goto('/annonces/nouvelle');
  await page.getByLabel("Type d'annonce").selectOption('supplier');
  await page.getByLabel('Titre').fill(`Usinage de pièces en acier ${stamp}`);
  await page.getByLabel('Activités NAF concernées').fill('25.62');
  await page.getByLabel('Commune', { exact: true }).fill('74081');
  await page.getByLabel('Rayon de recherche (km)').selectOption('60');
  await page.getByRole('button', { name: 'Publier' }).click();
  const french = page.getByTestId('matches').getByTestId('why').first();
  await expect(french).toContainText(/même (activité|classe|groupe|division) NAF/);
  await page.getByTestId('lang-switch').click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  const reasons = page.getByTestId('matches').getByTestId('why').first();
  await expect(reasons).toContainText(/same NAF (activity|class|group|division)/);
  await expect(reasons).not.toContainText('même');
});
