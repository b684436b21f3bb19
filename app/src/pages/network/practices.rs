//! `/pratiques`: best practices, their search, one practice, and publishing one.

use super::*;

pub(super) fn practice_item(lang: Lang, p: PracticeSummary) -> impl IntoView {
    let author = if PartyKind::Territory.is(&p.author_kind) {
        format!("/territoires/{}", p.author_id)
    } else {
        format!("/organisations/{}", p.author_id)
    };
    view! {
        <li class="card">
            <h2><a href=format!("/pratiques/{}", p.id) hreflang=p.lang.clone()>{p.title.clone()}</a></h2>
            <p class="meta">
                <span class="badge">{Theme::label_of(lang, &p.theme)}</span> " "
                {p.is_demo.then(|| view! { <span class="badge demo">{t(lang, Key::DemoBadge)}</span> " " })}
                <a href=author>{p.author_name.clone()}</a> " · " {p.lang.to_uppercase()} " · " {format_date(lang, p.created_at)}
            </p>
        </li>
    }
}

/// `/pratiques`: best practices, searchable and filtered by theme, author and language.
#[component]
pub fn PracticesPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            let q = query.read();
            let pairs: Vec<(&str, String)> = ["q", "theme", "author", "lang", "page"]
                .iter()
                .filter_map(|n| q.get(n).map(|v| (*n, v)))
                .map(|(n, v)| {
                    (
                        n,
                        if n == "theme" {
                            Theme::current_code(v)
                        } else {
                            v
                        },
                    )
                })
                .collect();
            PracticeFilter::from_pairs(pairs.iter().map(|(n, v)| (*n, v.as_str())))
        },
        |filter| async move {
            let filter = filter?;
            let list = get_practices(filter.clone()).await?;
            Ok::<_, AppError>((filter, list))
        },
    );
    view! {
        <PageTitle key=Key::PracticesTitle/>
        <p class="lead">{t(lang, Key::PracticesLead)}</p>
        <p class="actions-row">
            <a class="button" href="/pratiques/nouvelle">{t(lang, Key::NewPractice)}</a> " "
            <a href="/echanges">{t(lang, Key::MyExchanges)}</a>
        </p>
        {when_loaded(data, move |(filter, list)| {
                        let mut qs: Vec<String> = Vec::new();
                        if !filter.q.is_empty() { qs.push(format!("q={}", crate::api::search::encode(&filter.q))); }
                        for (k, v) in [("theme", &filter.theme), ("author", &filter.author), ("lang", &filter.lang)] {
                            if let Some(v) = v { qs.push(format!("{k}={}", crate::api::search::encode(v))); }
                        }
                        let base = qs.join("&");
                        let href: Box<dyn Fn(u64) -> String + Send + Sync> = Box::new(move |page| {
                            if base.is_empty() { format!("/pratiques?page={page}") } else { format!("/pratiques?{base}&page={page}") }
                        });
                        view! {
                            <form class="filters" method="get" action="/pratiques" role="search">
                                {Field::new("pp-q", "q", Key::SearchPractices).search().value(filter.q.clone()).view(lang)}
                                {Select::new("pp-theme", "theme", Key::ThemeLabel).blank(Key::AllThemes)
                                    .keyed(lang, theme_options()).chosen(filter.theme.clone().unwrap_or_default()).view(lang)}
                                <div class="field">
                                    <label for="pp-lang">{t(lang, Key::PracticeLanguage)}</label>
                                    <select id="pp-lang" name="lang">
                                        <option value="">{t(lang, Key::AllLanguages)}</option>
                                        <option value="fr" lang="fr" selected=filter.lang.as_deref() == Some("fr")>"Français"</option>
                                        <option value="en" lang="en" selected=filter.lang.as_deref() == Some("en")>"English"</option>
                                    </select>
                                </div>
                                {filter.author.clone().map(|a| view! { <input type="hidden" name="author" value=a/> })}
                                <button type="submit">{t(lang, Key::Filter)}</button>
                            </form>
                            <p class="count" aria-live="polite" data-testid="practice-count">{format_int(lang, list.total)} " " {t(lang, Key::PracticesWord)}</p>
                            <ul class="cards" data-testid="practice-list">{list.items.clone().into_iter().map(|p| practice_item(lang, p)).collect_view()}</ul>
                            <Pager page=list.page per_page=list.per_page total=list.total href label=t(lang, Key::PracticesTitle)/>
                        }.into_any()
                    })}
    }
}

