//! Text analysis shared by indexing and querying.
//!
//! Pipeline: [`CatalogTokenizer`] (split on anything that is not a letter or a
//! digit, drop combining marks) → lowercase → ASCII folding →
//! [`IndonesianStemFilter`] for the stemmed fields.
//!
//! Decisions made on purpose:
//! - `SMP/MTs` → `smp`, `mts` and `Dasar-Dasar` → `dasar`, `dasar`: every
//!   non-alphanumeric character separates words, so each part is findable.
//! - Decomposed accents (LC records write `é` as `e` + U+0301) are joined into
//!   the word and dropped, so they fold exactly like precomposed letters.
//! - **No stop words are removed from the index.** The common Indonesian list
//!   (stopwords-iso, 758 words) contains content words a catalogue needs:
//!   `ibu`, `bapak`, `tahun`, `bulan`, `hari`, `umum`, `baru`, `masalah`,
//!   `pertama`, `dua`, `tiga`, `akhir`, `awal`, `tempat`, `waktu`,
//!   `bekerja`… Removing them would lose titles such as "Ibu", "Tahun Baru"
//!   or "Pengetahuan Umum" and break phrases (see tests/stopwords.rs). Kept
//!   in the index they cost little: the catch-all posting lists are
//!   docs-only and one-word queries are counted from the dictionary. Instead the query drops a
//!   small curated set of function words ([`is_query_stopword`]) when the
//!   query has other words, so "buku untuk anak" does not require "untuk".

use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};

use crate::stem::{self, Stems};

/// Analyzer name: words lowercased and folded, not stemmed.
pub const PLAIN_ANALYZER: &str = "lentera_plain";
/// Analyzer name: as [`PLAIN_ANALYZER`], then the Indonesian stemmer (all
/// stems of a word at the same position).
pub const STEM_ANALYZER: &str = "lentera_id_stem";

/// Builds the unstemmed analyzer.
pub fn plain_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(CatalogTokenizer::default())
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// Builds the stemming analyzer.
pub fn stem_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(CatalogTokenizer::default())
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(IndonesianStemFilter)
        .build()
}

/// Registers both analyzers on an index (tokenizers are not persisted, so this
/// is needed on every open).
pub fn register(index: &tantivy::Index) {
    let manager = index.tokenizers();
    manager.register(PLAIN_ANALYZER, plain_analyzer());
    manager.register(STEM_ANALYZER, stem_analyzer());
}

thread_local! {
    // Building an analyzer allocates; indexing and query parsing call this
    // for every author, publisher and query.
    static PLAIN: std::cell::RefCell<TextAnalyzer> = std::cell::RefCell::new(plain_analyzer());
}

/// The unstemmed, normalised words of `text`, exactly as they are indexed.
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    PLAIN.with(|a| {
        let mut analyzer = a.borrow_mut();
        let mut stream = analyzer.token_stream(text);
        while let Some(token) = stream.next() {
            out.push(token.text.clone());
        }
    });
    out
}

/// The stems of one normalised word (output of [`words`]), as indexed by the
/// stemming analyzer.
pub fn word_stems(word: &str) -> Stems {
    let mut out = Stems::default();
    stem::stems_of_token(word, &mut out);
    out
}

/// Function words dropped from a query that has other words. Only grammar,
/// never anything that can be a title on its own.
const QUERY_STOPWORDS: &[&str] = &[
    // Indonesian
    "yang", "dan", "di", "ke", "dari", "untuk", "dengan", "pada", "dalam", "atau", "serta", "oleh",
    "bagi", "tentang", "terhadap", "sebagai", "akan", "adalah", "ini", "itu", "para", "si", "sang",
    "kepada", "karena", "secara", "tersebut", "melalui", "antara",
    // English (a quarter of the union catalogue is English)
    "the", "of", "and", "a", "an", "in", "on", "for", "to", "with", "by", "from", "at",
];

/// Whether a normalised query word is a droppable function word.
pub fn is_query_stopword(word: &str) -> bool {
    QUERY_STOPWORDS.contains(&word)
}

fn is_combining_mark(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{FE20}'..='\u{FE2F}')
}

/// Splits on every character that is neither alphanumeric nor a combining
/// mark; combining marks are kept inside the word but removed from the token.
#[derive(Clone, Default)]
pub struct CatalogTokenizer {
    token: Token,
}

/// Token stream of [`CatalogTokenizer`].
pub struct CatalogTokenStream<'a> {
    text: &'a str,
    offset: usize,
    token: &'a mut Token,
}

impl Tokenizer for CatalogTokenizer {
    type TokenStream<'a> = CatalogTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> CatalogTokenStream<'a> {
        self.token.reset();
        CatalogTokenStream {
            text,
            offset: 0,
            token: &mut self.token,
        }
    }
}

