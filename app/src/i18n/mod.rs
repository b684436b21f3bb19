//! French-first interface text, with English available.
//!
//! Every visible string of the interface is a [`Key`] in `messages.rs`, where each key carries
//! both languages: a key missing a language does not compile. The language comes from the
//! `maillage_lang` cookie (set by the visible switch), else `Accept-Language`, else French; URLs
//! carry no language, so a shared link opens in the reader's own language.

mod messages;
mod vocabulary;
pub use vocabulary::{explain_match, explain_reasons, label_of, reason_text};

pub use messages::Key;
use serde::{Deserialize, Serialize};

/// Name of the cookie that remembers the chosen language.
pub const LANG_COOKIE: &str = "maillage_lang";

/// An interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, Hash)]
pub enum Lang {
    #[default]
    Fr,
    En,
}

impl Lang {
    /// The BCP 47 tag, as used in `lang` attributes.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    /// Parses a tag such as `en`, `en-GB` or `fr-FR`; other languages give `None`.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag
            .trim()
            .split(['-', '_'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        match primary.as_str() {
            "fr" => Some(Lang::Fr),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The other language, for the switch.
    pub fn other(self) -> Lang {
        match self {
            Lang::Fr => Lang::En,
            Lang::En => Lang::Fr,
        }
    }

    /// Picks the language from a `Cookie` header and an `Accept-Language` header.
    pub fn negotiate(cookie: Option<&str>, accept_language: Option<&str>) -> Lang {
        Lang::negotiate_for(cookie, None, accept_language)
    }

    /// The language switch's cookie first (the latest explicit choice), then the signed-in
    /// person's setting, then the browser's `Accept-Language`.
    pub fn negotiate_for(
        cookie: Option<&str>,
        setting: Option<&str>,
        accept_language: Option<&str>,
    ) -> Lang {
        if let Some(lang) = setting
            .and_then(Lang::from_tag)
            .filter(|_| !cookie.is_some_and(|c| c.contains(&format!("{LANG_COOKIE}="))))
        {
            return lang;
        }
        let from_cookie = cookie.and_then(|c| {
            c.split(';').find_map(|pair| {
                let (name, value) = pair.trim().split_once('=')?;
                (name == LANG_COOKIE)
                    .then(|| Lang::from_tag(value))
                    .flatten()
            })
        });
        if let Some(lang) = from_cookie {
            return lang;
        }
        let mut best: Option<(f32, Lang)> = None;
        for item in accept_language.unwrap_or_default().split(',') {
            let mut parts = item.split(';');
            let Some(lang) = parts.next().and_then(Lang::from_tag) else {
                continue;
            };
            let q = parts
                .find_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            if best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, lang));
            }
        }
        best.map(|(_, l)| l).unwrap_or_default()
    }

    /// The language of the current render: request headers on the server, the document's
    /// `lang` attribute (written by the server) in the browser.
    pub fn detect() -> Lang {
        detect_impl()
    }
}

#[cfg(feature = "ssr")]
fn detect_impl() -> Lang {
    use leptos::prelude::use_context;
    let Some(parts) = use_context::<http::request::Parts>() else {
        return Lang::default();
    };
    let header = |name: http::header::HeaderName| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let setting = parts
        .extensions
        .get::<crate::api::accounts::CurrentUser>()
        .map(|u| u.lang.clone());
    Lang::negotiate_for(
        header(http::header::COOKIE).as_deref(),
        setting.as_deref(),
        header(http::header::ACCEPT_LANGUAGE).as_deref(),
    )
}

#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
fn detect_impl() -> Lang {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .and_then(|e| e.get_attribute("lang"))
        .and_then(|l| Lang::from_tag(&l))
        .unwrap_or_default()
}

#[cfg(not(any(feature = "ssr", feature = "hydrate")))]
fn detect_impl() -> Lang {
    Lang::default()
}

/// The language provided by the application root; in an island, which runs in the browser
/// outside the application, the page's own (`<html lang>`).
pub fn use_lang() -> Lang {
    leptos::prelude::use_context::<Lang>().unwrap_or_else(Lang::detect)
}

/// A date in the language's usual form: `21/11/2026` or `2026-11-21`.
pub fn format_date(lang: Lang, ts: i64) -> String {
    let (y, m, d) = crate::domain::text::civil_date(ts);
    match lang {
        Lang::Fr => format!("{d:02}/{m:02}/{y:04}"),
        Lang::En => format!("{y:04}-{m:02}-{d:02}"),
    }
}

/// A whole percentage: `71 %` in French, `71%` in English.
pub fn percent(lang: Lang, value: f64) -> String {
    match lang {
        Lang::Fr => format!("{} %", value.round()),
        Lang::En => format!("{}%", value.round()),
    }
}

