//! `/clusters`: the clusters of the network with their confirmed members; and, on an
//! organisation's page, its memberships: a cluster's members (its admins name them by SIRET),
//! the clusters an organisation belongs to (its admins confirm, decline or leave).

use crate::api::clusters::{get_memberships, list_clusters, MemberView, Memberships};
use crate::components::{when_loaded, Field, FormScope, Frame, ProblemSummary};
use crate::domain::cluster::{MemberAction, MemberStatus};
use crate::domain::organisation::OrganisationKind;
use crate::i18n::{format_int, t, use_lang, Key, Lang};
use leptos::prelude::*;

/// The list of clusters.
#[component]
pub fn ClustersPage() -> impl IntoView {
    let page = Frame::new(Key::ClustersTitle).lead(Key::ClustersLead);
    page.loading(list_clusters, |lang, list| {
        if list.is_empty() {
            return view! { <p class="muted">{t(lang, Key::ClustersNone)}</p> }.into_any();
        }
        let rows = list
            .into_iter()
            .map(|c| {
                view! {
                    <tr>
                        <th scope="row">
                            <a href=format!("/organisations/{}", c.id)>{c.name}</a>
                            {c.is_demo.then(|| view! { " " <span class="badge demo">{t(lang, Key::DemoShort)}</span> })}
                        </th>
                        <td class="num">{format_int(lang, c.members)}</td>
                        <td>{c.territory.map(|(id, name)| view! { <a href=format!("/territoires/{id}")>{name}</a> })}</td>
                        <td>{c.commune.unwrap_or_default()}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <div class="table-scroll"><table class="data" data-testid="cluster-list">
                <thead><tr>
                    <th scope="col">{t(lang, Key::ColName)}</th>
                    <th scope="col" class="num">{t(lang, Key::ClusterMembersCol)}</th>
                    <th scope="col">{t(lang, Key::ColTerritory)}</th>
                    <th scope="col">{t(lang, Key::Seat)}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table></div>
        }
        .into_any()
    })
}

fn status_key(status: &str) -> Key {
    match MemberStatus::parse(status) {
        Some(MemberStatus::Proposed) => Key::MemberStatusProposed,
        Some(MemberStatus::Confirmed) => Key::MemberStatusConfirmed,
        Some(MemberStatus::Declined) => Key::MemberStatusDeclined,
        _ => Key::MemberStatusEnded,
    }
}

fn action_key(action: MemberAction) -> Key {
    match action {
        MemberAction::Confirm => Key::MemberConfirm,
        MemberAction::Decline => Key::MemberDecline,
        MemberAction::End => Key::MemberEnd,
    }
}

/// One membership, with the steps the reader may take; `cluster` and `member` are the two
/// organisations' ids.
fn member_item(lang: Lang, m: MemberView, cluster: i64, member: i64) -> impl IntoView {
    let action = format!("/organisations/{cluster}/membres/{member}");
    let steps = m
        .actions
        .iter()
        .filter_map(|a| MemberAction::parse(a))
        .map(|a| {
            view! {
                <form method="post" action=action.clone() class="inline">
                    <input type="hidden" name="action" value=a.code()/>
                    <button type="submit" class="link-button" data-testid=format!("member-{}", a.code())>{t(lang, action_key(a))}</button>
                </form>
            }
        })
        .collect_view();
    let confirmed = MemberStatus::Confirmed.is(&m.status);
    view! {
        <li data-testid="member">
            <a href=format!("/organisations/{}", m.id)>{m.name}</a>
            {m.commune.map(|c| view! { " · " {c} })}
            " · " <span class="badge">{crate::i18n::label_of(lang, &m.kind, OrganisationKind::parse, OrganisationKind::key)}</span>
            {(!confirmed).then(|| view! { " " <span class="badge demo" data-testid="member-status">{t(lang, status_key(&m.status))}</span> })}
            " " {steps}
        </li>
    }
}

/// An organisation's memberships, on its page; nothing when it has none and the reader names
/// no members.
#[component]
pub fn MembershipBlock(id: i64, is_cluster: bool) -> impl IntoView {
    let data = Resource::new(move || id, get_memberships);
    let lang = use_lang();
    when_loaded(data, move |m: Memberships| {
        let Memberships {
            members,
            clusters,
            names_members,
        } = m;
        let members_block = is_cluster.then(|| {
            let action = format!("/organisations/{id}/membres");
            let list = if members.is_empty() {
                view! { <p class="muted">{t(lang, Key::ClusterNoMembers)}</p> }.into_any()
            } else {
                view! {
                    <ul data-testid="cluster-members">
                        {members.into_iter().map(|m| { let member = m.id; member_item(lang, m, id, member) }).collect_view()}
                    </ul>
                }
                .into_any()
            };
            view! {
                <section aria-labelledby="members-h">
                    <h2 id="members-h">{t(lang, Key::ClusterMembersHeading)}</h2>
                    {list}
                    {names_members.then(|| view! {
                        <FormScope action=action.clone()>
                            <form method="post" action=action.clone() class="card-form" data-testid="member-add">
                                <ProblemSummary/>
                                {Field::new("mb-siret", "siret", Key::MemberAddLabel).hint(Key::MemberAddHint).required(true).autocomplete("off").view(lang)}
                                <button type="submit">{t(lang, Key::MemberAdd)}</button>
                            </form>
                        </FormScope>
                    })}
                </section>
            }
        });
        let clusters_block = (!clusters.is_empty()).then(|| {
            view! {
                <section aria-labelledby="member-of-h">
                    <h2 id="member-of-h">{t(lang, Key::MemberOfHeading)}</h2>
                    <ul data-testid="member-of">
                        {clusters.into_iter().map(|c| { let cluster = c.id; member_item(lang, c, cluster, id) }).collect_view()}
                    </ul>
                </section>
            }
        });
        view! { {members_block} {clusters_block} }
    })
}
