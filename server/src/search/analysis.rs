//! Text analysis: French and English analyzers, and a folded analyzer for prefixes.
//!
//! French order matters: tokenize -> drop long tokens -> lowercase -> French stop words ->
//! ASCII folding -> French stemmer. Folding before stemming makes "Université" and
//! "universite" reach the same stem.

use frostem::Algorithm;
use std::cell::RefCell;
use std::collections::HashMap;
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, StopWordFilter,
    TextAnalyzer, TextAnalyzerBuilder, Token, TokenFilter, TokenStream, Tokenizer,
    TokenizerManager,
};

/// French text fields.
pub const FRENCH: &str = "maillage_fr";
/// English text fields.
pub const ENGLISH: &str = "maillage_en";
/// Lowercased, folded words without stemming: the search-as-you-type prefix path.
pub const FOLDED: &str = "maillage_folded";
/// Pairs and triples of neighbouring French stems: quoted phrases as terms.
pub const SHINGLES: &str = "maillage_shingles";

const MAX_TOKEN_BYTES: usize = 40;

/// Words remembered per thread and language; the memo starts afresh beyond this.
const MEMO_WORDS: usize = 50_000;

thread_local! {
    /// Word -> stem, one map per [`MemoStemmer`] language.
    static STEMS: RefCell<[HashMap<String, String>; 2]> = RefCell::default();
}

/// The Snowball stemmer (the one tantivy's `Stemmer` runs), remembering the stems of the
/// words it has seen on this thread. Stemming was the costliest step of analysis: every
/// query re-analyses the description of each hit it shows to highlight it, and firms'
/// texts use a small vocabulary.
#[derive(Debug, Clone, Copy)]
pub enum MemoStemmer {
    French = 0,
    English = 1,
}

impl MemoStemmer {
    fn algorithm(self) -> Algorithm {
        match self {
            MemoStemmer::French => Algorithm::French,
            MemoStemmer::English => Algorithm::English,
        }
    }
}

impl TokenFilter for MemoStemmer {
    type Tokenizer<T: Tokenizer> = MemoStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> MemoStemmerFilter<T> {
        MemoStemmerFilter {
            language: self,
            inner: tokenizer,
        }
    }
}

#[derive(Clone)]
pub struct MemoStemmerFilter<T> {
    language: MemoStemmer,
    inner: T,
}

impl<T: Tokenizer> Tokenizer for MemoStemmerFilter<T> {
    type TokenStream<'a> = MemoStemmerStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        MemoStemmerStream {
            tail: self.inner.token_stream(text),
            language: self.language,
            stemmer: frostem::Stemmer::new(self.language.algorithm()),
        }
    }
}

pub struct MemoStemmerStream<T> {
    tail: T,
    language: MemoStemmer,
    stemmer: frostem::Stemmer,
}

impl<T: TokenStream> TokenStream for MemoStemmerStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        STEMS.with(|maps| {
            let mut maps = maps.borrow_mut();
            let memo = &mut maps[self.language as usize];
            if let Some(stem) = memo.get(token.text.as_str()) {
                token.text.clear();
                token.text.push_str(stem);
                return;
            }
            let stem = self.stemmer.stem(&token.text).into_owned();
            if memo.len() >= MEMO_WORDS {
                memo.clear();
            }
            let word = std::mem::replace(&mut token.text, stem.clone());
            memo.insert(word, stem);
        });
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// Tokenize, drop long tokens, lowercase, remove the language's stop words, fold to ASCII,
/// stem: the chain shared by the French and English analyzers.
fn stemmed(language: Language, stemmer: MemoStemmer) -> TextAnalyzerBuilder<impl Tokenizer> {
    let stop = StopWordFilter::new(language)
        .unwrap_or_else(|| StopWordFilter::remove(Vec::<String>::new()));
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(stop)
        .filter(AsciiFoldingFilter)
        .filter(stemmer)
}

fn french() -> TextAnalyzer {
    stemmed(Language::French, MemoStemmer::French).build()
}

fn english() -> TextAnalyzer {
    stemmed(Language::English, MemoStemmer::English).build()
}

fn folded() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// The French analyzer followed by [`Shingles`].
fn french_shingles() -> TextAnalyzer {
    stemmed(Language::French, MemoStemmer::French)
        .filter(Shingles)
        .build()
}

