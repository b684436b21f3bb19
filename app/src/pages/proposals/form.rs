//! Writing and editing a proposal, with the similar proposals found as one types.

use super::*;

/// The id of the writing and editing forms, which `Similar` listens to.
const FORM: &str = "proposal-form";

/// The fields of a proposal's text, shared by the writing and editing forms.
pub(super) fn draft_fields(lang: Lang, d: &ProposalDraft) -> impl IntoView {
    let area =
        |id: &'static str, name: &'static str, key: Key, hint: Key, value: &str, required: bool| {
            Field::new(id, name, key)
                .value(value)
                .hint(hint)
                .area(5)
                .required(required)
                .view(lang)
        };
    view! {
        {Field::new("pr-title", "title", Key::ProposalTitleLabel).value(&d.title).required(true).length(5, 200).view(lang)}
        {area("pr-problem", "problem", Key::ProblemLabel, Key::ProblemHint, &d.problem, true)}
        {area("pr-rule", "rule", Key::RuleLabel, Key::RuleHint, &d.rule, true)}
        {Field::new("pr-legal", "legal_reference", Key::LegalReferenceLabel).value(&d.legal_reference).view(lang)}
        {Select::new("pr-theme", "theme", Key::ThemeLabel).required(true).blank(Key::ChooseTheme).keyed(lang, theme_options()).chosen(d.theme.clone()).view(lang)}
        {Select::new("pr-axis", "axis", Key::AxisLabel).blank(Key::NotSpecified).keyed(lang, axis_options()).chosen(d.axis.clone()).view(lang)}
        {Select::new("pr-kind", "proposal_kind", Key::ProposalKindLabel).blank(Key::NotSpecified)
            .keyed(lang, ProposalKind::ALL.iter().map(|k| (k.code(), k.key()))).chosen(d.proposal_kind.clone()).view(lang)}
        {area("pr-solution", "solution", Key::SolutionLabel, Key::SolutionHint, &d.solution, false)}
    }
}

/// Existing proposals close to what is being written: an island listening to the form
/// `form` (its id), which asks for similar proposals each time one of its texts changes.
/// Without WebAssembly it says there are none yet.
#[island]
pub(super) fn Similar(form: String, exclude: Option<i64>) -> impl IntoView {
    let lang = use_lang();
    let text = RwSignal::new(String::new());
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| listen_to_texts(&form, text));
    #[cfg(not(feature = "hydrate"))]
    let _ = form;
    let similar = Resource::new(move || text.get(), move |text| get_similar(text, exclude));
    view! {
        <aside class="similar" aria-live="polite" data-testid="similar">
            <h2>{t(lang, Key::SimilarProposals)}</h2>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let items: Vec<ProposalLink> = similar.await.unwrap_or_default();
                    if items.is_empty() {
                        view! { <p class="hint">{t(lang, Key::NoSimilar)}</p> }.into_any()
                    } else {
                        view! {
                            <p class="hint">{t(lang, Key::SimilarHint)}</p>
                            <ul>
                                {items.into_iter().map(|p| view! {
                                    <li><a href=format!("/simplification/{}", p.id)>{p.title}</a> " · " {p.territory_name}</li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }
                })}
            </Suspense>
        </aside>
    }
}

/// Sets `text` to each text of the form `form` as it is changed.
#[cfg(feature = "hydrate")]
fn listen_to_texts(form: &str, text: RwSignal<String>) {
    use wasm_bindgen::JsCast;
    let Some(form) = document().get_element_by_id(form) else {
        return;
    };
    let on_change =
        wasm_bindgen::closure::Closure::<dyn Fn(web_sys::Event)>::new(move |ev: web_sys::Event| {
            let value = ev.target().and_then(|t| {
                t.dyn_ref::<web_sys::HtmlTextAreaElement>()
                    .map(|a| a.value())
                    .or_else(|| t.dyn_ref::<web_sys::HtmlInputElement>().map(|i| i.value()))
            });
            if let Some(value) = value {
                text.set(value);
            }
        });
    let _ = form.add_event_listener_with_callback("change", on_change.as_ref().unchecked_ref());
    on_change.forget();
}

/// `/simplification/nouvelle`: a territory team writes a draft.
#[component]
pub fn ProposalNewPage() -> impl IntoView {
    let page = Frame::new(Key::NewProposal).done(DONE);
    page.signed_in(Key::ProposalSignIn, move |lang, user| {
        let territories: Vec<(String, String)> = user
            .memberships
            .iter()
            .filter(|m| crate::domain::policy::ScopeKind::Territory.is(&m.scope_kind))
            .map(|m| (m.scope_id.clone(), m.scope_label.clone()))
            .collect::<BTreeMap<_, _>>()
            .into_iter()
            .collect();
        if territories.is_empty() {
            return view! { <p data-testid="not-team">{t(lang, Key::ProposalTeamsOnly)}</p> }.into_any();
        }
        view! {
            <p class="lead">{t(lang, Key::NewProposalLead)}</p>
            <div class="two-columns">
                <form id=FORM method="post" action="/simplification/nouvelle" class="card-form wide">
                    <ProblemSummary/>
                    {Select::new("pr-territory", "territory_id", Key::TerritoryLabel).options(territories).view(lang)}
                    {draft_fields(lang, &ProposalDraft::default())}
                    <button type="submit">{t(lang, Key::SaveDraft)}</button>
                </form>
                <Similar form=FORM.to_owned() exclude=None/>
            </div>
        }.into_any()
    })
}

/// `/simplification/{id}/modifier`: the team edits a draft or a returned proposal.
#[component]
pub fn ProposalEditPage() -> impl IntoView {
    let lang = use_lang();
    let data = path_record(|id| async move {
        let p = get_proposal(id).await?;
        if !p.may_edit {
            return Err(AppError::Forbidden);
        }
        Ok(p)
    });
    view! {
        <PageTitle key=Key::EditProposal/>
        <Flash done=DONE/>
        {when_loaded(data, move |p| {
                        let d = ProposalDraft {
                            territory_id: p.summary.territory_id.clone(),
                            title: p.summary.title.clone(),
                            problem: p.problem.clone(),
                            rule: p.rule.clone(),
                            legal_reference: p.legal_reference.clone(),
                            theme: p.summary.theme.clone(),
                            axis: p.axis.clone(),
                            proposal_kind: p.proposal_kind.clone(),
                            solution: p.solution.clone(),
                        };
                        let id = p.summary.id;
                        view! {
                            <div class="two-columns">
                                <form id=FORM method="post" action=format!("/simplification/{id}/modifier") class="card-form wide">
                                    <ProblemSummary/>
                                    {draft_fields(lang, &d)}
                                    <button type="submit">{t(lang, Key::Save)}</button>
                                </form>
                                <Similar form=FORM.to_owned() exclude=Some(id)/>
                            </div>
                        }.into_any()
                    })}
    }
}
