//! Text normalisation for matching what users type against names, and HTML escaping.

/// Lowercases and removes French diacritics, so "vallee" matches "Vallée".
pub fn fold(s: &str) -> String {
    s.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'â' | 'ä' | 'á' | 'ã' => 'a',
            'ç' => 'c',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' | 'í' | 'ì' => 'i',
            'ô' | 'ö' | 'ó' | 'ò' | 'õ' => 'o',
            'ù' | 'û' | 'ü' | 'ú' => 'u',
            'ÿ' => 'y',
            '’' | '\'' | '-' => ' ',
            c => c,
        })
        .collect()
}

/// Whether every word of `query` occurs in `text`, ignoring case and accents.
pub fn matches_all_words(text: &str, query: &str) -> bool {
    let haystack = fold(text);
    fold(query).split_whitespace().all(|w| haystack.contains(w))
}

/// (year, month, day) of a Unix time in UTC (Howard Hinnant's days-to-civil algorithm).
pub fn civil_date(ts: i64) -> (i64, i64, i64) {
    let z = ts.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// The Unix time of midnight UTC on a calendar date written `YYYY-MM-DD`; `None` for anything
/// else (the inverse of [`iso_date`]).
pub fn from_iso_date(s: &str) -> Option<i64> {
    if !crate::domain::organisation::is_iso_date(s) {
        return None;
    }
    let (y, m, d): (i64, i64, i64) = (
        s.get(0..4)?.parse().ok()?,
        s.get(5..7)?.parse().ok()?,
        s.get(8..10)?.parse().ok()?,
    );
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some((era * 146_097 + doe - 719_468) * 86_400)
}

/// `YYYY-MM-DD` of a Unix time in UTC.
pub fn iso_date(ts: i64) -> String {
    let (y, m, d) = civil_date(ts);
    format!("{y:04}-{m:02}-{d:02}")
}

/// A cell of a CSV export never starts like a formula: a spreadsheet would evaluate
/// `=HYPERLINK(…)` in a title.
pub fn neutral(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    }
}

/// Escapes text for HTML element content and double-quoted attributes: `&`, `<`, `>`, `"`.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// The longest text query, in characters.
pub const MAX_QUERY_CHARS: usize = 500;
/// The most distinct words a text query may hold (the words of its phrases included).
pub const MAX_QUERY_WORDS: usize = 16;
/// The most phrases (quoted text) a text query may hold.
pub const MAX_QUERY_PHRASES: usize = 3;

/// Why a text query is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryTextError {
    TooLong,
    TooManyWords,
    TooManyPhrases,
}

impl QueryTextError {
    /// The field problem's message, as the API says it.
    pub fn message(self) -> &'static str {
        match self {
            QueryTextError::TooLong => "at most 500 characters",
            QueryTextError::TooManyWords => "at most 16 different words",
            QueryTextError::TooManyPhrases => "at most 3 quoted phrases",
        }
    }
}

impl std::fmt::Display for QueryTextError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for QueryTextError {}

/// Splits a query into its free words and its phrases (text between double quotes). A quote
/// left open is a phrase still being typed: its text counts as words.
pub fn split_phrases(q: &str) -> (String, Vec<String>) {
    let mut words = String::new();
    let mut phrases = Vec::new();
    let parts: Vec<&str> = q.split('"').collect();
    let closed = parts.len() % 2 == 1;
    for (i, part) in parts.iter().enumerate() {
        let is_phrase = i % 2 == 1 && (closed || i + 1 < parts.len());
        if is_phrase && !part.trim().is_empty() {
            phrases.push((*part).to_owned());
        } else {
            words.push_str(part);
        }
        words.push(' ');
    }
    (words, phrases)
}

/// The words of a text as search counts them: runs of letters and digits, folded.
fn query_words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(fold)
}

