//! `/suivi`: the programme's scorecard (Senate rec. 12) for the nation, then a region
//! (`/suivi/regions/{code}`), then a territory (`/suivi/territoires/{id}`): key figures that
//! lead to their records, the map of the territories coloured by one figure with its legend
//! and its table, charts by axis and funder, the commitments over time. All of it is server
//! SVG and HTML; the period and the map's figure are a GET form.

use super::action_sheets::{any_secret, euros, funder_label, money_table, totals_table};
use crate::api::action_sheets::Amount;
use crate::api::directory::get_overview;
use crate::api::monitoring::{
    get_evaluation, get_evaluations, get_reports, get_scorecard, EvaluationView, Evaluations,
    ReportsView, ScopeRow, Scorecard, ScorecardQuery,
};
use crate::components::{
    when_loaded, BarChart, Field, Flash, FormScope, FranceMap, MapFill, ProblemSummary,
    QuarterChart, Select,
};
use crate::domain::action_sheet::{Indicator, Instrument, SheetStatus};
use crate::domain::monitoring::{breaks, class_of, EvaluationKind, Figure, NarrativeAuthor, Scope};
use crate::domain::proposal::Level;
use crate::domain::theme::Axis;
use crate::error::AppError;
use crate::i18n::{format_date, format_dec1, format_int, t, use_lang, Key, Lang};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use leptos_router::params::ParamsMap;
use std::collections::HashMap;

/// The map's figure when the address names none.
const DEFAULT_FIGURE: Figure = Figure::JobsCreated;

/// The national scorecard.
#[component]
pub fn NationalScorecardPage() -> impl IntoView {
    scorecard_page(|_| "national".to_owned())
}

/// A region's scorecard.
#[component]
pub fn RegionScorecardPage() -> impl IntoView {
    scorecard_page(|p| format!("region:{}", p.get("code").unwrap_or_default()))
}

/// A territory's scorecard.
#[component]
pub fn TerritoryScorecardPage() -> impl IntoView {
    scorecard_page(|p| format!("territory:{}", p.get("id").unwrap_or_default()))
}

/// What the address asks: the scorecard's query and the map's figure.
fn asked(scope: String, q: &ParamsMap) -> (ScorecardQuery, Figure) {
    let query = ScorecardQuery {
        scope,
        from: q.get("du").unwrap_or_default(),
        to: q.get("au").unwrap_or_default(),
    };
    let figure = q
        .get("indicateur")
        .and_then(|f| Figure::parse(&f))
        .unwrap_or(DEFAULT_FIGURE);
    (query, figure)
}

fn scorecard_page(scope: fn(&ParamsMap) -> String) -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || asked(scope(&params.read()), &query.read()),
        |(q, figure)| async move {
            let card = get_scorecard(q.clone()).await?;
            let map = get_overview().await?;
            Ok::<_, AppError>((q, figure, card, map))
        },
    );
    when_loaded(data, move |(q, figure, card, map)| {
        view! { <ScorecardView query=q figure=figure card=card map=map frozen=None/> }
    })
}

/// The address of `scope`'s scorecard with the same period and figure: live, or frozen in
/// evaluation `frozen`.
fn scorecard_href(scope: &str, q: &ScorecardQuery, figure: Figure, frozen: Option<i64>) -> String {
    let mut params = Vec::new();
    let base = match frozen {
        Some(id) => {
            params.push(format!("perimetre={scope}"));
            format!("/suivi/evaluations/{id}")
        }
        None => {
            if !q.from.is_empty() {
                params.push(format!("du={}", q.from));
            }
            if !q.to.is_empty() {
                params.push(format!("au={}", q.to));
            }
            Scope::parse(scope).map_or_else(|| "/suivi".to_owned(), |s| s.href())
        }
    };
    if figure != DEFAULT_FIGURE {
        params.push(format!("indicateur={}", figure.code()));
    }
    if params.is_empty() {
        base
    } else {
        format!("{base}?{}", params.join("&"))
    }
}

/// Where the records behind a scope's figures are listed.
fn records_href(scope: &Scope, figure: Figure, extra: &str) -> String {
    let place = |region: &str, territory: &str| match scope {
        Scope::National => String::new(),
        Scope::Region(code) => format!("{region}{code}"),
        Scope::Territory(id) => format!("{territory}{id}"),
    };
    match figure {
        Figure::ContactsRequested | Figure::Partnerships => match scope {
            Scope::Territory(id) => format!("/annonces?territory={id}"),
            _ => "/annonces".to_owned(),
        },
        Figure::Exchanges => "/echanges".to_owned(),
        Figure::ProposalsSent | Figure::ProposalsAnswered => {
            let p = place("?region=", "?territory=");
            format!("/simplification{p}")
        }
        _ => format!(
            "/recherche?kind=action_sheet{}{extra}",
            place("&region=", "&territory=")
        ),
    }
}

