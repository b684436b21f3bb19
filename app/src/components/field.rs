//! A labelled form field: one-line input or text area, with its value kept and " *" on the
//! label of a required one. One place to say how a field is drawn, so every form reads alike:
//! its hint, and, when its form was refused, what was typed and its problem beside it
//! (`super::refused`).

use super::refused::{described_by, field_problem, typed_or};
use crate::i18n::{t, Key, Lang};
use leptos::prelude::*;

/// A field to draw: `Field::new(id, name, label).value(v).required(true).area(4).view(lang)`.
pub struct Field {
    /// The input's id (a page with one form per item makes it from the item).
    id: String,
    name: &'static str,
    label: Key,
    value: String,
    required: bool,
    /// A text area of this many rows, rather than a one-line input.
    rows: Option<u32>,
    /// The input's type: `text`, `search`, `email`...
    kind: &'static str,
    /// A line under the label saying what to type.
    hint: Option<Key>,
    /// Bounds the browser checks before sending (the server checks them again).
    min_length: Option<u32>,
    max_length: Option<u32>,
    /// The `autocomplete` token (`name`, `email`, `organization`...).
    autocomplete: Option<&'static str>,
    /// The id of a `<datalist>` of suggestions.
    list: Option<&'static str>,
}

impl Field {
    pub fn new(id: impl Into<String>, name: &'static str, label: Key) -> Self {
        Field {
            id: id.into(),
            name,
            label,
            value: String::new(),
            required: false,
            rows: None,
            kind: "text",
            hint: None,
            min_length: None,
            max_length: None,
            autocomplete: None,
            list: None,
        }
    }

    /// The input's type (`email`, `date`, `url`...).
    pub fn kind(mut self, kind: &'static str) -> Self {
        self.kind = kind;
        self
    }

    /// A line under the label saying what to type.
    pub fn hint(mut self, hint: Key) -> Self {
        self.hint = Some(hint);
        self
    }

    /// Between `min` and `max` characters.
    pub fn length(mut self, min: u32, max: u32) -> Self {
        self.min_length = Some(min);
        self.max_length = Some(max);
        self
    }

    /// The `autocomplete` token.
    pub fn autocomplete(mut self, token: &'static str) -> Self {
        self.autocomplete = Some(token);
        self
    }

    /// Suggestions from the `<datalist>` of this id.
    pub fn list(mut self, datalist: &'static str) -> Self {
        self.list = Some(datalist);
        self
    }

    /// A search box (`type="search"`).
    pub fn search(mut self) -> Self {
        self.kind = "search";
        self
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
            kind,
            hint,
            min_length,
            max_length,
            autocomplete,
            list,
        } = self;
        let value = typed_or(name, value);
        let problem = field_problem(lang, name, &id, label);
        let hint_id = hint.map(|_| format!("{id}-hint"));
        let described = described_by(&[hint_id.clone(), problem.described_by.clone()]);
        let invalid = problem.message.is_some().then_some("true");
        let input = match rows {
            Some(rows) => view! {
                <textarea id=id.clone() name=name rows=rows required=required minlength=min_length
                    maxlength=max_length aria-describedby=described aria-invalid=invalid>{value}</textarea>
            }
            .into_any(),
            None => view! {
                <input id=id.clone() name=name type=kind required=required value=value minlength=min_length
                    maxlength=max_length autocomplete=autocomplete list=list
                    aria-describedby=described aria-invalid=invalid/>
            }
            .into_any(),
        };
        view! {
            <div class="field" class:has-problem=invalid.is_some()>
                <label for=id.clone()>{t(lang, label)}{required.then_some(" *")}</label>
                {hint.map(|h| view! { <p class="hint" id=hint_id>{t(lang, h)}</p> })}
                {problem.message}
                {input}
            </div>
        }
        .into_any()
    }
}

/// A labelled choice among options:
/// `Select::new(id, name, label).blank(Key::AllThemes).keyed(lang, theme_options()).chosen(v).view(lang)`.
pub struct Select {
    id: String,
    name: &'static str,
    label: Key,
    required: bool,
    /// The first option, of value `""` (every value, or none chosen yet).
    blank: Option<Key>,
    /// `(value, text)` in the order shown.
    options: Vec<(String, String)>,
    chosen: String,
}

impl Select {
    pub fn new(id: impl Into<String>, name: &'static str, label: Key) -> Self {
        Select {
            id: id.into(),
            name,
            label,
            required: false,
            blank: None,
            options: Vec::new(),
            chosen: String::new(),
        }
    }

    pub fn required(mut self, required: bool) -> Self {
        self.required = required;
        self
    }

    /// A first option of value `""` with this text.
    pub fn blank(mut self, text: Key) -> Self {
        self.blank = Some(text);
        self
    }

    /// Options given as `(value, text)`.
    pub fn options<V: Into<String>, L: Into<String>>(
        mut self,
        options: impl IntoIterator<Item = (V, L)>,
    ) -> Self {
        self.options
            .extend(options.into_iter().map(|(v, l)| (v.into(), l.into())));
        self
    }

    /// Options of a vocabulary, given as `(code, key of its label)`.
    pub fn keyed(self, lang: Lang, options: impl IntoIterator<Item = (&'static str, Key)>) -> Self {
        self.options(options.into_iter().map(|(code, key)| (code, t(lang, key))))
    }

    /// The value shown as chosen (what was saved or asked for); none when it is not offered.
    pub fn chosen(mut self, value: impl Into<String>) -> Self {
        self.chosen = value.into();
        self
    }

    pub fn view(self, lang: Lang) -> AnyView {
        let Select {
            id,
            name,
            label,
            required,
            blank,
            options,
            chosen,
        } = self;
        let chosen = typed_or(name, chosen);
        let problem = field_problem(lang, name, &id, label);
        let invalid = problem.message.is_some().then_some("true");
        view! {
            <div class="field" class:has-problem=invalid.is_some()>
                <label for=id.clone()>{t(lang, label)}{required.then_some(" *")}</label>
                {problem.message}
                <select id=id name=name required=required aria-describedby=problem.described_by aria-invalid=invalid>
                    {blank.map(|text| view! { <option value="">{t(lang, text)}</option> })}
                    {options.into_iter().map(|(value, text)| {
                        let on = value == chosen;
                        view! { <option value=value selected=on>{text}</option> }
                    }).collect_view()}
                </select>
            </div>
        }
        .into_any()
    }
}
