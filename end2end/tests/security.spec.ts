// An attacker's markup in user text stays text: an annonce titled with a meta refresh is
// shown as typed, in the page and in the tab's title, and the visitor stays on the annonce.
import { test, expect } from './fixtures';
import { execFileSync } from 'child_process';

const PASSWORD = 'une phrase de passe longue';
const MARKUP = '</title><meta http-equiv=refresh content="1;url=https://elsewhere.example/">';

test('an annonce titled with a meta refresh keeps the visitor on the annonce', async ({ browser, request }) => {
  const poles = await (await request.get('/api/v1/organisations?kind=pole&per_page=1')).json();
  const stamp = Date.now();
  const email = `auteur.${stamp}@example.fr`;
  execFileSync(process.env.MAILLAGE_BIN!, [
    '--data-dir', process.env.E2E_DATA_DIR!, 'user', 'create',
    '--email', email, '--name', 'Auteur', '--role', 'admin', '--organisation', String(poles.items[0].id), '--password', PASSWORD,
  ]);
  const author = await (await browser.newContext({ locale: 'fr-FR' })).newPage();
  await author.goto('/connexion');
  await author.getByLabel('Adresse électronique').first().fill(email);
  await author.getByLabel('Mot de passe').fill(PASSWORD);
  await author.getByRole('button', { name: 'Se connecter' }).click();
  await expect(author).toHaveURL(/\/compte$/);
  const title = `Fraisage ${stamp} ${MARKUP}`;
  await author.goto('/annonces/nouvelle');
  await author.getByLabel("Type d'annonce").selectOption('supplier');
  await author.getByLabel('Titre').fill(title);
  await author.getByLabel('Description', { exact: true }).fill('Fraisage de pièces en aluminium, 50 par mois.');
  await author.getByLabel('Commune', { exact: true }).fill('74081');
  await author.getByLabel('Rayon de recherche (km)').selectOption('60');
  await author.getByLabel('Publique', { exact: true }).check();
  await author.getByRole('button', { name: 'Publier' }).click();
  await expect(author.getByTestId('flash')).toContainText('Annonce publiée');
  const path = new URL(author.url()).pathname;

  // A visitor, signed out, before and after hydration.
  const visitor = await (await browser.newContext({ locale: 'fr-FR' })).newPage();
  await visitor.goto(path);
  await expect(visitor.getByRole('heading', { level: 1 })).toHaveText(title);
  await visitor.waitForFunction(() => (window as any).__maillage_hydrated === true);
  await visitor.waitForTimeout(2_500);
  expect(new URL(visitor.url()).pathname).toBe(path);
  expect(await visitor.title()).toBe(title);
  expect(await visitor.locator('head meta[http-equiv]').count()).toBe(0);
});
