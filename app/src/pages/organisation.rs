//! `/organisations/{id}`: an organisation's profile (pôle, European district, firm...).

use crate::api::directory::{get_organisation, OrganisationDetail};
use crate::components::{path_record, when_loaded, Field};
use crate::domain::organisation::headcount_label;
use crate::domain::organisation::{OrganisationKind, OrganisationVisibility};
use crate::i18n::{country_name, language_name, t, use_lang, Key, Lang};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The organisation page.
#[component]
pub fn OrganisationPage() -> impl IntoView {
    when_loaded(
        path_record(get_organisation),
        move |o| view! { <OrganisationView o/> },
    )
}

/// A website as a link when it is one (`http(s)://`, or a bare host given without its
/// scheme); any other text stays text, never a `javascript:` link.
fn web_link(site: &str) -> AnyView {
    let site = site.trim();
    let href = if site.starts_with("https://") || site.starts_with("http://") {
        Some(site.to_owned())
    } else if !site.contains(':') && site.contains('.') && !site.contains(char::is_whitespace) {
        Some(format!("https://{site}"))
    } else {
        None
    };
    match href {
        Some(href) => {
            view! { <a href=href rel="noopener external">{site.to_owned()}</a> }.into_any()
        }
        None => site.to_owned().into_any(),
    }
}

