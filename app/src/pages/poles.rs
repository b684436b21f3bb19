//! `/poles`: the pôles de compétitivité, by region.

use crate::api::directory::list_poles;
use crate::components::when_loaded;
use crate::i18n::{t, use_lang, Key};
use leptos::prelude::*;
use leptos_meta::Title;

/// The list of pôles.
#[component]
pub fn PolesPage() -> impl IntoView {
    let lang = use_lang();
    let poles = Resource::new(|| (), |_| list_poles());
    view! {
        <Title text=t(lang, Key::PolesTitle)/>
        <h1>{t(lang, Key::PolesHeading)}</h1>
        <p class="lead">{t(lang, Key::PolesLead)}</p>
        {when_loaded(poles, move |list| view! {
                        <div class="table-scroll"><table class="data" data-testid="pole-list">
                            <thead><tr>
                                <th scope="col">{t(lang, Key::ColName)}</th>
                                <th scope="col">{t(lang, Key::Themes)}</th>
                                <th scope="col">{t(lang, Key::ColRegion)}</th>
                                <th scope="col">{t(lang, Key::Seat)}</th>
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|p| view! {
                                    <tr>
                                        <th scope="row"><a href=format!("/organisations/{}", p.id)>{p.name}</a></th>
                                        <td>{p.themes}</td>
                                        <td>{p.region_name}</td>
                                        <td>{p.seat}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table></div>
                    }.into_any())}
    }
}
