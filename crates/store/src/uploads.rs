//! Stored files. Bytes live in the database (one backup holds everything)
//! next to the place they belong to, so serving a file checks reach against
//! the same row. Callers check content with `lentera_core::uploads::check`
//! (and the web layer re-encodes photos) before calling [`save`].

use crate::conn::DbConn;
use crate::error::{StoreError, StoreResult};
use crate::now;
use crate::schema::uploads;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use lentera_core::ids::{LibraryId, UserId};
use lentera_core::regions::RegionCode;
use lentera_core::uploads::FileKind;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// A file to store, already checked.
pub struct NewUpload<'a> {
    pub library: Option<LibraryId>,
    /// The region the file belongs to (the library's village, or the region
    /// of a region-level record); reach is checked against it.
    pub region: &'a RegionCode,
    pub kind: FileKind,
    pub filename: String,
    pub bytes: Vec<u8>,
    /// A small JPEG for lists, for photos.
    pub thumb: Option<Vec<u8>>,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub by: Option<UserId>,
}

/// What is known about a stored file, without its bytes.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = uploads)]
pub struct UploadInfo {
    pub id: String,
    pub library_id: Option<String>,
    pub region_code: String,
    pub kind: String,
    pub filename: String,
    pub size: i64,
    pub sha256: String,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub created_at: NaiveDateTime,
}

impl UploadInfo {
    pub fn file_kind(&self) -> FileKind {
        FileKind::parse(&self.kind).unwrap_or(FileKind::Pdf)
    }
    pub fn library(&self) -> Option<LibraryId> {
        self.library_id
            .as_deref()
            .and_then(|s| LibraryId::parse(s).ok())
    }
    pub fn region(&self) -> Option<RegionCode> {
        RegionCode::parse(&self.region_code).ok()
    }
}

/// Stores a file and returns its id. Call inside the transaction that links
/// it to its record, so a failed save leaves no orphan.
pub fn save(conn: &mut DbConn, f: NewUpload<'_>) -> StoreResult<String> {
    let id = Uuid::now_v7().to_string();
    let sha = Sha256::digest(&f.bytes);
    let sha: String = sha.iter().map(|b| format!("{b:02x}")).collect();
    diesel::insert_into(uploads::table)
        .values((
            uploads::id.eq(&id),
            uploads::library_id.eq(f.library.map(|l| l.to_string())),
            uploads::region_code.eq(f.region.to_string()),
            uploads::kind.eq(f.kind.as_str()),
            uploads::filename.eq(&f.filename),
            uploads::size.eq(f.bytes.len() as i64),
            uploads::sha256.eq(sha),
            uploads::bytes.eq(&f.bytes),
            uploads::thumb.eq(f.thumb.as_deref()),
            uploads::width.eq(f.width),
            uploads::height.eq(f.height),
            uploads::created_by.eq(f.by.map(|u| u.to_string())),
            uploads::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(id)
}

/// A file's facts (for the reach check before serving it).
pub fn info(conn: &mut DbConn, id: &str) -> StoreResult<UploadInfo> {
    uploads::table
        .find(id)
        .select(UploadInfo::as_select())
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound)
}

pub fn infos(conn: &mut DbConn, ids: &[String]) -> StoreResult<Vec<UploadInfo>> {
    Ok(uploads::table
        .filter(uploads::id.eq_any(ids))
        .select(UploadInfo::as_select())
        .load(conn)?)
}

/// The file's bytes.
pub fn bytes(conn: &mut DbConn, id: &str) -> StoreResult<Vec<u8>> {
    uploads::table
        .find(id)
        .select(uploads::bytes)
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound)
}

/// The thumbnail, or the bytes themselves when there is none.
pub fn thumb(conn: &mut DbConn, id: &str) -> StoreResult<Vec<u8>> {
    let (t, b): (Option<Vec<u8>>, Vec<u8>) = uploads::table
        .find(id)
        .select((uploads::thumb, uploads::bytes))
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound)?;
    Ok(t.unwrap_or(b))
}

/// Removes a file no record points at any more.
pub fn delete(conn: &mut DbConn, id: &str) -> StoreResult<()> {
    diesel::delete(uploads::table.find(id)).execute(conn)?;
    Ok(())
}