#[component]
fn OrganisationView(o: OrganisationDetail) -> impl IntoView {
    let lang = use_lang();
    let languages = o
        .languages
        .iter()
        .map(|l| language_name(lang, l))
        .collect::<Vec<_>>()
        .join(", ");
    let divisions = o
        .divisions
        .clone()
        .into_iter()
        .map(|d| view! { <li><code>{d.code}</code> " " {d.label}</li> })
        .collect_view();
    let english = (!o.description_en.is_empty()).then(|| {
        view! {
            <h2>{t(lang, Key::DescriptionInEnglish)}</h2>
            <p lang="en">{o.description_en.clone()}</p>
        }
    });
    let (list_href, list_key) = match o.kind.as_str() {
        "district" => ("/districts", Key::NavDistricts),
        "pole" => ("/poles", Key::NavPoles),
        "cluster" => ("/clusters", Key::NavClusters),
        _ => ("/territoires", Key::NavTerritories),
    };
    let firm = OrganisationKind::Firm.is(&o.kind).then(|| {
        let band =
            o.headcount_band
                .as_deref()
                .and_then(headcount_label)
                .map(|(fr, en)| match lang {
                    Lang::Fr => fr,
                    Lang::En => en,
                });
        view! {
            <dl class="facts" data-testid="firm-facts">
                {o.siret.clone().map(|s| view! { <dt>"SIRET"</dt><dd><code>{s}</code></dd> })}
                {o.naf.clone().map(|n| view! {
                    <dt>{t(lang, Key::NafActivity)}</dt>
                    <dd><code>{n.code}</code> " " {n.label}</dd>
                })}
                {band.map(|b| view! { <dt>{t(lang, Key::Headcount)}</dt><dd>{b}</dd> })}
                {(!o.website.is_empty()).then(|| view! {
                    <dt>{t(lang, Key::Website)}</dt><dd>{web_link(&o.website)}</dd>
                })}
                {(!o.email.is_empty()).then(|| view! {
                    <dt>{t(lang, Key::PublicContact)}</dt><dd><a href=format!("mailto:{}", o.email)>{o.email.clone()}</a></dd>
                })}
            </dl>
        }
    });
    let tags = |items: Vec<String>| {
        view! { <ul class="tags">{items.into_iter().map(|i| view! { <li>{i}</li> }).collect_view()}</ul> }
    };
    let tags_section = view! {
            {(!o.capabilities.is_empty()).then(|| view! {
                <h2>{t(lang, Key::Capabilities)}</h2>
                {tags(o.capabilities.clone())}
            })}
            {(!o.certifications.is_empty()).then(|| view! {
                <h2>{t(lang, Key::Certifications)}</h2>
                {tags(o.certifications.clone())}
            })}
            {(!o.markets.is_empty()).then(|| view! {
                <h2>{t(lang, Key::Markets)}</h2>
                {tags(o.markets.clone())}
            })}
    };
    let district = OrganisationKind::District.is(&o.kind);
    // A European district is opened by the platform's administrators, never claimed.
    let claimable = !district;
    let contactable =
        OrganisationKind::parse(&o.kind).is_some_and(OrganisationKind::takes_contacts);
    let id = o.id;
    let challenges = o
        .challenges
        .iter()
        .map(|c| crate::domain::theme::Theme::label_of(lang, c))
        .collect::<Vec<_>>()
        .join(", ");
    let contact = [o.contact_name.clone(), o.contact_email.clone()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    let divisions_block = (!o.divisions.is_empty()).then(|| {
        view! {
            <h2>{t(lang, Key::Specialisations)}</h2>
            <ul data-testid="divisions">{divisions}</ul>
        }
    });
    view! {
        <Title text=format!("{} · Maillage", o.name)/>
        <nav aria-label=t(lang, Key::Breadcrumb) class="breadcrumb">
            <a href=list_href>{t(lang, list_key)}</a>
            " › "
            <span aria-current="page">{o.name.clone()}</span>
        </nav>
        <h1>{o.name.clone()}</h1>
        <crate::components::Flash done=&[("modifie", Key::FlashSaved), ("invitation", Key::FlashDistrictOpened), ("demande", Key::FlashContactAsked), ("revendiquee", Key::FlashClaimApproved), ("membre", Key::FlashMemberProposed), ("adhesion", Key::FlashMemberAnswered)]/>
        <EditLink id=o.id/>
        <p><span class="badge">{crate::i18n::label_of(lang, &o.kind, OrganisationKind::parse, OrganisationKind::key)}</span>
            {o.is_demo.then(|| view! { " " <span class="badge demo">{t(lang, Key::DemoBadge)}</span> })}
        </p>
        {claimable.then(|| view! { <crate::pages::claims::ClaimBlock id=o.id/> })}
        <p class="lead" lang="fr">{o.description.clone()}</p>
        {english}
        <dl class="facts">
            <dt>{t(lang, Key::Country)}</dt>
            <dd>{country_name(lang, &o.country_code)}</dd>
            {o.region.map(|r| view! { <dt>{t(lang, Key::ColRegion)}</dt><dd>{r.name}</dd> })}
            {o.commune.map(|c| view! { <dt>{t(lang, Key::Seat)}</dt><dd>{c}</dd> })}
            {o.territory.map(|(id, name)| view! {
                <dt>{t(lang, Key::ColTerritory)}</dt>
                <dd><a href=format!("/territoires/{id}")>{name}</a></dd>
            })}
            {o.nuts_code.map(|code| view! {
                <dt>{t(lang, Key::NutsRegion)}</dt>
                <dd><code>{code}</code> " " {o.nuts_label.unwrap_or_default()}</dd>
            })}
            {(!languages.is_empty()).then(|| view! {
                <dt>{t(lang, Key::Languages)}</dt>
                <dd>{languages.clone()}</dd>
            })}
        </dl>
        {firm}
        {contactable.then(|| view! { <ContactForm id=o.id/> })}
        {(OrganisationKind::Firm.is(&o.kind) || OrganisationKind::Cluster.is(&o.kind)).then(|| view! {
            <crate::pages::clusters::MembershipBlock id=o.id is_cluster=OrganisationKind::Cluster.is(&o.kind)/>
        })}
        {tags_section}
        {divisions_block}
        {district.then(|| view! {
            <section aria-labelledby="district-network-h">
                <h2 id="district-network-h">{t(lang, Key::EuropeanNetwork)}</h2>
                {(!challenges.is_empty()).then(|| view! {
                    <p><strong>{t(lang, Key::ChallengesLabel)} {crate::i18n::colon(lang)}</strong>{challenges.clone()}</p>
                })}
                {(!contact.is_empty()).then(|| view! { <p><strong>{t(lang, Key::PublicContact)} {crate::i18n::colon(lang)}</strong>{contact.clone()}</p> })}
                <p>
                    <a href=format!("/organisations/{id}/partenaires") data-testid="district-partners-link">{t(lang, Key::MatchingTerritories)}</a>
                    " · "
                    <a href=format!("/pratiques?author=district:{id}")>{t(lang, Key::TerritoryPractices)}</a>
                </p>
            </section>
        })}
    }
}

/// "Ask to get in touch" on an organisation's page: the form, for a person who speaks for
/// another organisation (refused, it comes back as typed); the way to sign in and come back,
/// for a visitor.
#[component]
fn ContactForm(id: i64) -> impl IntoView {
    let lang = use_lang();
    let asking = Resource::new(move || id, crate::api::needs::get_contact_as);
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                let view = match asking.await {
                    Ok(None) => view! {
                        <p class="cta" data-testid="contact-sign-in">
                            <a class="button" href=crate::components::sign_in_href()>{t(lang, Key::AskContactSignIn)}</a>
                        </p>
                    }.into_any(),
                    Ok(Some(names)) if names.is_empty() => view! {
                        <p class="hint" data-testid="contact-no-organisation">{t(lang, Key::ContactNeedsOrganisation)}</p>
                    }.into_any(),
                    Ok(Some(names)) => view! {
                        <section aria-labelledby="contact-h">
                            <form method="post" action=format!("/organisations/{id}/contact") class="card-form" data-testid="contact-form">
                                <h2 id="contact-h">{t(lang, Key::AskContact)}</h2>
                                <p class="hint">{t(lang, Key::ContactOrganisationHint)}</p>
                                <crate::components::ProblemSummary/>
                                {crate::components::Select::new("oc-as", "as", Key::SupportAs)
                                    .options(names.into_iter().map(|(oid, name)| (oid.to_string(), name)).collect::<Vec<_>>())
                                    .view(lang)}
                                {Field::new("oc-subject", "subject", Key::ContactSubjectLabel).required(true).view(lang)}
                                {Field::new("oc-message", "message", Key::ExchangeMessage).required(true).area(4).view(lang)}
                                <button type="submit">{t(lang, Key::AskContact)}</button>
                            </form>
                        </section>
                    }.into_any(),
                    Err(_) => ().into_any(),
                };
                view
            })}
        </Suspense>
    }
}

