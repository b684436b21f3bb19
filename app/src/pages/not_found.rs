//! The page for an address that leads nowhere.

use crate::components::ErrorView;
use crate::error::AppError;
use leptos::prelude::*;

/// Served with status 404 (set by [`ErrorView`]).
#[component]
pub fn NotFound() -> impl IntoView {
    view! { <ErrorView error=AppError::NotFound/> }
}
