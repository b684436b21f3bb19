//! A labelled form field: one-line input or text area, with its value kept and " *" on the
//! label of a required one. One place to say how a field is drawn, so every form reads alike.

use crate::i18n::{t, Key, Lang};
use leptos::prelude::*;

/// A field to draw: `Field::new(id, name, label).value(v).required(true).area(4).view(lang)`.
pub struct Field {
    id: &'static str,
    name: &'static str,
    label: Key,
    value: String,
    required: bool,
    /// A text area of this many rows, rather than a one-line input.
    rows: Option<u32>,
}

impl Field {
    pub fn new(id: &'static str, name: &'static str, label: Key) -> Self {
        Field {
            id,
            name,
            label,
            value: String::new(),
            required: false,
            rows: None,
        }
    }

    /// The value it shows (what was saved or typed).
    pub fn value(mut self, value: impl Into<String>) -> Self {
        self.value = value.into();
        self
    }

    pub fn required(mut self, required: bool) -> Self {
        self.required = required;
        self
    }

    /// A text area of `rows` rows.
    pub fn area(mut self, rows: u32) -> Self {
        self.rows = Some(rows);
        self
    }

    pub fn view(self, lang: Lang) -> AnyView {
        let Field {
            id,
            name,
            label,
            value,
            required,
            rows,
        } = self;
        let input = match rows {
            Some(rows) => view! {
                <textarea id=id name=name rows=rows required=required>{value}</textarea>
            }
            .into_any(),
            None => view! { <input id=id name=name type="text" required=required value=value/> }
                .into_any(),
        };
        view! {
            <div class="field">
                <label for=id>{t(lang, label)}{required.then_some(" *")}</label>
                {input}
            </div>
        }
        .into_any()
    }
}
