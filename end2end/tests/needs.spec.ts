// The whole matchmaking journey in a browser: firm A posts a need; firm B sees it among the
// annonces its firm could answer and asks for contact; A accepts; both see each other's
// details; B marks the partnership concluded; the mails are in the outbox.
import { Browser, Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const PASSWORD = 'une phrase de passe longue';

function createUser(email: string, name: string, organisation: number) {
  execFileSync(process.env.MAILLAGE_BIN!, [
    '--data-dir', process.env.E2E_DATA_DIR!, 'user', 'create',
    '--email', email, '--name', name, '--role', 'admin', '--organisation', String(organisation), '--password', PASSWORD,
  ]);
}

async function signedIn(browser: Browser, email: string): Promise<Page> {
  const context = await browser.newContext({ locale: 'fr-FR' });
  const page = await context.newPage();
  await page.goto('/connexion');
  await page.getByLabel('Adresse électronique').first().fill(email);
  await page.getByLabel('Mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page).toHaveURL(/\/compte$/);
  return page;
}

/** The address of the last link to `/mises-en-relation` mailed to `email` (path and query). */
function contactLink(email: string): string | undefined {
  const dir = path.join(process.env.E2E_DATA_DIR!, 'outbox');
  if (!fs.existsSync(dir)) return undefined;
  const links = fs.readdirSync(dir).sort()
    .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
    .filter((m) => m.includes(email))
    // Quoted-printable: soft line breaks and encoded '='.
    .map((m) => m.replace(/=\r?\n/g, '').replace(/=3D/g, '='))
    .flatMap((m) => m.match(/\/mises-en-relation\?contact=\d+/g) ?? []);
  return links[links.length - 1];
}

/** The outbox's .eml files addressed to `email`. */
function mailsTo(email: string): number {
  const dir = path.join(process.env.E2E_DATA_DIR!, 'outbox');
  if (!fs.existsSync(dir)) return 0;
  return fs.readdirSync(dir).filter((f) => fs.readFileSync(path.join(dir, f), "utf8").includes(email)).length;
}

test('a need finds a partner: ask, accept, contacts, partnership concluded, mails', async ({ browser, request }, info) => {
  // Firm B: a machining firm of the Arve valley from the demo data; firm A: a pôle as buyer.
  // The index is built in the background after start: wait for it when this test runs first.
  const machining = async () => (await (await request.get('/api/v1/search?q=usinage&territory=ti-8422&kind=firm&per_page=5')).json()).hits;
  await expect.poll(async () => (await machining()).length, { timeout: 30_000 }).toBeGreaterThan(0);
  const firmB = (await machining())[0];
  const poles = await (await request.get('/api/v1/organisations?kind=pole&per_page=1')).json();
  const firmA = poles.items[0];
  const stamp = Date.now();
  const a = `acheteur.${stamp}@example.fr`;
  const b = `usineur.${stamp}@example.fr`;
  createUser(a, 'Anne Acheteuse', firmA.id);
  createUser(b, 'Bruno Usineur', firmB.id);
  const title = `Usinage de pièces pour un prototype ${stamp}`;

  const pa = await signedIn(browser, a);
  await pa.goto('/annonces/nouvelle');
  await pa.getByLabel("Type d'annonce").selectOption('supplier');
  await pa.getByLabel('Titre').fill(title);
  await pa.getByLabel('Description', { exact: true }).fill('Usinage de pièces en série, 200 par an.');
  await pa.getByLabel('Activités NAF concernées').fill('25.62');
  await pa.getByLabel('Commune', { exact: true }).fill('74081');
  await pa.getByLabel('Rayon de recherche (km)').selectOption('60');
  await pa.getByRole('button', { name: 'Publier' }).click();
  await expect(pa.getByTestId('flash')).toContainText('Annonce publiée');
  await expect(pa.getByTestId('matches').getByTestId('match').first()).toBeVisible();
  await expect(pa.getByTestId('matches').getByTestId('why').first()).toContainText('km');
  const needUrl = new URL(pa.url()).pathname;

  // B sees it among the annonces its firm could answer, and asks.
  const pb = await signedIn(browser, b);
  await pb.goto('/annonces');
  await pb.getByTestId('needs-for-me').getByRole('link', { name: title }).click();
  await expect(pb).toHaveURL(new RegExp(needUrl));
  await pb.getByLabel('Message').fill('Nous usinons ce type de pièces à Cluses.');
  await pb.getByTestId('ask-form').getByRole('button', { name: 'Demander une mise en relation' }).click();
  await expect(pb.getByTestId('flash')).toContainText('Demande envoyée');
  // A's firm has members with the default notices: the confirmation counts who was told.
  await expect(pb.getByTestId('told')).toHaveText(/^[1-9][0-9]* personnes? (est|sont) prévenues?\.$/);

  // Signed out (another browser), A follows the mail's link: the sign-in page, then that
  // very contact, first and marked.
  await expect.poll(() => contactLink(a), { timeout: 10_000 }).toBeTruthy();
  const link = contactLink(a)!;
  const away = await (await browser.newContext({ locale: 'fr-FR' })).newPage();
  await away.goto(link);
  await expect(away).toHaveURL(/\/connexion\?suite=/);
  await away.locator('#si-email').fill(a);
  await away.locator('#si-password').fill(PASSWORD);
  await away.getByRole('button', { name: 'Se connecter' }).click();
  await expect(away).toHaveURL(new RegExp(link.replace('?', '\\?') + '$'));
  await expect(away.getByTestId('interest').first()).toHaveAttribute('aria-current', 'true');
  await expect(away.getByTestId('interest').first()).toContainText(title);

  // A accepts; both see the other's details.
  await pa.goto('/mises-en-relation');
  await pa.getByRole('button', { name: 'Accepter' }).first().click();
  await expect(pa.getByTestId('contacts').first()).toContainText(b);
  await pb.goto('/mises-en-relation');
  await expect(pb.getByTestId('contacts').first()).toContainText(a);
  // Saying how it ended is final: it asks once, behind a disclosure.
  await expect(pb.getByRole('button', { name: 'Partenariat conclu' })).toBeHidden();
  await pb.getByText('Clore la mise en relation').first().click();
  await pb.getByRole('button', { name: 'Partenariat conclu' }).first().click();
  await expect(pb.getByTestId('interest-status').first()).toContainText('Partenariat conclu');
  await pb.screenshot({ path: info.outputPath('contact-concluded.png'), fullPage: true });

  // Every step mailed the other side.
  await expect.poll(() => mailsTo(a), { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
  await expect.poll(() => mailsTo(b), { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
});

test('the filière view draws the supplier links of a territory', async ({ page }, info) => {
  await page.goto('/territoires/ti-8422');
  await page.getByTestId('filieres-link').click();
  await expect(page.getByTestId('local-chart')).toBeVisible();
  await expect(page.getByTestId('leading').first().getByTestId('supplier-chart')).toBeVisible();
  await page.screenshot({ path: info.outputPath('filieres-arve.png'), fullPage: true });
});
