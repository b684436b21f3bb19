// A fiche-action from its writing to its implementation, as the people of the Arve valley
// (ti-8422) and their Region do it in the browser: the chef de projet writes it with two
// funders, the binôme co-signs, the comité de projet local gives a favourable opinion in its
// session, the comité de pilotage régional retains it in its session, avenant n° 1 of the
// contract inscribes it (with the right totals), and the porteur reports it in progress with
// the jobs created. And a visitor sees its title, axis and status but none of its amounts.
import { test, expect } from './fixtures';
import type { Browser, Page } from '@playwright/test';
import { execFileSync } from 'child_process';

const PASSWORD = 'une phrase de passe longue';

function createUser(email: string, name: string, role: string, scope: string[]) {
  execFileSync(process.env.MAILLAGE_BIN!, [
    '--data-dir', process.env.E2E_DATA_DIR!, 'user', 'create',
    '--email', email, '--name', name, '--role', role, '--password', PASSWORD, ...scope,
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

async function step(page: Page, sheet: string, action: string, fill?: (form: ReturnType<Page['getByTestId']>) => Promise<void>) {
  await page.goto(sheet);
  const form = page.getByTestId(`step-${action}`);
  if (fill) await fill(form);
  await form.getByRole('button').click();
  await expect(page.getByTestId('flash')).toContainText('Étape enregistrée');
}

test('a fiche-action of ti-8422 goes from its writing to avenant n° 1 and its implementation', async ({ browser }, info) => {
  test.setTimeout(120_000);
  // A firm of the territory that will carry the fiche.
  const look = await (await browser.newContext({ locale: 'fr-FR' })).newPage();
  await look.goto('/territoires/ti-8422');
  const firmHref = (await look.getByTestId('firm-list').locator('a[href^="/organisations/"]').first().getAttribute('href'))!;
  const firm = firmHref.split('/').pop()!;
  const firmName = (await look.locator(`a[href="${firmHref}"]`).first().innerText()).trim();

  const stamp = Date.now();
  const chef = `chef.${stamp}@arve.fr`;
  const elu = `elu.${stamp}@arve.fr`;
  const indus = `indus.${stamp}@arve.fr`;
  const council = `copil.${stamp}@auvergnerhonealpes.fr`;
  const porteur = `dir.${stamp}@firm.fr`;
  createUser(chef, 'Camille Chef', 'project_manager', ['--territory', 'ti-8422']);
  createUser(elu, 'Élise Élue', 'elected_colead', ['--territory', 'ti-8422']);
  createUser(indus, 'Ivan Industriel', 'industrial_colead', ['--territory', 'ti-8422']);
  createUser(council, 'Régine Région', 'regional_council', ['--region', '84']);
  createUser(porteur, 'Paul Porteur', 'admin', ['--organisation', firm]);

  // The chef de projet writes the fiche from the action plan.
  const page = await signedIn(browser, chef);
  await page.goto('/territoires/ti-8422/plan');
  await page.getByTestId('new-sheet').click();
  const title = `Robotisation d'une ligne de décolletage ${stamp}`;
  const form = page.getByTestId('sheet-form');
  await form.getByLabel('Titre').fill(title);
  await form.getByLabel('Axe').selectOption('innover');
  await form.getByLabel('Innovation').check();
  await form.getByLabel('Qui porte la fiche').selectOption('organisation');
  await form.getByLabel('Organisation porteuse').selectOption(firm);
  await form.getByLabel('Maturité').selectOption('operation');
  await form.getByLabel(/^Description/).fill('Une cellule robotisée et la formation de ses opérateurs.');
  await form.getByRole('button', { name: 'Enregistrer la fiche' }).click();
  await expect(page.getByTestId('flash')).toContainText('Fiche-action créée');
  const sheet = new URL(page.url()).pathname;
  const id = sheet.split('/').pop()!;

  // Two funders: the Region and Bpifrance.
  for (const [funder, instrument, amount] of [
    ['Région — Auvergne-Rhône-Alpes', 'region', '150000'],
    ['Bpifrance', 'bpifrance', '250000'],
  ]) {
    const details = page.locator('details').filter({ has: page.getByTestId('add-line') });
    if ((await details.getAttribute('open')) === null) await details.locator('summary').click();
    const line = page.getByTestId('add-line');
    await line.getByLabel('Financeur').selectOption({ label: funder });
    await line.getByLabel('Dispositif').selectOption(instrument);
    await line.getByLabel(/^Demandé( \*)?$/).fill(amount);
    await line.getByRole('button', { name: 'Ajouter une ligne' }).click();
    await expect(page.getByTestId('flash')).toContainText('Modifications enregistrées');
  }
  await expect(page.getByTestId('line')).toHaveCount(2);
  await expect(page.getByTestId('sheet-requested')).toHaveText('400 000 €');

  // The binôme co-signs; the chef de projet presents it to the local committee.
  for (const who of [elu, indus]) {
    const p = await signedIn(browser, who);
    await step(p, sheet, 'cosign');
    await p.context().close();
  }
  await step(page, sheet, 'present_local');
  await expect(page.getByTestId('sheet-status')).toHaveText('Présentée au comité de projet local');

  // The comité de projet local, in its session: a favourable opinion.
  await page.goto('/territoires/ti-8422');
  await page.getByTestId('governance').getByRole('link', { name: /Comité de projet local/ }).click();
  let plan = page.getByTestId('plan-session');
  await plan.getByLabel('Date de la séance').fill('2027-02-01');
  await plan.getByRole('button', { name: 'Programmer une séance' }).click();
  let item = page.getByTestId('agenda-item').filter({ has: page.getByTestId(`dec-action_sheet-${id}`) });
  await item.getByLabel('Décision du comité').selectOption('favourable');
  await item.getByLabel('Motifs').fill('Projet structurant pour la filière du décolletage.');
  await item.getByRole('button', { name: 'Enregistrer la décision' }).click();
  await expect(page.getByTestId('decided')).toContainText(title);

  // The comité de pilotage régional, in its session: retained, with financial support.
  const region = await signedIn(browser, council);
  await region.goto('/territoires/ti-8422');
  await region.getByTestId('governance').getByRole('link', { name: /Comité de pilotage régional/ }).click();
  plan = region.getByTestId('plan-session');
  await plan.getByLabel('Date de la séance').fill('2027-03-01');
  await plan.getByRole('button', { name: 'Programmer une séance' }).click();
  item = region.getByTestId('agenda-item').filter({ has: region.getByTestId(`dec-action_sheet-${id}`) });
  await item.getByLabel('Décision du comité').selectOption('retain');
  await item.getByLabel('Soutien retenu').selectOption('financial');
  await item.getByLabel('Motifs').fill("Retenue au titre du soutien à l'investissement productif.");
  await item.getByRole('button', { name: 'Enregistrer la décision' }).click();
  await expect(region.getByTestId('decided')).toContainText('Soutien financier');
  await region.context().close();

  // Avenant n° 1 of the contract inscribes it, with the right totals.
  await page.goto('/territoires/ti-8422/contrat');
  const avenant = page.getByTestId('add-avenant');
  await avenant.getByLabel("Objet de l'avenant").fill('Premières actions');
  await avenant.getByRole('button', { name: 'Ajouter un avenant' }).click();
  await expect(page.getByTestId('flash')).toContainText('Avenant ajouté');
  await step(page, sheet, 'inscribe', async (f) => { await f.getByLabel('Avenant').selectOption('1'); });
  await page.goto('/territoires/ti-8422/contrat');
  const first = page.getByTestId('avenant-1');
  await expect(first.getByRole('heading', { level: 2 })).toContainText('Avenant n° 1');
  await expect(first.getByTestId('sheet-row')).toContainText(title);
  const overall = first.getByTestId('totals-axis').locator('tr.total');
  await expect(overall).toContainText('400 000 €');
  const byFunder = first.getByTestId('totals-funder');
  await expect(byFunder.locator('tr', { hasText: 'Bpifrance' })).toContainText('250 000 €');
  await expect(byFunder.locator('tr', { hasText: 'Auvergne-Rhône-Alpes' })).toContainText('150 000 €');
  await page.emulateMedia({ media: 'print' });
  await page.screenshot({ path: info.outputPath('contract.png'), fullPage: true });

  // The porteur marks it in progress and records the jobs created.
  const carrier = await signedIn(browser, porteur);
  await step(carrier, sheet, 'mark_in_progress');
  await expect(carrier.getByTestId('sheet-status')).toHaveText('En cours');
  await carrier.locator('summary', { hasText: 'Ajouter un indicateur' }).click();
  const indicator = carrier.getByTestId('add-indicator');
  await indicator.getByLabel('Indicateur', { exact: true }).selectOption('emplois_crees');
  await indicator.getByLabel('Cible').fill('12');
  await indicator.getByRole('button', { name: 'Ajouter un indicateur' }).click();
  const value = carrier.getByTestId('value-emplois_crees');
  await value.getByLabel('Date de la mesure').fill('2027-06-30');
  await value.getByLabel('Valeur').fill('4');
  await value.getByRole('button', { name: 'Enregistrer une valeur' }).click();
  await expect(carrier.getByTestId('indicator').filter({ hasText: 'Emplois créés' }).getByTestId('latest')).toContainText('4,0');
  await carrier.screenshot({ path: info.outputPath('fiche.png'), fullPage: true });

  // A visitor: title, axis and status, no amount.
  const visitor = await (await browser.newContext({ locale: 'fr-FR' })).newPage();
  await visitor.goto(sheet);
  await expect(visitor.getByRole('heading', { level: 1 })).toHaveText(title);
  await expect(visitor.getByTestId('sheet-status')).toHaveText('En cours');
  await expect(visitor.getByTestId('amounts-confidential')).toBeVisible();
  await expect(visitor.locator('main')).not.toContainText('150 000');
  await expect(visitor.locator('main')).not.toContainText('250 000');
  await expect(visitor.getByTestId('porteur')).toContainText(firmName);
});
