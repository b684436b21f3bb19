//! Publishing and editing an annonce.

use super::*;

/// The fields of an annonce, for writing and editing.
pub(super) fn need_fields(
    lang: Lang,
    d: &NeedDraft,
    authors: Option<Vec<(String, String)>>,
) -> impl IntoView {
    let field = |id: &'static str, name: &'static str, key: Key, value: &str| {
        Field::new(id, name, key).value(value)
    };
    let visibility = typed_or("visibility", d.visibility.clone());
    let first = format!("nd-vis-{}", NeedVisibility::ALL[0].code());
    let visibility_problem =
        crate::components::field_problem(lang, "visibility", &first, Key::VisibilityLabel);
    view! {
        {authors.map(|list| Select::new("nd-author", "author", Key::PublishedBy).options(list).view(lang))}
        {Select::new("nd-kind", "kind", Key::NeedKind).keyed(lang, NeedKind::ALL.iter().map(|k| (k.code(), k.key()))).chosen(d.kind.clone()).view(lang)}
        {field("nd-title", "title", Key::ProposalTitleLabel, &d.title).required(true).length(5, 200).view(lang)}
        {field("nd-description", "description", Key::NeedDescription, &d.description).area(5).view(lang)}
        {field("nd-naf", "naf_codes", Key::NafCodesLabel, &d.naf_codes).hint(Key::NafCodesHint).autocomplete("off").view(lang)}
        <crate::components::Suggest input="nd-naf".to_owned() list=crate::api::search::ChoiceList::Activities/>
        {field("nd-skills", "skills", Key::SkillsLabel, &d.skills).hint(Key::ListHint).view(lang)}
        {field("nd-certifications", "certifications", Key::RequiredCertifications, &d.certifications).hint(Key::ListHint).view(lang)}
        {field("nd-quantity", "quantity", Key::QuantityLabel, &d.quantity).view(lang)}
        {field("nd-commune", "commune", Key::CommuneCodeLabel, &d.commune).hint(Key::CommuneCodeHint).autocomplete("off").view(lang)}
        <crate::components::Suggest input="nd-commune".to_owned() list=crate::api::search::ChoiceList::Communes/>
        {radius_choice(lang, &d.radius_km)}
        {field("nd-deadline", "deadline", Key::DeadlineLabel, &d.deadline).kind("date").view(lang)}
        {Select::new("nd-size", "size", Key::SizeLabel).blank(Key::NotSpecified)
            .keyed(lang, FirmSize::ALL.iter().map(|s| (s.code(), s.key()))).chosen(d.size.clone()).view(lang)}
        {field("nd-area", "land_area_ha", Key::LandAreaLabel, &d.land_area_ha).hint(Key::LandAreaHint).view(lang)}
        <fieldset aria-describedby=visibility_problem.described_by>
            <legend>{t(lang, Key::VisibilityLabel)}</legend>
            {visibility_problem.message}
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

/// The search radius as a choice; a saved radius that is not among the usual ones is offered
/// too, so that editing an annonce keeps it.
fn radius_choice(lang: Lang, saved: &str) -> AnyView {
    use crate::domain::geo::{DEFAULT_RADIUS_KM, RADII_KM};
    let km = |r: f64| {
        let n = if r.fract() == 0.0 {
            crate::i18n::format_int(lang, r as u64)
        } else {
            crate::i18n::format_dec1(lang, r)
        };
        format!("{n} km")
    };
    let saved = saved.trim().replace(',', ".").parse::<f64>().ok();
    let mut radii: Vec<f64> = RADII_KM.to_vec();
    if let Some(r) = saved.filter(|r| (1.0..=500.0).contains(r) && !RADII_KM.contains(r)) {
        radii.push(r);
        radii.sort_by(f64::total_cmp);
    }
    let options = radii
        .into_iter()
        .map(|r| (r.to_string(), km(r)))
        .collect::<Vec<_>>();
    Select::new("nd-radius", "radius_km", Key::NeedRadiusLabel)
        .options(options)
        .chosen(saved.unwrap_or(DEFAULT_RADIUS_KM).to_string())
        .view(lang)
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
                <ProblemSummary/>
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
        commune: n.commune_typed.clone().unwrap_or_default(),
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
                            <ProblemSummary/>
                            {need_fields(lang, &draft_of(&n), None)}
                            <button type="submit">{t(lang, Key::Save)}</button>
                        </form>
                    }.into_any())}
    }
}
