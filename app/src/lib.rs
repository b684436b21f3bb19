//! Maillage's application crate: WHAT the product is.
//!
//! `domain` holds the pure rules, `api` the server functions (the browser/server contract),
//! `ports` (server only) the traits the server implements, `pages` and `components` the UI.
//! This crate never touches storage, search or mail: it compiles to wasm32 for hydration.

pub mod api;
mod app;
pub mod assets;
pub mod components;
pub mod domain;
pub mod error;
pub mod i18n;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ports;
#[cfg(test)]
mod properties;

pub use app::{shell, App};

/// Browser entry point: hydrates the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
    // A marker for browser tests and diagnostics: interactivity is in place.
    if let Some(window) = web_sys::window() {
        let _ = js_sys::Reflect::set(&window, &"__maillage_hydrated".into(), &true.into());
    }
}
