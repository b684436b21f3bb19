// A territory's "Gouvernance et contacts" section, read in French and English: the seats of
// the binôme, the chef de projet and the État's référent (vacant or designated, names only to
// signed-in readers), its region and its committees. And a regional committee's session: the
// Region plans it, records a decision on an item of its agenda, and prints the relevé.
import { test, expect } from './fixtures';
import { execFileSync } from 'child_process';

const PASSWORD = 'une phrase de passe longue';

function createUser(email: string, name: string, role: string, scope: string[]) {
  execFileSync(process.env.MAILLAGE_BIN!, [
    '--data-dir', process.env.E2E_DATA_DIR!, 'user', 'create',
    '--email', email, '--name', name, '--role', role, '--password', PASSWORD, ...scope,
  ]);
}

test('the governance section of ti-8422 reads in French and in English', async ({ browser }, info) => {
  const fr = await browser.newContext({ locale: 'fr-FR' });
  const page = await fr.newPage();
  await page.goto('/territoires/ti-8422');
  const section = page.getByTestId('governance');
  await expect(section.getByRole('heading', { name: 'Gouvernance et contacts' })).toBeVisible();
  await expect(section).toContainText('Élu du binôme');
  await expect(section).toContainText('Industriel du binôme');
  await expect(section).toContainText("Référent territorial de l'État");
  await expect(section).toContainText('Auvergne-Rhône-Alpes');
  await expect(section.getByTestId('committee')).toHaveCount(2);
  await expect(section.getByTestId('committee').first()).toContainText('Comité de projet local');
  await expect(section.getByTestId('committee').nth(1)).toContainText('Comité de pilotage régional');
  await expect(section).toContainText('Les noms des personnes sont visibles des membres connectés.');
  await page.screenshot({ path: info.outputPath('governance-fr.png'), fullPage: true });
  await fr.close();

  const en = await browser.newContext({ locale: 'en-GB' });
  const english = await en.newPage();
  await english.goto('/territoires/ti-8422');
  const sectionEn = english.getByTestId('governance');
  await expect(sectionEn.getByRole('heading', { name: 'Governance and contacts' })).toBeVisible();
  await expect(sectionEn).toContainText('Elected member of the binôme');
  await expect(sectionEn).toContainText("State's territorial referent");
  await expect(sectionEn.getByTestId('committee').first()).toContainText('Local project committee');
  await expect(sectionEn.getByTestId('committee').nth(1)).toContainText('Regional steering committee');
  await en.close();
});

test('the Region plans a committee session, decides on an item and prints the relevé', async ({ browser }, info) => {
  // A proposal awaiting a region (the demonstration data holds some), and its territory.
  const look = await browser.newContext({ locale: 'fr-FR' });
  const list = await look.newPage();
  await list.goto('/simplification?status=regional_review');
  await list.getByTestId('proposal-list').locator('h2 a').first().click();
  const proposal = new URL(list.url()).pathname.split('/').pop()!;
  const territory = (await list.locator('.meta a[href^="/territoires/"]').first().getAttribute('href'))!;
  const region = territory.slice('/territoires/ti-'.length, '/territoires/ti-'.length + 2);
  await look.close();

  const stamp = Date.now();
  const council = `copil.${stamp}@region.fr`;
  createUser(council, 'Régine Région', 'regional_council', ['--region', region]);
  const context = await browser.newContext({ locale: 'fr-FR' });
  const page = await context.newPage();
  await page.goto('/connexion');
  await page.getByLabel('Adresse électronique').first().fill(council);
  await page.getByLabel('Mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page).toHaveURL(/\/compte$/);

  // From the territory's governance section to its (lead) regional committee.
  await page.goto(territory);
  await page.getByTestId('governance').getByRole('link', { name: /Comité de pilotage régional/ }).first().click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Comité de pilotage régional');
  const form = page.getByTestId('plan-session');
  await form.getByLabel('Date de la séance').fill('2027-03-15');
  await form.getByLabel('Lieu ou visioconférence').fill('Hôtel de région');
  await form.getByRole('button', { name: 'Programmer une séance' }).click();
  await expect(page.getByTestId('flash')).toContainText('Séance programmée');

  // The agenda lists what awaits the region, that proposal among them.
  const item = page.getByTestId('agenda').getByTestId('agenda-item').filter({ has: page.getByTestId(`dec-proposal-${proposal}`) });
  await expect(item).toHaveCount(1);
  const title = (await item.getByRole('heading').innerText()).trim();
  await item.getByLabel('Décision du comité').selectOption('reserved');
  await item.getByLabel('Motifs').fill('Favorable sous réserve de chiffrer les délais constatés.');
  await item.getByRole('button', { name: 'Enregistrer la décision' }).click();
  await expect(page.getByTestId('flash')).toContainText('Décision enregistrée');
  await expect(page.getByTestId('decided')).toContainText(title);

  // The relevé, printable.
  await page.getByTestId('releve-link').click();
  const releve = page.getByTestId('releve');
  await expect(releve.getByRole('heading', { level: 1 })).toHaveText('Relevé de décisions');
  await expect(releve).toContainText('Favorable avec réserves');
  await expect(releve).toContainText('chiffrer les délais');
  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('.site-header')).toBeHidden();
  await page.screenshot({ path: info.outputPath('releve.png'), fullPage: true });
  await context.close();
});