/// `/pratiques/nouvelle`: a territory team or a district publishes a practice.
#[component]
pub fn PracticeNewPage() -> impl IntoView {
    let page = Frame::new(Key::NewPractice).done(DONE);
    page.signed_in(Key::PracticeSignIn, |lang, u| {
        let authors = u.authors(PartyKind::District);
        if authors.is_empty() {
            return view! { <p>{t(lang, Key::PracticeTeamsOnly)}</p> }.into_any();
        }
        let area = |id, name, key, required| Field::new(id, name, key).required(required).area(4).view(lang);
        view! {
            <form method="post" action="/pratiques/nouvelle" class="card-form wide">
                <ProblemSummary/>
                {Select::new("pr-author", "author", Key::PublishedBy).options(authors).view(lang)}
                {Field::new("pr-title", "title", Key::ProposalTitleLabel).required(true).length(5, 200).view(lang)}
                {Select::new("pr-theme", "theme", Key::ThemeLabel).keyed(lang, theme_options()).view(lang)}
                {Select::new("pr-lang", "lang", Key::PracticeLanguage)
                    .options([("fr", "Français"), ("en", "English")])
                    .chosen(lang.code()).view(lang)}
                {area("pr-context", "context", Key::PracticeContext, false)}
                {area("pr-actions", "actions", Key::PracticeActions, true)}
                {area("pr-results", "results", Key::PracticeResults, false)}
                {area("pr-cost", "cost", Key::PracticeCost, false)}
                {area("pr-partners", "partners", Key::PracticePartners, false)}
                {area("pr-contact", "contact", Key::PracticeContact, false)}
                <button type="submit">{t(lang, Key::Publish)}</button>
            </form>
        }.into_any()
    })
}

/// `/pratiques/{id}`
#[component]
pub fn PracticePage() -> impl IntoView {
    let lang = use_lang();
    let data = path_record(get_practice);
    view! {
        {when_loaded(data, move |p| {
                        let s = p.summary.clone();
                        let section = |key: Key, text: String| (!text.trim().is_empty()).then(|| view! { <h2>{t(lang, key)}</h2><p class="prose" lang=s.lang.clone()>{text}</p> });
                        let to = format!("{}:{}", if PartyKind::Territory.is(&s.author_kind) { PartyKind::Territory.code() } else { PartyKind::District.code() }, s.author_id);
                        let form = (!p.propose_from.is_empty()).then(|| propose_form(lang, p.propose_from.clone(), to, s.author_name.clone(), Some(s.id), format!("/pratiques/{}", s.id), 0));
                        let author = if PartyKind::Territory.is(&s.author_kind) { format!("/territoires/{}", s.author_id) } else { format!("/organisations/{}", s.author_id) };
                        view! {
                            <Title text=s.title.clone()/>
                            <p class="breadcrumb"><a href="/pratiques">{t(lang, Key::PracticesTitle)}</a></p>
                            <h1 lang=s.lang.clone()>{s.title.clone()}</h1>
                            <Flash done=DONE/>
                            <p class="meta">
                                <span class="badge">{Theme::label_of(lang, &s.theme)}</span> " "
                                {s.is_demo.then(|| view! { <span class="badge demo">{t(lang, Key::DemoBadge)}</span> " " })}
                                <a href=author>{s.author_name.clone()}</a> " · " {format_date(lang, s.created_at)}
                            </p>
                            {section(Key::PracticeContext, p.context.clone())}
                            {section(Key::PracticeActions, p.actions.clone())}
                            {section(Key::PracticeResults, p.results.clone())}
                            {section(Key::PracticeCost, p.cost.clone())}
                            {section(Key::PracticePartners, p.partners.clone())}
                            {section(Key::PracticeContact, p.contact.clone())}
                            {form}
                        }.into_any()
                    })}
    }
}
