//! The document shell and the router.

use crate::components::Layout;
use crate::i18n::Lang;
use crate::pages::{
    AccountPage, ActionPlanPage, ClaimsPage, ClustersPage, CommitteePage, ContractPage,
    DashboardPage, DecisionRecordPage, DistrictNewPage, DistrictPartnersPage, DistrictsPage,
    EvaluationPage, EvaluationsPage, ExchangePage, ExchangesPage, FilieresPage, ForgotPage,
    HomePage, InboxPage, InvitationPage, JoinPage, LandSiteEditPage, LandSiteNewPage, LandSitePage,
    MagicLinkPage, NationalScorecardPage, NeedEditPage, NeedNewPage, NeedPage, NeedsPage, NotFound,
    OrganisationEditPage, OrganisationPage, PolesPage, PracticeNewPage, PracticePage,
    PracticesPage, ProposalEditPage, ProposalNewPage, ProposalPage, ProposalsPage, QueuePage,
    RegionScorecardPage, ReportsPage, ResetPage, SearchPage, SessionPage, SheetEditPage,
    SheetNewPage, SheetPage, SignInPage, SignUpPage, TerritoriesPage, TerritoryEditPage,
    TerritoryPage, TerritoryPartnersPage, TerritoryScorecardPage, VerifyPage,
};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, Meta, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

