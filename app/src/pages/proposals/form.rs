//! Writing and editing a proposal, with the similar proposals found as one types.

use super::*;

/// The fields of a proposal's text, shared by the writing and editing forms.
pub(super) fn draft_fields(
    lang: Lang,
    d: &ProposalDraft,
    on_text: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let area = |id: &'static str,
                name: &'static str,
                key: Key,
                hint: Key,
                value: String,
                required: bool| {
        view! {
            <div class="field">
                <label for=id>{t(lang, key)}{required.then_some(" *")}</label>
                <p class="hint" id=format!("{id}-hint")>{t(lang, hint)}</p>
                <textarea id=id name=name rows="5" aria-describedby=format!("{id}-hint")
                    on:change:target=move |ev| on_text(ev.target().value())>{value}</textarea>
            </div>
        }
    };
    let theme = d.theme.clone();
    let axis = d.axis.clone();
    let kind = d.proposal_kind.clone();
    view! {
        <div class="field">
            <label for="pr-title">{t(lang, Key::ProposalTitleLabel)} " *"</label>
            <input id="pr-title" name="title" required minlength="5" maxlength="200" value=d.title.clone()
                on:change:target=move |ev| on_text(ev.target().value())/>
        </div>
        {area("pr-problem", "problem", Key::ProblemLabel, Key::ProblemHint, d.problem.clone(), true)}
        {area("pr-rule", "rule", Key::RuleLabel, Key::RuleHint, d.rule.clone(), true)}
        <div class="field">
            <label for="pr-legal">{t(lang, Key::LegalReferenceLabel)}</label>
            <input id="pr-legal" name="legal_reference" value=d.legal_reference.clone()/>
        </div>
        {Select::new("pr-theme", "theme", Key::ThemeLabel).required(true).blank(Key::ChooseTheme).keyed(lang, theme_options()).chosen(theme).view(lang)}
        {Select::new("pr-axis", "axis", Key::AxisLabel).blank(Key::NotSpecified).keyed(lang, axis_options()).chosen(axis).view(lang)}
        {Select::new("pr-kind", "proposal_kind", Key::ProposalKindLabel).blank(Key::NotSpecified)
            .keyed(lang, ProposalKind::ALL.iter().map(|k| (k.code(), k.key()))).chosen(kind).view(lang)}
        {area("pr-solution", "solution", Key::SolutionLabel, Key::SolutionHint, d.solution.clone(), false)}
    }
}

/// Existing proposals close to what is being written.
#[component]
pub(super) fn Similar(text: RwSignal<String>, exclude: Option<i64>) -> impl IntoView {
    let lang = use_lang();
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

/// `/simplification/nouvelle`: a territory team writes a draft.
#[component]
pub fn ProposalNewPage() -> impl IntoView {
    let text = RwSignal::new(String::new());
    let on_text = move |v: String| text.set(v);
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
                <form method="post" action="/simplification/nouvelle" class="card-form wide">
                    {Select::new("pr-territory", "territory_id", Key::TerritoryLabel).options(territories).view(lang)}
                    {draft_fields(lang, &ProposalDraft::default(), on_text)}
                    <button type="submit">{t(lang, Key::SaveDraft)}</button>
                </form>
                <Similar text exclude=None/>
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
    let text = RwSignal::new(String::new());
    let on_text = move |v: String| text.set(v);
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
                                <form method="post" action=format!("/simplification/{id}/modifier") class="card-form wide">
                                    {draft_fields(lang, &d, on_text)}
                                    <button type="submit">{t(lang, Key::Save)}</button>
                                </form>
                                <Similar text exclude=Some(id)/>
                            </div>
                        }.into_any()
                    })}
    }
}
