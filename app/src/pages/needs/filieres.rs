//! `/territoires/{id}/filieres`: a territory's leading industries and the supplier links around it.

use super::*;

/// `/territoires/{id}/filieres`: the industries present locally and, for the leading ones,
/// the supplier divisions missing or thin around the territory, with firms nearby that could
/// fill them.
#[component]
pub fn FilieresPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let data = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        crate::api::needs::get_filieres,
    );
    view! {
        {when_loaded(data, move |f| {
                        let local: Vec<(String, u64)> = f.divisions.iter().take(12).map(|(c, l, n)| (format!("{c} {l}"), *n)).collect();
                        let radius = f.radius_km;
                        view! {
                            <Title text=format!("{} · {}", t(lang, Key::FilieresTitle), f.name)/>
                            <p class="breadcrumb"><a href=format!("/territoires/{}", f.territory_id)>{f.name.clone()}</a></p>
                            <h1>{t(lang, Key::FilieresTitle)}{colon(lang)}{f.name.clone()}</h1>
                            <p class="lead">{t(lang, Key::FilieresLead)}</p>
                            <h2>{t(lang, Key::LocalIndustries)}</h2>
                            <BarChart rows=local label=t(lang, Key::ChartDivisionsLabel).to_owned() caption=t(lang, Key::ChartDivisionsCaption).to_owned() testid="local-chart"/>
                            {f.leading.into_iter().map(|l| {
                                let rows: Vec<(String, u64)> = l.suppliers.iter().map(|s| {
                                    let mark = if s.thin { format!(" ({})", t(lang, Key::ThinLink)) } else { String::new() };
                                    (format!("{} {}{mark}", s.code, s.label), s.nearby)
                                }).collect();
                                let thin: Vec<_> = l.suppliers.iter().filter(|s| s.thin).cloned().collect();
                                view! {
                                    <section class="filiere" data-testid="leading">
                                        <h2>{l.code.clone()} " " {l.label.clone()} " — " {format_int(lang, l.firms)} " " {t(lang, Key::FirmsWord)}</h2>
                                        <BarChart rows label=format!("{} {} km", t(lang, Key::SuppliersWithin), radius) caption=format!("{} {} km.", t(lang, Key::SuppliersWithin), radius) testid="supplier-chart"/>
                                        {(!thin.is_empty()).then(|| view! {
                                            <h3>{t(lang, Key::MissingLinks)}</h3>
                                            <ul class="missing" data-testid="missing-links">
                                                {thin.into_iter().map(|s| view! {
                                                    <li>
                                                        <strong>{s.code.clone()} " " {s.label.clone()}</strong> " — " {s.what.clone()} " · " {format_int(lang, s.nearby)} " " {t(lang, Key::NearbyWithin).replace("{km}", &radius.to_string())}
                                                        {(!s.suggestions.is_empty()).then(|| view! {
                                                            <p class="muted">{t(lang, Key::NearestBeyond)}</p>
                                                            <ul>
                                                                {s.suggestions.iter().map(|(id, name, commune, territory, km)| view! {
                                                                    <li><a href=format!("/organisations/{id}")>{name.clone()}</a> " · " {commune.clone()} {(!territory.is_empty()).then(|| format!(" ({territory})"))} " · " {format!("{} km", crate::i18n::format_dec1(lang, *km))}</li>
                                                                }).collect_view()}
                                                            </ul>
                                                        })}
                                                    </li>
                                                }).collect_view()}
                                            </ul>
                                        })}
                                    </section>
                                }
                            }).collect_view()}
                        }.into_any()
                    })}
    }
}
