// Every browser test imports `test` from here: besides Playwright's own fixtures, it reads the
// visible text of every page any test loads and fails the test if a stored code shows through
// (a word with an underscore, or, on a French page, a code of the role, status, kind or theme
// vocabularies). The codes come from the running server's OpenAPI document, so a new
// vocabulary value is checked without touching this file.
import { test as base, expect, Page, BrowserContext, APIRequestContext } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';

export { expect };

/** Codes that are also ordinary French words, and may appear in French text. */
const FRENCH_WORDS = new Set(['national', 'solution', 'transport', 'direct', 'local', 'public', 'territoire', 'association']);

let codes: Promise<string[]> | null = null;

/** The single-word codes of the vocabularies whose name says role, status, kind or theme. */
async function vocabularyCodes(request: APIRequestContext): Promise<string[]> {
  const r = await request.get('/api/v1/openapi.json');
  expect(r.ok(), 'the OpenAPI document').toBeTruthy();
  const doc = await r.json();
  const found = new Set<string>();
  const walk = (node: any, path: string) => {
    if (Array.isArray(node)) {
      node.forEach((n) => walk(n, path));
      return;
    }
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node.enum) && /role|status|kind|theme/i.test(path)) {
      for (const v of node.enum) if (typeof v === 'string') found.add(v);
    }
    for (const [k, v] of Object.entries(node)) walk(v, `${path}/${k}`);
  };
  walk(doc, '');
  return [...found].filter((c) => c.length >= 3 && !c.includes('_') && !FRENCH_WORDS.has(c));
}

/** What `text` shows that should have been a label. */
export function leaks(text: string, french: boolean, vocabulary: string[]): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/[\p{L}\p{N}]+(?:_[\p{L}\p{N}]+)+/gu)) out.add(m[0]);
  if (french) {
    for (const code of vocabulary) {
      if (new RegExp(`(^|[^\\p{L}\\p{N}_-])${code}($|[^\\p{L}\\p{N}_-])`, 'u').test(text)) out.add(code);
    }
  }
  return [...out];
}

async function check(page: Page, vocabulary: string[], found: string[]) {
  try {
    const { text, lang, url } = await page.evaluate(() => ({
      text: document.body ? document.body.innerText : '',
      lang: document.documentElement.lang,
      url: location.pathname + location.search,
    }));
    for (const leak of leaks(text, lang === 'fr', vocabulary)) found.push(`${url}: ${leak}`);
  } catch {
    // The page navigated away meanwhile: its successor is read on its own load.
  }
}

function watch(page: Page, vocabulary: string[], found: string[], pending: Promise<void>[]) {
  page.on('load', () => {
    pending.push(check(page, vocabulary, found));
  });
  // What went wrong in the page itself (a failed hydration, a refused request) is printed,
  // so that a test that waits in vain says why.
  page.on('pageerror', (e) => console.log(`[page error] ${page.url()}: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') console.log(`[console error] ${page.url()}: ${m.text()}`);
  });
  // A navigation aborts what the page was still loading (the WebAssembly, mostly): only other
  // failures are worth a line.
  page.on('requestfailed', (r) => {
    const why = r.failure()?.errorText ?? '';
    if (why !== 'net::ERR_ABORTED') console.log(`[request failed] ${r.url()}: ${why}`);
  });
}

export const test = base.extend<{ visibleTextHasNoCodes: void }>({
  visibleTextHasNoCodes: [
    async ({ browser, context, request }, use) => {
      codes ??= vocabularyCodes(request);
      const vocabulary = await codes;
      const found: string[] = [];
      const pending: Promise<void>[] = [];
      const follow = (c: BrowserContext) => {
        c.on('page', (p) => watch(p, vocabulary, found, pending));
        c.pages().forEach((p) => watch(p, vocabulary, found, pending));
      };
      follow(context);
      // Contexts a test opens itself (another person, a phone, no JavaScript) are read too.
      const open = browser.newContext.bind(browser);
      browser.newContext = async (...args: Parameters<typeof open>) => {
        const c = await open(...args);
        follow(c);
        return c;
      };
      await use();
      browser.newContext = open;
      await Promise.all(pending);
      expect([...new Set(found)], 'codes shown to people instead of labels').toEqual([]);
    },
    { auto: true },
  ],
});

/** Resolves once the WebAssembly bundle has hydrated the page. */
export async function hydrated(page: Page) {
  await page.waitForFunction(() => (window as any).__maillage_hydrated === true, null, { timeout: 30_000 });
}

/** The link of `route` in the newest .eml of the outbox folder sent to `email`. */
export function mailedLink(email: string, route: string): string {
  const dir = path.join(process.env.E2E_DATA_DIR!, 'outbox');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.eml')).sort().reverse();
  for (const file of files) {
    const raw = fs.readFileSync(path.join(dir, file), 'utf8');
    if (!raw.includes(email)) continue;
    // Bodies are quoted-printable or base64: decode both before looking for the link.
    const parts = raw.split(/\r?\n\r?\n/);
    const decoded = parts
      .map((p) => p.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16))))
      .concat(parts.map((p) => { try { return Buffer.from(p.replace(/\s+/g, ''), 'base64').toString('utf8'); } catch { return ''; } }))
      .join('\n');
    const match = decoded.match(new RegExp(`https?://[^\\s"<]*${route}\\?token=[0-9a-f]+`));
    if (match) return match[0];
  }
  throw new Error(`no ${route} link mailed to ${email}`);
}