/// The term for neighbouring tokens given with their positions: each removed stop word
/// between two of them is a `_` ("trait _ surfac" for "traitement de surface"). Tokens
/// never hold spaces or underscores, so shingles cannot collide with words, and a pair
/// never collides with a triple.
pub fn shingle(tokens: &[(usize, &str)]) -> String {
    let mut out = String::new();
    let mut last: Option<usize> = None;
    for (position, text) in tokens {
        if let Some(last) = last {
            out.push(' ');
            for _ in 1..position.saturating_sub(last) {
                out.push_str("_ ");
            }
        }
        out.push_str(text);
        last = Some(*position);
    }
    out
}

/// Replaces a stream of tokens by the [`shingle`]s of each two and three neighbours.
/// Indexed in fields of their own, a phrase of two or three words is one term, and a longer
/// one the intersection of its triples, checked against positions only on the documents
/// that hold them all.
#[derive(Debug, Clone, Copy)]
pub struct Shingles;

impl TokenFilter for Shingles {
    type Tokenizer<T: Tokenizer> = ShinglesFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> ShinglesFilter<T> {
        ShinglesFilter { inner: tokenizer }
    }
}

#[derive(Clone)]
pub struct ShinglesFilter<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for ShinglesFilter<T> {
    type TokenStream<'a> = ShinglesStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        ShinglesStream {
            tail: self.inner.token_stream(text),
            before: None,
            previous: None,
            pending: None,
            token: Token::default(),
        }
    }
}

/// A token read: text, position, start offset.
type Seen = (String, usize, usize);

pub struct ShinglesStream<T> {
    tail: T,
    /// The two tokens read before the current one.
    before: Option<Seen>,
    previous: Option<Seen>,
    /// The triple ending at the current token, given after its pair.
    pending: Option<Token>,
    token: Token,
}

impl<T: TokenStream> TokenStream for ShinglesStream<T> {
    fn advance(&mut self) -> bool {
        if let Some(triple) = self.pending.take() {
            self.token = triple;
            return true;
        }
        while self.tail.advance() {
            let current = self.tail.token();
            let seen = (current.text.clone(), current.position, current.offset_from);
            let offset_to = current.offset_to;
            let before = std::mem::replace(&mut self.before, self.previous.take());
            self.previous = Some(seen);
            let (Some(first), Some(last)) = (&self.before, &self.previous) else {
                continue;
            };
            self.token = Token {
                text: shingle(&[(first.1, &first.0), (last.1, &last.0)]),
                position: first.1,
                offset_from: first.2,
                offset_to,
                position_length: 1,
            };
            if let Some(zero) = before {
                self.pending = Some(Token {
                    text: shingle(&[(zero.1, &zero.0), (first.1, &first.0), (last.1, &last.0)]),
                    position: zero.1,
                    offset_from: zero.2,
                    offset_to,
                    position_length: 1,
                });
            }
            return true;
        }
        false
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

/// Registers every analyzer; called on each open (tantivy does not persist them).
pub fn register(manager: &TokenizerManager) {
    manager.register(FRENCH, french());
    manager.register(ENGLISH, english());
    manager.register(FOLDED, folded());
    manager.register(SHINGLES, french_shingles());
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
    fn remembered_stems_are_tantivys_stems() {
        use tantivy::tokenizer::Stemmer;
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../docs/simplification-workflow.md"
        ))
        .unwrap_or_default();
        assert!(text.len() > 1000, "a French text to compare on");
        let mut plain = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .filter(Stemmer::new(Language::French))
            .build();
        let mut memo = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .filter(MemoStemmer::French)
            .build();
        let collect = |a: &mut TextAnalyzer| {
            let mut out = Vec::new();
            let mut stream = a.token_stream(&text);
            while stream.advance() {
                let t = stream.token();
                out.push((t.text.clone(), t.position, t.offset_from, t.offset_to));
            }
            out
        };
        let expected = collect(&mut plain);
        // Cold, then from the memo.
        assert_eq!(collect(&mut memo), expected);
        assert_eq!(collect(&mut memo), expected);
    }

    #[test]
    fn shingles_join_two_and_three_neighbouring_stems_and_keep_stop_word_gaps() {
        let m = TokenizerManager::default();
        register(&m);
        assert_eq!(
            tokens(&m, SHINGLES, "Traitement de surface, usinage 5 axes"),
            [
                "trait _ surfac",
                "surfac usinag",
                "trait _ surfac usinag",
                "usinag 5",
                "surfac usinag 5",
                "5 axe",
                "usinag 5 axe"
            ]
        );
        assert!(tokens(&m, SHINGLES, "usinage").is_empty());
        assert_eq!(shingle(&[(3, "a"), (4, "b"), (7, "c")]), "a b _ _ c");
    }

    #[test]
    fn very_long_tokens_are_dropped() {
        let long = "a".repeat(60);
        assert_eq!(fr(&format!("usinage {long}")), ["usinag"]);
    }
}
