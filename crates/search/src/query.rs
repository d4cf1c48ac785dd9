//! The catalogue's query language. Pure parsing, no index access.
//!
//! | Input | Meaning |
//! |---|---|
//! | `budidaya ikan` | every word required, in any of title, subtitle, subjects, authors; stemmed |
//! | `"sumber daya"` | phrase of the exact (unstemmed) words in the title or subjects |
//! | `menan*` | words starting with `menan` (unstemmed; expansion capped) |
//! | `978-602-…`, `0-8044-2957-X` | a whole query that is a valid ISBN-10/13 is an exact ISBN match |
//! | `author:Budi Santoso`, `penulis:…`, `pengarang:…` | phrase in the authors |
//! | `publisher:Gramedia`, `penerbit:…` | phrase in the publisher |
//! | `title:…`, `judul:…` | every word required in the title or subtitle (stemmed) |
//! | `subject:…`, `subjek:…` | every word required in the subjects (stemmed) |
//! | `isbn:…` | exact ISBN match |
//!
//! An unquoted field value runs to the next `field:` or quote, so
//! `author:"Budi Santoso" ekonomi` keeps "ekonomi" as a plain word. Function
//! words ("untuk", "dan", "the"…) are dropped when the query has other
//! words, so they never make a query fail.

use serde::{Deserialize, Serialize};

use crate::analysis::{is_query_stopword, words};
use crate::isbn;

/// Where a field-qualified clause applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Phrase in an author name.
    Author,
    /// Phrase in the publisher.
    Publisher,
    /// All words in the title or subtitle.
    Title,
    /// All words in the subject headings.
    Subject,
}

/// The field a UI field selector applies to the whole query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SearchField {
    /// Keyword search with the full query language.
    #[default]
    Any,
    /// The whole input is an author name.
    Author,
    /// The whole input is a publisher name.
    Publisher,
    /// The whole input is words of the title.
    Title,
    /// The whole input is words of the subjects.
    Subject,
    /// The whole input is an ISBN.
    Isbn,
}

/// One parsed clause. Words are normalised (lowercase, folded, unstemmed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clause {
    /// A required word, matched through its stems.
    Word(String),
    /// A required word prefix.
    Prefix(String),
    /// An exact phrase (one or more words) in the title or subjects.
    Phrase(Vec<String>),
    /// A field-qualified clause.
    Field(Scope, Vec<String>),
    /// An exact ISBN-13.
    Isbn(String),
}

/// A parsed query: all clauses are required.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ParsedQuery {
    /// Required clauses; empty means "everything" (browse with filters).
    pub clauses: Vec<Clause>,
}

impl ParsedQuery {
    /// Whether the query has no clause at all.
    pub fn is_empty(&self) -> bool {
        self.clauses.is_empty()
    }
}

/// Parses a keyword query.
pub fn parse(input: &str) -> ParsedQuery {
    parse_as(input, SearchField::Any)
}

/// Parses `input` as the value of a UI-selected field.
pub fn parse_as(input: &str, field: SearchField) -> ParsedQuery {
    let input = input.trim();
    let scope = match field {
        SearchField::Any => return parse_any(input),
        SearchField::Isbn => {
            let clauses = isbn::normalize(input)
                .map(Clause::Isbn)
                .into_iter()
                .collect();
            return ParsedQuery { clauses };
        }
        SearchField::Author => Scope::Author,
        SearchField::Publisher => Scope::Publisher,
        SearchField::Title => Scope::Title,
        SearchField::Subject => Scope::Subject,
    };
    let ws = words(input);
    let clauses = if ws.is_empty() {
        Vec::new()
    } else {
        vec![Clause::Field(scope, ws)]
    };
    ParsedQuery { clauses }
}

enum Qualifier {
    Scope(Scope),
    Isbn,
}

fn qualifier(name: &str) -> Option<Qualifier> {
    Some(match name.to_lowercase().as_str() {
        "author" | "penulis" | "pengarang" => Qualifier::Scope(Scope::Author),
        "publisher" | "penerbit" => Qualifier::Scope(Scope::Publisher),
        "title" | "judul" => Qualifier::Scope(Scope::Title),
        "subject" | "subjek" => Qualifier::Scope(Scope::Subject),
        "isbn" => Qualifier::Isbn,
        _ => return None,
    })
}

/// Splits `chunk` into a known field qualifier and the rest after the colon.
fn split_qualifier(chunk: &str) -> Option<(Qualifier, &str)> {
    let (name, rest) = chunk.split_once(':')?;
    qualifier(name).map(|q| (q, rest))
}

