// A refused form comes back filled: each form is sent with bad values (browser validation
// off, so that the server is the one to refuse), in French and in English, and comes back
// with every field as typed, every problem beside its field (aria-describedby, aria-invalid)
// and a summary at the top linking to each problematic field.
import { Browser, Page, APIRequestContext } from '@playwright/test';
import { test, expect } from './fixtures';
import { execFileSync } from 'child_process';

const PASSWORD = 'une phrase de passe longue';
const LONG_TITLE = 'Titre beaucoup trop long '.repeat(11); // 275 characters

const LANGS = [
  { locale: 'fr-FR', summary: "Le formulaire n'est pas enregistré", titleTooLong: 'Le titre est trop long', emailInvalid: "Cette adresse électronique n'est pas valide" },
  { locale: 'en-GB', summary: 'The form was not saved', titleTooLong: 'The title is too long', emailInvalid: 'This email address is not valid' },
];

function createUser(email: string, role: string, scope: string[]) {
  execFileSync(process.env.MAILLAGE_BIN!, [
    '--data-dir', process.env.E2E_DATA_DIR!, 'user', 'create',
    '--email', email, '--name', 'Formulaire Test', '--role', role, '--password', PASSWORD, ...scope,
  ]);
}

async function firstOf(request: APIRequestContext, kind: string): Promise<number> {
  const list = await (await request.get(`/api/v1/organisations?kind=${kind}&per_page=1`)).json();
  return list.items[0].id;
}

async function signedIn(browser: Browser, locale: string, email?: string): Promise<Page> {
  const context = await browser.newContext({ locale });
  const page = await context.newPage();
  if (email) {
    await page.goto('/connexion');
    await page.locator('#si-email').fill(email);
    await page.locator('#si-password').fill(PASSWORD);
    await page.locator('form[action="/auth/connexion"] button[type=submit]').click();
    await expect(page).toHaveURL(/\/compte$/);
    // The account's own language (French, as the command line creates it) wins over the
    // browser's; the switch is the reader's explicit choice.
    if ((await page.locator('html').getAttribute('lang')) !== locale.slice(0, 2)) {
      await page.getByTestId('lang-switch').click();
      await expect(page.locator('html')).toHaveAttribute('lang', locale.slice(0, 2));
    }
  }
  return page;
}

/** Opens `path`, turns off the browser's own checks on its forms, fills `values` (by id). */
async function fillUnchecked(page: Page, path: string, values: Record<string, string>) {
  await page.goto(path);
  await page.evaluate(() => {
    document.querySelectorAll('form').forEach((f) => { f.noValidate = true; });
    document.querySelectorAll('[maxlength],[minlength]').forEach((e) => {
      e.removeAttribute('maxlength');
      e.removeAttribute('minlength');
    });
  });
  for (const [id, value] of Object.entries(values)) {
    await page.locator(`#${id}`).fill(value);
  }
}

/** The form came back: each of `kept` holds what was typed, each of `problems` (ids) shows
 *  its problem beside it, tied to it for screen readers, and linked from the summary. */
async function expectRefused(page: Page, lang: typeof LANGS[number], kept: Record<string, string>, problems: string[]) {
  const summary = page.getByTestId('problem-summary');
  await expect(summary).toBeVisible();
  await expect(summary).toContainText(lang.summary);
  for (const [id, value] of Object.entries(kept)) {
    await expect(page.locator(`#${id}`), `${id} keeps what was typed`).toHaveValue(value);
  }
  for (const id of problems) {
    const message = page.locator(`#${id}-error`);
    await expect(message, `${id} shows its problem`).toBeVisible();
    await expect(page.locator(`#${id}`)).toHaveAttribute('aria-describedby', new RegExp(`\\b${id}-error\\b`));
    await expect(page.locator(`#${id}`)).toHaveAttribute('aria-invalid', 'true');
    await expect(summary.locator(`a[href="#${id}"]`), `the summary links to ${id}`).toBeVisible();
  }
  await expect(summary.locator('li')).toHaveCount(problems.length);
  // The page is the same person's page, in their language, with no error page.
  await expect(page.locator('html')).toHaveAttribute('lang', lang.locale.slice(0, 2));
}

