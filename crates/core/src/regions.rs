//! The Kemendagri region tree: provinsi → kabupaten/kota → kecamatan →
//! desa/kelurahan.
//!
//! Codes are hierarchical by prefix (a village code starts with its
//! district's, which starts with its regency's, …), so "is this inside that
//! region" is a prefix test. Reach checks, SQL filters and roll-ups all rely on
//! that one property.

use crate::field::Problem;
use crate::text::{display_name, search_key};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A level of the tree, named as Kemendagri names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Province,
    Regency,
    District,
    Village,
}

impl Level {
    /// Number of digits of a code at this level.
    pub fn code_len(self) -> usize {
        match self {
            Level::Province => 2,
            Level::Regency => 4,
            Level::District => 6,
            Level::Village => 10,
        }
    }
    pub fn depth(self) -> u8 {
        match self {
            Level::Province => 1,
            Level::Regency => 2,
            Level::District => 3,
            Level::Village => 4,
        }
    }
    pub fn from_depth(d: u8) -> Option<Level> {
        Some(match d {
            1 => Level::Province,
            2 => Level::Regency,
            3 => Level::District,
            4 => Level::Village,
            _ => return None,
        })
    }
    pub fn child(self) -> Option<Level> {
        Level::from_depth(self.depth() + 1)
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Province => "province",
            Level::Regency => "regency",
            Level::District => "district",
            Level::Village => "village",
        }
    }
}

/// Desa or kelurahan, from the 7th digit of a village code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VillageKind {
    /// `1`: an urban ward headed by a civil servant.
    Kelurahan,
    /// `2`: a village with its own government and budget (APBDes).
    Desa,
    /// `3`: customary villages (only in Kab. Jayapura in the 2025 data).
    DesaAdat,
}

/// Kabupaten or kota, from the 3rd digit of a regency code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegencyKind {
    Kabupaten,
    Kota,
}

/// A well-formed region code: 2, 4, 6 or 10 digits. Whether it exists is a
/// question for the [`RegionTree`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RegionCode(String);

impl RegionCode {
    /// Accepts plain digits ("3520012001") or the dotted official form
    /// ("35.20.01.2001"), with surrounding spaces.
    pub fn parse(s: &str) -> Result<Self, Problem> {
        let t = s.trim();
        let dotted = t.contains('.');
        if dotted {
            let parts: Vec<&str> = t.split('.').collect();
            let widths_ok = parts.iter().enumerate().all(|(i, p)| {
                let want = if i == 3 { 4 } else { 2 };
                p.len() == want && p.bytes().all(|b| b.is_ascii_digit())
            });
            if parts.is_empty() || parts.len() > 4 || !widths_ok {
                return Err(Problem::BadRegionCode);
            }
            return Ok(RegionCode(parts.concat()));
        }
        if matches!(t.len(), 2 | 4 | 6 | 10) && t.bytes().all(|b| b.is_ascii_digit()) {
            Ok(RegionCode(t.to_string()))
        } else {
            Err(Problem::BadRegionCode)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn level(&self) -> Level {
        match self.0.len() {
            2 => Level::Province,
            4 => Level::Regency,
            6 => Level::District,
            _ => Level::Village,
        }
    }

    /// The code one level up; `None` for a province.
    pub fn parent(&self) -> Option<RegionCode> {
        let len = match self.level() {
            Level::Province => return None,
            Level::Regency => 2,
            Level::District => 4,
            Level::Village => 6,
        };
        Some(RegionCode(self.0[..len].to_string()))
    }

    /// This code and its ancestors, from the province down.
    pub fn lineage(&self) -> Vec<RegionCode> {
        [2, 4, 6, 10]
            .iter()
            .filter(|&&n| n <= self.0.len())
            .map(|&n| RegionCode(self.0[..n].to_string()))
            .collect()
    }

    /// True when `self` is `ancestor` or lies below it.
    pub fn is_within(&self, ancestor: &RegionCode) -> bool {
        self.0.starts_with(&ancestor.0)
    }

    /// The ancestor at `level`, if `self` is at or below it.
    pub fn at_level(&self, level: Level) -> Option<RegionCode> {
        (self.0.len() >= level.code_len())
            .then(|| RegionCode(self.0[..level.code_len()].to_string()))
    }

    pub fn village_kind(&self) -> Option<VillageKind> {
        if self.level() != Level::Village {
            return None;
        }
        match self.0.as_bytes()[6] {
            b'1' => Some(VillageKind::Kelurahan),
            b'2' => Some(VillageKind::Desa),
            _ => Some(VillageKind::DesaAdat),
        }
    }

    pub fn regency_kind(&self) -> Option<RegencyKind> {
        if self.0.len() < 4 {
            return None;
        }
        Some(if self.0.as_bytes()[2] == b'7' {
            RegencyKind::Kota
        } else {
            RegencyKind::Kabupaten
        })
    }

    /// "35.20.01.2001": how officials write codes.
    pub fn dotted(&self) -> String {
        let s = &self.0;
        let mut parts = vec![&s[..2]];
        if s.len() >= 4 {
            parts.push(&s[2..4]);
        }
        if s.len() >= 6 {
            parts.push(&s[4..6]);
        }
        if s.len() == 10 {
            parts.push(&s[6..10]);
        }
        parts.join(".")
    }

    /// The half-open range `[lo, hi)` of codes inside this region, for SQL
    /// range filters that use a plain B-tree index on any backend (unlike
    /// `LIKE 'x%'`, which PostgreSQL indexes only with special operator
    /// classes). `hi` is the prefix with its last digit incremented after
    /// dropping trailing nines ("3529" → "353"), which only compares digits
    /// and so holds under every collation.
    pub fn subtree_range(&self) -> (String, String) {
        let mut hi: Vec<u8> = self.0.trim_end_matches('9').bytes().collect();
        match hi.last_mut() {
            Some(last) => *last += 1,
            // All nines: nothing sorts after the subtree among digit codes.
            None => hi = vec![b':'],
        }
        (self.0.clone(), String::from_utf8(hi).unwrap_or_default())
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for RegionCode {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        RegionCode::parse(&s).map_err(|_| format!("bad region code: {s:?}"))
    }
}

impl From<RegionCode> for String {
    fn from(c: RegionCode) -> String {
        c.0
    }
}

/// One region as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Region {
    pub code: RegionCode,
    /// The official name as published (upper case).
    pub name: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// Villages only.
    pub postal_code: Option<String>,
}

impl Region {
    pub fn level(&self) -> Level {
        self.code.level()
    }
    /// The name for people: "Kabupaten Sanggau", "Balai Sebut".
    pub fn display_name(&self) -> String {
        display_name(&self.name)
    }
}

/// A search hit: the region and its ancestors' names, province first.
#[derive(Debug, Clone, Serialize)]
pub struct RegionMatch<'a> {
    pub region: &'a Region,
    pub path: Vec<&'a Region>,
}

impl RegionMatch<'_> {
    /// "Balai Sebut, Jangkang, Kabupaten Sanggau, Kalimantan Barat".
    pub fn path_label(&self) -> String {
        path_label(self.region, &self.path)
    }
}

