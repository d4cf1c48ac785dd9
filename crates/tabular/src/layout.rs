//! Expected columns and matching them against a file's header row.

use std::sync::Arc;

use crate::error::{MissingColumn, TabularError};
use crate::reader::Warning;

/// One expected column.
#[derive(Debug, Clone)]
pub struct Column {
    key: String,
    aliases: Vec<String>,
    required: bool,
    /// Normalised key and aliases, computed once.
    matchers: Vec<String>,
}

impl Column {
    /// Creates a column. `aliases` are header texts users write for it; the
    /// first one is the preferred header (used in messages and templates).
    pub fn new(key: impl Into<String>, aliases: &[&str], required: bool) -> Column {
        let key = key.into();
        let aliases: Vec<String> = aliases.iter().map(|a| (*a).to_owned()).collect();
        let mut matchers: Vec<String> = std::iter::once(key.as_str())
            .chain(aliases.iter().map(String::as_str))
            .map(normalize)
            .filter(|m| !m.is_empty())
            .collect();
        matchers.dedup();
        Column {
            key,
            aliases,
            required,
            matchers,
        }
    }

    /// Canonical key, used by code (`row.get("village_code")`).
    pub fn key(&self) -> &str {
        &self.key
    }

    /// Accepted header texts, preferred first.
    pub fn aliases(&self) -> &[String] {
        &self.aliases
    }

    /// Whether the header row must contain this column.
    pub fn is_required(&self) -> bool {
        self.required
    }

    /// The header text to show users: the first alias, else the key.
    pub fn display_header(&self) -> &str {
        self.aliases.first().map_or(&self.key, String::as_str)
    }

    fn matches(&self, normalized: &str) -> bool {
        self.matchers.iter().any(|m| m == normalized)
    }
}

/// The columns an import expects, in the order the caller cares about.
///
/// ```
/// use lentera_tabular::Layout;
/// let layout = Layout::new()
///     .required("village_code", &["kode_desa", "kode desa", "kode wilayah"])
///     .optional("name", &["nama", "nama perpustakaan"]);
/// assert_eq!(layout.columns().len(), 2);
/// ```
#[derive(Debug, Clone, Default)]
pub struct Layout {
    columns: Vec<Column>,
}

impl Layout {
    /// An empty layout.
    pub fn new() -> Layout {
        Layout::default()
    }

    /// Adds a column the header row must contain.
    pub fn required(self, key: impl Into<String>, aliases: &[&str]) -> Layout {
        self.column(Column::new(key, aliases, true))
    }

    /// Adds a column that may be absent from the file.
    pub fn optional(self, key: impl Into<String>, aliases: &[&str]) -> Layout {
        self.column(Column::new(key, aliases, false))
    }

    /// Adds a prepared column.
    pub fn column(mut self, column: Column) -> Layout {
        // Layouts are written by programmers; an ambiguous alias would make
        // imports depend on column order, so catch it in tests.
        debug_assert!(
            !self
                .columns
                .iter()
                .any(|c| c.key == column.key
                    || c.matchers.iter().any(|m| column.matchers.contains(m))),
            "layout column {:?} clashes with an existing key or alias",
            column.key
        );
        self.columns.push(column);
        self
    }

    /// The columns in layout order.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// Looks a column up by canonical key.
    pub fn get(&self, key: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.key == key)
    }

    pub(crate) fn index_of(&self, key: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.key == key)
    }

    /// Which layout column a header text belongs to.
    pub fn match_header(&self, header: &str) -> Option<&Column> {
        self.match_index(&normalize(header))
            .and_then(|i| self.columns.get(i))
    }

    fn match_index(&self, normalized: &str) -> Option<usize> {
        if normalized.is_empty() {
            return None;
        }
        self.columns.iter().position(|c| c.matches(normalized))
    }
}