impl TokenStream for CatalogTokenStream<'_> {
    fn advance(&mut self) -> bool {
        self.token.text.clear();
        while self.offset < self.text.len() {
            let rest = &self.text[self.offset..];
            // Skip separators (and stray marks that start no word).
            let Some(start) = rest.find(char::is_alphanumeric) else {
                self.offset = self.text.len();
                return false;
            };
            let from = self.offset + start;
            let word = &self.text[from..];
            let len = word
                .find(|c: char| !(c.is_alphanumeric() || is_combining_mark(c)))
                .unwrap_or(word.len());
            let word = &word[..len];
            self.offset = from + len;
            if word.is_ascii() {
                self.token.text.push_str(word);
            } else {
                self.token
                    .text
                    .extend(word.chars().filter(|&c| !is_combining_mark(c)));
            }
            if self.token.text.is_empty() {
                continue;
            }
            self.token.offset_from = from;
            self.token.offset_to = from + len;
            self.token.position = self.token.position.wrapping_add(1);
            self.token.position_length = 1;
            return true;
        }
        false
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// Replaces each token by its Indonesian stems; alternates are emitted at the
/// same position so phrase positions are unchanged.
#[derive(Clone)]
pub struct IndonesianStemFilter;

impl TokenFilter for IndonesianStemFilter {
    type Tokenizer<T: Tokenizer> = IndonesianStemTokenizer<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> IndonesianStemTokenizer<T> {
        IndonesianStemTokenizer {
            inner: tokenizer,
            stems: Stems::default(),
        }
    }
}

/// Tokenizer produced by [`IndonesianStemFilter`].
#[derive(Clone)]
pub struct IndonesianStemTokenizer<T> {
    inner: T,
    stems: Stems,
}

impl<T: Tokenizer> Tokenizer for IndonesianStemTokenizer<T> {
    type TokenStream<'a> = IndonesianStemStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        IndonesianStemStream {
            tail: self.inner.token_stream(text),
            stems: &mut self.stems,
            next_alt: 0,
        }
    }
}

/// Token stream of [`IndonesianStemFilter`].
pub struct IndonesianStemStream<'a, S> {
    tail: S,
    stems: &'a mut Stems,
    /// Index of the next stem of the current word to emit; 0 = read a word.
    next_alt: usize,
}

impl<S: TokenStream> TokenStream for IndonesianStemStream<'_, S> {
    fn advance(&mut self) -> bool {
        if self.next_alt > 0 {
            if let Some(alt) = self.stems.all().get(self.next_alt) {
                let token = self.tail.token_mut();
                token.text.clear();
                token.text.push_str(alt);
                self.next_alt += 1;
                return true;
            }
            self.next_alt = 0;
        }
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        stem::stems_of_token(&token.text, self.stems);
        if self.stems.primary() != token.text {
            token.text.clear();
            token.text.push_str(self.stems.primary());
        }
        if self.stems.all().len() > 1 {
            self.next_alt = 1;
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(usize, String)> {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while let Some(t) = stream.next() {
            out.push((t.position, t.text.clone()));
        }
        out
    }

    #[test]
    fn splits_on_punctuation() {
        assert_eq!(
            words("Matematika SMP/MTs Kelas VII"),
            ["matematika", "smp", "mts", "kelas", "vii"]
        );
        assert_eq!(
            words("Dasar-Dasar Akuntansi"),
            ["dasar", "dasar", "akuntansi"]
        );
        assert_eq!(words("O'Reilly Media"), ["o", "reilly", "media"]);
        assert_eq!(words("  ... "), Vec::<String>::new());
    }

    #[test]
    fn folds_precomposed_and_decomposed_accents() {
        assert_eq!(words("Pérez"), ["perez"]);
        assert_eq!(words("Pe\u{301}rez Gald\u{f3}s"), ["perez", "galdos"]);
        assert_eq!(words("Ärger ÇA"), ["arger", "ca"]);
    }

    #[test]
    fn stem_analyzer_emits_alternates_at_same_position() {
        let mut a = stem_analyzer();
        assert_eq!(
            tokens(&mut a, "Pembudidayaan Ikan Lele"),
            [
                (0, "budidaya".into()),
                (1, "ikan".into()),
                (2, "lele".into())
            ]
        );
        assert_eq!(
            tokens(&mut a, "Keperawatan Anak"),
            [(0, "awat".into()), (0, "rawat".into()), (1, "anak".into())]
        );
    }

    #[test]
    fn query_stopwords_are_function_words_only() {
        assert!(is_query_stopword("untuk"));
        for content in ["ibu", "tahun", "baru", "umum", "masalah", "anak", "kerja"] {
            assert!(!is_query_stopword(content), "{content}");
        }
    }
}
