//! Facet counts over the matching set, read from fast fields.
//!
//! String facets are counted per segment by term ordinal into a flat vector
//! (no hashing, no string work per document); ordinals are turned into strings
//! once per segment, for the non-zero counts only.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// One facet value and the number of matching records that have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetCount {
    /// The value as indexed (collection and language lowercased; subject
    /// headings as catalogued).
    pub value: String,
    /// Matching records with this value.
    pub count: u64,
}

/// Facet counts of one search.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facets {
    /// Collections, most frequent first.
    pub collection: Vec<FacetCount>,
    /// Languages, most frequent first.
    pub language: Vec<FacetCount>,
    /// Years, newest first (all years present in the matching set).
    pub year: Vec<FacetCount>,
    /// Subject headings, most frequent first, at most the requested number.
    pub subject: Vec<FacetCount>,
}

pub(crate) struct FacetCollector {
    top_subjects: usize,
    /// With one segment, per-segment top-N is the global top-N, so only N
    /// subject strings need to be read from the dictionary.
    single_segment: bool,
}

impl FacetCollector {
    pub(crate) fn new(req: crate::index::FacetRequest, segments: usize) -> Self {
        FacetCollector {
            top_subjects: req.top_subjects,
            single_segment: segments <= 1,
        }
    }
}

/// Counts and facets of one segment, keyed by value.
pub(crate) struct SegmentFacets {
    total: u64,
    collection: Vec<(String, u64)>,
    language: Vec<(String, u64)>,
    year: Vec<(u64, u64)>,
    subject: Vec<(String, u64)>,
}

pub(crate) struct FacetSegmentCollector {
    total: u64,
    collection: OrdCounter,
    language: OrdCounter,
    subject: OrdCounter,
    year: Option<(Column<u64>, u64, Vec<u32>)>,
    /// How many subject values to resolve to strings (`None` = all).
    subject_limit: Option<usize>,
    buf: Vec<Option<u64>>,
    doc_buf: Vec<DocId>,
    row_buf: Vec<u32>,
    val_buf: Vec<u64>,
}

struct OrdCounter {
    column: Option<StrColumn>,
    counts: Vec<u32>,
}

impl OrdCounter {
    fn new(column: Option<StrColumn>) -> Self {
        let n = column.as_ref().map_or(0, |c| c.num_terms());
        OrdCounter {
            column,
            counts: vec![0; n],
        }
    }

    fn collect(&mut self, doc: DocId) {
        if let Some(column) = &self.column {
            for ord in column.term_ords(doc) {
                if let Some(c) = self.counts.get_mut(ord as usize) {
                    *c += 1;
                }
            }
        }
    }

    /// Single-valued column, a block of documents at a time.
    fn collect_first(&mut self, docs: &[DocId], buf: &mut Vec<Option<u64>>) {
        let Some(column) = &self.column else {
            return;
        };
        buf.clear();
        buf.resize(docs.len(), None);
        column.ords().first_vals(docs, buf);
        for ord in buf.iter().flatten() {
            if let Some(c) = self.counts.get_mut(*ord as usize) {
                *c += 1;
            }
        }
    }

    /// Multi-valued column, a block of documents at a time.
    fn collect_all(
        &mut self,
        docs: &[DocId],
        doc_buf: &mut Vec<DocId>,
        rows: &mut Vec<u32>,
        vals: &mut Vec<u64>,
    ) {
        let Some(column) = &self.column else {
            return;
        };
        doc_buf.clear();
        rows.clear();
        let ords = column.ords();
        ords.row_ids_for_docs(docs, doc_buf, rows);
        vals.clear();
        vals.resize(rows.len(), 0);
        ords.values.get_vals(rows, vals);
        for &ord in vals.iter() {
            if let Some(c) = self.counts.get_mut(ord as usize) {
                *c += 1;
            }
        }
    }

    /// Non-zero counts with their strings; with a limit, only the most
    /// frequent (ties: smaller ordinal = alphabetically first).
    fn harvest(self, limit: Option<usize>) -> Vec<(String, u64)> {
        let Some(column) = self.column else {
            return Vec::new();
        };
        let mut nonzero: Vec<(u64, u32)> = self
            .counts
            .iter()
            .enumerate()
            .filter(|&(_, &c)| c > 0)
            .map(|(ord, &c)| (ord as u64, c))
            .collect();
        if let Some(limit) = limit {
            if nonzero.len() > limit {
                let by_rank = |a: &(u64, u32), b: &(u64, u32)| b.1.cmp(&a.1).then(a.0.cmp(&b.0));
                nonzero.select_nth_unstable_by(limit, by_rank);
                nonzero.truncate(limit);
                nonzero.sort_unstable_by_key(|&(ord, _)| ord);
            }
        }
        let mut out = Vec::with_capacity(nonzero.len());
        let mut counts = nonzero.iter().map(|&(_, c)| u64::from(c));
        // One sequential pass over the dictionary for all ordinals.
        let resolved = column.dictionary().sorted_ords_to_term_cb(
            nonzero.iter().map(|&(ord, _)| ord),
            |bytes| {
                if let Some(count) = counts.next() {
                    out.push((String::from_utf8_lossy(bytes).into_owned(), count));
                }
                Ok(())
            },
        );
        // A failed dictionary read loses facet values, not the search.
        if resolved.is_err() {
            out.clear();
        }
        out
    }
}

