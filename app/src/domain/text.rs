//! Text normalisation for matching what users type against names.

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

/// `YYYY-MM-DD` of a Unix time in UTC.
pub fn iso_date(ts: i64) -> String {
    let (y, m, d) = civil_date(ts);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Splits a list of codes separated by spaces, commas or semicolons (`"25.62B, 25.61"`).
pub fn split_codes(text: &str) -> Vec<String> {
    text.split([' ', ',', ';'])
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_ignores_accents_case_and_apostrophes() {
        assert_eq!(fold("Vallée de l'Arve"), "vallee de l arve");
        assert!(matches_all_words("Vallée de l'Arve", "arve VALLEE"));
        assert!(!matches_all_words("Vallée de l'Arve", "oyonnax"));
    }
}