fn parse_any(input: &str) -> ParsedQuery {
    if let Some(isbn) = isbn::normalize(input) {
        return ParsedQuery {
            clauses: vec![Clause::Isbn(isbn)],
        };
    }
    let mut clauses = Vec::new();
    let mut rest = input;
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            break;
        }
        if let Some(after) = rest.strip_prefix('"') {
            let (inner, tail) = take_quoted(after);
            let ws = words(inner);
            if !ws.is_empty() {
                clauses.push(Clause::Phrase(ws));
            }
            rest = tail;
            continue;
        }
        let end = rest
            .find(|c: char| c.is_whitespace() || c == '"')
            .unwrap_or(rest.len());
        let chunk = &rest[..end];
        if let Some((q, value_start)) = split_qualifier(chunk) {
            let after_chunk = &rest[end..];
            let (value, tail) = if value_start.is_empty() && after_chunk.starts_with('"') {
                take_quoted(&after_chunk[1..])
            } else if matches!(q, Qualifier::Isbn) {
                // An ISBN is one chunk; what follows is ordinary query text.
                (value_start, after_chunk)
            } else {
                // The value is this chunk's remainder plus following chunks up
                // to the next qualifier or quote.
                let value_from = chunk.len() - value_start.len();
                let mut stop = end;
                let mut scan = &rest[end..];
                loop {
                    let trimmed = scan.trim_start();
                    if trimmed.is_empty() || trimmed.starts_with('"') {
                        break;
                    }
                    let next_end = trimmed
                        .find(|c: char| c.is_whitespace() || c == '"')
                        .unwrap_or(trimmed.len());
                    if split_qualifier(&trimmed[..next_end]).is_some() {
                        break;
                    }
                    stop = rest.len() - trimmed.len() + next_end;
                    scan = &trimmed[next_end..];
                }
                (&rest[value_from..stop], &rest[stop..])
            };
            push_qualified(&mut clauses, q, value);
            rest = tail;
            continue;
        }
        push_words(&mut clauses, chunk);
        rest = &rest[end..];
    }
    drop_stopwords(&mut clauses);
    ParsedQuery { clauses }
}

/// Text up to the closing quote (or the end), and what follows it.
fn take_quoted(after_quote: &str) -> (&str, &str) {
    match after_quote.find('"') {
        Some(i) => (&after_quote[..i], &after_quote[i + 1..]),
        None => (after_quote, ""),
    }
}

fn push_qualified(clauses: &mut Vec<Clause>, q: Qualifier, value: &str) {
    match q {
        Qualifier::Isbn => match isbn::normalize(value.trim()) {
            Some(n) => clauses.push(Clause::Isbn(n)),
            // Not a valid ISBN: keep the digits as plain words rather than
            // failing the whole query.
            None => push_words(clauses, value),
        },
        Qualifier::Scope(scope) => {
            let ws = words(value);
            if !ws.is_empty() {
                clauses.push(Clause::Field(scope, ws));
            }
        }
    }
}

/// Plain words of an unquoted chunk; a trailing `*` makes its last word a
/// prefix.
fn push_words(clauses: &mut Vec<Clause>, chunk: &str) {
    let (text, prefix) = match chunk.strip_suffix('*') {
        Some(t) => (t.trim_end_matches('*'), true),
        None => (chunk, false),
    };
    let mut ws = words(text);
    let last = if prefix { ws.pop() } else { None };
    clauses.extend(ws.into_iter().map(Clause::Word));
    if let Some(p) = last {
        clauses.push(Clause::Prefix(p));
    }
}