/// "Edit" for those the policy allows (the server checks again on save).
#[component]
fn EditLink(id: i64) -> impl IntoView {
    let lang = use_lang();
    let user = Resource::new(|| (), |_| crate::api::accounts::get_current_user());
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                let allowed = user.await.ok().flatten().is_some_and(|u| {
                    crate::domain::policy::can(&u.viewer(), crate::domain::policy::Action::Edit, &crate::domain::policy::Resource::Organisation(id))
                });
                allowed.then(|| view! {
                    <p><a href=format!("/organisations/{id}/modifier") data-testid="edit-link">{t(lang, Key::OrgEditTitle)}</a></p>
                })
            })}
        </Suspense>
    }
}

/// What a profile lacks for good matches: annonces and searches rank a firm by its
/// activity (NAF), what it says it does (description, capabilities) and its certifications.
/// Each item missing links to its field.
fn completeness(lang: Lang, o: &OrganisationDetail) -> impl IntoView {
    let items = [
        (Key::CompletenessNaf, o.naf.is_some(), None::<&str>),
        (
            Key::CompletenessDescription,
            o.description.trim().chars().count() >= 80,
            Some("#oe-description"),
        ),
        (
            Key::CompletenessCapabilities,
            o.capabilities.len() >= 3,
            Some("#oe-capabilities"),
        ),
        (
            Key::CompletenessCertifications,
            !o.certifications.is_empty(),
            Some("#oe-certifications"),
        ),
    ];
    let done = items.iter().filter(|(_, ok, _)| *ok).count();
    let total = items.len();
    let list = items
        .into_iter()
        .map(|(key, ok, anchor)| {
            let text = t(lang, key);
            let mark = if ok { "✓" } else { "○" };
            let state = t(
                lang,
                if ok {
                    Key::CompletenessDone
                } else {
                    Key::CompletenessMissing
                },
            );
            view! {
                <li class:done=ok>
                    <span aria-hidden="true">{mark} " "</span>
                    {match (ok, anchor) {
                        (false, Some(a)) => view! { <a href=a>{text}</a> }.into_any(),
                        _ => view! { <span>{text}</span> }.into_any(),
                    }}
                    <span class="visually-hidden">{format!(" ({state})")}</span>
                </li>
            }
        })
        .collect_view();
    let summary = t(lang, Key::CompletenessSummary)
        .replace("{done}", &done.to_string())
        .replace("{total}", &total.to_string());
    view! {
        <section class="card completeness" aria-labelledby="completeness-h" data-testid="profile-completeness">
            <h2 id="completeness-h">{t(lang, Key::CompletenessHeading)}</h2>
            <p>
                <meter min="0" max=total.to_string() value=done.to_string() aria-labelledby="completeness-h"></meter>
                " " {summary}
            </p>
            <ul class="checklist">{list}</ul>
        </section>
    }
}

