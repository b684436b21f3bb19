//! Fiches-actions and contracts: a territory's action plan (`/territoires/{id}/plan`), its
//! contract (`/territoires/{id}/contrat`, made to be printed), a fiche (`/fiches/{id}`: its
//! financial plan, indicators, steps and timeline), and the forms that write and edit one
//! (`/fiches/nouvelle?territoire=`, `/fiches/{id}/modifier`). Every form works without
//! WebAssembly.

use crate::api::action_sheets::{
    get_action_plan, get_action_sheet, get_contract, get_sheet_choices, ActionPlan, Amount,
    ContractView, SheetChoices, SheetDetail, SheetDraft, SheetSummary, TotalRow, Totals,
};
use crate::components::{
    path_record, when_loaded, BarChart, Field, Flash, FormScope, ProblemSummary, Select,
};
use crate::domain::action_sheet::{
    FunderKind, Indicator, Instrument, Maturity, PorteurKind, SheetAction, SheetRole, SheetStatus,
    SignatoryKind, SupportKind,
};
use crate::domain::governance::Stance;
use crate::domain::theme::{Axis, Theme};
use crate::error::AppError;
use crate::i18n::{format_date, format_dec1, format_int, t, use_lang, Key, Lang};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The success codes of these pages' forms.
const DONE: &[(&str, Key)] = &[
    ("cree", Key::FlashSheetCreated),
    ("modifie", Key::FlashSaved),
    ("ligne", Key::FlashSaved),
    ("indicateur", Key::FlashSaved),
    ("valeur", Key::FlashSaved),
    ("etape", Key::FlashSheetStep),
    ("avenant", Key::FlashAvenantAdded),
    ("signataire", Key::FlashSaved),
    ("contrat", Key::FlashSaved),
];

/// "120 000 €" or "€120,000"; an amount the reader may not see reads "secret".
pub fn euros(lang: Lang, amount: Amount) -> String {
    match amount {
        Some(n) => {
            let digits = format_int(lang, n.unsigned_abs());
            let sign = if n < 0 { "-" } else { "" };
            match lang {
                Lang::Fr => format!("{sign}{digits}\u{a0}€"),
                Lang::En => format!("{sign}€{digits}"),
            }
        }
        None => t(lang, Key::Secret).to_owned(),
    }
}

/// A funder as a reader names it: "Région — Occitanie", "Bpifrance", "Porteur".
pub fn funder_label(lang: Lang, key: &str, name: &str) -> String {
    let kind = key.split_once(':').map_or(key, |(k, _)| k);
    match FunderKind::parse(kind) {
        Some(FunderKind::Organisation) | Some(FunderKind::Epci) => name.to_owned(),
        Some(FunderKind::Porteur) => t(lang, Key::FunderPorteur).to_owned(),
        Some(k) => format!("{} — {name}", t(lang, k.key())),
        None => name.to_owned(),
    }
}

fn status_badge(lang: Lang, status: &str) -> impl IntoView {
    view! { <span class=format!("badge status sheet-{status}")>{SheetStatus::label_of(lang, status)}</span> }
}

/// A table of amounts, one row per `rows` (named by `label`), then `overall` in bold if given:
/// fiches, requested, committed, paid, with "secret" where a cell would reveal a firm's.
pub fn money_table(
    lang: Lang,
    (caption, first): (Key, Key),
    rows: &[TotalRow],
    label: impl Fn(&TotalRow) -> String,
    overall: Option<&TotalRow>,
    testid: &'static str,
) -> impl IntoView {
    let row = |label: String, r: &TotalRow, strong: bool| {
        let cells = view! {
            <td class="num">{format_int(lang, r.sheets)}</td>
            <td class="num">{euros(lang, r.requested)}</td>
            <td class="num">{euros(lang, r.committed)}</td>
            <td class="num">{euros(lang, r.paid)}</td>
        };
        if strong {
            view! { <tr class="total" data-key=r.key.clone()><th scope="row">{label}</th>{cells}</tr> }.into_any()
        } else {
            view! { <tr data-key=r.key.clone()><th scope="row">{label}</th>{cells}</tr> }.into_any()
        }
    };
    view! {
        <table class="data" data-testid=testid>
            <caption>{t(lang, caption)}</caption>
            <thead><tr>
                <th scope="col">{t(lang, first)}</th>
                <th scope="col" class="num">{t(lang, Key::ActionSheets)}</th>
                <th scope="col" class="num">{t(lang, Key::Requested)}</th>
                <th scope="col" class="num">{t(lang, Key::Committed)}</th>
                <th scope="col" class="num">{t(lang, Key::Paid)}</th>
            </tr></thead>
            <tbody>
                {rows.iter().map(|r| row(label(r), r, false)).collect_view()}
                {overall.map(|r| row(t(lang, Key::TotalOverall).to_owned(), r, true))}
            </tbody>
        </table>
    }
}

/// Whether any amount of `rows` reads "secret".
pub fn any_secret<'a>(rows: impl IntoIterator<Item = &'a TotalRow>) -> bool {
    rows.into_iter()
        .any(|r| r.requested.is_none() || r.committed.is_none() || r.paid.is_none())
}

