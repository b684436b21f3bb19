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