for (const lang of LANGS) {
  test(`annonce form (${lang.locale}): a refusal keeps every field and tells each problem`, async ({ browser, request }) => {
    const email = `annonce.${lang.locale}.${Date.now()}@example.fr`;
    createUser(email, 'admin', ['--organisation', String(await firstOf(request, 'pole'))]);
    const page = await signedIn(browser, lang.locale, email);
    const typed = {
      'nd-title': LONG_TITLE,
      'nd-description': 'Décolletage de précision, 20 000 pièces par an.',
      'nd-naf': '99.99',
      'nd-skills': 'décolletage; usinage 5 axes',
      'nd-commune': '99999',
    };
    await fillUnchecked(page, '/annonces/nouvelle', typed);
    await page.locator('#nd-kind').selectOption('supplier');
    // The radius is a choice, and the choice survives the refusal too.
    await page.locator('#nd-radius').selectOption('150');
    await page.locator('form[action="/annonces/nouvelle"] button[type=submit]').click();
    await expectRefused(page, lang, typed, ['nd-title', 'nd-naf', 'nd-commune']);
    await expect(page.locator('#nd-kind')).toHaveValue('supplier');
    await expect(page.locator('#nd-radius')).toHaveValue('150');
    await expect(page.locator('#nd-title-error')).toContainText(lang.titleTooLong);
    // Corrected, it is published, and the page says so.
    await page.locator('#nd-title').fill('Décolletage de précision pour un prototype');
    await page.locator('#nd-naf').fill('25.62');
    await page.locator('#nd-commune').fill('74081');
    await page.locator('#nd-radius').selectOption('60');
    await page.locator('form[action="/annonces/nouvelle"] button[type=submit]').click();
    await expect(page).toHaveURL(/\/annonces\/\d+\?publiee=1$/);
    await expect(page.getByTestId('flash')).toBeVisible();
  });

  test(`proposal form (${lang.locale}): a refusal keeps every field and tells each problem`, async ({ browser }) => {
    const email = `proposition.${lang.locale}.${Date.now()}@arve.fr`;
    createUser(email, 'elected_colead', ['--territory', 'ti-8422']);
    const page = await signedIn(browser, lang.locale, email);
    const typed = {
      'pr-title': LONG_TITLE,
      'pr-problem': 'Trois entreprises attendent 14 mois une autorisation.',
      'pr-rule': "Code de l'environnement, article L. 181-1",
      'pr-legal': 'L. 181-1',
      'pr-solution': 'x'.repeat(20_001),
    };
    await fillUnchecked(page, '/simplification/nouvelle', typed);
    await page.locator('#pr-theme').selectOption({ index: 1 });
    const theme = await page.locator('#pr-theme').inputValue();
    await page.locator('form[action="/simplification/nouvelle"] button[type=submit]').click();
    await expectRefused(page, lang, typed, ['pr-title', 'pr-solution']);
    await expect(page.locator('#pr-theme')).toHaveValue(theme);
  });

  test(`practice form (${lang.locale}): a refusal keeps every field and tells each problem`, async ({ browser, request }) => {
    const email = `pratique.${lang.locale}.${Date.now()}@example.it`;
    createUser(email, 'admin', ['--organisation', String(await firstOf(request, 'district'))]);
    const page = await signedIn(browser, lang.locale, email);
    const typed = {
      'pr-title': LONG_TITLE,
      'pr-context': 'Un district de la mécanique face au manque de soudeurs.',
      'pr-results': '40 soudeurs formés en deux ans.',
    };
    await fillUnchecked(page, '/pratiques/nouvelle', typed);
    await page.locator('form[action="/pratiques/nouvelle"] button[type=submit]').click();
    await expectRefused(page, lang, typed, ['pr-title', 'pr-actions']);
    await expect(page.locator('#pr-title-error')).toContainText(lang.titleTooLong);
  });

  test(`organisation form (${lang.locale}): a refusal keeps every field and tells each problem`, async ({ browser, request }) => {
    const id = await firstOf(request, 'pole');
    const email = `organisation.${lang.locale}.${Date.now()}@example.fr`;
    createUser(email, 'admin', ['--organisation', String(id)]);
    const page = await signedIn(browser, lang.locale, email);
    const typed = {
      'oe-name': '',
      'oe-description': 'Pôle des polymères : plasturgie, composites, recyclage.',
      'oe-website': 'pas un site',
      'oe-email': 'pas-une-adresse',
    };
    await fillUnchecked(page, `/organisations/${id}/modifier`, typed);
    await page.locator(`form[action="/organisations/${id}/modifier"] button[type=submit]`).click();
    await expectRefused(page, lang, typed, ['oe-name', 'oe-website', 'oe-email']);
    await expect(page.locator('#oe-email-error')).toContainText(lang.emailInvalid);
  });

  test(`territory profile form (${lang.locale}): a refusal keeps every field and tells each problem`, async ({ browser }) => {
    const email = `territoire.${lang.locale}.${Date.now()}@arve.fr`;
    createUser(email, 'project_manager', ['--territory', 'ti-8422']);
    const page = await signedIn(browser, lang.locale, email);
    const typed = {
      'te-presentation': 'x'.repeat(5_001),
      'te-strengths': 'Décolletage, mécatronique, 600 entreprises.',
      'te-skills': 'Régleurs sur tours à commande numérique',
    };
    await fillUnchecked(page, '/territoires/ti-8422/modifier', typed);
    const axis = page.locator('input[name=axes]').first();
    const ticked = !(await axis.isChecked());
    await axis.setChecked(ticked);
    await page.locator('form[action="/territoires/ti-8422/modifier"] button[type=submit]').click();
    await expectRefused(page, lang, typed, ['te-presentation']);
    expect(await page.locator('input[name=axes]').first().isChecked()).toBe(ticked);
  });

  test(`sign-up form (${lang.locale}): a refusal keeps every field and tells each problem`, async ({ browser }) => {
    const page = await signedIn(browser, lang.locale);
    const typed = { 'su-name': 'Zoé Martin', 'su-email': 'pas-une-adresse' };
    await fillUnchecked(page, '/inscription', { ...typed, 'su-password': 'court' });
    await page.locator('form[action="/auth/inscription"] button[type=submit]').click();
    await expectRefused(page, lang, typed, ['su-email', 'su-password']);
    // A password is never sent back.
    await expect(page.locator('#su-password')).toHaveValue('');
  });
}
