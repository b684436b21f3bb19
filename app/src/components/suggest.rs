//! Values offered while a person types in a field: communes for a place, NAF activities for
//! a list of codes.
//!
//! The field itself is a plain server-rendered input that works without WebAssembly: the
//! server reads a commune's name, postal code or INSEE code, and a refused value comes back
//! with what was meant. Hydrated, this island beside it asks the server for choices at each
//! pause in typing and lists them under the field as buttons; picking one puts its value in
//! the field (and tells the form, so that a live form answers), Escape puts the list away.

use crate::api::search::{get_choices, Choice, ChoiceList};
use crate::i18n::{t, use_lang, Key};
use leptos::prelude::*;

/// Choices for the input whose id is `input`, from `list`.
#[island]
pub fn Suggest(input: String, list: ChoiceList) -> impl IntoView {
    let lang = use_lang();
    let typed = RwSignal::new(String::new());
    let input = StoredValue::new(input);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| browser::listen(&input.get_value(), typed));
    let found = Resource::new(
        move || typed.get(),
        move |q| async move {
            if q.trim().chars().count() < 2 {
                Ok(Vec::new())
            } else {
                get_choices(list, q).await
            }
        },
    );
    let pick = move |value: String| {
        #[cfg(feature = "hydrate")]
        browser::put(&input.get_value(), &value);
        #[cfg(not(feature = "hydrate"))]
        let _ = value;
        typed.set(String::new());
    };
    view! {
        <div class="choices" aria-live="polite" data-testid=format!("choices-{}", input.get_value())>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let items: Vec<Choice> = found.await.unwrap_or_default();
                    (!items.is_empty()).then(|| view! {
                        <p class="visually-hidden">{format!("{} {}", items.len(), t(lang, Key::ChoicesOffered))}</p>
                        <ul class="choice-list">
                            {items.into_iter().map(|c| {
                                let value = c.value.clone();
                                view! {
                                    <li><button type="button" class="choice" on:click=move |_| pick(value.clone())>{c.label}</button></li>
                                }
                            }).collect_view()}
                        </ul>
                    })
                })}
            </Suspense>
        </div>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::*;
    use std::cell::Cell;
    use std::rc::Rc;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    use web_sys::HtmlInputElement;

    /// How long typing must pause before choices are asked for.
    const PAUSE: std::time::Duration = std::time::Duration::from_millis(200);

    fn input_of(id: &str) -> Option<HtmlInputElement> {
        document()
            .get_element_by_id(id)
            .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
    }

    /// Sets `typed` to the input's text after each pause in typing; Escape empties it.
    pub fn listen(id: &str, typed: RwSignal<String>) {
        let Some(input) = input_of(id) else {
            return;
        };
        let pending = Rc::new(Cell::new(None::<TimeoutHandle>));
        let on_input = {
            let input = input.clone();
            Closure::<dyn Fn(web_sys::Event)>::new(move |_: web_sys::Event| {
                if let Some(handle) = pending.take() {
                    handle.clear();
                }
                let value = input.value();
                pending.set(set_timeout_with_handle(move || typed.set(value), PAUSE).ok());
            })
        };
        let _ = input.add_event_listener_with_callback("input", on_input.as_ref().unchecked_ref());
        on_input.forget();
        let on_key =
            Closure::<dyn Fn(web_sys::KeyboardEvent)>::new(move |ev: web_sys::KeyboardEvent| {
                if ev.key() == "Escape" {
                    typed.set(String::new());
                }
            });
        let _ = input.add_event_listener_with_callback("keydown", on_key.as_ref().unchecked_ref());
        on_key.forget();
    }

    /// Puts `value` in the input, tells its form it changed, and gives the input the focus.
    pub fn put(id: &str, value: &str) {
        let Some(input) = input_of(id) else {
            return;
        };
        input.set_value(value);
        let init = web_sys::EventInit::new();
        init.set_bubbles(true);
        if let Ok(change) = web_sys::Event::new_with_event_init_dict("change", &init) {
            let _ = input.dispatch_event(&change);
        }
        let _ = input.focus();
    }
}
