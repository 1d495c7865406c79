//! The one scaffold of a page for some signed-in users: load its data, show a loading state,
//! and answer not found (404), sign in first (401) or not allowed (403) before the page
//! itself. Routes give their texts and how to show what was found.

use leptos::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::api::Guarded;
use crate::components::layout::{Forbidden, LoadError, Loading, NotFound, SignInRequired};

/// What a guarded page says when it cannot show itself.
#[derive(Clone, Copy)]
pub struct PageTexts {
    pub title: &'static str,
    pub not_found: &'static str,
    pub forbidden: &'static str,
}

/// Shows `page` through [`Guarded`]: `found` renders the data. A transition keeps the current
/// page on screen while it reloads after a change.
pub fn guarded_page<T, V>(
    page: Resource<Result<Guarded<T>, ServerFnError>>,
    texts: PageTexts,
    found: impl Fn(T) -> V + Copy + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    view! {
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match page.await {
                    Err(error) => view! { <LoadError error/> }.into_any(),
                    Ok(Guarded::NotFound) => view! { <NotFound message=texts.not_found/> }.into_any(),
                    Ok(Guarded::SignInRequired) => view! { <SignInRequired title=texts.title/> }.into_any(),
                    Ok(Guarded::Forbidden) => view! {
                        <Forbidden title=texts.title message=texts.forbidden/>
                    }.into_any(),
                    Ok(Guarded::Found(data)) => found(*data).into_any(),
                }
            })}
        </Transition>
    }
}

/// Shows a page whose data may be missing (`None`: not found, 404), for pages anyone who may
/// read the plan sees: loading state, load error, not found, or `found`.
pub fn optional_page<T, V>(
    page: Resource<Result<Option<T>, ServerFnError>>,
    not_found: &'static str,
    found: impl Fn(T) -> V + Copy + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match page.await {
                    Err(error) => view! { <LoadError error/> }.into_any(),
                    Ok(None) => view! { <NotFound message=not_found/> }.into_any(),
                    Ok(Some(data)) => found(data).into_any(),
                }
            })}
        </Suspense>
    }
}