/// A label's colon: French puts a space before it, English does not.
pub fn colon(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => " : ",
        Lang::En => ": ",
    }
}

/// The text of `key` in `lang`.
pub fn t(lang: Lang, key: Key) -> &'static str {
    let (fr, en) = key.texts();
    match lang {
        Lang::Fr => fr,
        Lang::En => en,
    }
}

/// `n` and its noun, singular or plural by the language's rule (French takes the singular
/// for 0 and 1, English for 1 only): "1 territoire", "0 territoire", "2 territories".
pub fn count(lang: Lang, n: u64, one: Key, many: Key) -> String {
    let singular = match lang {
        Lang::Fr => n < 2,
        Lang::En => n == 1,
    };
    format!(
        "{} {}",
        format_int(lang, n),
        t(lang, if singular { one } else { many })
    )
}

/// An integer with the language's digit grouping: `1 234 567` (narrow no-break space) or `1,234,567`.
pub fn format_int(lang: Lang, n: u64) -> String {
    let digits = n.to_string();
    let sep = match lang {
        Lang::Fr => "\u{202f}",
        Lang::En => ",",
    };
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(sep);
        }
        out.push(c);
    }
    out
}

/// A decimal with one digit, with the language's decimal mark.
pub fn format_dec1(lang: Lang, x: f64) -> String {
    let s = format!("{x:.1}");
    match lang {
        Lang::Fr => s.replace('.', ","),
        Lang::En => s,
    }
}

/// A country's name from its ISO 3166 code (the EU and EFTA countries of the reference data).
pub fn country_name(lang: Lang, code: &str) -> String {
    let (fr, en) = match code {
        "FR" => ("France", "France"),
        "IT" => ("Italie", "Italy"),
        "DE" => ("Allemagne", "Germany"),
        "ES" => ("Espagne", "Spain"),
        "PT" => ("Portugal", "Portugal"),
        "AT" => ("Autriche", "Austria"),
        "PL" => ("Pologne", "Poland"),
        "NL" => ("Pays-Bas", "Netherlands"),
        "BE" => ("Belgique", "Belgium"),
        "CH" => ("Suisse", "Switzerland"),
        "CZ" => ("Tchéquie", "Czechia"),
        "SE" => ("Suède", "Sweden"),
        "DK" => ("Danemark", "Denmark"),
        "FI" => ("Finlande", "Finland"),
        "IE" => ("Irlande", "Ireland"),
        "SI" => ("Slovénie", "Slovenia"),
        "SK" => ("Slovaquie", "Slovakia"),
        "HU" => ("Hongrie", "Hungary"),
        "RO" => ("Roumanie", "Romania"),
        _ => return code.to_owned(),
    };
    match lang {
        Lang::Fr => fr.to_owned(),
        Lang::En => en.to_owned(),
    }
}

/// A language's name from its ISO 639-1 code.
pub fn language_name(lang: Lang, code: &str) -> String {
    let (fr, en) = match code {
        "fr" => ("français", "French"),
        "en" => ("anglais", "English"),
        "it" => ("italien", "Italian"),
        "de" => ("allemand", "German"),
        "es" => ("espagnol", "Spanish"),
        "pt" => ("portugais", "Portuguese"),
        "pl" => ("polonais", "Polish"),
        "nl" => ("néerlandais", "Dutch"),
        _ => return code.to_owned(),
    };
    match lang {
        Lang::Fr => fr.to_owned(),
        Lang::En => en.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_wins_over_accept_language() {
        assert_eq!(
            Lang::negotiate(Some("a=b; maillage_lang=en"), Some("fr-FR,fr;q=0.9")),
            Lang::En
        );
    }

    #[test]
    fn accept_language_is_ranked_by_quality() {
        assert_eq!(
            Lang::negotiate(None, Some("de-DE,en;q=0.8,fr;q=0.5")),
            Lang::En
        );
        assert_eq!(Lang::negotiate(None, Some("fr-CA,en;q=0.8")), Lang::Fr);
        assert_eq!(Lang::negotiate(None, Some("de")), Lang::Fr);
        assert_eq!(Lang::negotiate(None, None), Lang::Fr);
    }

    #[test]
    fn every_key_has_non_empty_text_in_both_languages() {
        for key in Key::ALL {
            let (fr, en) = key.texts();
            assert!(!fr.trim().is_empty(), "{key:?} has no French text");
            assert!(!en.trim().is_empty(), "{key:?} has no English text");
        }
    }

    #[test]
    fn numbers_use_the_language_grouping() {
        assert_eq!(format_int(Lang::En, 1234567), "1,234,567");
        assert_eq!(format_int(Lang::Fr, 999), "999");
        assert_eq!(format_int(Lang::Fr, 1000), "1\u{202f}000");
        assert_eq!(format_dec1(Lang::Fr, 12.34), "12,3");
    }
}