/// Joins a region and its ancestors, nearest first, for display.
pub fn path_label(region: &Region, ancestors: &[&Region]) -> String {
    let mut parts = vec![region.display_name()];
    parts.extend(ancestors.iter().rev().map(|r| r.display_name()));
    parts.join(", ")
}

/// The whole tree in memory, sorted by code.
///
/// About 91,600 regions take ~12 MB; holding them lets type-ahead, paths and
/// existence checks answer in microseconds without touching the database.
/// The database stays the source of truth; this is loaded from it at start.
#[derive(Debug, Default)]
pub struct RegionTree {
    regions: Vec<Region>,
    keys: Vec<String>,
}

impl RegionTree {
    /// Builds the tree. Regions whose parent is missing are rejected, so every
    /// path lookup afterwards succeeds.
    pub fn new(mut regions: Vec<Region>) -> Result<Self, String> {
        regions.sort_by(|a, b| a.code.cmp(&b.code));
        regions.dedup_by(|a, b| a.code == b.code);
        let tree = RegionTree {
            keys: regions.iter().map(|r| search_key(&r.name)).collect(),
            regions,
        };
        for r in &tree.regions {
            if let Some(p) = r.code.parent()
                && tree.get(&p).is_none()
            {
                return Err(format!("region {} has no parent {}", r.code, p));
            }
        }
        Ok(tree)
    }

    pub fn len(&self) -> usize {
        self.regions.len()
    }
    pub fn is_empty(&self) -> bool {
        self.regions.is_empty()
    }

    fn index(&self, code: &RegionCode) -> Option<usize> {
        self.regions.binary_search_by(|r| r.code.cmp(code)).ok()
    }

    pub fn get(&self, code: &RegionCode) -> Option<&Region> {
        self.index(code).map(|i| &self.regions[i])
    }

    pub fn contains(&self, code: &RegionCode) -> bool {
        self.index(code).is_some()
    }

    /// The region's ancestors, province first (not including itself).
    pub fn ancestors(&self, code: &RegionCode) -> Vec<&Region> {
        code.lineage()
            .iter()
            .filter(|c| *c != code)
            .filter_map(|c| self.get(c))
            .collect()
    }