/// A quarter as its reader writes it: `2026-T2` in French, `2026 Q2` in English.
fn quarter_label(lang: Lang, code: &str) -> String {
    match lang {
        Lang::Fr => code.to_owned(),
        Lang::En => code.replace("-T", " Q"),
    }
}

/// A figure's value as text.
fn figure_text(lang: Lang, figure: Figure, value: Option<f64>) -> String {
    match (figure.in_euros(), value) {
        (true, v) => euros(lang, v.map(|v| v.round() as i64)),
        (false, Some(v)) if figure == Figure::Hectares => format_dec1(lang, v),
        (false, Some(v)) => format_int(lang, v.max(0.0).round() as u64),
        (false, None) => t(lang, Key::Secret).to_owned(),
    }
}

/// Figures shown as key figures, in order.
const KEY_FIGURES: [Figure; 15] = [
    Figure::Sheets,
    Figure::Requested,
    Figure::Committed,
    Figure::Paid,
    Figure::JobsPlanned,
    Figure::JobsCreated,
    Figure::PrivateInvestment,
    Figure::Hectares,
    Figure::PeopleTrained,
    Figure::FirmsSupported,
    Figure::ContactsRequested,
    Figure::Partnerships,
    Figure::Exchanges,
    Figure::ProposalsSent,
    Figure::ProposalsAnswered,
];

/// The figures of the tables of regions and territories.
const TABLE_FIGURES: [Figure; 7] = [
    Figure::Sheets,
    Figure::Committed,
    Figure::JobsCreated,
    Figure::Partnerships,
    Figure::Exchanges,
    Figure::ProposalsSent,
    Figure::ProposalsAnswered,
];

