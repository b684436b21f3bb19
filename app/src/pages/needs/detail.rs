//! `/annonces/{id}`: one annonce, its suggested firms or sites, and its contact requests.

use super::*;

/// `/annonces/{id}`
#[component]
pub fn NeedPage() -> impl IntoView {
    let lang = use_lang();
    let data = path_record(|id| async move {
        let n = get_need(id).await?;
        let matches = if n.is_author {
            Some(get_matches(id).await?)
        } else {
            None
        };
        let signed_in = crate::api::accounts::get_current_user().await?.is_some();
        Ok((n, matches, signed_in))
    });
    view! {
        {when_loaded(data, move |(n, matches, signed_in)| {
                        let s = n.summary.clone();
                        let id = s.id;
                        let open = NeedStatus::parse(&s.status) == Some(NeedStatus::Open);
                        // A visitor of a public annonce is offered to sign in and come back to ask.
                        let sign_in = (open && !signed_in).then(|| view! {
                            <p class="cta" data-testid="ask-sign-in">
                                <a class="button" href=crate::components::sign_in_href()>{t(lang, Key::AskContactSignIn)}</a>
                            </p>
                        });
                        // The ask form and each suggested firm's form share one address: a
                        // refused one is told apart by its target (none for the ask form).
                        let contact = format!("/annonces/{id}/contact");
                        let ask_action = contact.clone();
                        let ask = (!n.ask_as.is_empty() && !n.is_author).then(|| view! {
                            <FormScope action=ask_action.clone() keys=vec![("target", String::new())]>
                                <form method="post" action=ask_action class="card-form" data-testid="ask-form">
                                    <h2>{t(lang, Key::AskContact)}</h2>
                                    <ProblemSummary/>
                                    <input type="hidden" name="target" value=""/>
                                    {Select::new("ask-as", "as", Key::SupportAs)
                                        .options(n.ask_as.iter().map(|(oid, name)| (oid.to_string(), name.clone())).collect::<Vec<_>>())
                                        .view(lang)}
                                    {Field::new("ask-message", "message", Key::ExchangeMessage).required(true).area(3).view(lang)}
                                    <button type="submit">{t(lang, Key::AskContact)}</button>
                                </form>
                            </FormScope>
                        });
                        let suggestions = matches.map(|sugg| (sugg.firms, sugg.land, sugg.needs)).map(|(firms, land, needs)| view! {
                            <section aria-labelledby="matches-h">
                                <h2 id="matches-h">{t(lang, Key::SuggestedPartners)}</h2>
                                <ol class="partners" data-testid="matches">
                                    {firms.into_iter().map(|m| {
                                        let target = vec![("target", m.organisation_id.to_string())];
                                        let sent = refused_here(&contact, &target);
                                        let action = contact.clone();
                                        view! {
                                        <li class="partner" data-testid="match">
                                            <h3><a href=format!("/organisations/{}", m.organisation_id)>{m.name.clone()}</a></h3>
                                            <p class="meta">{m.commune.clone()} " · " {t(lang, Key::Affinity)} " " {crate::i18n::percent(lang, m.score * 100.0)}</p>
                                            <p class="why" data-testid="why">{t(lang, Key::WhyThisMatch)}{colon(lang)}{m.why.clone()}</p>
                                            <details class="propose" hidden=!open open=sent>
                                                <summary>{t(lang, Key::ContactThisFirm)}</summary>
                                                <FormScope action=action.clone() keys=target>
                                                    <form method="post" action=action class="card-form">
                                                        <ProblemSummary/>
                                                        <input type="hidden" name="target" value=m.organisation_id.to_string()/>
                                                        {Field::new(format!("m-{}", m.organisation_id), "message", Key::ExchangeMessage).required(true).area(3).view(lang)}
                                                        <button type="submit">{t(lang, Key::AskContact)}</button>
                                                    </form>
                                                </FormScope>
                                            </details>
                                        </li>
                                    }}).collect_view()}
                                </ol>
                                {(!needs.is_empty()).then(|| view! {
                                    <h2>{t(lang, Key::NeedsForOffer)}</h2>
                                    <ul class="cards" data-testid="needs-for-offer">
                                        {needs.into_iter().map(|m| need_item(lang, m.need, Some(m.why))).collect_view()}
                                    </ul>
                                })}
                                {(!land.is_empty()).then(|| view! {
                                    <h2>{t(lang, Key::SuggestedSites)}</h2>
                                    <ol class="partners" data-testid="land-matches">
                                        {land.into_iter().map(|l| view! {
                                            <li class="partner"><h3><a href=format!("/foncier/{}", l.site_id)>{l.name}</a></h3>
                                                <p class="why">{l.commune} " · " {l.why}</p></li>
                                        }).collect_view()}
                                    </ol>
                                })}
                            </section>
                        });
                        let author = n.is_author.then(|| view! {
                            <div class="actions-row">
                                <a class="button" href=format!("/annonces/{id}/modifier")>{t(lang, Key::EditNeed)}</a>
                                {open.then(|| view! {
                                    <ConfirmStep label=t(lang, Key::CloseNeed).to_owned() effect=t(lang, Key::CloseNeedEffect).to_owned() testid="confirm-close">
                                        <form method="post" action=format!("/annonces/{id}/cloturer")>
                                            <button type="submit">{confirm_label(t(lang, Key::CloseNeed))}</button>
                                        </form>
                                    </ConfirmStep>
                                })}
                            </div>
                        });
                        view! {
                            <Title text=s.title.clone()/>
                            <p class="breadcrumb"><a href="/annonces">{t(lang, Key::NeedsTitle)}</a></p>
                            <h1>{s.title.clone()}</h1>
                            <Flash done=DONE/>
                            <p class="meta">
                                <span class="badge">{crate::i18n::label_of(lang, &s.kind, NeedKind::parse, NeedKind::key)}</span> " "
                                <span class="badge">{crate::i18n::label_of(lang, &s.visibility, NeedVisibility::parse, NeedVisibility::key)}</span> " "
                                {(NeedStatus::parse(&s.status) != Some(NeedStatus::Open)).then(|| view! { <span class="badge status status-rejected">{t(lang, Key::NeedClosed)}</span> " " })}
                                <span data-testid="author">{s.author.clone().map(|a| a.name).unwrap_or_else(|| t(lang, Key::AnonymousAuthor).to_owned())}</span>
                                {(!s.place.is_empty()).then(|| format!(" · {}", s.place))}
                            </p>
                            {author}
                            <p class="prose">{n.description.clone()}</p>
                            <dl class="facts">
                                {(!n.naf_codes.is_empty()).then(|| view! { <dt>{t(lang, Key::NafCodesLabel)}</dt><dd>{n.naf_codes.iter().map(|(c, l)| format!("{c} {l}")).collect::<Vec<_>>().join(" ; ")}</dd> })}
                                {(!n.skills.is_empty()).then(|| view! { <dt>{t(lang, Key::SkillsLabel)}</dt><dd>{n.skills.join(", ")}</dd> })}
                                {(!n.certifications.is_empty()).then(|| view! { <dt>{t(lang, Key::RequiredCertifications)}</dt><dd>{n.certifications.join(", ")}</dd> })}
                                {(!n.quantity.is_empty()).then(|| view! { <dt>{t(lang, Key::QuantityLabel)}</dt><dd>{n.quantity.clone()}</dd> })}
                                <dt>{t(lang, Key::NeedRadiusLabel)}</dt><dd>{format!("{} km", n.radius_km)}</dd>
                                {(!s.deadline.is_empty()).then(|| view! { <dt>{t(lang, Key::DeadlineLabel)}</dt><dd>{s.deadline.clone()}</dd> })}
                                {n.land_area_ha.map(|a| view! { <dt>{t(lang, Key::LandAreaLabel)}</dt><dd>{format!("{a} ha")}</dd> })}
                            </dl>
                            {ask}
                            {sign_in}
                            {(!n.interests.is_empty()).then(|| view! {
                                <section aria-labelledby="interests-h">
                                    <h2 id="interests-h">{t(lang, Key::Inbox)}</h2>
                                    <ul class="cards">{n.interests.clone().into_iter().map(|i| interest_item(lang, i, false)).collect_view()}</ul>
                                </section>
                            })}
                            {suggestions}
                        }.into_any()
                    })}
    }
}
