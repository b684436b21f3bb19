//! A refused form comes back filled: its page is drawn again with what was typed, each
//! problem beside its field, and a summary at the top of the form linking to each of them.
//!
//! The server's form handler, when a service refuses a form, renders the form's page in
//! place (status 400 or the refusal's own) with a [`Refused`] in the render context. The
//! fields of `Field`, `Select`, `Checklist` and [`typed_or`] read it: the typed value wins over
//! the saved one, and a field with a problem gets `aria-invalid`, an `aria-describedby` to its
//! message, and the message itself. Nothing is stored between the two: the page is the answer
//! to the POST.
//!
//! Each field that shows a problem notes its id and label here as the page is built, and the
//! summary, the first thing in the form, is a closure drawn after the whole form is built: it
//! links each problem to its field, and lists without a link a problem no field showed.

use crate::error::{AppError, FieldError};
use crate::i18n::{colon, t, use_lang, Key, Lang};
use leptos::prelude::*;
use std::sync::{Arc, Mutex};

/// What a refused form sent, and why it was refused.
#[derive(Clone, Debug)]
pub struct Refused {
    /// The path the form was sent to (its `action`).
    action: String,
    /// The fields as sent, in order (a password never: it is not kept).
    values: Arc<Vec<(String, String)>>,
    /// The problems of named fields.
    problems: Arc<Vec<FieldError>>,
    /// A refusal that is about no one field (a conflict, a permission), told by the flash.
    pub error: Option<AppError>,
    /// `(field name, input id, label)` of each field that showed its problem.
    shown: Arc<Mutex<Vec<(String, String, String)>>>,
    /// Set inside a [`FormScope`] of another form: the fields there see no refusal.
    hidden: bool,
}

impl Refused {
    /// The form `values` as sent to `action`, refused with `error`.
    pub fn new(action: &str, values: Vec<(String, String)>, error: AppError) -> Refused {
        let values = values
            .into_iter()
            .filter(|(name, _)| !name.contains("password"))
            .collect();
        let (problems, error) = match error {
            AppError::Invalid(problems) => (problems, None),
            other => (Vec::new(), Some(other)),
        };
        Refused {
            action: action.to_owned(),
            values: Arc::new(values),
            problems: Arc::new(problems),
            error,
            shown: Arc::default(),
            hidden: false,
        }
    }

    /// Whether the refused form was the one sent to `action`, for a page with several forms.
    pub fn sent_to(&self, action: &str) -> bool {
        self.action == action
    }

    /// The value typed in the field `name`, if the form sent it.
    pub fn value(&self, name: &str) -> Option<String> {
        self.values
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    }

