//! The region tree in the database.
//!
//! The official Kemendagri 2025 tree ships inside the binary
//! (`data/wilayah`, see its SOURCE.md) and is loaded on first start. The web
//! layer keeps an in-memory [`RegionTree`] built from the table.

use crate::conn::{DbConn, write_tx};
use crate::error::{StoreError, StoreResult};
use crate::schema::{meta, regions};
use diesel::prelude::*;
use lentera_core::regions::{Region, RegionCode, RegionTree, region_from_row};

/// The dataset name recorded in `meta` once loaded.
pub const DATASET: &str = "kemendagri-2025 (Kepmendagri 300.2.2-2138/2025)";

const PROVINCES: &str = include_str!("../../../data/wilayah/provinces.csv");
const REGENCIES: &str = include_str!("../../../data/wilayah/regencies.csv");
const DISTRICTS: &str = include_str!("../../../data/wilayah/districts.csv");
const VILLAGES: &str = include_str!("../../../data/wilayah/villages.csv");

#[derive(Insertable, Queryable, Selectable)]
#[diesel(table_name = regions)]
struct RegionRow {
    code: String,
    parent_code: Option<String>,
    level: i16,
    name: String,
    latitude: Option<f64>,
    longitude: Option<f64>,
    postal_code: Option<String>,
}

impl RegionRow {
    fn from_region(r: &Region) -> RegionRow {
        RegionRow {
            code: r.code.to_string(),
            parent_code: r.code.parent().map(|p| p.to_string()),
            level: i16::from(r.level().depth()),
            name: r.name.clone(),
            latitude: r.latitude,
            longitude: r.longitude,
            postal_code: r.postal_code.clone(),
        }
    }

    fn into_region(self) -> StoreResult<Region> {
        Ok(Region {
            code: RegionCode::parse(&self.code)
                .map_err(|_| StoreError::Data(format!("bad region code {}", self.code)))?,
            name: self.name,
            latitude: self.latitude,
            longitude: self.longitude,
            postal_code: self.postal_code,
        })
    }
}

/// Parses the shipped CSVs, parents before children. `keep` selects a subset
/// (tests load a few regencies instead of 91,599 rows); ancestors of kept
/// regions are always kept so the tree stays whole.
pub fn shipped(keep: &dyn Fn(&RegionCode) -> bool) -> StoreResult<Vec<Region>> {
    let mut out = Vec::with_capacity(92_000);
    for (file, text) in [
        ("provinces.csv", PROVINCES),
        ("regencies.csv", REGENCIES),
        ("districts.csv", DISTRICTS),
        ("villages.csv", VILLAGES),
    ] {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(text.as_bytes());
        for (i, rec) in rdr.records().enumerate() {
            let rec = rec.map_err(|e| StoreError::Data(format!("{file} row {}: {e}", i + 2)))?;
            let field = |n: usize| rec.get(n).unwrap_or("");
            // provinces: code,name,lat,lon; others: code,parent,name,lat,lon[,postal]
            let region = if file == "provinces.csv" {
                region_from_row(field(0), field(1), field(2), field(3), None)
            } else {
                region_from_row(field(0), field(2), field(3), field(4), rec.get(5))
            }
            .map_err(|_| {
                StoreError::Data(format!("{file} row {}: bad code {:?}", i + 2, field(0)))
            })?;
            out.push(region);
        }
    }
    let wanted: std::collections::HashSet<RegionCode> = out
        .iter()
        .filter(|r| keep(&r.code))
        .flat_map(|r| r.code.lineage())
        .collect();
    out.retain(|r| wanted.contains(&r.code));
    Ok(out)
}

/// Loads the shipped tree if the table is empty. Returns how many regions
/// were inserted (0 when already loaded).
pub fn load_if_empty(conn: &mut DbConn, keep: &dyn Fn(&RegionCode) -> bool) -> StoreResult<usize> {
    let have: i64 = regions::table.count().get_result(conn)?;
    if have > 0 {
        return Ok(0);
    }
    let all = shipped(keep)?;
    write_tx(conn, |conn| {
        // Multi-row inserts, parents first (the rows are in level order).
        // 1,000 rows × 7 binds stays under both backends' bind limits.
        let rows: Vec<RegionRow> = all.iter().map(RegionRow::from_region).collect();
        for chunk in rows.chunks(1000) {
            crate::on_backend!(&mut *conn, |c| diesel::insert_into(regions::table)
                .values(chunk)
                .execute(c))?;
        }
        diesel::insert_into(meta::table)
            .values((meta::key.eq("regions_dataset"), meta::value.eq(DATASET)))
            .execute(conn)?;
        Ok::<_, StoreError>(())
    })?;
    Ok(all.len())
}

/// Every region, for the in-memory tree.
pub fn tree(conn: &mut DbConn) -> StoreResult<RegionTree> {
    let rows: Vec<RegionRow> = regions::table
        .select(RegionRow::as_select())
        .order(regions::code)
        .load(conn)?;
    let regions = rows
        .into_iter()
        .map(RegionRow::into_region)
        .collect::<StoreResult<Vec<_>>>()?;
    RegionTree::new(regions).map_err(StoreError::Data)
}

/// Number of regions per level, counted by the database:
/// [provinces, regencies, districts, villages].
pub fn counts(conn: &mut DbConn) -> StoreResult<[i64; 4]> {
    let rows: Vec<(i16, i64)> = regions::table
        .group_by(regions::level)
        .select((regions::level, diesel::dsl::count_star()))
        .load(conn)?;
    let mut out = [0; 4];
    for (level, n) in rows {
        if (1..=4).contains(&level) {
            out[(level - 1) as usize] = n;
        }
    }
    Ok(out)
}
