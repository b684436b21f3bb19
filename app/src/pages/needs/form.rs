//! Publishing and editing an annonce.

use super::*;

/// The fields of an annonce, for writing and editing.
pub(super) fn need_fields(
    lang: Lang,
    d: &NeedDraft,
    authors: Option<Vec<(String, String)>>,
) -> impl IntoView {
    let input =
        |id: &'static str, name: &'static str, key: Key, value: String, hint: Option<Key>| {
            view! {
                <div class="field">
                    <label for=id>{t(lang, key)}</label>
                    {hint.map(|h| view! { <p class="hint">{t(lang, h)}</p> })}
                    <input id=id name=name type="text" value=value/>
                </div>
            }
        };
    let (kind, visibility, size) = (d.kind.clone(), d.visibility.clone(), d.size.clone());
    view! {
        {authors.map(|list| view! {
            <div class="field">
                <label for="nd-author">{t(lang, Key::PublishedBy)}</label>
                <select id="nd-author" name="author">
                    {list.into_iter().map(|(v, l)| view! { <option value=v>{l}</option> }).collect_view()}
                </select>
            </div>
        })}
        <div class="field">
            <label for="nd-kind">{t(lang, Key::NeedKind)}</label>
            <select id="nd-kind" name="kind">
                {NeedKind::ALL.iter().map(|k| view! { <option value=k.code() selected=kind == k.code()>{t(lang, k.key())}</option> }).collect_view()}
            </select>
        </div>
        <div class="field">
            <label for="nd-title">{t(lang, Key::ProposalTitleLabel)} " *"</label>
            <input id="nd-title" name="title" type="text" required minlength="5" maxlength="200" value=d.title.clone()/>
        </div>
        <div class="field">
            <label for="nd-description">{t(lang, Key::NeedDescription)}</label>
            <textarea id="nd-description" name="description" rows="5">{d.description.clone()}</textarea>
        </div>
        {input("nd-naf", "naf_codes", Key::NafCodesLabel, d.naf_codes.clone(), Some(Key::NafCodesHint))}
        {input("nd-skills", "skills", Key::SkillsLabel, d.skills.clone(), Some(Key::ListHint))}
        {input("nd-certifications", "certifications", Key::RequiredCertifications, d.certifications.clone(), Some(Key::ListHint))}
        {input("nd-quantity", "quantity", Key::QuantityLabel, d.quantity.clone(), None)}
        {input("nd-commune", "commune", Key::CommuneCodeLabel, d.commune.clone(), Some(Key::CommuneCodeHint))}
        {input("nd-radius", "radius_km", Key::NeedRadiusLabel, d.radius_km.clone(), None)}
        <div class="field">
            <label for="nd-deadline">{t(lang, Key::DeadlineLabel)}</label>
            <input id="nd-deadline" name="deadline" type="date" value=d.deadline.clone()/>
        </div>
        <div class="field">
            <label for="nd-size">{t(lang, Key::SizeLabel)}</label>
            <select id="nd-size" name="size">
                <option value="">{t(lang, Key::NotSpecified)}</option>
                {FirmSize::ALL.iter().map(|s| view! { <option value=s.code() selected=size == s.code()>{t(lang, s.key())}</option> }).collect_view()}
            </select>
        </div>
        {input("nd-area", "land_area_ha", Key::LandAreaLabel, d.land_area_ha.clone(), Some(Key::LandAreaHint))}
        <fieldset>
            <legend>{t(lang, Key::VisibilityLabel)}</legend>
            {NeedVisibility::ALL.iter().map(|v| {
                let id = format!("nd-vis-{}", v.code());
                let checked = if visibility.is_empty() { *v == NeedVisibility::Members } else { visibility == v.code() };
                view! {
                    <div class="check">
                        <input type="radio" id=id.clone() name="visibility" value=v.code() checked=checked/>
                        <label for=id>{t(lang, v.key())}</label>
                    </div>
                }
            }).collect_view()}
        </fieldset>
    }
}

/// `/annonces/nouvelle`
#[component]
pub fn NeedNewPage() -> impl IntoView {
    let lang = use_lang();
    let user = Resource::new(|| (), |_| get_current_user());
    view! {
        <Title text=t(lang, Key::NewNeed)/>
        <h1>{t(lang, Key::NewNeed)}</h1>
        <Flash errors=error_key done=DONE/>
        <Suspense fallback=move || view! { <p>{t(lang, Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                let Ok(Some(u)) = user.await else {
                    return view! { <p>{t(lang, Key::NeedSignIn)} " " <a href="/connexion">{t(lang, Key::SignIn)}</a></p> }.into_any();
                };
                let authors: Vec<(String, String)> = u.memberships.iter().filter_map(|m| match m.scope_kind.as_str() {
                    "organisation" => Some((format!("organisation:{}", m.scope_id), m.scope_label.clone())),
                    "territory" if crate::domain::policy::Role::parse(&m.role).is_some_and(crate::domain::policy::Role::speaks_for_territory) => Some((format!("territory:{}", m.scope_id), m.scope_label.clone())),
                    _ => None,
                }).collect();
                if authors.is_empty() {
                    return view! { <p>{t(lang, Key::NeedMembersOnly)}</p> }.into_any();
                }
                view! {
                    <form method="post" action="/annonces/nouvelle" class="card-form wide">
                        {need_fields(lang, &NeedDraft::default(), Some(authors))}
                        <button type="submit">{t(lang, Key::Publish)}</button>
                    </form>
                }.into_any()
            })}
        </Suspense>
    }
}

pub(super) fn draft_of(n: &NeedView) -> NeedDraft {
    NeedDraft {
        author: n
            .summary
            .author
            .as_ref()
            .map(|a| format!("{}:{}", a.kind, a.id))
            .unwrap_or_default(),
        kind: n.summary.kind.clone(),
        title: n.summary.title.clone(),
        description: n.description.clone(),
        naf_codes: n
            .naf_codes
            .iter()
            .map(|(c, _)| c.clone())
            .collect::<Vec<_>>()
            .join(" "),
        skills: n.skills.join("; "),
        certifications: n.certifications.join("; "),
        quantity: n.quantity.clone(),
        commune: String::new(),
        radius_km: n.radius_km.to_string(),
        deadline: n.summary.deadline.clone(),
        visibility: n.summary.visibility.clone(),
        size: n.size.clone(),
        land_area_ha: n.land_area_ha.map(|a| a.to_string()).unwrap_or_default(),
    }
}

/// `/annonces/{id}/modifier`
#[component]
pub fn NeedEditPage() -> impl IntoView {
    let lang = use_lang();
    let data = Resource::new(path_id(), |id| async move {
        let Some(id) = id else {
            return Err(AppError::NotFound);
        };
        let n = get_need(id).await?;
        if !n.is_author {
            return Err(AppError::Forbidden);
        }
        Ok(n)
    });
    view! {
        <Title text=t(lang, Key::EditNeed)/>
        <h1>{t(lang, Key::EditNeed)}</h1>
        <Flash errors=error_key done=DONE/>
        {when_loaded(data, move |n| view! {
                        <form method="post" action=format!("/annonces/{}/modifier", n.summary.id) class="card-form wide">
                            {need_fields(lang, &draft_of(&n), None)}
                            <button type="submit">{t(lang, Key::Save)}</button>
                        </form>
                    }.into_any())}
    }
}