/// `/organisations/{id}/modifier`: the profile form, for those allowed to edit it.
#[component]
pub fn OrganisationEditPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
    };
    let data = Resource::new(id, |id| async move {
        let Some(id) = id else {
            return Err(crate::error::AppError::NotFound);
        };
        let user = crate::api::accounts::get_current_user().await?;
        let allowed = user.is_some_and(|u| {
            crate::domain::policy::can(
                &u.viewer(),
                crate::domain::policy::Action::Edit,
                &crate::domain::policy::Resource::Organisation(id),
            )
        });
        if !allowed {
            return Err(crate::error::AppError::Forbidden);
        }
        get_organisation(id).await
    });
    view! {
        <Title text=t(lang, Key::OrgEditTitle)/>
        {when_loaded(data, move |o| {
                        let field = |id, name, key, value: String| Field::new(id, name, key).value(value);
                        let name_label = if OrganisationKind::Firm.is(&o.kind) { Key::FirmNameLabel } else { Key::OrgNameLabel };
                        let visibility = crate::components::typed_or("visibility", o.visibility.clone());
                        let visibility_problem = crate::components::field_problem(lang, "visibility", "oe-vis-public", Key::OrgVisibilityLabel);
                        let district_form = format!("/districts/{}/profil", o.id);
                        view! {
                            <h1>{t(lang, Key::OrgEditTitle)} {crate::i18n::colon(lang)} {o.name.clone()}</h1>
                            {(OrganisationKind::Firm.is(&o.kind) || OrganisationKind::Cluster.is(&o.kind)).then(|| completeness(lang, &o))}
                            <form method="post" action=format!("/organisations/{}/modifier", o.id) class="card-form wide">
                                <crate::components::ProblemSummary/>
                                {field("oe-name", "name", name_label, o.name.clone()).required(true).autocomplete("organization").view(lang)}
                                {field("oe-description", "description", Key::DescriptionLabel, o.description.clone()).area(5).view(lang)}
                                {field("oe-capabilities", "capabilities", Key::CapabilitiesLabel, o.capabilities.join("; ")).hint(Key::CapabilitiesSuggestHint).autocomplete("off").view(lang)}
                                <crate::components::Suggest input="oe-capabilities".to_owned() list=crate::api::search::ChoiceList::Capabilities/>
                                {field("oe-certifications", "certifications", Key::CertificationsLabel, o.certifications.join("; ")).view(lang)}
                                {field("oe-markets", "markets", Key::MarketsLabel, o.markets.join("; ")).view(lang)}
                                {field("oe-website", "website", Key::WebsiteLabel, o.website.clone()).kind("url").view(lang)}
                                {field("oe-email", "email", Key::PublicEmailLabel, o.email.clone()).kind("email").view(lang)}
                                {OrganisationKind::Firm.is(&o.kind).then(|| view! {
                                <fieldset class="field" aria-describedby=visibility_problem.described_by>
                                    <legend>{t(lang, Key::OrgVisibilityLabel)}</legend>
                                    {visibility_problem.message}
                                    <div class="check">
                                        <input type="radio" id="oe-vis-public" name="visibility" value="public" checked=!OrganisationVisibility::Members.is(&visibility)/>
                                        <label for="oe-vis-public">{t(lang, Key::OrgVisibilityPublic)}</label>
                                    </div>
                                    <div class="check">
                                        <input type="radio" id="oe-vis-members" name="visibility" value="members" checked=OrganisationVisibility::Members.is(&visibility)/>
                                        <label for="oe-vis-members">{t(lang, Key::OrgVisibilityMembers)}</label>
                                    </div>
                                </fieldset>
                                })}
                                <button type="submit">{t(lang, Key::Save)}</button>
                            </form>
                            {(OrganisationKind::District.is(&o.kind)).then(|| view! {
                                <h2>{t(lang, Key::DistrictProfile)}</h2>
                                <form method="post" action=district_form.clone() class="card-form wide" data-testid="district-profile-form">
                                    <crate::components::ProblemSummary/>
                                    <crate::components::Checklist legend=Key::ChallengesLabel prefix="dp-challenge" name="challenges" action=district_form.clone() options=crate::components::theme_options() chosen=o.challenges.clone()/>
                                    {field("dp-contact-name", "contact_name", Key::ContactName, o.contact_name.clone()).view(lang)}
                                    {field("dp-contact-email", "contact_email", Key::PublicEmailLabel, o.contact_email.clone()).kind("email").view(lang)}
                                    <button type="submit">{t(lang, Key::Save)}</button>
                                </form>
                            })}
                        }.into_any()
                    })}
    }
}
