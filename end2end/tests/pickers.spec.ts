// Pickers and the firm page's contact action, as people use them: an activity chosen by its
// name (its NAF code recorded), a commune by its name, a misspelling or a postal code, and a
// firm asked for contact from its own page, refused in place when the subject is missing.
import { Browser, Page, APIRequestContext } from '@playwright/test';
import { test, expect, hydrated } from './fixtures';
import { execFileSync } from 'child_process';

const PASSWORD = 'une phrase de passe longue';

function createUser(email: string, organisation: number) {
  execFileSync(process.env.MAILLAGE_BIN!, [
    '--data-dir', process.env.E2E_DATA_DIR!, 'user', 'create',
    '--email', email, '--name', 'Pia Picker', '--role', 'admin', '--organisation', String(organisation), '--password', PASSWORD,
  ]);
}

async function signedIn(browser: Browser, email: string): Promise<Page> {
  const page = await (await browser.newContext({ locale: 'fr-FR' })).newPage();
  await page.goto('/connexion');
  await page.locator('#si-email').fill(email);
  await page.locator('#si-password').fill(PASSWORD);
  await page.locator('form[action="/auth/connexion"] button[type=submit]').click();
  await expect(page).toHaveURL(/\/compte$/);
  return page;
}

async function firstOf(request: APIRequestContext, kind: string): Promise<{ id: number, name: string }> {
  const list = await (await request.get(`/api/v1/organisations?kind=${kind}&per_page=1`)).json();
  return list.items[0];
}

test('an annonce takes an activity by its name and a commune by a misspelt name', async ({ browser, request }) => {
  const pole = await firstOf(request, 'pole');
  const email = `picker.${Date.now()}@example.fr`;
  createUser(email, pole.id);
  const page = await signedIn(browser, email);
  await page.goto('/annonces/nouvelle');
  await hydrated(page);

  const naf = page.locator('#nd-naf');
  await naf.pressSequentially('25.62 traitement des mét');
  const activities = page.getByTestId('choices-nd-naf').getByRole('button');
  await expect(activities.first()).toContainText('Traitement et revêtement des métaux');
  await activities.filter({ hasText: '25.61Z' }).click();
  // The code is added to those already typed, and the list goes away.
  await expect(naf).toHaveValue('25.62 25.61Z');
  await expect(activities).toHaveCount(0);
  await expect(naf).toBeFocused();

  const commune = page.locator('#nd-commune');
  await commune.pressSequentially('Clusse');
  const communes = page.getByTestId('choices-nd-commune').getByRole('button');
  await expect(communes.first()).toHaveText('Cluses (74)');
  await communes.first().click();
  await expect(commune).toHaveValue('Cluses (74)');
  // Escape puts the list away.
  await commune.fill('');
  await commune.pressSequentially('74300');
  await expect(communes.filter({ hasText: 'Thyez (74)' })).toBeVisible();
  await commune.press('Escape');
  await expect(communes).toHaveCount(0);
  await commune.fill('Cluses (74)');

  await page.getByLabel('Titre').fill(`Traitement de surface de pièces usinées ${Date.now()}`);
  await page.getByRole('button', { name: 'Publier' }).click();
  await expect(page.getByTestId('flash')).toContainText('Annonce publiée');
  await expect(page.locator('dl.facts')).toContainText('25.61Z Traitement et revêtement des métaux');
  await expect(page.locator('main')).toContainText('Cluses');
});

test('without WebAssembly, words in place of NAF codes come back with the codes they may mean', async ({ browser, request }) => {
  const pole = await firstOf(request, 'pole');
  const email = `picker.nojs.${Date.now()}@example.fr`;
  createUser(email, pole.id);
  const page = await signedIn(browser, email);
  await page.route(/\.wasm$/, (route) => route.abort());
  await page.goto('/annonces/nouvelle');
  await page.getByLabel('Titre').fill('Décolletage de précision pour la connectique');
  await page.locator('#nd-naf').fill('décolletage');
  await page.getByRole('button', { name: 'Publier' }).click();
  await expect(page.locator('#nd-naf')).toHaveValue('décolletage');
  await expect(page.locator('#nd-naf-error')).toContainText('25.62A · Décolletage');
});

test('the search box\'s place offers the communes of a postal code', async ({ page }) => {
  await page.goto('/recherche?q=usinage');
  await hydrated(page);
  await page.locator('#s-near').pressSequentially('74300');
  const choices = page.getByTestId('choices-s-near').getByRole('button');
  // 74300 is the postal code of Cluses and of its neighbours.
  await expect(choices.filter({ hasText: 'Nancy-sur-Cluses (74)' })).toBeVisible();
  await choices.getByText('Cluses (74)', { exact: true }).click();
  await expect(page.locator('#s-near')).toHaveValue('Cluses (74)');
  // The live form answers the pick: the address follows the place.
  await expect(page).toHaveURL(/near=Cluses/);
});

test('a firm is asked for contact from its own page; a refusal keeps what was typed', async ({ browser, request }) => {
  const firms = await (await request.get('/api/v1/search?q=usinage&kind=firm&per_page=1')).json();
  const firm = firms.hits[0];
  const pole = await firstOf(request, 'pole');
  const email = `picker.contact.${Date.now()}@example.fr`;
  createUser(email, pole.id);

  // A visitor is offered to sign in and come back to the firm.
  const visitor = await (await browser.newContext({ locale: 'fr-FR' })).newPage();
  await visitor.goto(`/organisations/${firm.id}`);
  const firmPath = new URL(visitor.url()).pathname;
  await visitor.getByTestId('contact-sign-in').getByRole('link').click();
  await visitor.locator('#si-email').fill(email);
  await visitor.locator('#si-password').fill(PASSWORD);
  await visitor.locator('form[action="/auth/connexion"] button[type=submit]').click();
  await expect(visitor).toHaveURL(new RegExp(`${firmPath}$`));

  const form = visitor.getByTestId('contact-form');
  await visitor.evaluate(() => document.querySelectorAll('form').forEach((f) => { f.noValidate = true; }));
  await form.getByLabel('Message').fill('Pourriez-vous usiner 200 pièces par an ?');
  await form.getByRole('button', { name: 'Demander une mise en relation' }).click();
  await expect(visitor.locator('#oc-subject-error')).toBeVisible();
  await expect(visitor.locator('#oc-subject')).toHaveAttribute('aria-invalid', 'true');
  await expect(visitor.locator('#oc-message')).toHaveValue('Pourriez-vous usiner 200 pièces par an ?');

  await visitor.locator('#oc-subject').fill('Usinage de 200 pièces par an');
  await visitor.getByTestId('contact-form').getByRole('button', { name: 'Demander une mise en relation' }).click();
  await expect(visitor.getByTestId('flash')).toContainText('Demande envoyée.');
  await expect(visitor.getByTestId('told')).toBeVisible();
  await visitor.goto('/mises-en-relation');
  await expect(visitor.getByTestId('interest').first()).toContainText('Usinage de 200 pièces par an');
  await expect(visitor.getByTestId('interest').first().getByRole('link', { name: 'Usinage de 200 pièces par an' })).toHaveAttribute('href', firmPath);
});
