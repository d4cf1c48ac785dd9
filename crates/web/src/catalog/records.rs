//! What the catalogue's pages and API share: whose catalogue a request
//! reads or writes, reach checks, labels of fields and choices, and the JSON
//! shape of records and items.
//!
//! A library's own manager and staff work in its catalogue; officers and
//! facilitators whose reach includes the library read it with
//! `?library=<id>` (404 outside reach, 403 when they try to change it).

use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::state::AppState;
use chrono::Datelike;
use lentera_core::audit::ActorRef;
use lentera_core::catalog::{Collection, ItemStatus};
use lentera_core::ids::LibraryId;
use lentera_core::libraries::Library;
use lentera_core::users::Place;
use lentera_store::catalog::{self as store, Biblio, Item};
use serde_json::{Value, json};

/// The library whose catalogue a request concerns, and whether the user may
/// change it.
#[derive(Debug, Clone)]
pub(crate) struct Scope {
    pub library: Library,
    pub writable: bool,
}

impl Scope {
    pub fn require_write(&self) -> Result<(), WebError> {
        if self.writable {
            Ok(())
        } else {
            Err(WebError::Forbidden)
        }
    }

    /// `?library=…` for links, when the user reads another library.
    pub fn query(&self) -> String {
        if self.writable {
            String::new()
        } else {
            format!("?library={}", self.library.id)
        }
    }
}

pub(crate) fn place(lib: &Library) -> Place<'_> {
    Place {
        region: &lib.details.village_code,
        library: Some(lib.id),
    }
}

fn scope_of(user: &CurrentUser, lib: Library) -> Result<Scope, WebError> {
    if !user.actor.may_read_library(&place(&lib)) {
        return Err(WebError::NotFound);
    }
    Ok(Scope {
        writable: user.actor.may_work_in(lib.id),
        library: lib,
    })
}

async fn library(state: &AppState, id: LibraryId) -> Result<Library, WebError> {
    state
        .run(move |c| Ok(lentera_store::libraries::get(c, id)?))
        .await
}

/// The catalogue named by `?library=` (any library in reach), else the
/// user's own. `None` when neither applies (an officer who chose none).
pub(crate) async fn scope_for(
    state: &AppState,
    user: &CurrentUser,
    library_param: Option<&str>,
) -> Result<Option<Scope>, WebError> {
    let id = match library_param.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => LibraryId::parse(s).map_err(|_| WebError::NotFound)?,
        None => match user.actor.own_library() {
            Some(id) => id,
            None => return Ok(None),
        },
    };
    let lib = library(state, id).await?;
    scope_of(user, lib).map(Some)
}

/// The user's own catalogue, for creating records: others are 403.
pub(crate) async fn own_scope(state: &AppState, user: &CurrentUser) -> Result<Scope, WebError> {
    let id = user.actor.own_library().ok_or(WebError::Forbidden)?;
    let lib = library(state, id).await?;
    scope_of(user, lib)
}

/// A record the user may read, with its library. Unknown ids and records
/// outside reach are both 404.
pub(crate) async fn load_biblio(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
) -> Result<(Biblio, Scope), WebError> {
    let id = id.to_string();
    let b = state.run(move |c| Ok(store::get_biblio(c, &id)?)).await?;
    let lib = library(state, b.library()?).await?;
    Ok((b, scope_of(user, lib)?))
}

/// An item the user may read, with its record and library.
pub(crate) async fn load_item(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
) -> Result<(Item, Biblio, Scope), WebError> {
    let id = id.to_string();
    let (it, b) = state
        .run(move |c| {
            let it = store::get_item(c, &id)?;
            let b = store::get_biblio(c, &it.biblio_id)?;
            Ok((it, b))
        })
        .await?;
    let lib = library(state, it.library()?).await?;
    Ok((it, b, scope_of(user, lib)?))
}

pub(crate) fn this_year() -> i32 {
    lentera_store::now().year()
}

pub(crate) fn actor_ref(u: &CurrentUser) -> ActorRef {
    ActorRef {
        id: Some(u.user.id),
        username: u.user.username.clone(),
    }
}

pub(crate) fn collection_label(c: Collection, lang: Lang) -> &'static str {
    use Collection::*;
    match (c, lang) {
        (Umum, Lang::Id) => "Umum",
        (Umum, Lang::En) => "General",
        (Anak, Lang::Id) => "Anak",
        (Anak, Lang::En) => "Children",
        (Remaja, Lang::Id) => "Remaja",
        (Remaja, Lang::En) => "Young adult",
        (Referensi, Lang::Id) => "Referensi",
        (Referensi, Lang::En) => "Reference",
        (Fiksi, Lang::Id) => "Fiksi",
        (Fiksi, Lang::En) => "Fiction",
    }
}

pub(crate) fn status_label(s: ItemStatus, lang: Lang) -> &'static str {
    use ItemStatus::*;
    match (s, lang) {
        (Available, Lang::Id) => "Tersedia",
        (Available, Lang::En) => "Available",
        (OnLoan, Lang::Id) => "Dipinjam",
        (OnLoan, Lang::En) => "On loan",
        (InRepair, Lang::Id) => "Dalam perbaikan",
        (InRepair, Lang::En) => "In repair",
        (Lost, Lang::Id) => "Hilang",
        (Lost, Lang::En) => "Lost",
        (Withdrawn, Lang::Id) => "Ditarik (dikeluarkan)",
        (Withdrawn, Lang::En) => "Withdrawn",
    }
}