/// The HTML document rendered by the server around the application.
pub fn shell(_options: LeptosOptions) -> impl IntoView {
    let lang = Lang::detect();
    #[cfg(feature = "ssr")]
    content_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang=lang.code()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <crate::assets::HydrationLoader/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// A Content Security Policy allowing only this render's inline scripts: leptos_axum gives
/// every render a nonce and puts it on the hydration bootstrap and on streamed data.
#[cfg(feature = "ssr")]
fn content_security_policy() {
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; \
         base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(value) = http::HeaderValue::from_str(&policy) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

/// The text of the document title, as the head writes it.
///
/// leptos_meta writes the title's text into `<title>` raw during server rendering, so a
/// title taken from user text (an annonce, a practice, an organisation) could close the
/// element and plant markup in the head. On the server the text is escaped here, once for
/// every page; in the browser it goes to `document.title`, which takes text as it is.
/// No page sets a formatter of its own: the last one set would replace this one.
pub fn title_text(text: String) -> String {
    #[cfg(feature = "ssr")]
    {
        crate::domain::text::escape_html(&text)
    }
    #[cfg(not(feature = "ssr"))]
    {
        text
    }
}

/// The application: language, metadata and routes.
///
/// Every route renders in `Async` mode: the server waits for the page's data and sends
/// complete HTML with the right status, which is what readers without WebAssembly and
/// search engines get.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_context(Lang::detect());
    view! {
        // The one formatter of every page title: see `title_text`.
        <Title formatter=title_text/>
        <Stylesheet id="leptos" href=crate::assets::SiteFiles::href(&crate::assets::use_site_files().css)/>
        <Link rel="icon" href="/favicon.svg" type_="image/svg+xml"/>
        <Meta name="description" content="Maillage — Territoires d'industrie"/>
        <Router>
            <Layout>
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async/>
                    <Route path=path!("/territoires") view=TerritoriesPage ssr=SsrMode::Async/>
                    <Route path=path!("/territoires/:id") view=TerritoryPage ssr=SsrMode::Async/>
                    <Route path=path!("/territoires/:id/modifier") view=TerritoryEditPage ssr=SsrMode::Async/>
                    <Route path=path!("/territoires/:id/plan") view=ActionPlanPage ssr=SsrMode::Async/>
                    <Route path=path!("/territoires/:id/contrat") view=ContractPage ssr=SsrMode::Async/>
                    <Route path=path!("/fiches/nouvelle") view=SheetNewPage ssr=SsrMode::Async/>
                    <Route path=path!("/fiches/:id") view=SheetPage ssr=SsrMode::Async/>
                    <Route path=path!("/fiches/:id/modifier") view=SheetEditPage ssr=SsrMode::Async/>
                    <Route path=path!("/organisations/:id") view=OrganisationPage ssr=SsrMode::Async/>
                    <Route path=path!("/organisations/:id/modifier") view=OrganisationEditPage ssr=SsrMode::Async/>
                    <Route path=path!("/foncier/nouveau") view=LandSiteNewPage ssr=SsrMode::Async/>
                    <Route path=path!("/foncier/:id") view=LandSitePage ssr=SsrMode::Async/>
                    <Route path=path!("/foncier/:id/modifier") view=LandSiteEditPage ssr=SsrMode::Async/>
                    <Route path=path!("/connexion") view=SignInPage ssr=SsrMode::Async/>
                    <Route path=path!("/inscription") view=SignUpPage ssr=SsrMode::Async/>
                    <Route path=path!("/lien") view=MagicLinkPage ssr=SsrMode::Async/>
                    <Route path=path!("/verifier") view=VerifyPage ssr=SsrMode::Async/>
                    <Route path=path!("/reinitialiser") view=ResetPage ssr=SsrMode::Async/>
                    <Route path=path!("/invitation") view=InvitationPage ssr=SsrMode::Async/>
                    <Route path=path!("/mot-de-passe-oublie") view=ForgotPage ssr=SsrMode::Async/>
                    <Route path=path!("/compte") view=AccountPage ssr=SsrMode::Async/>
                    <Route path=path!("/rejoindre") view=JoinPage ssr=SsrMode::Async/>
                    <Route path=path!("/revendications") view=ClaimsPage ssr=SsrMode::Async/>
                    <Route path=path!("/poles") view=PolesPage ssr=SsrMode::Async/>
                    <Route path=path!("/clusters") view=ClustersPage ssr=SsrMode::Async/>
                    <Route path=path!("/comites/:id") view=CommitteePage ssr=SsrMode::Async/>
                    <Route path=path!("/comites/seances/:id") view=SessionPage ssr=SsrMode::Async/>
                    <Route path=path!("/comites/seances/:id/releve") view=DecisionRecordPage ssr=SsrMode::Async/>
                    <Route path=path!("/recherche") view=SearchPage ssr=SsrMode::Async/>
                    <Route path=path!("/districts") view=DistrictsPage ssr=SsrMode::Async/>
                    <Route path=path!("/territoires/:id/partenaires") view=TerritoryPartnersPage ssr=SsrMode::Async/>
                    <Route path=path!("/organisations/:id/partenaires") view=DistrictPartnersPage ssr=SsrMode::Async/>
                    <Route path=path!("/districts/nouveau") view=DistrictNewPage ssr=SsrMode::Async/>
                    <Route path=path!("/territoires/:id/filieres") view=FilieresPage ssr=SsrMode::Async/>
                    <Route path=path!("/annonces") view=NeedsPage ssr=SsrMode::Async/>
                    <Route path=path!("/annonces/nouvelle") view=NeedNewPage ssr=SsrMode::Async/>
                    <Route path=path!("/annonces/:id") view=NeedPage ssr=SsrMode::Async/>
                    <Route path=path!("/annonces/:id/modifier") view=NeedEditPage ssr=SsrMode::Async/>
                    <Route path=path!("/mises-en-relation") view=InboxPage ssr=SsrMode::Async/>
                    <Route path=path!("/pratiques") view=PracticesPage ssr=SsrMode::Async/>
                    <Route path=path!("/pratiques/nouvelle") view=PracticeNewPage ssr=SsrMode::Async/>
                    <Route path=path!("/pratiques/:id") view=PracticePage ssr=SsrMode::Async/>
                    <Route path=path!("/echanges") view=ExchangesPage ssr=SsrMode::Async/>
                    <Route path=path!("/echanges/:id") view=ExchangePage ssr=SsrMode::Async/>
                    <Route path=path!("/suivi") view=NationalScorecardPage ssr=SsrMode::Async/>
                    <Route path=path!("/suivi/evaluations") view=EvaluationsPage ssr=SsrMode::Async/>
                    <Route path=path!("/suivi/rapports") view=ReportsPage ssr=SsrMode::Async/>
                    <Route path=path!("/suivi/evaluations/:id") view=EvaluationPage ssr=SsrMode::Async/>
                    <Route path=path!("/suivi/regions/:code") view=RegionScorecardPage ssr=SsrMode::Async/>
                    <Route path=path!("/suivi/territoires/:id") view=TerritoryScorecardPage ssr=SsrMode::Async/>
                    <Route path=path!("/simplification") view=ProposalsPage ssr=SsrMode::Async/>
                    <Route path=path!("/simplification/nouvelle") view=ProposalNewPage ssr=SsrMode::Async/>
                    <Route path=path!("/simplification/file") view=QueuePage ssr=SsrMode::Async/>
                    <Route path=path!("/simplification/tableau-de-bord") view=DashboardPage ssr=SsrMode::Async/>
                    <Route path=path!("/simplification/:id") view=ProposalPage ssr=SsrMode::Async/>
                    <Route path=path!("/simplification/:id/modifier") view=ProposalEditPage ssr=SsrMode::Async/>
                </Routes>
            </Layout>
        </Router>
    }
}
