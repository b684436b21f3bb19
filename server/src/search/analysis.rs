//! Text analysis: French and English analyzers, and a folded analyzer for prefixes.
//!
//! French order matters: tokenize -> drop long tokens -> lowercase -> French stop words ->
//! ASCII folding -> French stemmer. Folding before stemming makes "Université" and
//! "universite" reach the same stem.

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    StopWordFilter, TextAnalyzer, TokenizerManager,
};

/// French text fields.
pub const FRENCH: &str = "maillage_fr";
/// English text fields.
pub const ENGLISH: &str = "maillage_en";
/// Lowercased, folded words without stemming: the search-as-you-type prefix path.
pub const FOLDED: &str = "maillage_folded";

const MAX_TOKEN_BYTES: usize = 40;

fn french() -> TextAnalyzer {
    let builder = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser);
    match StopWordFilter::new(Language::French) {
        Some(stop) => builder
            .filter(stop)
            .filter(AsciiFoldingFilter)
            .filter(Stemmer::new(Language::French))
            .build(),
        None => builder
            .filter(AsciiFoldingFilter)
            .filter(Stemmer::new(Language::French))
            .build(),
    }
}

fn english() -> TextAnalyzer {
    let builder = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser);
    match StopWordFilter::new(Language::English) {
        Some(stop) => builder
            .filter(stop)
            .filter(AsciiFoldingFilter)
            .filter(Stemmer::new(Language::English))
            .build(),
        None => builder
            .filter(AsciiFoldingFilter)
            .filter(Stemmer::new(Language::English))
            .build(),
    }
}

fn folded() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// Registers every analyzer; called on each open (tantivy does not persist them).
pub fn register(manager: &TokenizerManager) {
    manager.register(FRENCH, french());
    manager.register(ENGLISH, english());
    manager.register(FOLDED, folded());
}

/// The tokens an analyzer produces, for tests and for building queries.
pub fn tokens(manager: &TokenizerManager, analyzer: &str, text: &str) -> Vec<String> {
    let Some(mut analyzer) = manager.get(analyzer) else {
        return Vec::new();
    };
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

/// Tokens with their positions (a removed stop word leaves a hole), for phrase queries.
pub fn positioned_tokens(
    manager: &TokenizerManager,
    analyzer: &str,
    text: &str,
) -> Vec<(usize, String)> {
    let Some(mut analyzer) = manager.get(analyzer) else {
        return Vec::new();
    };
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        let token = stream.token();
        out.push((token.position, token.text.clone()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fr(text: &str) -> Vec<String> {
        let m = TokenizerManager::default();
        register(&m);
        tokens(&m, FRENCH, text)
    }

    #[test]
    fn french_analyzer_golden_tokens() {
        assert_eq!(
            fr("Décolletage de précision pour l'aéronautique et les Universités"),
            ["decolletag", "precis", "aeronaut", "universit"]
        );
        assert_eq!(
            fr("usinages 5 axes, pièces en titane"),
            ["usinag", "5", "axe", "piec", "titan"]
        );
    }

    #[test]
    fn unaccented_and_plural_queries_meet_accented_singular_text() {
        assert_eq!(fr("décolletage"), fr("decolletages"));
        assert_eq!(fr("Université"), fr("universite"));
        assert_eq!(fr("moules"), fr("moule"));
    }

    #[test]
    fn english_analyzer_stems_english() {
        let m = TokenizerManager::default();
        register(&m);
        assert_eq!(
            tokens(&m, ENGLISH, "Ceramic tiles and kilns"),
            ["ceram", "tile", "kiln"]
        );
    }

    #[test]
    fn very_long_tokens_are_dropped() {
        let long = "a".repeat(60);
        assert_eq!(fr(&format!("usinage {long}")), ["usinag"]);
    }
}