/// Header comparison ignores case, spaces, underscores and punctuation:
/// "Kode Desa", "kode_desa", "KODE-DESA" and "Kode desa *" are the same.
pub fn normalize(header: &str) -> String {
    header
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The header row once matched: where each layout column sits in the file.
#[derive(Debug)]
pub(crate) struct Header {
    pub layout: Layout,
    /// Per layout column: 0-based index of its cell in the file's rows.
    pub positions: Vec<Option<usize>>,
    /// Per layout column: header text as written ("" when absent).
    pub texts: Vec<String>,
    /// Row number of the header as shown in the spreadsheet.
    pub row: usize,
    /// Number of cells up to the last non-empty header cell.
    pub width: usize,
}

impl Header {
    fn build(
        layout: &Layout,
        row: usize,
        cells: &[String],
    ) -> Result<(Header, Vec<Warning>), TabularError> {
        let n = layout.columns.len();
        let mut positions = vec![None; n];
        let mut texts = vec![String::new(); n];
        let mut warnings = Vec::new();
        let mut width = 0;
        for (i, cell) in cells.iter().enumerate() {
            if cell.is_empty() {
                continue;
            }
            width = i + 1;
            match layout.match_index(&normalize(cell)) {
                Some(ci) => {
                    if positions[ci].is_some() {
                        return Err(TabularError::DuplicateColumn {
                            header_row: row,
                            key: layout.columns[ci].key.clone(),
                            headers: vec![texts[ci].clone(), cell.clone()],
                        });
                    }
                    positions[ci] = Some(i);
                    texts[ci] = cell.clone();
                }
                None => warnings.push(Warning::UnknownColumn {
                    row,
                    column: i + 1,
                    header: cell.clone(),
                }),
            }
        }
        let header = Header {
            layout: layout.clone(),
            positions,
            texts,
            row,
            width,
        };
        Ok((header, warnings))
    }

    /// Header text for a layout column, falling back to the preferred alias.
    pub fn text(&self, index: usize) -> &str {
        match self.texts.get(index) {
            Some(t) if !t.is_empty() => t,
            _ => self
                .layout
                .columns
                .get(index)
                .map_or("", Column::display_header),
        }
    }
}

/// Header texts longer than this cannot be aliases; cutting them keeps
/// the search bounded however wide a hostile first row is.
pub(crate) const MAX_HEADER_CHARS: usize = 256;

/// Finds the header among the first non-empty rows, skipping title rows
/// such as "DATA PERPUSTAKAAN DESA 2024" above the real header.
pub(crate) struct HeaderSearch<'l> {
    layout: &'l Layout,
    window: usize,
    seen: usize,
    best: Option<(usize, usize, Vec<String>)>,
}

/// Outcome of offering a row to the search.
pub(crate) enum Found {
    /// Keep offering rows.
    NotYet,
    /// The header, or why there is none.
    Done(Result<(Arc<Header>, Vec<Warning>), TabularError>),
}