#[component]
fn ScorecardView(
    query: ScorecardQuery,
    figure: Figure,
    card: Scorecard,
    map: crate::api::directory::Overview,
    /// The evaluation whose frozen scorecard this is (links stay within it).
    frozen: Option<i64>,
) -> impl IntoView {
    let lang = use_lang();
    let scope = Scope::parse(&card.scope).unwrap_or(Scope::National);
    let title = match scope {
        Scope::National => t(lang, Key::MonitoringTitle).to_owned(),
        _ => format!("{} — {}", t(lang, Key::MonitoringTitle), card.name),
    };
    let action = match frozen {
        Some(id) => format!("/suivi/evaluations/{id}"),
        None => scope.href(),
    };
    let api = format!(
        "/api/v1/scorecards?scope={}{}{}",
        card.scope,
        if query.from.is_empty() {
            String::new()
        } else {
            format!("&from={}", query.from)
        },
        if query.to.is_empty() {
            String::new()
        } else {
            format!("&to={}", query.to)
        },
    );
    let breadcrumb = card.parent.clone().map(|(parent, name)| {
        view! { <p class="breadcrumb"><a href=scorecard_href(&parent, &query, figure, frozen)>{name}</a></p> }
    });
    let territory_link = match &scope {
        Scope::Territory(id) => Some(view! {
            <p class="actions">
                <a href=format!("/territoires/{id}")>{card.name.clone()}</a> " · "
                <a href=format!("/territoires/{id}/plan")>{t(lang, Key::ActionPlan)}</a>
            </p>
        }),
        _ => None,
    };
    let figure_options = Figure::ALL
        .iter()
        .map(|f| {
            view! { <option value=f.code() selected=*f == figure>{t(lang, f.key())}</option> }
        })
        .collect_view();
    let key_figures = KEY_FIGURES
        .iter()
        .map(|f| {
            let value = card.figures.value(*f);
            view! {
                <div class="key-figure" data-figure=f.code()>
                    <dt>{t(lang, f.key())}</dt>
                    <dd><a href=records_href(&scope, *f, "") data-testid=format!("fig-{}", f.code())>{figure_text(lang, *f, value)}</a></dd>
                </div>
            }
        })
        .collect_view();
    // The map: every territory counted here (and, for a region, those it takes part in).
    let mapped: Vec<&ScopeRow> = card.territories.iter().chain(&card.interregional).collect();
    let map_section = (!mapped.is_empty()).then(|| {
        let values: Vec<f64> = mapped.iter().filter_map(|r| r.figures.value(figure)).collect();
        let bounds = breaks(&values);
        let fills: HashMap<String, MapFill> = mapped
            .iter()
            .map(|r| {
                let v = r.figures.value(figure);
                (
                    r.id.clone(),
                    MapFill {
                        class: v.map(|v| class_of(v, &bounds)),
                        value: figure_text(lang, figure, v),
                        href: scorecard_href(&r.scope, &query, figure, frozen),
                    },
                )
            })
            .collect();
        let legend = bounds
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let text = if i == 0 {
                    figure_text(lang, figure, Some(0.0))
                } else {
                    format!("{} {}", t(lang, Key::LegendUpTo), figure_text(lang, figure, Some(*b)))
                };
                view! { <li><span class=format!("swatch q{i}") aria-hidden="true"></span>{text}</li> }
            })
            .collect_view();
        let mut sorted: Vec<&ScopeRow> = mapped.clone();
        sorted.sort_by(|a, b| {
            b.figures
                .value(figure)
                .unwrap_or(-1.0)
                .total_cmp(&a.figures.value(figure).unwrap_or(-1.0))
                .then_with(|| a.name.cmp(&b.name))
        });
        let rows = sorted
            .into_iter()
            .map(|r| {
                view! {
                    <tr>
                        <th scope="row"><a href=scorecard_href(&r.scope, &query, figure, frozen)>{r.name.clone()}</a></th>
                        <td class="num">{figure_text(lang, figure, r.figures.value(figure))}</td>
                    </tr>
                }
            })
            .collect_view();
        let caption = format!("{} {}", t(lang, Key::MapOf), t(lang, figure.key()));
        view! {
            <section aria-labelledby="map-h" class="scorecard-map">
                <h2 id="map-h">{caption.clone()}</h2>
                <div class="map-and-table">
                    <div>
                        <FranceMap territories=map.map width=map.map_width height=map.map_height fills=fills caption=caption/>
                        <h3 id="legend-h">{t(lang, Key::MapLegend)}</h3>
                        <ul class="legend" aria-labelledby="legend-h" data-testid="map-legend">
                            {legend}
                            <li><span class="swatch none" aria-hidden="true"></span>{t(lang, Key::LegendNoValue)}</li>
                        </ul>
                    </div>
                    <div class="table-scroll map-table">
                        <table class="data" data-testid="map-table">
                            <caption>{t(lang, Key::MapTable)}</caption>
                            <thead><tr>
                                <th scope="col">{t(lang, Key::ColTerritory)}</th>
                                <th scope="col" class="num">{t(lang, figure.key())}</th>
                            </tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                </div>
            </section>
        }
    });
    let regions = (!card.regions.is_empty()).then(|| {
        scope_table(
            lang,
            &card.regions,
            (Key::ScorecardByRegion, Key::ColRegion),
            "regions",
            (&query, figure, frozen),
        )
    });
    let territories = (!card.territories.is_empty() && scope != Scope::National).then(|| {
        scope_table(
            lang,
            &card.territories,
            (Key::TerritoriesCounted, Key::ColTerritory),
            "territories",
            (&query, figure, frozen),
        )
    });
    let interregional = (!card.interregional.is_empty()).then(|| {
        scope_table(
            lang,
            &card.interregional,
            (Key::Interregional, Key::ColTerritory),
            "interregional",
            (&query, figure, frozen),
        )
    });
    let axis_rows: Vec<(String, u64)> = card
        .by_axis
        .iter()
        .map(|r| (Axis::label_of(lang, &r.axis), r.sheets))
        .collect();
    let funder_rows: Vec<(String, u64)> = card
        .totals
        .by_funder
        .iter()
        .filter_map(|r| {
            let committed = u64::try_from(r.committed?).ok()?;
            Some((funder_label(lang, &r.key, &r.label), committed))
        })
        .collect();
    let funder_hidden = card.totals.by_funder.iter().any(|r| r.committed.is_none());
    let statuses: Vec<SheetStatus> = SheetStatus::ALL
        .iter()
        .copied()
        .filter(|s| {
            card.by_axis
                .iter()
                .any(|r| r.by_status.iter().any(|(c, n)| c == s.code() && *n > 0))
        })
        .collect();
    let status_head = statuses
        .iter()
        .map(|s| view! { <th scope="col" class="num">{SheetStatus::label_of(lang, s.code())}</th> })
        .collect_view();
    let axis_status_rows = card
        .by_axis
        .iter()
        .map(|r| {
            let cells = statuses
                .iter()
                .map(|s| {
                    let n = r
                        .by_status
                        .iter()
                        .find(|(c, _)| c == s.code())
                        .map_or(0, |(_, n)| *n);
                    let href = records_href(
                        &scope,
                        Figure::Sheets,
                        &format!("&axis={}&status={}", r.axis, s.code()),
                    );
                    view! { <td class="num"><a href=href>{format_int(lang, n)}</a></td> }
                })
                .collect_view();
            view! {
                <tr>
                    <th scope="row"><a href=records_href(&scope, Figure::Sheets, &format!("&axis={}", r.axis))>{Axis::label_of(lang, &r.axis)}</a></th>
                    <td class="num">{format_int(lang, r.sheets)}</td>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    let instrument_secret = any_secret(&card.by_instrument);
    let instruments = money_table(
        lang,
        (Key::ByInstrument, Key::InstrumentLabel),
        &card.by_instrument,
        move |r| Instrument::label_of(lang, &r.key),
        None,
        "by-instrument",
    );
    let indicator_rows = card
        .indicators
        .iter()
        .map(|r| {
            let value = |v: Option<f64>| match (r.unit.as_str(), v) {
                ("EUR", v) => euros(lang, v.map(|v| v.round() as i64)),
                ("ha", Some(v)) => format!("{} ha", format_dec1(lang, v)),
                (_, Some(v)) => format_int(lang, v.max(0.0).round() as u64),
                (_, None) => t(lang, Key::Secret).to_owned(),
            };
            view! {
                <tr data-key=r.code.clone()>
                    <th scope="row">{Indicator::label_of(lang, &r.code)}</th>
                    <td class="num">{format_int(lang, r.sheets)}</td>
                    <td class="num">{value(r.target)}</td>
                    <td class="num">{value(r.reached)}</td>
                </tr>
            }
        })
        .collect_view();
    let wait_rows = card
        .waits
        .iter()
        .map(|w| {
            let level =
                Level::parse(&w.level).map_or(w.level.clone(), |l| t(lang, l.key()).to_owned());
            view! {
                <tr data-key=w.level.clone()>
                    <th scope="row">{level}</th>
                    <td class="num">{format_int(lang, w.proposals)}</td>
                    <td class="num">{format_dec1(lang, w.days)}</td>
                    <td class="num">{format_dec1(lang, w.mean_days)}</td>
                </tr>
            }
        })
        .collect_view();
    let quarter_rows: Vec<(String, Option<i64>, Option<i64>)> = card
        .quarters
        .iter()
        .map(|q| (quarter_label(lang, &q.quarter), q.committed, q.paid))
        .collect();
    let fmt: fn(Option<i64>) -> String = match lang {
        Lang::Fr => |a: Amount| euros(Lang::Fr, a),
        Lang::En => |a: Amount| euros(Lang::En, a),
    };
    let quarter_table = card
        .quarters
        .iter()
        .map(|q| {
            view! {
                <tr>
                    <th scope="row">{quarter_label(lang, &q.quarter)}</th>
                    <td class="num">{euros(lang, q.committed)}</td>
                    <td class="num">{euros(lang, q.paid)}</td>
                </tr>
            }
        })
        .collect_view();
    let timeline = if quarter_rows.is_empty() {
        view! { <p class="muted">{t(lang, Key::NoTimeline)}</p> }.into_any()
    } else {
        view! {
            <QuarterChart rows=quarter_rows label=t(lang, Key::TimelineHeading).to_owned()
                caption=t(lang, Key::TimelineCaption).to_owned() format=fmt testid="timeline"/>
            <details>
                <summary>{t(lang, Key::MapTable)}</summary>
                <div class="table-scroll">
                    <table class="data" data-testid="timeline-table">
                        <caption>{t(lang, Key::TimelineHeading)}</caption>
                        <thead><tr>
                            <th scope="col">{t(lang, Key::ColQuarter)}</th>
                            <th scope="col" class="num">{t(lang, Key::Committed)}</th>
                            <th scope="col" class="num">{t(lang, Key::Paid)}</th>
                        </tr></thead>
                        <tbody>{quarter_table}</tbody>
                    </table>
                </div>
            </details>
        }
        .into_any()
    };
    view! {
        <Title text=title.clone()/>
        {breadcrumb}
        <h1>{title}</h1>
        <p class="lead">{t(lang, Key::MonitoringLead)}</p>
        {territory_link}
        <form class="filters" method="get" action=action role="search">
            {match frozen {
                Some(_) => view! { <input type="hidden" name="perimetre" value=card.scope.clone()/> }.into_any(),
                None => view! {
                    <div class="field">
                        <label for="sc-from">{t(lang, Key::PeriodFrom)}</label>
                        <input id="sc-from" type="date" name="du" value=query.from.clone()/>
                    </div>
                    <div class="field">
                        <label for="sc-to">{t(lang, Key::PeriodTo)}</label>
                        <input id="sc-to" type="date" name="au" value=query.to.clone()/>
                    </div>
                }.into_any(),
            }}
            <div class="field">
                <label for="sc-figure">{t(lang, Key::MapFigure)}</label>
                <select id="sc-figure" name="indicateur">{figure_options}</select>
            </div>
            <button type="submit">{t(lang, Key::ShowFigures)}</button>
        </form>
        <section aria-labelledby="key-h">
            <h2 id="key-h">{t(lang, Key::KeyFigures)}</h2>
            <dl class="key-figures" data-testid="key-figures">{key_figures}</dl>
            {(!card.every_amount_visible).then(|| view! { <p class="hint">{t(lang, Key::SomeAmountsHidden)}</p> })}
            <p class="muted">{t(lang, Key::MonitoringAttribution)} " " {t(lang, Key::ComputedAt)} " " {format_date(lang, card.computed_at)}
                " · " <a href=api>{t(lang, Key::FiguresAsJson)}</a>
                " · " <a href="/suivi/evaluations">{t(lang, Key::SeeEvaluations)}</a>
                " · " <a href="/suivi/rapports">{t(lang, Key::SeeReports)}</a></p>
        </section>
        {map_section}
        {regions}
        {territories}
        {interregional}
        <section aria-labelledby="axis-h">
            <h2 id="axis-h">{t(lang, Key::SheetsByAxisStatus)}</h2>
            <BarChart rows=axis_rows label=t(lang, Key::ChartByAxis).to_owned() caption=t(lang, Key::ChartByAxis).to_owned() testid="axis-chart"/>
            <div class="table-scroll">
                <table class="data" data-testid="axis-status">
                    <caption>{t(lang, Key::SheetsByAxisStatus)}</caption>
                    <thead><tr>
                        <th scope="col">{t(lang, Key::AxisLabel)}</th>
                        <th scope="col" class="num">{t(lang, Key::ActionSheets)}</th>
                        {status_head}
                    </tr></thead>
                    <tbody>{axis_status_rows}</tbody>
                </table>
            </div>
        </section>
        <section aria-labelledby="amounts-h">
            <h2 id="amounts-h">{t(lang, Key::AmountsHeading)}</h2>
            {(!funder_rows.is_empty()).then(|| view! {
                <BarChart rows=funder_rows label=t(lang, Key::ChartByFunder).to_owned() caption=t(lang, Key::ChartByFunder).to_owned() testid="funder-chart"/>
            })}
            {funder_hidden.then(|| view! { <p class="hint">{t(lang, Key::ChartFunderSecret)}</p> })}
            {totals_table(lang, &card.totals, "scorecard-totals")}
            <div class="table-scroll">{instruments}</div>
            {instrument_secret.then(|| view! { <p class="hint">{t(lang, Key::SecretHint)}</p> })}
        </section>
        <section aria-labelledby="timeline-h">
            <h2 id="timeline-h">{t(lang, Key::TimelineHeading)}</h2>
            {timeline}
        </section>
        <section aria-labelledby="indicators-h">
            <h2 id="indicators-h">{t(lang, Key::IndicatorsHeading)}</h2>
            <div class="table-scroll">
                <table class="data" data-testid="indicators">
                    <caption>{t(lang, Key::IndicatorsHeading)}</caption>
                    <thead><tr>
                        <th scope="col">{t(lang, Key::ColIndicator)}</th>
                        <th scope="col" class="num">{t(lang, Key::ActionSheets)}</th>
                        <th scope="col" class="num">{t(lang, Key::ColTarget)}</th>
                        <th scope="col" class="num">{t(lang, Key::ColReached)}</th>
                    </tr></thead>
                    <tbody>{indicator_rows}</tbody>
                </table>
            </div>
        </section>
        <section aria-labelledby="waits-h">
            <h2 id="waits-h">{t(lang, Key::WaitsHeading)}</h2>
            <div class="table-scroll">
                <table class="data" data-testid="waits">
                    <caption>{t(lang, Key::WaitsHeading)}</caption>
                    <thead><tr>
                        <th scope="col">{t(lang, Key::ColLevel)}</th>
                        <th scope="col" class="num">{t(lang, Key::ColProposals)}</th>
                        <th scope="col" class="num">{t(lang, Key::ColTotalDays)}</th>
                        <th scope="col" class="num">{t(lang, Key::ColMeanDays)}</th>
                    </tr></thead>
                    <tbody>{wait_rows}</tbody>
                </table>
            </div>
        </section>
    }
}

/// A table of regions or territories with their main figures, each leading to its scorecard.
fn scope_table(
    lang: Lang,
    rows: &[ScopeRow],
    (heading, first): (Key, Key),
    testid: &'static str,
    (query, figure, frozen): (&ScorecardQuery, Figure, Option<i64>),
) -> impl IntoView {
    let head = TABLE_FIGURES
        .iter()
        .map(|f| view! { <th scope="col" class="num">{t(lang, f.key())}</th> })
        .collect_view();
    let body = rows
        .iter()
        .map(|r| {
            let cells = TABLE_FIGURES
                .iter()
                .map(|f| view! { <td class="num">{figure_text(lang, *f, r.figures.value(*f))}</td> })
                .collect_view();
            view! {
                <tr data-scope=r.scope.clone()>
                    <th scope="row"><a href=scorecard_href(&r.scope, query, figure, frozen)>{r.name.clone()}</a></th>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    let id = format!("{testid}-h");
    let labelled = id.clone();
    view! {
        <section aria-labelledby=labelled>
            <h2 id=id>{t(lang, heading)}</h2>
            <div class="table-scroll">
                <table class="data" data-testid=testid>
                    <caption class="visually-hidden">{t(lang, heading)}</caption>
                    <thead><tr><th scope="col">{t(lang, first)}</th>{head}</tr></thead>
                    <tbody>{body}</tbody>
                </table>
            </div>
        </section>
    }
}

/// `/suivi/evaluations`: the evaluations, and for the national delegation the form that
/// opens one.
#[component]
pub fn EvaluationsPage() -> impl IntoView {
    let lang = use_lang();
    let data = Resource::new(|| (), |_| get_evaluations());
    view! {
        <Title text=t(lang, Key::EvaluationsTitle)/>
        <p class="breadcrumb"><a href="/suivi">{t(lang, Key::MonitoringTitle)}</a></p>
        <h1>{t(lang, Key::EvaluationsTitle)}</h1>
        <p class="lead">{t(lang, Key::EvaluationsLead)}</p>
        {when_loaded(data, move |e: Evaluations| {
            let list = if e.items.is_empty() {
                view! { <p class="muted" data-testid="no-evaluation">{t(lang, Key::NoEvaluation)}</p> }.into_any()
            } else {
                view! {
                    <ul class="cards" data-testid="evaluations">
                        {e.items.into_iter().map(|ev| view! {
                            <li>
                                <a href=format!("/suivi/evaluations/{}", ev.id)>{ev.title}</a>
                                <p class="muted">{EvaluationKind::label_of(lang, &ev.kind)} " · " {t(lang, Key::TakenOn)} " " {ev.taken_on}</p>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            };
            let today = crate::domain::text::iso_date(chrono_now());
            let form = e.may_open.then(|| {
                let kind = Select::new("ev-kind", "kind", Key::EvaluationKindLabel)
                    .keyed(lang, EvaluationKind::ALL.iter().map(|k| (k.code(), k.key())))
                    .required(true)
                    .view(lang);
                let title = Field::new("ev-title", "title", Key::EvaluationName)
                    .length(3, 200)
                    .required(true)
                    .view(lang);
                let date = Field::new("ev-date", "taken_on", Key::TakenOn)
                    .kind("date")
                    .value(today)
                    .required(true)
                    .view(lang);
                let submit = t(lang, Key::OpenEvaluation);
                view! {
                    <section aria-labelledby="open-h">
                        <h2 id="open-h">{t(lang, Key::OpenEvaluation)}</h2>
                        <FormScope action="/suivi/evaluations">
                            <form method="post" action="/suivi/evaluations" class="card-form" data-testid="open-evaluation">
                                <ProblemSummary/>
                                {kind}
                                {title}
                                {date}
                                <button type="submit">{submit}</button>
                            </form>
                        </FormScope>
                    </section>
                }
            });
            view! { {list} {form} }.into_any()
        })}
    }
}

/// Today, as the page is drawn (the form's default date; the server checks it).
fn chrono_now() -> i64 {
    #[cfg(feature = "ssr")]
    {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64)
    }
    // Pages are drawn on the server; a browser build has no page to draw.
    #[cfg(not(feature = "ssr"))]
    {
        0
    }
}

/// `/suivi/evaluations/{id}?perimetre=`: one frozen scorecard of an evaluation, its
/// downloads and narratives.
#[component]
pub fn EvaluationPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            let id = params.read().get("id").and_then(|i| i.parse::<i64>().ok());
            let q = query.read();
            let scope = q.get("perimetre").unwrap_or_else(|| "national".to_owned());
            let figure = q
                .get("indicateur")
                .and_then(|f| Figure::parse(&f))
                .unwrap_or(DEFAULT_FIGURE);
            (id, scope, figure)
        },
        |(id, scope, figure)| async move {
            let Some(id) = id else {
                return Err(AppError::NotFound);
            };
            let view = get_evaluation(id, scope).await?;
            let map = get_overview().await?;
            Ok::<_, AppError>((view, figure, map))
        },
    );
    when_loaded(
        data,
        move |(v, figure, map): (EvaluationView, Figure, crate::api::directory::Overview)| {
            let id = v.evaluation.id;
            let page = format!("/suivi/evaluations/{id}/recits");
            let scope = v.card.scope.clone();
            let query = ScorecardQuery {
                scope: scope.clone(),
                from: String::new(),
                to: v.card.to.clone(),
            };
            let narratives = if v.narratives.is_empty() {
                view! { <p class="muted">{t(lang, Key::NoNarrative)}</p> }.into_any()
            } else {
                v.narratives.iter().map(|n| view! {
                <article class="narrative" data-author=n.author.clone()>
                    <h3>{NarrativeAuthor::label_of(lang, &n.author)}</h3>
                    <p class="muted">{format_date(lang, n.updated_at)}</p>
                    {n.body.split("\n\n").map(|p| view! { <p>{p.to_owned()}</p> }).collect_view()}
                </article>
            }).collect_view().into_any()
            };
            let forms = v
                .may_write
                .iter()
                .map(|author| {
                    let current = v
                        .narratives
                        .iter()
                        .find(|n| n.author == *author)
                        .map(|n| n.body.clone())
                        .unwrap_or_default();
                    let label =
                        NarrativeAuthor::parse(author).map_or(Key::NarrativesHeading, |a| a.key());
                    let keys = vec![("author", author.clone()), ("scope", scope.clone())];
                    let testid = format!("narrative-{author}");
                    let body = Field::new(format!("nar-{author}"), "body", label)
                        .area(8)
                        .length(0, 20_000)
                        .value(current)
                        .view(lang);
                    let hidden = view! {
                        <input type="hidden" name="author" value=author.clone()/>
                        <input type="hidden" name="scope" value=scope.clone()/>
                    }
                    .into_any();
                    let save = t(lang, Key::SaveNarrative);
                    let action = page.clone();
                    view! {
                        <FormScope action=page.clone() keys=keys>
                            <form method="post" action=action class="card-form" data-testid=testid>
                                <ProblemSummary/>
                                {hidden}
                                {body}
                                <button type="submit">{save}</button>
                            </form>
                        </FormScope>
                    }
                })
                .collect_view();
            let kind = EvaluationKind::label_of(lang, &v.evaluation.kind);
            view! {
            <Flash done=EVALUATION_DONE/>
            <p class="breadcrumb"><a href="/suivi/evaluations">{t(lang, Key::EvaluationsTitle)}</a></p>
            <p class="lead" data-testid="evaluation-head">
                <strong>{v.evaluation.title.clone()}</strong> " — " {kind} " · " {t(lang, Key::TakenOn)} " " {v.evaluation.taken_on.clone()}
            </p>
            <p class="hint">{t(lang, Key::EvaluationFrozen)} " "
                {t(lang, if v.complete { Key::ViewComplete } else { Key::ViewPublic })}</p>
            <p class="actions">
                <a href=format!("/suivi/evaluations/{id}/export.csv")>{t(lang, Key::ExportCsv)}</a> " · "
                <a href=format!("/suivi/evaluations/{id}/export.json")>{t(lang, Key::ExportJson)}</a>
            </p>
            <ScorecardView query=query figure=figure card=v.card map=map frozen=Some(id)/>
            <section aria-labelledby="narratives-h">
                <h2 id="narratives-h">{t(lang, Key::NarrativesHeading)}</h2>
                {narratives}
                {forms}
            </section>
        }
        .into_any()
        },
    )
}

/// The success codes of the evaluation forms.
const EVALUATION_DONE: &[(&str, Key)] = &[
    ("ouverte", Key::FlashEvaluationOpened),
    ("recit", Key::FlashNarrative),
];

/// `/suivi/rapports`: the operators' and Regions' quarterly reports — every reporter's
/// completeness for the national delegation, the reader's own otherwise — and the form that
/// adds an action to a report.
#[component]
pub fn ReportsPage() -> impl IntoView {
    let lang = use_lang();
    let data = Resource::new(|| (), |_| get_reports());
    view! {
        <Title text=t(lang, Key::ReportsTitle)/>
        <p class="breadcrumb"><a href="/suivi">{t(lang, Key::MonitoringTitle)}</a></p>
        <h1>{t(lang, Key::ReportsTitle)}</h1>
        <Flash done=REPORT_DONE/>
        <p class="lead">{t(lang, Key::ReportsLead)}</p>
        {when_loaded(data, move |r: ReportsView| {
            let head = r
                .quarters
                .iter()
                .map(|q| view! { <th scope="col" class="num">{q.clone()}</th> })
                .collect_view();
            let rows = r
                .rows
                .iter()
                .map(|row| {
                    let cells = row
                        .cells
                        .iter()
                        .map(|c| {
                            let testid = format!("report-{}-{}", row.reporter, c.quarter);
                            match c.submitted_at {
                                Some(_) => view! {
                                    <td class="num" data-testid=testid>
                                        {format_int(lang, c.lines)} " " {t(lang, Key::ReportLines)} " · " {euros(lang, Some(c.amount))}
                                    </td>
                                }
                                .into_any(),
                                None => view! { <td class="num muted" data-testid=testid>{t(lang, Key::NotReported)}</td> }.into_any(),
                            }
                        })
                        .collect_view();
                    view! { <tr><th scope="row">{row.name.clone()}</th>{cells}</tr> }
                })
                .collect_view();
            let summary = r.delegation.then(|| {
                view! {
                    <p data-testid="completeness">
                        {format_int(lang, r.complete.0)} " " {t(lang, Key::CompletenessLine)} " " {format_int(lang, r.complete.1)}
                    </p>
                }
            });
            let form = if r.mine.is_empty() {
                (!r.delegation).then(|| view! { <p class="muted">{t(lang, Key::NoReporter)}</p> }.into_any())
            } else {
                let reporter = Select::new("rp-reporter", "reporter", Key::ReporterLabel)
                    .options(r.mine.clone())
                    .required(true)
                    .view(lang);
                let quarter = Field::new("rp-quarter", "quarter", Key::QuarterLabel)
                    .value(r.quarters.get(1).cloned().unwrap_or_default())
                    .length(7, 7)
                    .required(true)
                    .view(lang);
                let territory = Select::new("rp-territory", "territory", Key::ColTerritory)
                    .options(r.territories.clone())
                    .required(true)
                    .view(lang);
                let action = Field::new("rp-action", "action", Key::ReportAction)
                    .length(1, 300)
                    .required(true)
                    .view(lang);
                let amount = Field::new("rp-amount", "amount", Key::ReportAmount)
                    .kind("number")
                    .value("0")
                    .view(lang);
                let submit = t(lang, Key::AddReportLine);
                Some(view! {
                    <section aria-labelledby="report-h">
                        <h2 id="report-h">{t(lang, Key::AddReportLine)}</h2>
                        <FormScope action="/suivi/rapports">
                            <form method="post" action="/suivi/rapports" class="card-form" data-testid="report-line">
                                <ProblemSummary/>
                                {reporter}
                                {quarter}
                                {territory}
                                {action}
                                {amount}
                                <button type="submit">{submit}</button>
                            </form>
                        </FormScope>
                    </section>
                }.into_any())
            };
            view! {
                <section aria-labelledby="completeness-h">
                    <h2 id="completeness-h">{t(lang, Key::Completeness)}</h2>
                    {summary}
                    <div class="table-scroll">
                        <table class="data" data-testid="reports">
                            <caption class="visually-hidden">{t(lang, Key::Completeness)}</caption>
                            <thead><tr><th scope="col">{t(lang, Key::ColReporter)}</th>{head}</tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                </section>
                {form}
            }
            .into_any()
        })}
    }
}

/// The success codes of the report form.
const REPORT_DONE: &[(&str, Key)] = &[("action", Key::FlashReportLine)];
