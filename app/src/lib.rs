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

/// Browser entry point: readies the reactive system for the page's islands, which the loader
/// (`assets::HydrationLoader`) then hydrates one by one. The rest of the page is server HTML.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
