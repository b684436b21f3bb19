//! A refused form comes back, drawn again in place, with the message of its own problem beside
//! its field, in the reader's language: never a neighbour's message, never the generic
//! outage text.

use crate::helpers::{refusal, spawn_app, Backend};
use crate::proposals::person;
use app::domain::policy::{Role, Scope};
use app::error::Problem;
use app::i18n::{t, Lang};

#[tokio::test]
async fn each_refused_field_is_told_by_its_own_message_in_both_languages() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut b = person(
        &app,
        "formulaires@example.fr",
        "Cheffe de projet",
        Some((Scope::Territory("ti-8422".into()), Role::ProjectManager)),
    )
    .await;
    let long_title = "Usinage ".repeat(33);
    let long_text = "x".repeat(10_001); // annonces; proposals take 20,000
    let annonce = |field: &'static str, value: String| {
        let mut form = vec![
            ("author", "territory:ti-8422".to_owned()),
            ("kind", "supplier".to_owned()),
            ("title", "Usinage de pièces en titane".to_owned()),
            ("visibility", "public".to_owned()),
        ];
        form.retain(|(k, _)| *k != field);
        form.push((field, value));
        ("/annonces/nouvelle", form)
    };
    let proposal = |field: &'static str, value: String| {
        let mut form = vec![
            ("territory_id", "ti-8422".to_owned()),
            ("title", "Délais d'instruction des permis".to_owned()),
        ];
        form.retain(|(k, _)| *k != field);
        form.push((field, value));
        ("/simplification/nouvelle", form)
    };
    let cases = [
        (annonce("title", long_title.clone()), Problem::TitleTooLong),
        (annonce("title", "Vis".into()), Problem::TitleTooShort),
        (
            annonce("description", long_text.clone()),
            Problem::TextTooLong,
        ),
        (annonce("kind", "nonsense".into()), Problem::KindInvalid),
        (
            annonce("visibility", "secret".into()),
            Problem::VisibilityInvalid,
        ),
        (annonce("size", "xxl".into()), Problem::SizeInvalid),
        (proposal("title", long_title), Problem::TitleTooLong),
        (proposal("theme", "nonsense".into()), Problem::ThemeInvalid),
        (proposal("axis", "nonsense".into()), Problem::AxisInvalid),
        (
            proposal("proposal_kind", "nonsense".into()),
            Problem::KindInvalid,
        ),
        (
            proposal("problem", "x".repeat(20_001)),
            Problem::TextTooLong,
        ),
    ];
    let session = b.cookie.clone().unwrap();
    for ((path, form), problem) in cases {
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        // The language switch's cookie decides, as for a reader who chose it.
        for lang in [Lang::Fr, Lang::En] {
            b.cookie = Some(format!(
                "{session}; {}={}",
                app::i18n::LANG_COOKIE,
                lang.code()
            ));
            let (status, shown) = refusal(b.post(path, &form).await).await;
            assert_eq!(status, 400, "{path} with a bad field");
            let expected = t(lang, problem.key());
            assert_eq!(
                shown,
                [expected],
                "{path} in {lang:?} should say {expected:?} beside the field, and only that"
            );
        }
    }
}
