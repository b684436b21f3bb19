// A real firm gets on by itself: a new person signs up, finds the firm the national register
// loaded (the SIRENE extract imported at start-up, see playwright.config.ts), claims it; the
// chef de projet of ti-8422 approves it from the queue; the new admin declares a capability
// and EN 9100; an aeronautics annonce published nearby right after suggests the firm.
import { Browser, Page } from '@playwright/test';
import { test, expect, hydrated, mailedLink } from './fixtures';
import { execFileSync } from 'child_process';

const PASSWORD = 'une phrase de passe longue';
/** The décolletage shop of the extract, in Cluses. */
const SIRET = '41234567000019';

async function signIn(browser: Browser, email: string): Promise<Page> {
  const page = await (await browser.newContext({ locale: 'fr-FR' })).newPage();
  await page.goto('/connexion');
  await page.locator('#si-email').fill(email);
  await page.locator('#si-password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page).toHaveURL(/\/compte$/);
  return page;
}

test('a new person claims a register firm, the territory approves, the firm is suggested', async ({ page, browser }, info) => {
  const stamp = Date.now();
  const email = `gerante.${stamp}@example.fr`;
  const chef = `cheffe.${stamp}@arve.example.fr`;
  execFileSync(process.env.MAILLAGE_BIN!, [
    '--data-dir', process.env.E2E_DATA_DIR!, 'user', 'create', '--email', chef, '--name', 'Chloé Cheffe',
    '--role', 'project_manager', '--territory', 'ti-8422', '--password', PASSWORD,
  ]);

  // Sign up and confirm from the mail.
  await page.goto('/inscription');
  await page.getByLabel('Nom et prénom').fill('Claire Martin');
  await page.getByLabel('Adresse électronique').fill(email);
  await page.getByLabel('Nouveau mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Créer un compte' }).click();
  await expect.poll(() => { try { return mailedLink(email, '/verifier'); } catch { return ''; } }, { timeout: 10_000 }).toContain('/verifier?token=');
  const link = new URL(mailedLink(email, '/verifier'));
  await page.goto(link.pathname + link.search);
  await page.getByLabel('Mot de passe', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Confirmer mon adresse' }).click();
  await expect(page.getByTestId('account-email')).toContainText(email);

  // Find the firm by its SIRET, and claim it.
  await page.goto('/rejoindre');
  await page.getByLabel('SIRET, SIREN ou nom').fill(`${SIRET.slice(0, 9)} ${SIRET.slice(9)}`);
  await page.getByRole('button', { name: 'Chercher' }).click();
  const found = page.getByTestId('join-candidate');
  await expect(found).toHaveCount(1);
  await expect(found).toContainText('DECOLLETAGE DU FAUCIGNY');
  await found.getByTestId('join-claim').click();
  await expect(page.getByTestId('unclaimed')).toContainText('Profil non revendiqué');
  const firmUrl = new URL(page.url()).pathname;
  await page.getByLabel(/Votre fonction dans l'organisation/).fill('Gérante depuis 2019');
  await page.getByRole('button', { name: 'Je représente cette organisation' }).click();
  await expect(page).toHaveURL(/\/revendications\?demande=\d+/);
  await expect(page.getByTestId('flash')).toContainText('Demande envoyée');
  await expect(page.getByTestId('told')).toHaveText(/^[1-9][0-9]* personnes? (est|sont) prévenues?\.$/);
  await expect(page.getByTestId('claims-mine').getByTestId('claim-status')).toHaveText('En attente de décision');

  // The chef de projet approves it from her queue.
  const pm = await signIn(browser, chef);
  await pm.goto('/revendications');
  const waiting = pm.getByTestId('claims-to-decide').getByTestId('claim').filter({ hasText: 'DECOLLETAGE DU FAUCIGNY' });
  await expect(waiting).toContainText('Gérante depuis 2019');
  await expect(waiting).toContainText(email);
  await pm.screenshot({ path: info.outputPath('claims-queue.png'), fullPage: true });
  await waiting.getByRole('button', { name: 'Accepter' }).click();
  await expect(pm.getByTestId('flash')).toContainText('Décision enregistrée');

  // The new admin declares what the firm does.
  await page.goto(firmUrl);
  await expect(page.getByTestId('unclaimed')).toHaveCount(0);
  await page.getByTestId('edit-link').click();
  // What the profile lacks for good matches, and capabilities offered from ESCO as one types.
  await expect(page.getByTestId('profile-completeness')).toContainText('Au moins trois savoir-faire');
  await hydrated(page);
  const capabilities = page.getByLabel('Savoir-faire (séparés par ;)');
  await capabilities.fill('décolletage de pièces en titane; usinage aéronautique; ');
  await capabilities.pressSequentially('décollet');
  const offered = page.getByTestId('choices-oe-capabilities').getByRole('button');
  await offered.filter({ hasText: 'utiliser une décolleteuse' }).click();
  await expect(capabilities).toHaveValue('décolletage de pièces en titane; usinage aéronautique; utiliser une décolleteuse');
  await page.getByLabel('Certifications (séparées par ;)').fill('EN 9100');
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(page.getByTestId('flash')).toBeVisible();

  // The chef de projet publishes an aeronautics annonce in Cluses at once: the firm is among
  // its suggested partners.
  await pm.goto('/annonces/nouvelle');
  await pm.getByLabel("Type d'annonce").selectOption('supplier');
  await pm.getByLabel('Titre').fill(`Décolletage titane pour l'aéronautique ${stamp}`);
  await pm.getByLabel('Description', { exact: true }).fill('Pièces de révolution en titane, série de 500, fournisseur certifié EN 9100.');
  await pm.getByLabel('Activités NAF concernées').fill('25.62');
  await pm.getByLabel('Certifications exigées').fill('EN 9100');
  await pm.getByLabel('Commune', { exact: true }).fill('Cluses');
  await pm.getByLabel('Rayon de recherche (km)').selectOption('10');
  await pm.getByRole('button', { name: 'Publier' }).click();
  await expect(pm.getByTestId('flash')).toContainText('Annonce publiée');
  await expect(pm.getByTestId('matches')).toContainText('DECOLLETAGE DU FAUCIGNY');
  await pm.screenshot({ path: info.outputPath('claimed-firm-suggested.png'), fullPage: true });
});