/// The amounts of a table of totals, with "secret" where a cell would reveal a firm's.
pub fn totals_table(lang: Lang, totals: &Totals, testid: &'static str) -> impl IntoView {
    let secret = any_secret(
        totals
            .by_axis
            .iter()
            .chain(&totals.by_funder)
            .chain(std::iter::once(&totals.overall)),
    );
    view! {
        <div class="table-scroll" data-testid=testid>
            {money_table(lang, (Key::TotalsByAxis, Key::AxisLabel), &totals.by_axis,
                move |r| Axis::label_of(lang, &r.key), Some(&totals.overall), "totals-axis")}
            {money_table(lang, (Key::TotalsByFunder, Key::Funder), &totals.by_funder,
                move |r| funder_label(lang, &r.key, &r.label), None, "totals-funder")}
            {secret.then(|| view! { <p class="hint">{t(lang, Key::SecretHint)}</p> })}
        </div>
    }
}

fn sheet_rows(lang: Lang, items: &[SheetSummary]) -> impl IntoView {
    view! {
        <div class="table-scroll">
            <table class="data" data-testid="sheets">
                <thead><tr>
                    <th scope="col">{t(lang, Key::ActionSheet)}</th>
                    <th scope="col">{t(lang, Key::AxisLabel)}</th>
                    <th scope="col">{t(lang, Key::StatusLabel)}</th>
                    <th scope="col">{t(lang, Key::Porteur)}</th>
                    <th scope="col" class="num">{t(lang, Key::Requested)}</th>
                    <th scope="col" class="num">{t(lang, Key::Committed)}</th>
                    <th scope="col" class="num">{t(lang, Key::Paid)}</th>
                </tr></thead>
                <tbody>
                    {items.iter().map(|s| view! {
                        <tr data-testid="sheet-row">
                            <th scope="row">
                                <a href=format!("/fiches/{}", s.id)>{s.title.clone()}</a>
                                {s.demo.then(|| view! { " " <span class="badge demo">{t(lang, Key::DemoBadge)}</span> })}
                            </th>
                            <td>{Axis::label_of(lang, &s.axis)}</td>
                            <td>{status_badge(lang, &s.status)}</td>
                            <td>{s.porteur_name.clone()}</td>
                            <td class="num">{euros(lang, s.requested)}</td>
                            <td class="num">{euros(lang, s.committed)}</td>
                            <td class="num">{euros(lang, s.paid)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

fn territory_param() -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get("id").unwrap_or_default())
}

/// `/territoires/{id}/plan`: the territory's fiches by axis, status and funder.
#[component]
pub fn ActionPlanPage() -> impl IntoView {
    let lang = use_lang();
    let id = territory_param();
    let data = Resource::new(move || id.get(), get_action_plan);
    when_loaded(data, move |p: ActionPlan| {
        let title = format!("{} — {}", t(lang, Key::ActionPlan), p.territory_name);
        let axis_rows: Vec<(String, u64)> = p
            .totals
            .by_axis
            .iter()
            .map(|r| (Axis::label_of(lang, &r.key), r.sheets))
            .collect();
        let exports = format!("?territoire={}", p.territory_id);
        view! {
            <Title text=title.clone()/>
            <p class="breadcrumb"><a href=format!("/territoires/{}", p.territory_id)>{p.territory_name.clone()}</a></p>
            <h1>{title}</h1>
            <Flash done=DONE/>
            <p class="lead">{t(lang, Key::ActionPlanLead)}</p>
            <p class="actions">
                {p.may_create.then(|| view! {
                    <a class="button" href=format!("/fiches/nouvelle?territoire={}", p.territory_id) data-testid="new-sheet">{t(lang, Key::NewActionSheet)}</a> " "
                })}
                <a class="button secondary" href=format!("/territoires/{}/contrat", p.territory_id) data-testid="contract-link">{t(lang, Key::SeeContract)}</a> " "
                <a href=format!("/fiches/export.csv{exports}")>{t(lang, Key::ExportCsv)}</a> " · "
                <a href=format!("/fiches/export.json{exports}")>{t(lang, Key::ExportJson)}</a>
            </p>
            {if p.items.is_empty() {
                view! { <p class="muted" data-testid="no-sheet">{t(lang, Key::NoActionSheet)}</p> }.into_any()
            } else {
                view! {
                    <section aria-labelledby="by-status-h">
                        <h2 id="by-status-h">{t(lang, Key::SheetsByStatus)}</h2>
                        <ul class="inline-list">
                            {p.by_status.iter().map(|(s, n)| view! { <li>{status_badge(lang, s)} " " {format_int(lang, *n)}</li> }).collect_view()}
                        </ul>
                        <BarChart rows=axis_rows label=t(lang, Key::TotalsByAxis).to_owned() caption=t(lang, Key::TotalsByAxis).to_owned() testid="axis-chart"/>
                    </section>
                    <section aria-labelledby="amounts-h">
                        <h2 id="amounts-h">{t(lang, Key::FinancialPlan)}</h2>
                        {totals_table(lang, &p.totals, "plan-totals")}
                    </section>
                    <section aria-labelledby="sheets-h">
                        <h2 id="sheets-h">{t(lang, Key::ActionSheets)} " (" {p.items.len()} ")"</h2>
                        {sheet_rows(lang, &p.items)}
                    </section>
                }.into_any()
            }}
        }
        .into_any()
    })
}

/// `/territoires/{id}/contrat`: the contract, its signatories and avenants with the fiches
/// each inscribes, generated from the data and made to be printed.
#[component]
pub fn ContractPage() -> impl IntoView {
    let lang = use_lang();
    let id = territory_param();
    let data = Resource::new(move || id.get(), get_contract);
    when_loaded(data, move |c: ContractView| {
        let kind = match crate::domain::action_sheet::ContractKind::parse(&c.kind) {
            Some(k) => t(lang, k.key()).to_owned(),
            None => c.kind.clone(),
        };
        let title = format!("{kind} — {}", c.territory_name);
        let (kind_code, contract_title) = (c.kind.clone(), c.title.clone());
        let manage = c.may_manage.then(|| {
            let details = format!("/territoires/{}/contrat", c.territory_id);
            let signed = c.signed_at.map(crate::domain::text::iso_date).unwrap_or_default();
            let avenant = format!("/territoires/{}/contrat/avenants", c.territory_id);
            let signatory = format!("/territoires/{}/contrat/signataires", c.territory_id);
            view! {
                <section class="no-print" aria-labelledby="manage-h">
                    <h2 id="manage-h">{t(lang, Key::ManageContract)}</h2>
                    <FormScope action=details.clone()>
                        <form method="post" action=details.clone() class="card-form" data-testid="contract-details">
                            <ProblemSummary/>
                            {Select::new("ct-kind", "kind", Key::ContractKindLabel).keyed(lang, crate::domain::action_sheet::ContractKind::ALL.iter().map(|k| (k.code(), k.key()))).chosen(kind_code.clone()).required(true).view(lang)}
                            {Field::new("ct-title", "title", Key::ContractTitle).value(contract_title.clone()).length(0, 200).view(lang)}
                            {Field::new("ct-date", "signed_on", Key::SignedOn).kind("date").value(signed).view(lang)}
                            <button type="submit">{t(lang, Key::Save)}</button>
                        </form>
                    </FormScope>
                    <h3>{t(lang, Key::AddAvenant)}</h3>
                    <FormScope action=avenant.clone()>
                        <form method="post" action=avenant.clone() class="card-form" data-testid="add-avenant">
                            <ProblemSummary/>
                            {Field::new("av-title", "title", Key::AvenantTitle).length(0, 200).view(lang)}
                            {Field::new("av-date", "signed_on", Key::SignedOn).kind("date").view(lang)}
                            <button type="submit">{t(lang, Key::AddAvenant)}</button>
                        </form>
                    </FormScope>
                    <FormScope action=signatory.clone()>
                        <form method="post" action=signatory.clone() class="card-form" data-testid="add-signatory">
                            <h3>{t(lang, Key::AddSignatory)}</h3>
                            <ProblemSummary/>
                            {Select::new("sg-kind", "kind", Key::SignatoryKindLabel).keyed(lang, SignatoryKind::ALL.iter().map(|k| (k.code(), k.key()))).required(true).view(lang)}
                            {Field::new("sg-ref", "reference", Key::SignatoryReference).required(true).length(1, 16).view(lang)}
                            {Field::new("sg-function", "function", Key::MemberFunction).length(0, 120).view(lang)}
                            <button type="submit">{t(lang, Key::AddSignatory)}</button>
                        </form>
                    </FormScope>
                </section>
            }
        });
        view! {
            <Title text=title.clone()/>
            <article class="releve contract" data-testid="contract">
                <p class="breadcrumb no-print"><a href=format!("/territoires/{}/plan", c.territory_id)>{t(lang, Key::ActionPlan)}</a></p>
                <h1>{title}</h1>
                <Flash done=DONE/>
                <p class="lead">{t(lang, Key::ContractLead)}</p>
                {(!c.title.is_empty()).then(|| view! { <p><strong>{c.title.clone()}</strong></p> })}
                <p>{match c.signed_at { Some(at) => format!("{} {}", t(lang, Key::SignedOn), format_date(lang, at)), None => t(lang, Key::NotSignedYet).to_owned() }}</p>
                <h2>{t(lang, Key::Signatories)}</h2>
                {if c.signatories.is_empty() {
                    view! { <p class="muted">{t(lang, Key::NoSignatoryYet)}</p> }.into_any()
                } else {
                    view! {
                        <ul data-testid="signatories">
                            {c.signatories.iter().map(|s| view! {
                                <li>{SignatoryKind::label_of(lang, &s.kind)} " — " {s.name.clone()} {(!s.function.is_empty()).then(|| view! { " · " {s.function.clone()} })}</li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
                {if c.avenants.is_empty() {
                    view! { <p class="muted">{t(lang, Key::NoAvenantYet)}</p> }.into_any()
                } else {
                    c.avenants.iter().map(|a| view! {
                        <section class="avenant" data-testid=format!("avenant-{}", a.number)>
                            <h2>{t(lang, Key::AvenantNumber)} " " {a.number} {(!a.title.is_empty()).then(|| view! { " — " {a.title.clone()} })}</h2>
                            <p class="meta">{match a.signed_at { Some(at) => format!("{} {}", t(lang, Key::SignedOn), format_date(lang, at)), None => t(lang, Key::NotSignedYet).to_owned() }}</p>
                            {if a.sheets.is_empty() {
                                view! { <p class="muted">{t(lang, Key::NoActionSheet)}</p> }.into_any()
                            } else {
                                view! {
                                    {sheet_rows(lang, &a.sheets)}
                                    {totals_table(lang, &a.totals, "avenant-totals")}
                                }.into_any()
                            }}
                        </section>
                    }).collect_view().into_any()
                }}
                <section aria-labelledby="contract-totals-h">
                    <h2 id="contract-totals-h">{t(lang, Key::TotalOverall)}</h2>
                    {totals_table(lang, &c.totals, "contract-totals")}
                </section>
                {manage}
            </article>
        }
        .into_any()
    })
}

fn join(ids: &[i64]) -> String {
    ids.iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The fields of a fiche's text, shared by the new-fiche and edit forms.
fn sheet_fields(lang: Lang, d: &SheetDraft, c: &SheetChoices) -> impl IntoView {
    let org = d
        .porteur_organisation
        .map(|o| o.to_string())
        .unwrap_or_default();
    let partners = d
        .partners
        .iter()
        .map(|p| p.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let themes = Theme::ALL
        .iter()
        .map(|th| {
            let id = format!("sh-theme-{}", th.code());
            let checked = d.themes.iter().any(|x| x == th.code());
            view! {
                <label for=id.clone() class="check">
                    <input type="checkbox" id=id.clone() name=format!("theme_{}", th.code()) value="1" checked=checked/>
                    " " {t(lang, th.key())}
                </label>
            }
        })
        .collect_view();
    let epcis = c
        .epcis
        .iter()
        .map(|(siren, name)| {
            let id = format!("sh-epci-{siren}");
            let checked = d.epcis.iter().any(|x| x == siren);
            view! {
                <label for=id.clone() class="check">
                    <input type="checkbox" id=id.clone() name=format!("epci_{siren}") value="1" checked=checked/>
                    " " {name.clone()}
                </label>
            }
        })
        .collect_view();
    view! {
        <input type="hidden" name="territory" value=c.territory_id.clone()/>
        {Field::new("sh-title", "title", Key::ProposalTitleLabel).value(&d.title).required(true).length(3, 200).view(lang)}
        {Select::new("sh-axis", "axis", Key::AxisLabel).required(true).blank(Key::EmptyChoice)
            .keyed(lang, Axis::ALL.iter().map(|a| (a.code(), a.key()))).chosen(d.axis.clone()).view(lang)}
        <fieldset>
            <legend>{t(lang, Key::ThemesLabel)}</legend>
            <div class="checks">{themes}</div>
        </fieldset>
        {Select::new("sh-porteur-kind", "porteur_kind", Key::PorteurKindLabel).required(true)
            .keyed(lang, PorteurKind::ALL.iter().map(|k| (k.code(), k.key()))).chosen(d.porteur_kind.clone()).view(lang)}
        {Select::new("sh-porteur-org", "porteur_organisation", Key::PorteurOrganisationLabel).blank(Key::EmptyChoice)
            .options(c.organisations.iter().map(|(id, n)| (id.to_string(), n.clone())).collect::<Vec<_>>()).chosen(org).view(lang)}
        {Select::new("sh-porteur-epci", "porteur_epci", Key::PorteurEpciLabel).blank(Key::EmptyChoice)
            .options(c.epcis.clone()).chosen(d.porteur_epci.clone()).view(lang)}
        {Field::new("sh-partners", "partners", Key::Partners).value(partners).hint(Key::PartnersHint).length(0, 400).view(lang)}
        <fieldset>
            <legend>{t(lang, Key::EpciConcerned)}</legend>
            <div class="checks">{epcis}</div>
        </fieldset>
        {Select::new("sh-collective", "collective", Key::Collective)
            .keyed(lang, [("collective", Key::Collective), ("individual", Key::Individual)])
            .chosen(if d.collective { "collective" } else { "individual" }).view(lang)}
        {Select::new("sh-maturity", "maturity", Key::MaturityLabel).required(true)
            .keyed(lang, Maturity::ALL.iter().map(|m| (m.code(), m.key()))).chosen(d.maturity.clone()).view(lang)}
        {Field::new("sh-description", "description", Key::SheetDescription).value(&d.description).area(6).required(true).length(1, 10000).view(lang)}
        {Field::new("sh-results", "expected_results", Key::ExpectedResults).value(&d.expected_results).area(4).length(0, 10000).view(lang)}
        {Field::new("sh-schedule", "schedule", Key::Schedule).value(&d.schedule).length(0, 400).view(lang)}
        {Field::new("sh-proposal", "proposal", Key::ProposalNumber).value(d.proposal.map(|p| p.to_string()).unwrap_or_default()).kind("number").view(lang)}
        {Field::new("sh-land", "land_sites", Key::LinkedLandSites).value(join(&d.land_sites)).hint(Key::NumbersHint).length(0, 400).view(lang)}
        {Field::new("sh-needs", "needs", Key::LinkedNeeds).value(join(&d.needs)).hint(Key::NumbersHint).length(0, 400).view(lang)}
    }
}

/// `/fiches/nouvelle?territoire=ti-XXXX`: the territory's team writes a fiche from the
/// programme's template.
#[component]
pub fn SheetNewPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let territory = Memo::new(move |_| query.read().get("territoire").unwrap_or_default());
    let data = Resource::new(move || territory.get(), get_sheet_choices);
    view! {
        <Title text=t(lang, Key::NewActionSheet)/>
        <h1>{t(lang, Key::NewActionSheet)}</h1>
        <Flash done=DONE/>
        {when_loaded(data, move |c: SheetChoices| {
            if !c.may_create {
                return view! { <p data-testid="not-team">{t(lang, Key::ProposalTeamsOnly)}</p> }.into_any();
            }
            let draft = SheetDraft {
                maturity: Maturity::Idea.code().to_owned(),
                porteur_kind: PorteurKind::Territory.code().to_owned(),
                collective: true,
                ..SheetDraft::default()
            };
            view! {
                <p class="breadcrumb"><a href=format!("/territoires/{}/plan", c.territory_id)>{t(lang, Key::ActionPlan)} " — " {c.territory_name.clone()}</a></p>
                <p class="lead">{t(lang, Key::SheetTemplateHint)}</p>
                <FormScope action="/fiches".to_owned()>
                    <form method="post" action="/fiches" class="card-form wide" data-testid="sheet-form">
                        <ProblemSummary/>
                        {sheet_fields(lang, &draft, &c)}
                        <button type="submit">{t(lang, Key::SaveSheet)}</button>
                    </form>
                </FormScope>
            }.into_any()
        })}
    }
}

/// `/fiches/{id}/modifier`: the team edits a draft or a fiche sent back.
#[component]
pub fn SheetEditPage() -> impl IntoView {
    let lang = use_lang();
    let data = path_record(|id| async move {
        let d = get_action_sheet(id).await?;
        if !d.may_edit {
            return Err(AppError::Forbidden);
        }
        let c = get_sheet_choices(d.summary.territory.clone()).await?;
        Ok((d, c))
    });
    view! {
        <Title text=t(lang, Key::EditSheet)/>
        <h1>{t(lang, Key::EditSheet)}</h1>
        <Flash done=DONE/>
        {when_loaded(data, move |(d, c): (SheetDetail, SheetChoices)| {
            let draft = SheetDraft {
                territory: d.summary.territory.clone(),
                title: d.summary.title.clone(),
                axis: d.summary.axis.clone(),
                themes: d.summary.themes.clone(),
                porteur_kind: d.porteur_kind.clone(),
                porteur_organisation: d.porteur.as_ref().filter(|_| d.porteur_kind == "organisation").and_then(|p| p.id.parse().ok()),
                porteur_epci: d.porteur.as_ref().filter(|_| d.porteur_kind == "epci").map(|p| p.id.clone()).unwrap_or_default(),
                partners: d.partners.iter().filter_map(|p| p.id.parse().ok()).collect(),
                epcis: d.epcis.iter().map(|e| e.id.clone()).collect(),
                collective: d.collective,
                maturity: d.summary.maturity.clone(),
                description: d.description.clone(),
                expected_results: d.expected_results.clone(),
                schedule: d.schedule.clone(),
                proposal: d.proposal.as_ref().and_then(|p| p.id.parse().ok()),
                land_sites: d.links.iter().filter(|l| l.href.starts_with("/foncier/")).filter_map(|l| l.id.parse().ok()).collect(),
                needs: d.links.iter().filter(|l| l.href.starts_with("/annonces/")).filter_map(|l| l.id.parse().ok()).collect(),
                ..SheetDraft::default()
            };
            let action = format!("/fiches/{}/modifier", d.summary.id);
            view! {
                <p class="breadcrumb"><a href=format!("/fiches/{}", d.summary.id)>{d.summary.title.clone()}</a></p>
                <FormScope action=action.clone()>
                    <form method="post" action=action.clone() class="card-form wide" data-testid="sheet-form">
                        <ProblemSummary/>
                        {sheet_fields(lang, &draft, &c)}
                        <button type="submit">{t(lang, Key::Save)}</button>
                    </form>
                </FormScope>
            }.into_any()
        })}
    }
}

/// The form of one line: add (no `line`) or update.
fn line_form(
    lang: Lang,
    sheet: i64,
    choices: &[(String, String)],
    line: Option<&crate::api::action_sheets::LineView>,
) -> impl IntoView {
    let (action, prefix, testid) = match line {
        Some(l) => (
            format!("/fiches/{sheet}/lignes/{}", l.id),
            format!("ln{}", l.id),
            format!("line-form-{}", l.id),
        ),
        None => (
            format!("/fiches/{sheet}/lignes"),
            "ln-new".to_owned(),
            "add-line".to_owned(),
        ),
    };
    let options: Vec<(String, String)> = choices
        .iter()
        .map(|(k, n)| (k.clone(), funder_label(lang, k, n)))
        .collect();
    let value = |a: Option<i64>| a.map(|n| n.to_string()).unwrap_or_default();
    let day = |d: Option<i64>| d.map(crate::domain::text::iso_date).unwrap_or_default();
    let button = t(
        lang,
        if line.is_some() {
            Key::UpdateLine
        } else {
            Key::AddLine
        },
    );
    let fields = view! {
        {Select::new(format!("{prefix}-funder"), "funder", Key::Funder).required(true).blank(Key::FunderChoice)
            .options(options).chosen(line.map(|l| l.funder.clone()).unwrap_or_default()).view(lang)}
        {Select::new(format!("{prefix}-instrument"), "instrument", Key::Instrument).required(true).blank(Key::InstrumentChoice)
            .keyed(lang, Instrument::ALL.iter().map(|i| (i.code(), i.key()))).chosen(line.map(|l| l.instrument.clone()).unwrap_or_default()).view(lang)}
        <div class="three-columns">
            {Field::new(format!("{prefix}-requested"), "requested", Key::Requested).kind("number").hint(Key::AmountEuros).value(value(line.and_then(|l| l.requested))).view(lang)}
            {Field::new(format!("{prefix}-committed"), "committed", Key::Committed).kind("number").value(value(line.and_then(|l| l.committed))).view(lang)}
            {Field::new(format!("{prefix}-paid"), "paid", Key::Paid).kind("number").value(value(line.and_then(|l| l.paid))).view(lang)}
        </div>
        <div class="three-columns">
            {Field::new(format!("{prefix}-requested-on"), "requested_on", Key::RequestedOn).kind("date").value(day(line.and_then(|l| l.requested_on))).view(lang)}
            {Field::new(format!("{prefix}-committed-on"), "committed_on", Key::CommittedOn).kind("date").value(day(line.and_then(|l| l.committed_on))).view(lang)}
            {Field::new(format!("{prefix}-paid-on"), "paid_on", Key::PaidOn).kind("date").value(day(line.and_then(|l| l.paid_on))).view(lang)}
        </div>
    }
    .into_any();
    view! {
        <FormScope action=action.clone()>
            <form method="post" action=action.clone() class="card-form" data-testid=testid>
                <ProblemSummary/>
                {fields}
                <button type="submit">{button}</button>
            </form>
        </FormScope>
    }
}

/// The form of one step of the workflow, with what it asks for.
fn step_form(lang: Lang, d: &SheetDetail, code: &str) -> impl IntoView {
    let id = d.summary.id;
    let action = format!("/fiches/{id}/etapes");
    let step = SheetAction::parse(code);
    let form_id = format!("step-{code}");
    let asks_reason = !matches!(
        step,
        Some(
            SheetAction::Cosign
                | SheetAction::PresentLocal
                | SheetAction::Inscribe
                | SheetAction::MarkInProgress
                | SheetAction::Complete
        )
    );
    let avenants: Vec<(String, String)> = d
        .avenants
        .iter()
        .map(|n| {
            (
                n.to_string(),
                format!("{} {n}", t(lang, Key::AvenantNumber)),
            )
        })
        .collect();
    let keys = vec![("action", code.to_owned())];
    let code = code.to_owned();
    let fields = view! {
        <input type="hidden" name="action" value=code.clone()/>
        {(step == Some(SheetAction::LocalOpinion)).then(|| Select::new(format!("{form_id}-stance"), "stance", Key::CommitteeDecision)
            .keyed(lang, Stance::ALL.iter().map(|s| (s.code(), s.key()))).blank(Key::ChooseStance).required(true).view(lang))}
        {(step == Some(SheetAction::Retain)).then(|| Select::new(format!("{form_id}-support"), "support", Key::SupportLabel)
            .keyed(lang, SupportKind::ALL.iter().map(|s| (s.code(), s.key()))).blank(Key::ChooseSupport).required(true).view(lang))}
        {(step == Some(SheetAction::Inscribe)).then(|| Select::new(format!("{form_id}-avenant"), "avenant", Key::AvenantLabel)
            .options(avenants.clone()).blank(Key::ChooseAvenant).required(true).view(lang))}
        {asks_reason.then(|| Field::new(format!("{form_id}-reason"), "reason", Key::ReasonLabel).area(2).length(0, 5000).view(lang))}
    }
    .into_any();
    let button = t(lang, step.map_or(Key::SheetSteps, |s| s.key()));
    view! {
        <FormScope action=action.clone() keys>
            <form method="post" action=action.clone() class="card-form step" data-testid=form_id.clone()>
                <ProblemSummary/>
                {fields}
                <button type="submit">{button}</button>
            </form>
        </FormScope>
    }
}

/// `/fiches/{id}`: a fiche, its financial plan, indicators, the steps its reader may take and
/// its timeline.
#[component]
pub fn SheetPage() -> impl IntoView {
    let lang = use_lang();
    when_loaded(path_record(get_action_sheet), move |d: SheetDetail| {
        let s = &d.summary;
        let id = s.id;
        let lines = if d.lines.is_empty() {
            view! { <p class="muted">{t(lang, Key::NoLineYet)}</p> }.into_any()
        } else {
            view! {
                <div class="table-scroll">
                    <table class="data" data-testid="lines">
                        <thead><tr>
                            <th scope="col">{t(lang, Key::Funder)}</th>
                            <th scope="col">{t(lang, Key::Instrument)}</th>
                            <th scope="col" class="num">{t(lang, Key::Requested)}</th>
                            <th scope="col" class="num">{t(lang, Key::Committed)}</th>
                            <th scope="col" class="num">{t(lang, Key::Paid)}</th>
                        </tr></thead>
                        <tbody>
                            {d.lines.iter().map(|l| view! {
                                <tr data-testid="line">
                                    <th scope="row">{funder_label(lang, &l.funder, &l.funder_name)}</th>
                                    <td>{Instrument::label_of(lang, &l.instrument)}</td>
                                    <td class="num">{euros(lang, l.requested)}</td>
                                    <td class="num">{euros(lang, l.committed)}</td>
                                    <td class="num">{euros(lang, l.paid)}</td>
                                </tr>
                            }).collect_view()}
                            <tr class="total">
                                <th scope="row" colspan="2">{t(lang, Key::TotalOverall)}</th>
                                <td class="num" data-testid="sheet-requested">{euros(lang, s.requested)}</td>
                                <td class="num">{euros(lang, s.committed)}</td>
                                <td class="num">{euros(lang, s.paid)}</td>
                            </tr>
                        </tbody>
                    </table>
                </div>
            }
            .into_any()
        };
        let follow = d.may_follow.then(|| {
            view! {
                <details class="no-print" open=d.lines.is_empty()>
                    <summary>{t(lang, Key::AddLine)}</summary>
                    {line_form(lang, id, &d.funder_choices, None)}
                </details>
                {d.lines.iter().map(|l| view! {
                    <details class="no-print">
                        <summary>{t(lang, Key::UpdateLine)} " — " {funder_label(lang, &l.funder, &l.funder_name)}</summary>
                        {line_form(lang, id, &d.funder_choices, Some(l))}
                        <form method="post" action=format!("/fiches/{id}/lignes/{}/retirer", l.id) class="inline">
                            <button type="submit" class="link-button">{t(lang, Key::RemoveLine)}</button>
                        </form>
                    </details>
                }).collect_view()}
            }
        });
        let indicators = view! {
            {if d.indicators.is_empty() {
                view! { <p class="muted">{t(lang, Key::NoIndicatorYet)}</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll">
                        <table class="data" data-testid="indicators">
                            <thead><tr>
                                <th scope="col">{t(lang, Key::Indicator)}</th>
                                <th scope="col" class="num">{t(lang, Key::Baseline)}</th>
                                <th scope="col" class="num">{t(lang, Key::Target)}</th>
                                <th scope="col" class="num">{t(lang, Key::LatestValue)}</th>
                            </tr></thead>
                            <tbody>
                                {d.indicators.iter().map(|i| {
                                    let name = if i.code.is_empty() { i.label.clone() } else { Indicator::label_of(lang, &i.code) };
                                    let unit = if i.unit.is_empty() { String::new() } else { format!(" {}", i.unit) };
                                    let latest = i.values.last().map(|v| format!("{}{unit} ({})", format_dec1(lang, v.value), format_date(lang, v.measured_on)));
                                    let form = d.may_follow.then(|| {
                                        let action = format!("/fiches/{id}/indicateurs/{}/valeurs", i.id);
                                        let prefix = format!("val-{}", i.id);
                                        let testid = format!("value-{}", if i.code.is_empty() { i.id.to_string() } else { i.code.clone() });
                                        let fields = view! {
                                            {Field::new(format!("{prefix}-on"), "measured_on", Key::MeasuredOn).kind("date").required(true).view(lang)}
                                            {Field::new(format!("{prefix}-value"), "value", Key::ValueLabel).required(true).length(1, 20).view(lang)}
                                        }
                                        .into_any();
                                        view! {
                                            <tr class="no-print"><td colspan="4">
                                                <FormScope action=action.clone()>
                                                    <form method="post" action=action.clone() class="inline-form" data-testid=testid>
                                                        <ProblemSummary/>
                                                        {fields}
                                                        <button type="submit">{t(lang, Key::RecordValue)}</button>
                                                    </form>
                                                </FormScope>
                                            </td></tr>
                                        }
                                    });
                                    view! {
                                        <tr data-testid="indicator">
                                            <th scope="row">{name}</th>
                                            <td class="num">{format_dec1(lang, i.baseline)}{unit.clone()}</td>
                                            <td class="num">{format_dec1(lang, i.target)}{unit.clone()}</td>
                                            <td class="num" data-testid="latest">{latest.unwrap_or_default()}</td>
                                        </tr>
                                        {form}
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
            {d.may_follow.then(|| {
                let action = format!("/fiches/{id}/indicateurs");
                view! {
                    <details class="no-print">
                        <summary>{t(lang, Key::AddIndicator)}</summary>
                        <FormScope action=action.clone()>
                            <form method="post" action=action.clone() class="card-form" data-testid="add-indicator">
                                <ProblemSummary/>
                                {Select::new("ind-code", "code", Key::Indicator).blank(Key::FreeIndicator)
                                    .keyed(lang, Indicator::ALL.iter().map(|i| (i.code(), i.key()))).view(lang)}
                                {Field::new("ind-label", "label", Key::FreeIndicator).length(0, 200).view(lang)}
                                {Field::new("ind-unit", "unit", Key::Unit).length(0, 16).view(lang)}
                                {Field::new("ind-baseline", "baseline", Key::Baseline).length(0, 20).view(lang)}
                                {Field::new("ind-target", "target", Key::Target).length(0, 20).view(lang)}
                                <button type="submit">{t(lang, Key::AddIndicator)}</button>
                            </form>
                        </FormScope>
                    </details>
                }
            })}
        };
        let steps = (!d.offered.is_empty()).then(|| {
            view! {
                <section class="no-print" aria-labelledby="steps-h" data-testid="steps">
                    <h2 id="steps-h">{t(lang, Key::SheetSteps)}</h2>
                    {d.offered.iter().map(|code| step_form(lang, &d, code)).collect_view()}
                </section>
            }
        });
        let timeline = d.timeline.iter().map(|e| {
            let what = match SheetAction::parse(&e.action) {
                Some(a) => t(lang, a.key()).to_owned(),
                None if e.action == "create" => t(lang, Key::SheetActCreate).to_owned(),
                None => t(lang, Key::SheetActEdit).to_owned(),
            };
            view! {
                <li data-testid="event">
                    <strong>{what}</strong> " — " {format_date(lang, e.at)}
                    {(!e.to_status.is_empty() && e.to_status != e.from_status).then(|| view! { " · " {status_badge(lang, &e.to_status)} })}
                    " · " {SheetRole::label_of(lang, &e.role)}
                    {(!e.by.is_empty()).then(|| view! { " (" {e.by.clone()} ")" })}
                    {(!e.stance.is_empty()).then(|| view! { " · " <span class=format!("badge stance-{}", e.stance)>{Stance::label_of(lang, &e.stance)}</span> })}
                    {(!e.support.is_empty()).then(|| view! { " · " {SupportKind::label_of(lang, &e.support)} })}
                    {e.avenant.map(|n| view! { " · " {t(lang, Key::AvenantNumber)} " " {n} })}
                    {e.session_id.map(|sid| view! { " · " <a href=format!("/comites/seances/{sid}")>{t(lang, Key::SessionOf)}</a> })}
                    {(!e.comment.is_empty()).then(|| view! { <p>{e.comment.clone()}</p> })}
                </li>
            }
        }).collect_view();
        let list = |items: &[crate::api::action_sheets::Linked]| {
            items
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    let sep = (i > 0).then_some(", ");
                    if l.href.is_empty() {
                        view! { {sep} <span>{l.name.clone()}</span> }.into_any()
                    } else {
                        view! { {sep} <a href=l.href.clone()>{l.name.clone()}</a> }.into_any()
                    }
                })
                .collect_view()
        };
        view! {
            <Title text=s.title.clone()/>
            <p class="breadcrumb"><a href=format!("/territoires/{}/plan", s.territory)>{t(lang, Key::ActionPlan)} " — " {s.territory_name.clone()}</a></p>
            <h1>{s.title.clone()}</h1>
            <p>
                <span data-testid="sheet-status">{status_badge(lang, &s.status)}</span> " "
                <span class="badge">{Axis::label_of(lang, &s.axis)}</span> " "
                <span class="badge">{Maturity::label_of(lang, &s.maturity)}</span> " "
                {s.demo.then(|| view! { <span class="badge demo">{t(lang, Key::DemoBadge)}</span> })}
            </p>
            <Flash done=DONE/>
            {d.may_edit.then(|| view! { <p><a class="button secondary" href=format!("/fiches/{id}/modifier")>{t(lang, Key::EditSheet)}</a></p> })}
            <dl class="facts">
                <dt>{t(lang, Key::Porteur)}</dt><dd data-testid="porteur">{d.porteur.as_ref().map(|p| list(std::slice::from_ref(p)))}</dd>
                {(!d.partners.is_empty()).then(|| view! { <dt>{t(lang, Key::Partners)}</dt><dd>{list(&d.partners)}</dd> })}
                {(!d.epcis.is_empty()).then(|| view! { <dt>{t(lang, Key::EpciConcerned)}</dt><dd>{list(&d.epcis)}</dd> })}
                <dt>{t(lang, Key::Collective)}</dt><dd>{t(lang, if d.collective { Key::Yes } else { Key::No })}</dd>
                {(!s.themes.is_empty()).then(|| view! { <dt>{t(lang, Key::ThemesLabel)}</dt><dd>{s.themes.iter().map(|th| Theme::label_of(lang, th)).collect::<Vec<_>>().join(", ")}</dd> })}
                <dt>{t(lang, Key::AvenantLabel)}</dt><dd data-testid="avenant">{match s.avenant { Some(n) => view! { <a href=format!("/territoires/{}/contrat", s.territory)>{t(lang, Key::AvenantNumber)} " " {n}</a> }.into_any(), None => view! { <span>{t(lang, Key::NotInscribed)}</span> }.into_any() }}</dd>
                {(!d.support.is_empty()).then(|| view! { <dt>{t(lang, Key::SupportLabel)}</dt><dd>{SupportKind::label_of(lang, &d.support)}</dd> })}
                {d.proposal.as_ref().map(|p| view! { <dt>{t(lang, Key::CarriesProposal)}</dt><dd><a href=p.href.clone()>{p.name.clone()}</a></dd> })}
                {(!d.schedule.is_empty()).then(|| view! { <dt>{t(lang, Key::Schedule)}</dt><dd>{d.schedule.clone()}</dd> })}
                <dt>{t(lang, Key::Signatures)}</dt>
                <dd data-testid="signatures">
                    {t(lang, Key::SignedByElected)} " : " {if d.signed_elected { "✓".to_owned() } else { t(lang, Key::NotSigned).to_owned() }}
                    " · " {t(lang, Key::SignedByIndustrial)} " : " {if d.signed_industrial { "✓".to_owned() } else { t(lang, Key::NotSigned).to_owned() }}
                </dd>
            </dl>
            <section aria-labelledby="desc-h">
                <h2 id="desc-h">{t(lang, Key::SheetDescription)}</h2>
                <p class="prose">{d.description.clone()}</p>
                {(!d.expected_results.is_empty()).then(|| view! { <h3>{t(lang, Key::ExpectedResults)}</h3><p class="prose">{d.expected_results.clone()}</p> })}
            </section>
            <section aria-labelledby="plan-h">
                <h2 id="plan-h">{t(lang, Key::FinancialPlan)}</h2>
                {(!s.amounts_shown).then(|| view! { <p class="hint" data-testid="amounts-confidential">{t(lang, Key::AmountsConfidential)}</p> })}
                {lines}
                {follow}
            </section>
            <section aria-labelledby="ind-h">
                <h2 id="ind-h">{t(lang, Key::Indicators)}</h2>
                {indicators}
            </section>
            {steps}
            <section aria-labelledby="timeline-h">
                <h2 id="timeline-h">{t(lang, Key::Timeline)}</h2>
                <ol class="timeline" data-testid="timeline">{timeline}</ol>
            </section>
        }
        .into_any()
    })
}
