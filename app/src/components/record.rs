//! A page of one record named by its address (`/annonces/{id}`, `/simplification/{id}`...):
//! the id read from the path, the record loaded, then shown, or the error said.

use crate::components::ErrorView;
use crate::error::AppError;
use crate::i18n::{t, use_lang, Key};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde::{de::DeserializeOwned, Serialize};
use std::future::Future;

/// The numeric `{id}` of the address, as a reactive getter (`None` when it is not a number).
pub fn path_id() -> impl Fn() -> Option<i64> + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
    }
}

/// The record of the address's `{id}`, as `load` finds it; an id that is not a number names
/// nothing (not found).
pub fn path_record<T, Fut>(
    load: impl Fn(i64) -> Fut + Copy + Send + Sync + 'static,
) -> Resource<Result<T, AppError>>
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    Fut: Future<Output = Result<T, AppError>> + Send + 'static,
{
    Resource::new(path_id(), move |id| async move {
        match id {
            Some(id) => load(id).await,
            None => Err(AppError::NotFound),
        }
    })
}

/// "Loading" until `data` is there, then `show` of it, or the error's page.
pub fn when_loaded<T, V>(
    data: Resource<Result<T, AppError>>,
    show: impl Fn(T) -> V + Copy + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    suspended(data, move |loaded| match loaded {
        Ok(value) => show(value).into_any(),
        Err(e) => view! { <ErrorView error=e/> }.into_any(),
    })
}

/// "Loading" until `data` is there, then `show` of the outcome, whichever it is.
pub(super) fn suspended<T>(
    data: Resource<Result<T, AppError>>,
    show: impl Fn(Result<T, AppError>) -> AnyView + Copy + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
{
    let lang = use_lang();
    view! {
        <Suspense fallback=move || view! { <p>{t(lang, Key::Loading)}</p> }>
            {move || Suspend::new(async move { show(data.await) })}
        </Suspense>
    }
}