pub(crate) fn status_text(s: &str, lang: Lang) -> String {
    ItemStatus::parse(s)
        .map(|s| status_label(s, lang).to_string())
        .unwrap_or_else(|_| s.to_string())
}

pub(crate) fn collection_text(s: &str, lang: Lang) -> String {
    Collection::parse(s)
        .map(|c| collection_label(c, lang).to_string())
        .unwrap_or_else(|_| s.to_string())
}

pub(crate) fn collection_options(lang: Lang) -> Vec<(String, String)> {
    Collection::ALL
        .iter()
        .map(|c| (c.key().to_string(), collection_label(*c, lang).to_string()))
        .collect()
}

/// The statuses a form may set: not "on loan", which only circulation sets.
pub(crate) fn status_options(lang: Lang) -> Vec<(String, String)> {
    ItemStatus::ALL
        .iter()
        .filter(|s| **s != ItemStatus::OnLoan)
        .map(|s| (s.key().to_string(), status_label(*s, lang).to_string()))
        .collect()
}

/// Labels of the record and item fields.
pub fn field_label(field: &str, lang: Lang) -> Option<&'static str> {
    let (id, en) = match field {
        "title" => ("Judul", "Title"),
        "subtitle" => ("Anak judul", "Subtitle"),
        "authors" => ("Pengarang (satu per baris)", "Authors (one per line)"),
        "publisher" => ("Penerbit", "Publisher"),
        "place" => ("Kota terbit", "Place of publication"),
        "year" => ("Tahun terbit", "Year of publication"),
        "edition" => ("Edisi", "Edition"),
        "isbn" => ("ISBN", "ISBN"),
        "language" => ("Bahasa", "Language"),
        "ddc" => ("Klasifikasi DDC", "DDC classification"),
        "call_number" => ("Nomor panggil", "Call number"),
        "subjects" => ("Subjek (satu per baris)", "Subjects (one per line)"),
        "collection" => ("Jenis koleksi", "Collection type"),
        "notes" => ("Keterangan", "Notes"),
        "control_number" => ("Nomor kontrol", "Control number"),
        "barcode" => ("Barcode", "Barcode"),
        "location" => ("Lokasi/rak", "Location/shelf"),
        "status" => ("Status", "Status"),
        "source" => ("Sumber", "Source"),
        "acquired_on" => ("Tanggal pengadaan", "Date acquired"),
        "price" => ("Harga (Rp)", "Price (Rp)"),
        "items" => ("Eksemplar", "Items"),
        "copies" => ("Jumlah eksemplar", "Number of copies"),
        "library" => ("Perpustakaan", "Library"),
        "duplicates" => ("Hanya ISBN ganda", "Duplicate ISBNs only"),
        "choice" => ("Eksemplar yang dicetak", "Items to print"),
        "since" => ("Ditambahkan sejak", "Added since"),
        "barcodes" => ("Daftar barcode", "Barcodes"),
        "sheet" => ("Jenis kertas label", "Label sheet"),
        "skip" => (
            "Label yang sudah terpakai di lembar pertama",
            "Labels already used on the first sheet",
        ),
        _ => return None,
    };
    Some(match lang {
        Lang::Id => id,
        Lang::En => en,
    })
}

/// A record as the API shows it: the stored columns (lists as arrays), the
/// effective call number and, when known, item counts and the duplicate
/// flag.
pub(crate) fn biblio_json(b: &Biblio) -> Value {
    json!({
        "id": b.id,
        "library_id": b.library_id,
        "title": b.title,
        "subtitle": b.subtitle,
        "authors": b.authors(),
        "publisher": b.publisher,
        "place": b.place,
        "year": b.year,
        "edition": b.edition,
        "isbn": b.isbn,
        "language": b.language,
        "ddc": b.ddc,
        "call_number": b.call_number,
        "call_number_shown": b.call_number_or_default(),
        "subjects": b.subjects(),
        "collection": b.collection,
        "notes": b.notes,
        "control_number": b.control_number,
        "has_marc": b.marc.is_some(),
        "created_at": b.created_at,
        "updated_at": crate::libraries::version(&b.updated_at),
        "url": format!("/catalog/{}", b.id),
    })
}

pub(crate) fn item_json(it: &Item) -> Value {
    json!({
        "id": it.id,
        "library_id": it.library_id,
        "biblio_id": it.biblio_id,
        "barcode": it.barcode,
        "call_number": it.call_number,
        "location": it.location,
        "status": it.status,
        "source": it.source,
        "acquired_on": it.acquired_on,
        "price": it.price,
        "notes": it.notes,
        "created_at": it.created_at,
        "updated_at": crate::libraries::version(&it.updated_at),
    })
}

/// "Rp 85.000".
pub(crate) fn rupiah(n: i64) -> String {
    let s = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    format!("Rp {}{out}", if n < 0 { "-" } else { "" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_in_both_languages() {
        for c in Collection::ALL {
            assert_ne!(
                collection_label(*c, Lang::Id),
                collection_label(*c, Lang::En)
            );
        }
        for s in ItemStatus::ALL {
            assert_ne!(status_label(*s, Lang::Id), status_label(*s, Lang::En));
        }
        assert!(status_options(Lang::Id).iter().all(|(k, _)| k != "on_loan"));
        assert_eq!(rupiah(85_000), "Rp 85.000");
        assert_eq!(rupiah(1_250_000), "Rp 1.250.000");
        assert_eq!(rupiah(500), "Rp 500");
    }
}
