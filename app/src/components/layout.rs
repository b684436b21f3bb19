//! The page frame: skip link, header with navigation and language switch, footer.

use crate::api::accounts::get_current_user;
use crate::i18n::{t, use_lang, Key};
use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// Wraps every page.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let lang = use_lang();
    let location = use_location();
    // The switch posts the page's own address so the server can send the reader back to it.
    // The router's `search` comes without its `?`.
    let here = move || match location.search.get() {
        search if search.is_empty() => location.pathname.get(),
        search => format!("{}?{search}", location.pathname.get()),
    };
    let other = lang.other();
    let user = Resource::new(|| (), |_| get_current_user());
    view! {
        <a class="skip-link" href="#contenu">{t(lang, Key::SkipToContent)}</a>
        <header class="site-header">
            <div class="wrap header-row">
                <a class="brand" href="/">
                    <span class="brand-mark" aria-hidden="true">"◆"</span>
                    " Maillage"
                </a>
                // A phone folds the menu behind its summary; a wider screen shows it open
                // (style/main.css), without WebAssembly either way.
                <details class="menu">
                    <summary>{t(lang, Key::Menu)}</summary>
                <nav aria-label=t(lang, Key::MainNavigation)>
                    <ul class="nav">
                        <li><a href="/">{t(lang, Key::NavHome)}</a></li>
                        <li><a href="/recherche">{t(lang, Key::NavSearch)}</a></li>
                        <li><a href="/territoires">{t(lang, Key::NavTerritories)}</a></li>
                        <li><a href="/poles">{t(lang, Key::NavPoles)}</a></li>
                        <li><a href="/clusters">{t(lang, Key::NavClusters)}</a></li>
                        <li><a href="/districts">{t(lang, Key::NavDistricts)}</a></li>
                        <li><a href="/annonces">{t(lang, Key::NavNeeds)}</a></li>
                        <li><a href="/pratiques">{t(lang, Key::NavPractices)}</a></li>
                        <li><a href="/simplification">{t(lang, Key::NavSimplification)}</a></li>
                        <li><a href="/suivi">{t(lang, Key::NavMonitoring)}</a></li>
                    </ul>
                </nav>
                </details>
                <div class="account-nav">
                    <Suspense>
                        {move || Suspend::new(async move {
                            match user.await.ok().flatten() {
                                Some(u) => view! {
                                    <a href="/compte" data-testid="account-link">{u.name}</a>
                                    <form method="post" action="/auth/deconnexion" class="inline">
                                        <button type="submit" class="link-button" data-testid="sign-out">{t(lang, Key::SignOut)}</button>
                                    </form>
                                }.into_any(),
                                None => view! { <a href="/connexion" data-testid="sign-in-link">{t(lang, Key::SignIn)}</a> }.into_any(),
                            }
                        })}
                    </Suspense>
                </div>
                <form class="lang-switch" method="post" action="/langue">
                    <input type="hidden" name="lang" value=other.code()/>
                    <input type="hidden" name="next" value=here/>
                    <button type="submit" lang=other.code() data-testid="lang-switch">
                        {t(lang, Key::SwitchLanguage)}
                    </button>
                </form>
            </div>
        </header>
        <main id="contenu" class="wrap" tabindex="-1">{children()}</main>
        <footer class="site-footer">
            <div class="wrap">
                <p>{t(lang, Key::FooterProgramme)}</p>
                <p>{t(lang, Key::FooterSources)}</p>
            </div>
        </footer>
    }
}
