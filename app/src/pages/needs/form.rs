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
        {authors.map(|list| Select::new("nd-author", "author", Key::PublishedBy).options(list).view(lang))}
        {Select::new("nd-kind", "kind", Key::NeedKind).keyed(lang, NeedKind::ALL.iter().map(|k| (k.code(), k.key()))).chosen(kind).view(lang)}
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
        {Select::new("nd-size", "size", Key::SizeLabel).blank(Key::NotSpecified)
            .keyed(lang, FirmSize::ALL.iter().map(|s| (s.code(), s.key()))).chosen(size).view(lang)}
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
    let page = Frame::new(Key::NewNeed).done(DONE);
    page.signed_in(Key::NeedSignIn, |lang, u| {
        let authors = u.authors(crate::domain::organisation::PartyKind::Organisation);
        if authors.is_empty() {
            return view! { <p>{t(lang, Key::NeedMembersOnly)}</p> }.into_any();
        }
        view! {
            <form method="post" action="/annonces/nouvelle" class="card-form wide">
                {need_fields(lang, &NeedDraft::default(), Some(authors))}
                <button type="submit">{t(lang, Key::Publish)}</button>
            </form>
        }
        .into_any()
    })
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
    let data = path_record(|id| async move {
        let n = get_need(id).await?;
        if !n.is_author {
            return Err(AppError::Forbidden);
        }
        Ok(n)
    });
    view! {
        <PageTitle key=Key::EditNeed/>
        <Flash done=DONE/>
        {when_loaded(data, move |n| view! {
                        <form method="post" action=format!("/annonces/{}/modifier", n.summary.id) class="card-form wide">
                            {need_fields(lang, &draft_of(&n), None)}
                            <button type="submit">{t(lang, Key::Save)}</button>
                        </form>
                    }.into_any())}
    }
}