    /// Every value sent under `name` (the ticked boxes of a checklist: none when none was).
    pub fn values(&self, name: &str) -> Vec<String> {
        self.values
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// The problems of the field `name`, noted as shown by the input `id` labelled `label`.
    fn show(&self, name: &str, id: &str, label: &str) -> Vec<FieldError> {
        let problems: Vec<FieldError> = self
            .problems
            .iter()
            .filter(|p| p.field == name)
            .cloned()
            .collect();
        if !problems.is_empty() {
            if let Ok(mut shown) = self.shown.lock() {
                if !shown.iter().any(|(n, _, _)| n == name) {
                    shown.push((name.to_owned(), id.to_owned(), label.to_owned()));
                }
            }
        }
        problems
    }
}

/// The refused form being drawn again, if this page is one (and, inside a [`FormScope`],
/// if it is that scope's form).
pub fn use_refused() -> Option<Refused> {
    use_context::<Refused>().filter(|r| !r.hidden)
}

/// One form of a page that holds several (one per item, or several sharing an action): what a
/// refused form sent, and its problems, reach the fields inside only when the refused form was
/// this one, sent to `action` with each of `keys` (its hidden fields telling it apart, such as
/// `("target", "42")`) as sent. The fields of the other forms show what they would show
/// anyway.
#[component]
pub fn FormScope(
    #[prop(into)] action: String,
    #[prop(optional)] keys: Vec<(&'static str, String)>,
    children: Children,
) -> impl IntoView {
    let theirs = use_refused().filter(|r| !is_from(r, &action, &keys));
    let Some(r) = theirs else {
        return children().into_any();
    };
    // A child owner: a component has none of its own, and the hidden refusal must reach
    // this form only, not the forms drawn after it.
    let Some(owner) = Owner::current().map(|o| o.child()) else {
        return children().into_any();
    };
    let inside = owner.with(|| {
        provide_context(Refused { hidden: true, ..r });
        children()
    });
    leptos::tachys::reactive_graph::OwnedView::new_with_owner(inside, owner).into_any()
}

/// Whether the refused form is the one sent to `action` with `keys` as its hidden fields.
pub fn is_from(r: &Refused, action: &str, keys: &[(&str, String)]) -> bool {
    r.sent_to(action)
        && keys
            .iter()
            .all(|(name, value)| r.value(name).unwrap_or_default() == *value)
}

/// Whether the form sent to `action` with `keys` is the refused one this page draws again.
pub fn refused_here(action: &str, keys: &[(&str, String)]) -> bool {
    use_context::<Refused>().is_some_and(|r| is_from(&r, action, keys))
}

/// What the field `name` shows: what was typed if its form was refused, else `saved`.
pub fn typed_or(name: &str, saved: impl Into<String>) -> String {
    use_refused()
        .and_then(|r| r.value(name))
        .unwrap_or_else(|| saved.into())
}

/// What a group of boxes named `name`, in the form sent to `action`, has ticked: what was
/// sent if that form was refused (none, if none was), else `saved`. A form that sends no box
/// ticked sends nothing, so the form is told by its action, not by the names it sent.
pub fn ticked_or(action: &str, name: &str, saved: Vec<String>) -> Vec<String> {
    match use_refused() {
        Some(r) if r.action == action => r.values(name),
        _ => saved,
    }
}

/// The problem of one field, drawn beside it: the `aria-describedby` its input takes, and
/// the message (nothing when the field has no problem).
pub struct FieldProblem {
    pub described_by: Option<String>,
    pub message: Option<AnyView>,
}

/// The problem of the field `name` (input `id`, labelled `label`) in a refused form.
pub fn field_problem(lang: Lang, name: &str, id: &str, label: Key) -> FieldProblem {
    let problems = use_refused()
        .map(|r| r.show(name, id, t(lang, label)))
        .unwrap_or_default();
    if problems.is_empty() {
        return FieldProblem {
            described_by: None,
            message: None,
        };
    }
    let message_id = format!("{id}-error");
    let mut text = problems
        .iter()
        .map(|p| t(lang, p.problem.key()))
        .collect::<Vec<_>>()
        .join(" ");
    // What the person may have meant (a commune near what was typed).
    let meant: Vec<&str> = problems
        .iter()
        .flat_map(|p| p.suggestions.iter().map(|(_, label)| label.as_str()))
        .collect();
    if !meant.is_empty() {
        text = format!(
            "{text} {}{}{}",
            t(lang, Key::DidYouMean),
            colon(lang),
            meant.join(", ")
        );
    }
    FieldProblem {
        described_by: Some(message_id.clone()),
        message: Some(
            view! { <p class="field-error" id=message_id data-testid="field-error">{text}</p> }
                .into_any(),
        ),
    }
}

/// Joins the ids an input is described by (its hint, its problem), if any.
pub fn described_by(ids: &[Option<String>]) -> Option<String> {
    let ids: Vec<&str> = ids.iter().flatten().map(String::as_str).collect();
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// The summary of a refused form's problems, put first in the form: how many, and each one
/// linked to its field. Drawn after the form is built, so that it knows which field showed
/// which problem.
#[component]
pub fn ProblemSummary() -> impl IntoView {
    let lang = use_lang();
    let refused = use_refused();
    move || {
        let refused = refused.as_ref()?;
        if refused.problems.is_empty() {
            return None;
        }
        let shown = refused.shown.lock().map(|s| s.clone()).unwrap_or_default();
        // In the order of the fields on the page; a problem no field showed comes last.
        let place = |p: &FieldError| {
            shown
                .iter()
                .position(|(name, _, _)| *name == p.field)
                .unwrap_or(usize::MAX)
        };
        let mut problems: Vec<&FieldError> = refused.problems.iter().collect();
        problems.sort_by_key(|p| place(p));
        let items = problems
            .into_iter()
            .map(|p| {
                let text = t(lang, p.problem.key());
                let colon = colon(lang);
                match shown.iter().find(|(name, _, _)| *name == p.field) {
                    Some((_, id, label)) => view! {
                        <li><a href=format!("#{id}")>{format!("{label}{colon}{text}")}</a></li>
                    }
                    .into_any(),
                    None => view! { <li>{text}</li> }.into_any(),
                }
            })
            .collect_view();
        let count = refused.problems.len();
        let heading = if count == 1 {
            t(lang, Key::OneProblem).to_owned()
        } else {
            t(lang, Key::SomeProblems).replace("{n}", &count.to_string())
        };
        Some(view! {
            <div class="problem-summary" role="alert" tabindex="-1" data-testid="problem-summary">
                <h2>{heading}</h2>
                <ul>{items}</ul>
            </div>
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::error::Problem;

    #[test]
    fn a_refusal_keeps_what_was_typed_but_never_a_password() {
        let r = Refused::new(
            "/annonces/nouvelle",
            vec![
                ("title".into(), "Tôlerie".into()),
                ("password".into(), "secret phrase".into()),
                ("themes".into(), "industry".into()),
                ("themes".into(), "energy".into()),
            ],
            AppError::Invalid(vec![FieldError::new("title", Problem::TitleTooShort)]),
        );
        assert_eq!(r.value("title").as_deref(), Some("Tôlerie"));
        assert_eq!(r.value("password"), None);
        assert_eq!(r.values("themes"), ["industry", "energy"]);
        assert!(r.values("axes").is_empty());
        assert_eq!(r.error, None);
        let shown: Vec<Problem> = r
            .show("title", "nd-title", "Titre")
            .into_iter()
            .map(|p| p.problem)
            .collect();
        assert_eq!(shown, [Problem::TitleTooShort]);
        assert!(r.show("kind", "nd-kind", "Type").is_empty());
        assert_eq!(r.shown.lock().unwrap().len(), 1);
    }

    #[test]
    fn a_refusal_about_no_field_is_kept_for_the_flash() {
        let r = Refused::new("/x", Vec::new(), AppError::Forbidden);
        assert_eq!(r.error, Some(AppError::Forbidden));
        assert!(r.problems.is_empty());
    }
}