/// Checks a text query against the one limit every search obeys, and drops what repeats.
///
/// The limit: `MAX_QUERY_CHARS` characters, `MAX_QUERY_WORDS` distinct words (a word of a
/// phrase counts once, like any other) and `MAX_QUERY_PHRASES` phrases. A free word written
/// twice (ignoring case and accents), and a phrase written twice, ask nothing more and are
/// kept once. Order, phrases and a trailing space (the last word is complete) are kept, so the
/// result searches what the person meant. The search layer applies this to every query it
/// builds, so no caller can skip it; forms and URL parsers apply it first, to name the field.
pub fn bounded_query(q: &str) -> Result<String, QueryTextError> {
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(QueryTextError::TooLong);
    }
    let parts: Vec<&str> = q.split('"').collect();
    let closed = parts.len() % 2 == 1;
    let mut pieces: Vec<String> = Vec::new();
    let mut seen_words = std::collections::HashSet::new();
    let mut seen_phrases = std::collections::HashSet::new();
    let mut distinct = std::collections::HashSet::new();
    for (i, part) in parts.iter().enumerate() {
        let is_phrase = i % 2 == 1 && (closed || i + 1 < parts.len());
        if is_phrase {
            if !part.trim().is_empty() && seen_phrases.insert(fold(part.trim())) {
                distinct.extend(query_words(part));
                pieces.push(format!("\"{part}\""));
            }
            continue;
        }
        // A quote left open stays, before the first word typed after it: it tells the
        // search a phrase is being typed.
        let mut open = i % 2 == 1;
        for word in part.split_whitespace() {
            if seen_words.insert(fold(word)) {
                distinct.extend(query_words(word));
                pieces.push(if open {
                    format!("\"{word}")
                } else {
                    word.to_owned()
                });
                open = false;
            }
        }
        if open {
            pieces.push("\"".to_owned());
        }
    }
    let mut out = pieces.join(" ");
    if seen_phrases.len() > MAX_QUERY_PHRASES {
        return Err(QueryTextError::TooManyPhrases);
    }
    if distinct.len() > MAX_QUERY_WORDS {
        return Err(QueryTextError::TooManyWords);
    }
    if q.ends_with(char::is_whitespace) && !out.is_empty() {
        out.push(' ');
    }
    Ok(out)
}

/// Whether a character is a bidirectional formatting control (embeddings, overrides,
/// isolates and the directional marks): invisible, and able to make text read otherwise than
/// it is stored ("Trojan Source").
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The one rule for what people type, applied at the edge to every text a form or the API
/// receives: control characters (NUL, terminal escapes, every other C0 and C1 character) and
/// bidirectional formatting controls are removed; line breaks are kept as `\n` (`\r\n` and
/// a lone `\r` become `\n`) and tabs are kept. A field of one line then trims and reads
/// its text with `one_line`, which turns those into spaces.
pub fn clean_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push('\n');
            }
            '\n' | '\t' => out.push(c),
            c if c.is_control() || is_bidi_control(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// A one-line field's text: `clean_text`'s line breaks and tabs become spaces.
pub fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c == '\n' || c == '\t' { ' ' } else { c })
        .collect()
}

