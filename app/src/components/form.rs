//! Form fields of server-rendered pages.

/// What the field with this id already holds in the page, for the signal behind it. A
/// server-rendered form can be typed into before the app has loaded; the app then takes over
/// the field with its own value, and starting that from the page keeps what was typed. Empty
/// on the server, and when the field is not in the page (a page reached in the app).
pub fn typed_value(id: &str) -> String {
    #[cfg(feature = "hydrate")]
    {
        let field = leptos::prelude::document().get_element_by_id(id);
        if let Some(field) = field {
            return js_sys::Reflect::get(&field, &"value".into())
                .ok()
                .and_then(|value| value.as_string())
                .unwrap_or_default();
        }
    }
    let _ = id;
    String::new()
}
