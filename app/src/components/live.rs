//! Live GET forms: a filter that answers as one types, without reloading the page.
//!
//! The form and what it filters are plain server-rendered HTML: without WebAssembly the form
//! is an ordinary GET form. Hydrated, the island around the form asks the server for the same
//! page with the form's values as they change (after a pause in typing), then gives the
//! page's live parts (elements marked `data-live="name"`) the content of the new page's. The
//! address follows: replaced while typing, pushed when a link inside a live part is followed
//! (a facet, a page of results), and going back shows the earlier state again. What the page
//! shows is sent once, as HTML: no copy of it travels as data for the browser to render.

use leptos::prelude::*;

/// The attribute naming a part of the page that a live form replaces.
pub const LIVE: &str = "data-live";

/// A GET form (the `children`) that updates the page's live parts as it changes.
#[island]
pub fn LiveForm(children: Children) -> impl IntoView {
    let root = NodeRef::<leptos::html::Div>::new();
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let Some(root) = root.get() {
            browser::attach(root.into());
        }
    });
    view! { <div class="live-form" node_ref=root>{children()}</div> }
}

/// Leaves out of an address the fields a reader did not set: empty values, and a list's first
/// choice (its default). Keeps the order of the form.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
fn meaningful_pairs(fields: Vec<(String, String, bool)>) -> Vec<(String, String)> {
    fields
        .into_iter()
        .filter(|(_, value, is_default)| !value.is_empty() && !is_default)
        .map(|(name, value, _)| (name, value))
        .collect()
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::{meaningful_pairs, LIVE};
    use leptos::prelude::*;
    use std::cell::Cell;
    use std::rc::Rc;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{Document, Element, HtmlFormElement, HtmlInputElement, HtmlSelectElement};

    /// How long typing must pause before the page is asked for.
    const PAUSE: std::time::Duration = std::time::Duration::from_millis(250);

    /// What a navigation does to the history.
    #[derive(Clone, Copy, PartialEq)]
    enum Entry {
        /// Typing: the current entry follows the form.
        Replace,
        /// A link followed: a new entry, so Back returns.
        Push,
        /// Back or Forward: the browser already moved.
        Keep,
    }

    pub fn attach(root: Element) {
        let Some(form) = root
            .query_selector("form")
            .ok()
            .flatten()
            .and_then(|f| f.dyn_into::<HtmlFormElement>().ok())
        else {
            return;
        };
        // Each navigation has a number: a late answer to an earlier one is dropped.
        let latest = Rc::new(Cell::new(0u64));
        let pending = Rc::new(Cell::new(None::<TimeoutHandle>));

        // The search box answers as one types; other fields when they are changed (a place
        // name half typed is not yet a place).
        let on_change = {
            let (form, latest, pending) = (form.clone(), latest.clone(), pending.clone());
            Closure::<dyn Fn(web_sys::Event)>::new(move |ev: web_sys::Event| {
                let typed_in_search_box = ev
                    .target()
                    .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
                    .is_some_and(|input| input.type_() == "search");
                if ev.type_() == "input" && !typed_in_search_box {
                    return;
                }
                if let Some(handle) = pending.take() {
                    handle.clear();
                }
                let (form, latest) = (form.clone(), latest.clone());
                let handle = set_timeout_with_handle(
                    move || go(form_address(&form), Entry::Replace, form, latest),
                    PAUSE,
                )
                .ok();
                pending.set(handle);
            })
        };
        for event in ["input", "change"] {
            let _ =
                form.add_event_listener_with_callback(event, on_change.as_ref().unchecked_ref());
        }
        on_change.forget();

        let on_submit = {
            let (form, latest) = (form.clone(), latest.clone());
            Closure::<dyn Fn(web_sys::Event)>::new(move |ev: web_sys::Event| {
                ev.prevent_default();
                go(
                    form_address(&form),
                    Entry::Push,
                    form.clone(),
                    latest.clone(),
                );
            })
        };
        let _ = form.add_event_listener_with_callback("submit", on_submit.as_ref().unchecked_ref());
        on_submit.forget();

        let on_click = {
            let (form, latest) = (form.clone(), latest.clone());
            Closure::<dyn Fn(web_sys::MouseEvent)>::new(move |ev: web_sys::MouseEvent| {
                if let Some(href) = live_link(&ev, &form) {
                    ev.prevent_default();
                    go(href, Entry::Push, form.clone(), latest.clone());
                }
            })
        };
        if let Some(document) = document_of() {
            let _ = document
                .add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref());
        }
        on_click.forget();

        let on_back = {
            let (form, latest) = (form.clone(), latest.clone());
            Closure::<dyn Fn()>::new(move || {
                if let Ok(href) = window().location().href() {
                    go(href, Entry::Keep, form.clone(), latest.clone());
                }
            })
        };
        let _ =
            window().add_event_listener_with_callback("popstate", on_back.as_ref().unchecked_ref());
        on_back.forget();
    }

    fn document_of() -> Option<Document> {
        window().document()
    }

    /// The address the form gives now: its action with the fields a reader set.
    fn form_address(form: &HtmlFormElement) -> String {
        let mut fields = Vec::new();
        let elements = form.elements();
        for i in 0..elements.length() {
            let Some(element) = elements.item(i) else {
                continue;
            };
            if let Some(input) = element.dyn_ref::<HtmlInputElement>() {
                let kind = input.type_();
                if input.name().is_empty() || kind == "submit" || kind == "button" {
                    continue;
                }
                if (kind == "checkbox" || kind == "radio") && !input.checked() {
                    continue;
                }
                fields.push((input.name(), input.value(), false));
            } else if let Some(select) = element.dyn_ref::<HtmlSelectElement>() {
                if select.name().is_empty() {
                    continue;
                }
                fields.push((select.name(), select.value(), select.selected_index() == 0));
            }
        }
        let query = match web_sys::UrlSearchParams::new() {
            Ok(params) => {
                for (name, value) in meaningful_pairs(fields) {
                    params.append(&name, &value);
                }
                String::from(params.to_string())
            }
            Err(_) => String::new(),
        };
        let action = form.action();
        let base = action.split('?').next().unwrap_or_default().to_owned();
        if query.is_empty() {
            base
        } else {
            format!("{base}?{query}")
        }
    }

    /// The address of a plain click on a link inside a live part leading to the form's own
    /// page (a facet, a page of results); any other click is left to the browser.
    fn live_link(ev: &web_sys::MouseEvent, form: &HtmlFormElement) -> Option<String> {
        if ev.default_prevented()
            || ev.button() != 0
            || ev.meta_key()
            || ev.ctrl_key()
            || ev.shift_key()
            || ev.alt_key()
        {
            return None;
        }
        let target = ev.target()?.dyn_into::<Element>().ok()?;
        let link = target.closest("a[href]").ok()??;
        link.closest(&format!("[{LIVE}]")).ok()??;
        let href = link.dyn_ref::<web_sys::HtmlAnchorElement>()?.href();
        let page = |address: &str| {
            address
                .split(['?', '#'])
                .next()
                .unwrap_or_default()
                .to_owned()
        };
        (page(&href) == page(&form.action())).then_some(href)
    }

    /// Fetches `address` and shows its live parts.
    fn go(address: String, entry: Entry, form: HtmlFormElement, latest: Rc<Cell<u64>>) {
        let number = latest.get() + 1;
        latest.set(number);
        leptos::task::spawn_local(async move {
            match fetch_page(&address).await {
                Ok(html) if latest.get() == number => {
                    show(&html, &form, entry == Entry::Keep);
                    let history = window().history();
                    let url = Some(address.as_str());
                    let _ = match (entry, history) {
                        (Entry::Replace, Ok(h)) => {
                            h.replace_state_with_url(&JsValue::NULL, "", url)
                        }
                        (Entry::Push, Ok(h)) => h.push_state_with_url(&JsValue::NULL, "", url),
                        _ => Ok(()),
                    };
                }
                Ok(_) => {}
                // The server could not be asked: load the page the ordinary way.
                Err(_) => {
                    let _ = window().location().assign(&address);
                }
            }
        });
    }

    async fn fetch_page(address: &str) -> Result<String, JsValue> {
        let response: web_sys::Response = JsFuture::from(window().fetch_with_str(address))
            .await?
            .dyn_into()?;
        let text = JsFuture::from(response.text()?).await?;
        Ok(text.as_string().unwrap_or_default())
    }

    /// Puts the fetched page's live parts, and its title, in place of the current ones. After
    /// Back or Forward the form's fields are set from the page too.
    fn show(html: &str, form: &HtmlFormElement, set_fields: bool) {
        let (Some(document), Ok(parser)) = (document_of(), web_sys::DomParser::new()) else {
            return;
        };
        let Ok(fetched) = parser.parse_from_string(html, web_sys::SupportedType::TextHtml) else {
            return;
        };
        if let Ok(parts) = document.query_selector_all(&format!("[{LIVE}]")) {
            for i in 0..parts.length() {
                let Some(part) = parts.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
                    continue;
                };
                let Some(name) = part.get_attribute(LIVE) else {
                    continue;
                };
                // The element stays and its content changes, so a live region (`aria-live`)
                // on it is announced.
                if let Ok(Some(new)) = fetched.query_selector(&format!("[{LIVE}=\"{name}\"]")) {
                    part.set_inner_html(&new.inner_html());
                }
            }
        }
        document.set_title(&fetched.title());
        if set_fields {
            let elements = form.elements();
            for i in 0..elements.length() {
                let Some(element) = elements.item(i) else {
                    continue;
                };
                let id = element.id();
                if id.is_empty() {
                    continue;
                }
                let Some(new) = fetched.get_element_by_id(&id) else {
                    continue;
                };
                if let (Some(input), Some(new)) = (
                    element.dyn_ref::<HtmlInputElement>(),
                    new.dyn_ref::<HtmlInputElement>(),
                ) {
                    input.set_value(&new.default_value());
                } else if let (Some(select), Some(new)) = (
                    element.dyn_ref::<HtmlSelectElement>(),
                    new.dyn_ref::<HtmlSelectElement>(),
                ) {
                    let chosen = (0..new.length())
                        .filter_map(|j| new.item(j))
                        .filter_map(|o| o.dyn_into::<web_sys::HtmlOptionElement>().ok())
                        .find(|o| o.default_selected())
                        .map(|o| o.value());
                    select.set_value(&chosen.unwrap_or_default());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_keeps_only_what_the_reader_set() {
        let fields = vec![
            ("q".to_owned(), "usinage titane".to_owned(), false),
            ("near".to_owned(), String::new(), false),
            ("sort".to_owned(), "relevance".to_owned(), true),
            ("certification".to_owned(), "EN 9100".to_owned(), false),
        ];
        assert_eq!(
            meaningful_pairs(fields),
            vec![
                ("q".to_owned(), "usinage titane".to_owned()),
                ("certification".to_owned(), "EN 9100".to_owned())
            ]
        );
    }
}