fn drop_stopwords(clauses: &mut Vec<Clause>) {
    let is_stop = |c: &Clause| matches!(c, Clause::Word(w) if is_query_stopword(w));
    if clauses.iter().any(|c| !is_stop(c)) {
        clauses.retain(|c| !is_stop(c));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Clause {
        Clause::Word(s.into())
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn plain_words_are_normalised() {
        assert_eq!(parse("Budidaya  IKAN").clauses, [w("budidaya"), w("ikan")]);
        assert_eq!(parse("SMP/MTs").clauses, [w("smp"), w("mts")]);
        assert_eq!(parse("Dasar-Dasar").clauses, [w("dasar"), w("dasar")]);
        assert!(parse("   ").is_empty());
        assert!(parse("!!! ...").is_empty());
    }

    #[test]
    fn phrases() {
        assert_eq!(
            parse("\"Pembudidayaan Ikan\"").clauses,
            [Clause::Phrase(strings(&["pembudidayaan", "ikan"]))]
        );
        assert_eq!(
            parse("lele \"ikan air tawar\" kolam").clauses,
            [
                w("lele"),
                Clause::Phrase(strings(&["ikan", "air", "tawar"])),
                w("kolam")
            ]
        );
        // An unterminated quote runs to the end.
        assert_eq!(
            parse("\"sumber daya").clauses,
            [Clause::Phrase(strings(&["sumber", "daya"]))]
        );
        assert!(parse("\"\"").is_empty());
    }

    #[test]
    fn prefixes() {
        assert_eq!(parse("menan*").clauses, [Clause::Prefix("menan".into())]);
        assert_eq!(
            parse("ikan prog**").clauses,
            [w("ikan"), Clause::Prefix("prog".into())]
        );
        assert_eq!(
            parse("SMP/MT*").clauses,
            [w("smp"), Clause::Prefix("mt".into())]
        );
        assert!(parse("*").is_empty());
    }

    #[test]
    fn isbn_queries() {
        assert_eq!(
            parse("9786024827779").clauses,
            [Clause::Isbn("9786024827779".into())]
        );
        assert_eq!(
            parse(" 978-602-482-777-9 ").clauses,
            [Clause::Isbn("9786024827779".into())]
        );
        assert_eq!(
            parse("0-8044-2957-X").clauses,
            [Clause::Isbn("9780804429573".into())]
        );
        // A bad check digit is just a number to search for.
        assert_eq!(parse("9786024827778").clauses, [w("9786024827778")]);
        assert_eq!(
            parse("isbn:1-4919-2728-3 rust").clauses,
            [Clause::Isbn("9781491927281".into()), w("rust")]
        );
    }

    #[test]
    fn field_qualifiers() {
        assert_eq!(
            parse("author:Yanti Sunarto").clauses,
            [Clause::Field(Scope::Author, strings(&["yanti", "sunarto"]))]
        );
        assert_eq!(
            parse("Penulis:\"Budi Santoso\" ekonomi").clauses,
            [
                Clause::Field(Scope::Author, strings(&["budi", "santoso"])),
                w("ekonomi")
            ]
        );
        assert_eq!(
            parse("penerbit:Sinar Grafika judul:hukum pidana").clauses,
            [
                Clause::Field(Scope::Publisher, strings(&["sinar", "grafika"])),
                Clause::Field(Scope::Title, strings(&["hukum", "pidana"])),
            ]
        );
        assert_eq!(
            parse("subjek:Perikanan \"ikan lele\"").clauses,
            [
                Clause::Field(Scope::Subject, strings(&["perikanan"])),
                Clause::Phrase(strings(&["ikan", "lele"])),
            ]
        );
        // Unknown qualifiers are ordinary text.
        assert_eq!(parse("foo:bar").clauses, [w("foo"), w("bar")]);
        assert!(parse("author:").is_empty());
    }

    #[test]
    fn stopwords_dropped_only_with_other_words() {
        assert_eq!(parse("buku untuk anak").clauses, [w("buku"), w("anak")]);
        assert_eq!(
            parse("Principles of Aquaculture").clauses,
            [w("principles"), w("aquaculture")]
        );
        assert_eq!(parse("dan").clauses, [w("dan")]);
        // Inside a phrase nothing is dropped.
        assert_eq!(
            parse("\"kabupaten sleman dalam angka\"").clauses,
            [Clause::Phrase(strings(&[
                "kabupaten",
                "sleman",
                "dalam",
                "angka"
            ]))]
        );
    }

    #[test]
    fn field_selector() {
        assert_eq!(
            parse_as("O'Reilly Media", SearchField::Publisher).clauses,
            [Clause::Field(
                Scope::Publisher,
                strings(&["o", "reilly", "media"])
            )]
        );
        assert_eq!(
            parse_as("Khadijah Tirta Matondang", SearchField::Author).clauses,
            [Clause::Field(
                Scope::Author,
                strings(&["khadijah", "tirta", "matondang"])
            )]
        );
        assert_eq!(
            parse_as("1-4919-2728-3", SearchField::Isbn).clauses,
            [Clause::Isbn("9781491927281".into())]
        );
        assert!(parse_as("not an isbn", SearchField::Isbn).is_empty());
    }
}
