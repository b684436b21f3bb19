// An industrialist joins: sign up, confirm from the mail, sign in, edit the firm, sign out.
import { test, expect, mailedLink } from './fixtures';
import { execFileSync } from 'child_process';

test('sign up, confirm by mail, sign in, edit the organisation, sign out', async ({ page }, info) => {
  const email = `zoe.${Date.now()}@example.fr`;
  await page.goto('/inscription');
  await page.getByLabel('Nom et prénom').fill('Zoé Martin');
  await page.getByLabel('Adresse électronique').fill(email);
  await page.getByLabel('Nouveau mot de passe').fill('une phrase de passe longue');
  await page.getByRole('button', { name: 'Créer un compte' }).click();
  await expect(page.getByTestId('flash')).toContainText('message vient de lui être envoyé');

  // The dispatcher writes the mail as an .eml file within a second or so.
  await expect.poll(() => { try { return mailedLink(email, '/verifier'); } catch { return ''; } }, { timeout: 10_000 }).toContain('/verifier?token=');
  const link = mailedLink(email, '/verifier');
  await page.goto(new URL(link).pathname + new URL(link).search);
  await page.getByLabel('Mot de passe', { exact: true }).fill('une phrase de passe longue');
  await page.getByRole('button', { name: 'Confirmer mon adresse' }).click();
  await expect(page.getByTestId('flash')).toContainText('Votre adresse est confirmée');
  await expect(page.getByTestId('account-email')).toContainText(email);

  // Make her administrator of Polymeris (as a platform operator would), then sign in again.
  const bin = process.env.MAILLAGE_BIN!;
  const poleId = await page.evaluate(async () => {
    const r = await fetch('/api/v1/organisations?kind=pole&per_page=100');
    const body = await r.json();
    return body.items.find((o: any) => o.name === 'Polymeris').id;
  });
  execFileSync(bin, ['--data-dir', process.env.E2E_DATA_DIR!, 'user', 'create', '--email', email, '--name', 'Zoé Martin', '--role', 'admin', '--organisation', String(poleId)]);
  await page.getByTestId('sign-out').click();
  await expect(page.getByTestId('sign-in-link')).toBeVisible();
  await page.getByTestId('sign-in-link').click();
  await page.getByLabel('Adresse électronique').first().fill(email);
  await page.getByLabel('Mot de passe').fill('une phrase de passe longue');
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page).toHaveURL(/\/compte$/);
  await page.screenshot({ path: info.outputPath('account.png'), fullPage: true });

  await page.getByTestId('edit-organisation').click();
  await page.getByLabel('Présentation').fill('Pôle des polymères : plasturgie, composites, recyclage.');
  await page.getByLabel('Savoir-faire (séparés par ;)').fill('injection; recyclage chimique');
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(page).toHaveURL(new RegExp(`/organisations/${poleId}\\?modifie=1$`));
  await expect(page.locator('main')).toContainText('recyclage chimique');
  await page.screenshot({ path: info.outputPath('organisation-edited.png'), fullPage: true });

  await page.getByTestId('sign-out').click();
  await expect(page.getByTestId('sign-in-link')).toBeVisible();
  // Signed out, the account page is the sign-in page, which comes back to it.
  await page.goto('/compte');
  await expect(page).toHaveURL(/\/connexion\?suite=%2Fcompte$/);
  await expect(page.locator('main')).toContainText('Connectez-vous pour continuer');
});