    /// The provinces.
    pub fn roots(&self) -> impl Iterator<Item = &Region> {
        self.regions.iter().filter(|r| r.level() == Level::Province)
    }

    /// Direct children of `code`, in code order (any level).
    pub fn children_of(&self, code: &RegionCode) -> Vec<&Region> {
        let Some(child_level) = code.level().child() else {
            return vec![];
        };
        let (lo, hi) = code.subtree_range();
        let start = self
            .regions
            .partition_point(|r| r.code.as_str() < lo.as_str());
        let end = self
            .regions
            .partition_point(|r| r.code.as_str() < hi.as_str());
        self.regions[start..end]
            .iter()
            .filter(|r| r.level() == child_level)
            .collect()
    }

    /// Number of regions at each level: (provinces, regencies, districts, villages).
    pub fn counts(&self) -> [usize; 4] {
        let mut c = [0; 4];
        for r in &self.regions {
            c[(r.level().depth() - 1) as usize] += 1;
        }
        c
    }

    /// Type-ahead search by name. Every word of the query must start a word
    /// of the name ("balai seb" finds BALAI SEBUT); exact names rank first,
    /// then higher levels, then code order. `within` limits to a subtree and
    /// `level` to one level. A query that parses as a code looks the code up.
    pub fn search(
        &self,
        query: &str,
        within: Option<&RegionCode>,
        level: Option<Level>,
        limit: usize,
    ) -> Vec<RegionMatch<'_>> {
        if let Ok(code) = RegionCode::parse(query) {
            return self
                .get(&code)
                .filter(|r| within.is_none_or(|w| r.code.is_within(w)))
                .filter(|r| level.is_none_or(|l| r.level() == l))
                .map(|r| self.matched(r))
                .into_iter()
                .collect();
        }
        let q = search_key(query);
        let words: Vec<&str> = q.split(' ').filter(|w| !w.is_empty()).collect();
        if words.is_empty() || limit == 0 {
            return vec![];
        }
        let (start, end) = match within {
            Some(w) => {
                let (lo, hi) = w.subtree_range();
                (
                    self.regions
                        .partition_point(|r| r.code.as_str() < lo.as_str()),
                    self.regions
                        .partition_point(|r| r.code.as_str() < hi.as_str()),
                )
            }
            None => (0, self.regions.len()),
        };
        // (rank, index): lower rank is better.
        let mut found: Vec<(u8, usize)> = Vec::new();
        for i in start..end {
            let r = &self.regions[i];
            if level.is_some_and(|l| r.level() != l) {
                continue;
            }
            let key = &self.keys[i];
            if !words.iter().all(|w| starts_a_word(key, w)) {
                continue;
            }
            let exact = key == &q || strip_prefix_word(key) == q;
            found.push((if exact { 0 } else { 1 }, i));
        }
        found.sort_by_key(|&(rank, i)| (rank, self.regions[i].level(), i));
        found.truncate(limit);
        found
            .into_iter()
            .map(|(_, i)| self.matched(&self.regions[i]))
            .collect()
    }

    fn matched<'a>(&'a self, r: &'a Region) -> RegionMatch<'a> {
        RegionMatch {
            region: r,
            path: self.ancestors(&r.code),
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &Region> {
        self.regions.iter()
    }
}

/// "kabupaten sanggau" → "sanggau", so an exact search for "sanggau" ranks
/// the regency first.
fn strip_prefix_word(key: &str) -> &str {
    for p in ["kabupaten ", "kab ", "kota administrasi ", "kota "] {
        if let Some(rest) = key.strip_prefix(p) {
            return rest;
        }
    }
    key
}

fn starts_a_word(key: &str, word: &str) -> bool {
    key.match_indices(word)
        .any(|(i, _)| i == 0 || key.as_bytes()[i - 1] == b' ')
}

/// Parses one row of the shipped CSVs (see data/wilayah/SOURCE.md) into a
/// region. Pure: the caller reads the file.
pub fn region_from_row(
    code: &str,
    name: &str,
    lat: &str,
    lon: &str,
    postal: Option<&str>,
) -> Result<Region, Problem> {
    let code = RegionCode::parse(code)?;
    let coord = |s: &str| s.trim().parse::<f64>().ok();
    Ok(Region {
        code,
        name: name.trim_end().to_string(),
        latitude: coord(lat),
        longitude: coord(lon),
        postal_code: postal
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_string),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> RegionCode {
        RegionCode::parse(s).unwrap()
    }

    fn region(c: &str, name: &str) -> Region {
        Region {
            code: code(c),
            name: name.into(),
            latitude: None,
            longitude: None,
            postal_code: None,
        }
    }

    fn sample() -> RegionTree {
        RegionTree::new(vec![
            region("61", "KALIMANTAN BARAT"),
            region("6105", "KABUPATEN SANGGAU"),
            region("610509", "JANGKANG"),
            region("6105092007", "BALAI SEBUT"),
            region("6105092008", "SEBUT BARU"),
            region("35", "JAWA TIMUR"),
            region("3520", "KABUPATEN MAGETAN"),
            region("352001", "POH GAJIH"),
            region("3520011001", "KELURAHAN CONTOH"),
        ])
        .unwrap()
    }

    #[test]
    fn parses_plain_and_dotted_codes() {
        assert_eq!(code("35.20.01.2001"), code("3520012001"));
        assert_eq!(code(" 3520 ").as_str(), "3520");
        for bad in [
            "",
            "3",
            "352",
            "35200",
            "35.2",
            "35.20.01.201",
            "3520012001x",
            "ab",
            "35..20",
        ] {
            assert_eq!(
                RegionCode::parse(bad),
                Err(Problem::BadRegionCode),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn hierarchy_is_prefix() {
        let v = code("3520012001");
        assert_eq!(v.level(), Level::Village);
        assert_eq!(v.parent(), Some(code("352001")));
        assert_eq!(code("35").parent(), None);
        assert!(v.is_within(&code("35")));
        assert!(v.is_within(&v));
        assert!(!v.is_within(&code("36")));
        assert!(!code("35").is_within(&v));
        assert_eq!(v.lineage().len(), 4);
        assert_eq!(v.dotted(), "35.20.01.2001");
        assert_eq!(v.at_level(Level::Regency), Some(code("3520")));
        let (lo, hi) = code("3520").subtree_range();
        assert!(lo.as_str() <= "3520012001" && "3520012001" < hi.as_str());
        assert_eq!(hi, "3521");
        assert!("3521" >= hi.as_str());
        let (_, hi) = code("3529").subtree_range();
        assert_eq!(hi, "353");
        assert!("3529992001" < hi.as_str() && "3530" >= hi.as_str());
    }

    #[test]
    fn village_and_regency_kinds() {
        assert_eq!(
            code("3520011001").village_kind(),
            Some(VillageKind::Kelurahan)
        );
        assert_eq!(code("3520012001").village_kind(), Some(VillageKind::Desa));
        assert_eq!(
            code("9103013007").village_kind(),
            Some(VillageKind::DesaAdat)
        );
        assert_eq!(code("3520").village_kind(), None);
        assert_eq!(code("3577").regency_kind(), Some(RegencyKind::Kota));
        assert_eq!(code("3520").regency_kind(), Some(RegencyKind::Kabupaten));
    }

    #[test]
    fn tree_rejects_orphans() {
        assert!(RegionTree::new(vec![region("3520", "KABUPATEN MAGETAN")]).is_err());
    }

    #[test]
    fn children_and_counts() {
        let t = sample();
        assert_eq!(t.roots().count(), 2);
        let kids: Vec<_> = t
            .children_of(&code("61"))
            .iter()
            .map(|r| r.code.to_string())
            .collect();
        assert_eq!(kids, ["6105"]);
        assert_eq!(t.children_of(&code("610509")).len(), 2);
        assert_eq!(t.counts(), [2, 2, 2, 3]);
    }

    #[test]
    fn type_ahead_finds_balai_sebut_with_path() {
        let t = sample();
        let hits = t.search("Balai Sebut", None, None, 10);
        assert_eq!(hits.len(), 1);
        assert_eq!(
            hits[0].path_label(),
            "Balai Sebut, Jangkang, Kabupaten Sanggau, Kalimantan Barat"
        );
        // Word prefixes, any order of typing progress.
        assert_eq!(t.search("balai seb", None, None, 10).len(), 1);
        // "sebut" starts a word in two names; mid-word matches do not count.
        assert_eq!(t.search("sebut", None, None, 10).len(), 2);
        assert!(t.search("ebut", None, None, 10).is_empty());
        // Scoped and level-filtered.
        assert!(t.search("sebut", Some(&code("35")), None, 10).is_empty());
        assert_eq!(t.search("sanggau", None, Some(Level::Regency), 10).len(), 1);
        // Exact names rank first.
        let h = t.search("sebut baru", None, None, 10);
        assert_eq!(h[0].region.name, "SEBUT BARU");
        // Codes look up directly.
        assert_eq!(
            t.search("61.05.09.2007", None, None, 10)[0].region.name,
            "BALAI SEBUT"
        );
    }
}
