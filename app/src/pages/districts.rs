//! `/districts`: European industrial districts and clusters, by country.

use crate::api::directory::list_districts;
use crate::components::when_loaded;
use crate::i18n::{country_name, t, use_lang, Key, Lang};
use leptos::prelude::*;
use leptos_meta::Title;

/// The list of European districts.
#[component]
pub fn DistrictsPage() -> impl IntoView {
    let lang = use_lang();
    let districts = Resource::new(|| (), |_| list_districts());
    view! {
        <Title text=t(lang, Key::DistrictsTitle)/>
        <h1>{t(lang, Key::DistrictsHeading)}</h1>
        <p class="lead">{t(lang, Key::DistrictsLead)}</p>
        {when_loaded(districts, move |list| view! {
                        <div class="table-scroll"><table class="data" data-testid="district-list">
                            <thead><tr>
                                <th scope="col">{t(lang, Key::ColName)}</th>
                                <th scope="col">{t(lang, Key::Country)}</th>
                                <th scope="col">{t(lang, Key::NutsRegion)}</th>
                                <th scope="col">{t(lang, Key::Specialisations)}</th>
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|d| {
                                    let spec = match lang { Lang::Fr => d.specialisation_fr, Lang::En => d.specialisation_en };
                                    view! {
                                        <tr>
                                            <th scope="row"><a href=format!("/organisations/{}", d.id)>{d.name}</a></th>
                                            <td>{country_name(lang, &d.country_code)}</td>
                                            <td>{d.nuts_label} " (" <code>{d.nuts_code}</code> ")"</td>
                                            <td>{spec}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table></div>
                    }.into_any())}
    }
}
