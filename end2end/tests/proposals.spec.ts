// A simplification proposal climbs from its territory to the national level and back with an
// answer: the elected co-lead writes and submits it, the industrial co-lead approves, the
// État's référent forwards it to the region, the Region gives its opinion and escalates, the
// national délégation answers, the territory reads the answer.
import { Browser, Page } from '@playwright/test';
import { test, expect } from './fixtures';
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

test('a territory submits, the region escalates, the nation answers, the territory reads it', async ({ browser }, info) => {
  const stamp = Date.now();
  const elected = `elu.${stamp}@arve.fr`;
  const industrial = `indus.${stamp}@arve.fr`;
  const referent = `ref.${stamp}@aura.fr`;
  const national = `dg.${stamp}@anct.fr`;
  const state = `etat.${stamp}@haute-savoie.gouv.fr`;
  createUser(state, 'Étienne État', 'state_referent', ['--territory', 'ti-8422']);
  createUser(elected, 'Élise Élue', 'elected_colead', ['--territory', 'ti-8422']);
  createUser(industrial, 'Igor Industriel', 'industrial_colead', ['--territory', 'ti-8422']);
  createUser(referent, 'Rita Référente', 'regional_council', ['--region', '84']);
  createUser(national, 'Noé National', 'national_delegation', []);
  const title = `Délais ICPE pour les ateliers de décolletage ${stamp}`;

  // The elected co-lead writes the draft, then submits it.
  const e = await signedIn(browser, elected);
  await e.goto('/simplification/nouvelle');
  await e.waitForFunction(() => (window as any).__maillage_hydrated === true, null, { timeout: 30_000 });
  await e.getByLabel('Titre').fill(title);
  await e.getByLabel('Problème rencontré').fill('Trois entreprises attendent 14 mois une autorisation environnementale.');
  // Leaving the field asks for similar proposals: the demonstration data holds one.
  await e.getByLabel('Problème rencontré').press('Tab');
  await expect(e.getByTestId('similar')).toContainText("Délais d'instruction des autorisations environnementales");
  await e.getByLabel('Règle ou procédure en cause').fill('Procédure d\'autorisation environnementale');
  await e.getByLabel('Thème').selectOption('environment');
  await e.getByRole('button', { name: 'Enregistrer le brouillon' }).click();
  await expect(e.getByTestId('flash')).toContainText('Brouillon enregistré');
  await expect(e.getByTestId('status')).toContainText('Brouillon');
  const url = new URL(e.url()).pathname;
  await e.getByRole('button', { name: 'Soumettre au binôme' }).click();
  await expect(e.getByTestId('status')).toContainText("En attente d'approbation");

  // The industrial co-lead approves: both halves of the binôme agreed, it goes to the État's
  // référent, who forwards it to the region.
  const i = await signedIn(browser, industrial);
  await i.goto(url);
  await i.getByRole('button', { name: 'Approuver' }).click();
  await expect(i.getByTestId('status')).toContainText("Avec le référent territorial de l'État");
  const s = await signedIn(browser, state);
  await s.goto(url);
  await s.getByTestId('act-forward').getByLabel('Commentaire').fill('Règle et délais précisés avec le porteur.');
  await s.getByRole('button', { name: 'Transmettre à la région' }).click();
  await expect(s.getByTestId('status')).toContainText('En examen régional');

  // The Region finds it in the queue, gives its opinion, then escalates it.
  const r = await signedIn(browser, referent);
  await r.goto('/simplification/file');
  await r.getByRole('link', { name: title }).click();
  await expect(r.getByTestId('opinion-needed')).toBeVisible();
  await r.getByTestId('act-opinion').getByLabel('Avis').selectOption('favourable');
  await r.getByTestId('act-opinion').getByLabel('Commentaire').fill('Le même délai pèse sur toute la filière.');
  await r.getByRole('button', { name: "Donner l'avis de la région" }).click();
  await expect(r.getByTestId('flash')).toBeVisible();
  await r.getByTestId('act-escalate').getByLabel('Commentaire').fill('Concerne toutes les régions.');
  await r.getByRole('button', { name: 'Transmettre au niveau national' }).click();
  await expect(r.getByTestId('status')).toContainText('En examen national');

  // The national team answers.
  const n = await signedIn(browser, national);
  await n.goto('/simplification/file');
  await n.getByRole('link', { name: title }).click();
  await n.getByTestId('act-accept').getByLabel('Réponse officielle').fill('Un délai garanti sera expérimenté dès 2027.');
  await n.getByRole('button', { name: 'Accepter' }).click();
  await expect(n.getByTestId('status')).toContainText('Acceptée');

  // The territory sees the answer and the whole timeline.
  await e.goto(url);
  await expect(e.getByTestId('answer')).toContainText('Un délai garanti sera expérimenté');
  await expect(e.getByTestId('timeline').locator('li')).toHaveCount(7);
  await e.screenshot({ path: info.outputPath('proposal-answered.png'), fullPage: true });

  // It is on the public list and the dashboard.
  await e.goto('/simplification?status=accepted');
  await expect(e.getByTestId('proposal-list')).toContainText(title);
  await e.goto('/simplification/tableau-de-bord');
  await expect(e.getByTestId('chart-status')).toBeVisible();
  await e.screenshot({ path: info.outputPath('dashboard.png'), fullPage: true });
});

test('a merge asks first with the target\'s title, and the national team can undo it', async ({ browser }, info) => {
  const stamp = Date.now();
  const national = `fusion.${stamp}@anct.fr`;
  createUser(national, 'Nadia Nationale', 'national_delegation', []);
  const n = await signedIn(browser, national);
  // Two proposals waiting at the national level (the demonstration data holds some).
  await n.goto('/simplification?status=national_review');
  const links = n.getByTestId('proposal-list').locator('h2 a, h3 a');
  expect(await links.count()).toBeGreaterThanOrEqual(2);
  const source = (await links.nth(0).getAttribute('href'))!;
  const target = (await links.nth(1).getAttribute('href'))!;
  const targetTitle = (await links.nth(1).innerText()).trim();
  const targetId = target.split('/').pop()!;

  await n.goto(source);
  await n.getByTestId('act-merge').getByLabel('Numéro de la demande qui la reprend').fill(targetId);
  await n.getByTestId('act-merge').getByRole('button', { name: 'Fusionner dans une autre demande' }).click();
  // Nothing is merged yet: the page asks, naming the target by number and title.
  const question = n.getByTestId('confirm-merge');
  await expect(question).toContainText(`n° ${targetId} « ${targetTitle} »`);
  await expect(n.getByTestId('status')).toContainText('En examen national');
  await n.screenshot({ path: info.outputPath('merge-question.png'), fullPage: true });
  await question.getByRole('button', { name: 'Confirmer la fusion' }).click();
  await expect(n.getByTestId('status')).toContainText('Fusionnée');

  // The undo is behind a disclosure that says what it does.
  await n.getByText('Annuler la fusion', { exact: true }).click();
  await n.getByTestId('confirm-unmerge').getByLabel('Commentaire').fill('Fusion faite par erreur.');
  await n.getByRole('button', { name: 'Confirmer : Annuler la fusion' }).click();
  await expect(n.getByTestId('status')).toContainText('En examen national');
  await expect(n.getByTestId('timeline')).toContainText('Annuler la fusion');
  await n.goto(target);
  await expect(n.getByTestId('timeline')).toContainText('Fusion annulée');
  await expect(n.getByTestId('sources')).toHaveCount(0);
});
