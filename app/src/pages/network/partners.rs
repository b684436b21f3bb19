//! `/territoires/{id}/partenaires` and `/districts/{id}/partenaires`: partner suggestions with their reasons, and the form proposing an exchange.

use super::*;

/// One ranked partner with its score drawn as a bar and its reasons.
pub(super) fn partner_item(
    lang: Lang,
    s: PartnerSuggestion,
    from: Option<Vec<(String, String)>>,
    back: String,
    n: usize,
) -> impl IntoView {
    let href = if PartyKind::District.is(&s.kind) {
        format!("/organisations/{}", s.id)
    } else {
        format!("/territoires/{}", s.id)
    };
    let pct = (s.score * 100.0).round();
    let to = format!("{}:{}", s.kind, s.id);
    let form = from
        .filter(|f| !f.is_empty())
        .map(|f| propose_form(lang, f, to, s.name.clone(), None, back, n));
    view! {
        <li class="partner" data-testid="partner">
            <h3><a href=href>{s.name.clone()}</a></h3>
            <p class="meta">{country_name(lang, &s.country)} " · " {s.place.clone()}</p>
            <p class="score">
                <svg viewBox="0 0 100 8" width="120" height="10" aria-hidden="true">
                    <rect x="0" y="0" width="100" height="8" class="score-track"></rect>
                    <rect x="0" y="0" width=pct height="8" class="score-bar"></rect>
                </svg>
                " " {t(lang, Key::Affinity)} " " {crate::i18n::percent(lang, pct)}
            </p>
            <p class="why" data-testid="why">{s.explanation.clone()}</p>
            {form}
        </li>
    }
}

#[component]
pub(super) fn PartnersView(p: Partners, district: bool) -> impl IntoView {
    let lang = use_lang();
    let user = Resource::new(|| (), |_| get_current_user());
    let rows: Vec<(String, u64)> = p
        .profile
        .iter()
        .map(|(code, label, share)| (format!("{code} {label}"), (share * 100.0).round() as u64))
        .collect();
    let back = if district {
        format!("/organisations/{}/partenaires", p.id)
    } else {
        format!("/territoires/{}/partenaires", p.id)
    };
    let chart = (!district && !rows.is_empty()).then(|| {
        view! {
            <h2>{t(lang, Key::IndustrialProfile)}</h2>
            <BarChart rows label=t(lang, Key::IndustrialProfileLabel).to_owned() caption=t(lang, Key::IndustrialProfileCaption).to_owned() testid="profile-chart"/>
        }
    });
    let (districts, territories, may_propose, name) =
        (p.districts, p.territories, p.may_propose, p.name);
    view! {
        <Title text=format!("{} · {}", t(lang, Key::PartnersTitle), name)/>
        <p class="breadcrumb"><a href=if district { format!("/organisations/{}", p.id) } else { format!("/territoires/{}", p.id) }>{name.clone()}</a></p>
        <h1>{t(lang, Key::PartnersTitle)} {crate::i18n::colon(lang)} {name.clone()}</h1>
        <Flash done=DONE/>
        <p class="lead">{t(lang, if district { Key::DistrictPartnersLead } else { Key::PartnersLead })}</p>
        {chart}
        <Suspense fallback=|| ()>
            {move || {
                let districts = districts.clone();
                let territories = territories.clone();
                let back = back.clone();
                Suspend::new(async move {
                    // The reader's territories, when they may propose an exchange from them.
                    let from: Vec<(String, String)> = user
                        .await
                        .ok()
                        .flatten()
                        .map(|u| {
                            u.memberships
                                .into_iter()
                                .filter(|m| ScopeKind::Territory.is(&m.scope_kind))
                                .map(|m| (m.scope_id, m.scope_label))
                                .collect()
                        })
                        .unwrap_or_default();
                    let from = (may_propose || district).then_some(from);
                    let n = districts.len();
                    view! {
                        {(!district).then(|| view! {
                            <section aria-labelledby="districts-h">
                                <h2 id="districts-h">{t(lang, Key::SuggestedDistricts)}</h2>
                                <ol class="partners" data-testid="district-suggestions">
                                    {districts.into_iter().enumerate().map(|(i, s)| partner_item(lang, s, from.clone(), back.clone(), i)).collect_view()}
                                </ol>
                            </section>
                        })}
                        <section aria-labelledby="territories-h">
                            <h2 id="territories-h">{t(lang, if district { Key::MatchingTerritories } else { Key::TerritoriesLikeMine })}</h2>
                            <ol class="partners" data-testid="territory-suggestions">
                                {territories.into_iter().enumerate().map(|(i, s)| partner_item(lang, s, from.clone().filter(|_| !district), back.clone(), n + i)).collect_view()}
                            </ol>
                        </section>
                    }
                })
            }}
        </Suspense>
    }
}

/// `/territoires/{id}/partenaires`
#[component]
pub fn TerritoryPartnersPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        get_territory_partners,
    );
    view! {
        {when_loaded(data, move |p| view! { <PartnersView p district=false/> }.into_any())}
    }
}

/// `/organisations/{id}/partenaires` for a district: French territories that match it.
#[component]
pub fn DistrictPartnersPage() -> impl IntoView {
    when_loaded(
        path_record(get_district_partners),
        move |p| view! { <PartnersView p district=true/> },
    )
}