impl Collector for FacetCollector {
    type Fruit = (u64, Facets);
    type Child = FacetSegmentCollector;

    fn for_segment(
        &self,
        _segment_local_id: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<FacetSegmentCollector> {
        let ff = segment.fast_fields();
        let year = ff.column_opt::<u64>(crate::index::F_YEAR)?.map(|col| {
            let min = col.min_value();
            // Years are validated to 1..=9999 at indexing.
            let span = col.max_value().saturating_sub(min).min(10_000) as usize + 1;
            (col, min, vec![0u32; span])
        });
        Ok(FacetSegmentCollector {
            total: 0,
            collection: OrdCounter::new(ff.str(crate::index::F_COLLECTION)?),
            language: OrdCounter::new(ff.str(crate::index::F_LANGUAGE)?),
            subject: OrdCounter::new(ff.str(crate::index::F_SUBJECT)?),
            year,
            subject_limit: self.single_segment.then_some(self.top_subjects),
            buf: Vec::new(),
            doc_buf: Vec::new(),
            row_buf: Vec::new(),
            val_buf: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<SegmentFacets>) -> tantivy::Result<(u64, Facets)> {
        let mut total = 0;
        let mut collection = HashMap::new();
        let mut language = HashMap::new();
        let mut year = HashMap::new();
        let mut subject = HashMap::new();
        for f in fruits {
            total += f.total;
            merge(&mut collection, f.collection);
            merge(&mut language, f.language);
            merge(&mut year, f.year);
            merge(&mut subject, f.subject);
        }
        let mut years: Vec<(u64, u64)> = year.into_iter().collect();
        years.sort_unstable_by_key(|y| std::cmp::Reverse(y.0));
        let facets = Facets {
            collection: ranked(collection, usize::MAX),
            language: ranked(language, usize::MAX),
            year: years
                .into_iter()
                .map(|(y, count)| FacetCount {
                    value: y.to_string(),
                    count,
                })
                .collect(),
            subject: ranked(subject, self.top_subjects),
        };
        Ok((total, facets))
    }
}

fn merge<K: std::hash::Hash + Eq>(into: &mut HashMap<K, u64>, from: Vec<(K, u64)>) {
    for (k, v) in from {
        *into.entry(k).or_insert(0) += v;
    }
}

fn ranked(counts: HashMap<String, u64>, top: usize) -> Vec<FacetCount> {
    let mut v: Vec<FacetCount> = counts
        .into_iter()
        .map(|(value, count)| FacetCount { value, count })
        .collect();
    v.sort_unstable_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    v.truncate(top);
    v
}

impl SegmentCollector for FacetSegmentCollector {
    type Fruit = SegmentFacets;

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.total += 1;
        self.collection.collect(doc);
        self.language.collect(doc);
        self.subject.collect(doc);
        if let Some((col, min, counts)) = &mut self.year {
            if let Some(y) = col.first(doc) {
                if let Some(c) = counts.get_mut(y.saturating_sub(*min) as usize) {
                    *c += 1;
                }
            }
        }
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        self.total += docs.len() as u64;
        self.collection.collect_first(docs, &mut self.buf);
        self.language.collect_first(docs, &mut self.buf);
        self.subject.collect_all(
            docs,
            &mut self.doc_buf,
            &mut self.row_buf,
            &mut self.val_buf,
        );
        if let Some((col, min, counts)) = &mut self.year {
            self.buf.clear();
            self.buf.resize(docs.len(), None);
            col.first_vals(docs, &mut self.buf);
            for y in self.buf.iter().flatten() {
                if let Some(c) = counts.get_mut(y.saturating_sub(*min) as usize) {
                    *c += 1;
                }
            }
        }
    }

    fn harvest(self) -> SegmentFacets {
        let year = match self.year {
            Some((_, min, counts)) => counts
                .into_iter()
                .enumerate()
                .filter(|&(_, c)| c > 0)
                .map(|(i, c)| (min + i as u64, u64::from(c)))
                .collect(),
            None => Vec::new(),
        };
        SegmentFacets {
            total: self.total,
            collection: self.collection.harvest(None),
            language: self.language.harvest(None),
            year,
            subject: self.subject.harvest(self.subject_limit),
        }
    }
}