/// Splits a list of codes separated by spaces, commas or semicolons (`"25.62B, 25.61"`).
pub fn split_codes(text: &str) -> Vec<String> {
    text.split([' ', ',', ';'])
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// "Browser · system" read from a User-Agent header, for a person to recognise their own
/// sessions ("Firefox · Windows"); `None` when neither is recognised. The raw header is never
/// shown: it is long, and full of tokens such as `x86_64` that mean nothing to its owner.
pub fn device_summary(user_agent: &str) -> Option<String> {
    // Order matters: Edge and Opera also say "Chrome", Chrome also says "Safari".
    const BROWSERS: [(&str, &str); 7] = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chromium/", "Chromium"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
        ("curl/", "curl"),
    ];
    const SYSTEMS: [(&str, &str); 7] = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ];
    let find = |table: &[(&'static str, &'static str)]| {
        table
            .iter()
            .find(|(needle, _)| user_agent.contains(needle))
            .map(|(_, name)| *name)
    };
    let browser = if user_agent.contains("HeadlessChrome/") {
        Some("Chromium")
    } else {
        find(&BROWSERS)
    };
    match (browser, find(&SYSTEMS)) {
        (Some(b), Some(s)) => Some(format!("{b} · {s}")),
        (Some(one), None) | (None, Some(one)) => Some(one.to_owned()),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn calendar_dates_round_trip() {
        for ts in [0_i64, 951_782_400, 1_798_761_600, 4_107_542_400] {
            assert_eq!(super::from_iso_date(&super::iso_date(ts)), Some(ts));
        }
        assert_eq!(super::from_iso_date("2027-02-29"), None);
        assert_eq!(super::from_iso_date("12/01/2027"), None);
    }

    use super::*;

    #[test]
    fn a_session_is_named_by_browser_and_system() {
        let chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36";
        assert_eq!(device_summary(chrome).as_deref(), Some("Chrome · Linux"));
        let edge = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0";
        assert_eq!(device_summary(edge).as_deref(), Some("Edge · Windows"));
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
        assert_eq!(device_summary(iphone).as_deref(), Some("Safari · iOS"));
        assert_eq!(device_summary("").as_deref(), None);
    }

    #[test]
    fn folding_ignores_accents_case_and_apostrophes() {
        assert_eq!(fold("Vallée de l'Arve"), "vallee de l arve");
        assert!(matches_all_words("Vallée de l'Arve", "arve VALLEE"));
        assert!(!matches_all_words("Vallée de l'Arve", "oyonnax"));
    }

    #[test]
    fn queries_are_bounded_and_repeats_dropped() {
        assert_eq!(
            bounded_query("usinage Usinage titane ").as_deref(),
            Ok("usinage titane ")
        );
        assert_eq!(
            bounded_query(r#"usinage "traitement de surface" tit"#).as_deref(),
            Ok(r#"usinage "traitement de surface" tit"#)
        );
        assert_eq!(
            bounded_query(r#""inox" "INOX" soudure"#).as_deref(),
            Ok(r#""inox" soudure"#)
        );
        // An open quote is a phrase being typed: its words stay words, the quote stays.
        assert_eq!(
            bounded_query(r#"soudure "trait"#).as_deref(),
            Ok(r#"soudure "trait"#)
        );
        assert_eq!(bounded_query("").as_deref(), Ok(""));
        let many: Vec<String> = (0..17).map(|i| format!("mot{i}")).collect();
        assert_eq!(
            bounded_query(&many.join(" ")),
            Err(QueryTextError::TooManyWords)
        );
        assert!(bounded_query(&many[..16].join(" ")).is_ok());
        // Repeats do not count against the limit.
        assert!(bounded_query(&"fraisage ".repeat(50)).is_ok());
        assert_eq!(
            bounded_query(&"a".repeat(501)),
            Err(QueryTextError::TooLong)
        );
        assert_eq!(
            bounded_query(r#""a b" "c d" "e f" "g h""#),
            Err(QueryTextError::TooManyPhrases)
        );
    }

    #[test]
    fn typed_text_loses_controls_and_keeps_its_lines() {
        assert_eq!(clean_text("a\u{0}b\u{1b}[31mc"), "ab[31mc");
        assert_eq!(
            clean_text("ligne 1\r\nligne 2\rligne 3\tfin"),
            "ligne 1\nligne 2\nligne 3\tfin"
        );
        assert_eq!(clean_text("fichier\u{202E}gpj.exe"), "fichiergpj.exe");
        assert_eq!(clean_text("\u{85}\u{9b}Été"), "Été");
        assert_eq!(one_line("a\nb\tc"), "a b c");
    }

    #[test]
    fn escaping_leaves_no_markup() {
        assert_eq!(
            escape_html(r#"</title><meta content="1;url=x"> & co"#),
            "&lt;/title&gt;&lt;meta content=&quot;1;url=x&quot;&gt; &amp; co"
        );
        assert_eq!(escape_html("Décolletage"), "Décolletage");
    }
}