impl<'l> HeaderSearch<'l> {
    pub fn new(layout: &'l Layout, window: usize) -> HeaderSearch<'l> {
        HeaderSearch {
            layout,
            window: window.max(1),
            seen: 0,
            best: None,
        }
    }

    /// Offers a non-empty row. The first row that has every required
    /// column (and at least one known column) is the header.
    pub fn offer(&mut self, row: usize, cells: &[String]) -> Found {
        let mut matched = vec![false; self.layout.columns.len()];
        for cell in cells {
            if let Some(i) = self.layout.match_index(&normalize(cell)) {
                matched[i] = true;
            }
        }
        let score = matched.iter().filter(|m| **m).count();
        let complete = score > 0
            && self
                .layout
                .columns
                .iter()
                .zip(&matched)
                .all(|(c, m)| *m || !c.required);
        if complete {
            return Found::Done(
                Header::build(self.layout, row, cells).map(|(h, w)| (Arc::new(h), w)),
            );
        }
        if self.best.as_ref().is_none_or(|(s, _, _)| score > *s) {
            self.best = Some((score, row, cells.to_vec()));
        }
        self.seen += 1;
        if self.seen >= self.window {
            Found::Done(Err(self.failure()))
        } else {
            Found::NotYet
        }
    }

    /// The input ended before a header was found.
    pub fn finish(self) -> TabularError {
        self.failure()
    }

    fn failure(&self) -> TabularError {
        let Some((score, row, cells)) = &self.best else {
            return TabularError::Empty;
        };
        let found: Vec<String> = cells
            .iter()
            .filter(|c| !c.is_empty())
            .take(50)
            .cloned()
            .collect();
        let present: Vec<usize> = cells
            .iter()
            .filter_map(|c| self.layout.match_index(&normalize(c)))
            .collect();
        let any_required = self.layout.columns.iter().any(|c| c.required);
        let missing = self
            .layout
            .columns
            .iter()
            .enumerate()
            // With only optional columns and nothing matching, list them all
            // so the message still says what was expected.
            .filter(|(i, c)| !present.contains(i) && (c.required || (!any_required && *score == 0)))
            .map(|(_, c)| MissingColumn {
                key: c.key.clone(),
                accepted: if c.aliases.is_empty() {
                    vec![c.key.clone()]
                } else {
                    c.aliases.clone()
                },
            })
            .collect();
        TabularError::MissingColumns {
            header_row: *row,
            missing,
            found,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout() -> Layout {
        Layout::new()
            .required("village_code", &["kode_desa", "kode desa", "kode wilayah"])
            .required("name", &["nama"])
            .optional("phone", &["telepon", "no. telp"])
    }

    fn cells(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn normalization_ignores_case_space_and_punctuation() {
        assert_eq!(normalize(" Kode_Desa * "), "kodedesa");
        assert_eq!(normalize("KODE-DESA"), "kodedesa");
        assert_eq!(normalize("No. Telp"), "notelp");
        let l = layout();
        assert_eq!(
            l.match_header("Kode Wilayah").map(Column::key),
            Some("village_code")
        );
        assert_eq!(
            l.match_header("VILLAGE CODE").map(Column::key),
            Some("village_code")
        );
        assert_eq!(l.match_header("No Telp").map(Column::key), Some("phone"));
        assert!(l.match_header("alamat").is_none());
        assert!(l.match_header("  ").is_none());
    }

    #[test]
    fn title_rows_are_skipped() {
        let l = layout();
        let mut s = HeaderSearch::new(&l, 10);
        assert!(matches!(
            s.offer(1, &cells(&["DATA PERPUSTAKAAN DESA 2024"])),
            Found::NotYet
        ));
        let Found::Done(Ok((h, w))) = s.offer(3, &cells(&["Nama", "Kode Desa", "Alamat"])) else {
            panic!("header not found")
        };
        assert_eq!(h.row, 3);
        assert_eq!(h.positions, vec![Some(1), Some(0), None]);
        assert_eq!(h.width, 3);
        assert_eq!(
            w,
            vec![Warning::UnknownColumn {
                row: 3,
                column: 3,
                header: "Alamat".into()
            }]
        );
        assert_eq!(h.text(2), "telepon");
    }

    #[test]
    fn best_row_explains_missing_columns() {
        let l = layout();
        let mut s = HeaderSearch::new(&l, 2);
        assert!(matches!(s.offer(1, &cells(&["judul"])), Found::NotYet));
        let Found::Done(Err(TabularError::MissingColumns {
            header_row,
            missing,
            found,
        })) = s.offer(2, &cells(&["nama", "alamat"]))
        else {
            panic!("expected missing columns")
        };
        assert_eq!(header_row, 2);
        assert_eq!(found, vec!["nama", "alamat"]);
        assert_eq!(missing.len(), 1);
        assert_eq!(missing[0].key, "village_code");
        assert_eq!(missing[0].accepted[0], "kode_desa");
    }

    #[test]
    fn duplicate_columns_are_rejected() {
        let l = layout();
        let mut s = HeaderSearch::new(&l, 1);
        let Found::Done(Err(e)) = s.offer(1, &cells(&["kode desa", "nama", "Kode Wilayah"])) else {
            panic!("expected error")
        };
        assert_eq!(
            e,
            TabularError::DuplicateColumn {
                header_row: 1,
                key: "village_code".into(),
                headers: vec!["kode desa".into(), "Kode Wilayah".into()],
            }
        );
    }

    #[test]
    fn nothing_offered_means_empty() {
        let l = layout();
        assert_eq!(HeaderSearch::new(&l, 3).finish(), TabularError::Empty);
    }
}
