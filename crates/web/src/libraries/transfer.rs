//! CSV/XLSX: exports within reach, imports (page and API) and templates.
//!
//! An import is per row, not all-or-nothing: each row is checked like the
//! form, good rows are saved through the same store calls as the form (so
//! each writes its audit entry), bad rows are reported by the row number the
//! user sees in Excel. A row matching an existing library updates it only
//! when something changed, so importing the same file twice changes nothing.

use super::{
    Filters, actor_ref, kind_label, parse_checked, participation_label, place, require_registrar,
    this_year, village_path,
};
use crate::MAX_UPLOAD_BYTES;
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::html::{Frame, checkbox, page};
use crate::i18n::{Lang, Msg, field_label, problem_sentence};
use crate::session::L;
use crate::state::AppState;
use axum::Json;
use axum::extract::multipart::{Multipart, MultipartError, MultipartRejection};
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use lentera_core::audit::ActorRef;
use lentera_core::field::{Invalid, Problem, flag};
use lentera_core::ids::LibraryId;
use lentera_core::libraries::{
    LIBRARY_FIELDS, Library, LibraryDraft, LibraryForm, LibraryType, Participation,
};
use lentera_core::regions::RegionTree;
use lentera_core::users::{Actor, Place};
use lentera_store::libraries as store;
use lentera_store::{DbConn, StoreError};
use lentera_tabular::{
    Cell, ColumnKind, Format, ImportReport, Layout, Outcome, ReadOptions, Row, RowProblem,
    TableReader, TableWriter, TabularError, TemplateColumn, xlsx_template,
};
use maud::{Markup, html};
use std::collections::HashMap;
use std::sync::Arc;

crate::messages!(T {
    ImportTitle => "Impor data perpustakaan", "Import libraries";
    ImportLead => "Unggah berkas CSV atau Excel (XLSX) berisi satu perpustakaan per baris. Kolomnya dijelaskan di bawah; templat siap isi tersedia.", "Upload a CSV or Excel (XLSX) file with one library per row. The columns are described below; ready-to-fill templates are available.";
    FileHint => "CSV atau XLSX, paling besar 20 MB. Jenis berkas dikenali dari isinya, bukan dari namanya.", "CSV or XLSX, at most 20 MB. The type is recognised from the content, not the name.";
    ImportButton => "Impor", "Import";
    HowTitle => "Cara kerja impor", "How the import works";
    How1 => "Setiap baris diperiksa seperti formulir. Baris yang benar disimpan; baris yang salah dilaporkan dengan nomor barisnya (seperti di Excel: baris judul = baris 1), kolom dan masalahnya. Baris lain tetap tersimpan — impor tidak dibatalkan seluruhnya karena satu baris salah.", "Each row is checked like the form. Good rows are saved; bad rows are reported with their row number (as in Excel: the header is row 1), column and problem. The other rows are still saved — one bad row does not cancel the import.";
    How2 => "Baris yang cocok dengan perpustakaan yang sudah terdaftar — NPP sama, atau nama sama di desa/kelurahan yang sama, atau kolom id dari berkas ekspor — memperbarui data itu bila ada yang berubah, dan dihitung \"tidak berubah\" bila sama. Mengimpor berkas yang sama dua kali tidak mengubah apa pun.", "A row that matches a registered library — same NPP, or same name in the same village, or the id column of an exported file — updates it when something changed, and counts as \"unchanged\" otherwise. Importing the same file twice changes nothing.";
    How3 => "Saat memperbarui, kolom yang tidak ada di berkas tidak mengubah data yang tersimpan; sel kosong pada kolom yang ada mengosongkan isian itu.", "When updating, columns missing from the file leave the stored values alone; an empty cell in a column that is present clears that value.";
    How4 => "Baris dengan desa/kelurahan di luar wilayah kewenangan Anda ditolak.", "Rows whose village is outside your reach are rejected.";
    How5 => "Bila kolom wajib (kind, name, village_code) tidak ada, seluruh berkas ditolak dan tidak ada yang disimpan. Berkas yang bukan CSV atau XLSX (misalnya .xls lama, ODS, gambar, PDF) juga ditolak.", "If a required column (kind, name, village_code) is missing, the whole file is rejected and nothing is saved. Files that are not CSV or XLSX (old .xls, ODS, images, PDF, …) are rejected too.";
    How6 => "CSV boleh dipisah koma, titik koma atau tab, dengan enkode UTF-8 atau Windows-1252. Judul kolom tidak membedakan huruf besar/kecil, spasi atau garis bawah; baris judul laporan di atas baris judul kolom dilewati.", "CSV may be separated by commas, semicolons or tabs, encoded as UTF-8 or Windows-1252. Column headers ignore case, spaces and underscores; title rows above the header row are skipped.";
    How7 => "Centang \"Periksa saja\" untuk melihat laporannya tanpa menyimpan apa pun. Mengaktifkan atau menonaktifkan perpustakaan tidak dilakukan lewat impor.", "Tick \"Check only\" to see the report without saving anything. Libraries are not activated or deactivated by an import.";
    TemplateTitle => "Templat", "Templates";
    TemplateXlsx => "Templat Excel (XLSX) dengan petunjuk", "Excel (XLSX) template with instructions";
    TemplateCsv => "Templat CSV (baris judul saja)", "CSV template (header row only)";
    ColumnsTitle => "Kolom", "Columns";
    ColumnsCaption => "Kolom berkas impor dan ekspor", "Columns of import and export files";
    ColColumn => "Kolom", "Column";
    ColAliases => "Judul lain yang diterima", "Other accepted headers";
    ColRequired => "Wajib", "Required";
    ColContent => "Isian", "Content";
    ExportOnly => "Dari berkas ekspor: id menunjuk perpustakaan yang diperbarui; active dan village_path hanya informasi dan diabaikan.", "From export files: id identifies the library to update; active and village_path are for information and are ignored.";
    ResultTitle => "Hasil impor", "Import result";
    DryRunNote => "Ini pemeriksaan saja: tidak ada yang disimpan.", "This was a check only: nothing was saved.";
    Read => "Baris dibaca", "Rows read";
    Inserted => "Ditambahkan", "Added";
    Updated => "Diperbarui", "Updated";
    Unchanged => "Tidak berubah", "Unchanged";
    Rejected => "Ditolak", "Rejected";
    ProblemsCaption => "Baris yang ditolak dan masalahnya", "Rejected rows and their problems";
    Row => "Baris", "Row";
    Column => "Kolom", "Column";
    Problem => "Masalah", "Problem";
    Omitted => "… dan {n} masalah lain tidak ditampilkan.", "… and {n} more problems not shown.";
    Warnings => "Catatan", "Notes";
    ImportAnother => "Impor berkas lain", "Import another file";
    HelpKind => "Salah satu kode berikut:", "One of these codes:";
    HelpName => "Nama perpustakaan, paling banyak 200 karakter.", "The library's name, at most 200 characters.";
    HelpNpp => "Bila ada: 6 angka kode kecamatan diikuti 6–14 huruf/angka (spasi, titik dan tanda hubung boleh).", "If it has one: the 6-digit district code followed by 6–14 letters/digits (spaces, dots and dashes allowed).";
    HelpVillage => "Kode desa/kelurahan Kemendagri, 10 angka, boleh bertitik (35.20.01.2001).", "The Kemendagri village code, 10 digits, dots allowed (35.20.01.2001).";
    HelpText => "Teks bebas.", "Free text.";
    HelpLat => "Angka desimal antara -11,5 dan 6,5. Isi lintang dan bujur bersama, atau kosongkan keduanya.", "A decimal between -11.5 and 6.5. Give both latitude and longitude, or neither.";
    HelpLon => "Angka desimal antara 94,5 dan 141,5.", "A decimal between 94.5 and 141.5.";
    HelpPhone => "8–15 angka; boleh +, spasi dan tanda hubung.", "8–15 digits; +, spaces and dashes allowed.";
    HelpEmail => "Alamat surel.", "An e-mail address.";
    HelpHours => "Angka 0–24, boleh desimal.", "A number from 0 to 24, decimals allowed.";
    HelpCount => "Bilangan bulat 0–10.000.", "A whole number from 0 to 10,000.";
    HelpArea => "Angka, boleh desimal.", "A number, decimals allowed.";
    HelpInternet => "ya/tidak (juga 1/0, true/false). Kosong berarti tidak.", "yes/no (also 1/0, true/false). Empty means no.";
    HelpParticipation => "Salah satu kode berikut (kosong berarti none):", "One of these codes (empty means none):";
    HelpCohort => "Tahun, 2018 sampai tahun depan. Wajib bila ikut TPBIS.", "A year from 2018 to next year. Required when taking part in TPBIS.";
});

/// Import columns: the form's keys first (they are also the export's
/// headers), then header texts people write for them.
const COLUMNS: &[(&str, &[&str])] = &[
    (
        "kind",
        &[
            "jenis",
            "jenis perpustakaan",
            "tipe",
            "library type",
            "type",
        ],
    ),
    ("name", &["nama", "nama perpustakaan", "library name"]),
    ("npp", &["nomor pokok perpustakaan", "no npp", "nomor npp"]),
    (
        "village_code",
        &[
            "kode_desa",
            "kode desa",
            "kode desa/kelurahan",
            "kode kelurahan",
            "kode wilayah",
            "village code",
        ],
    ),
    ("address", &["alamat", "alamat lengkap"]),
    ("latitude", &["lintang", "lat"]),
    ("longitude", &["bujur", "lon", "lng", "long"]),
    (
        "contact_name",
        &["nama kontak", "kontak", "narahubung", "contact"],
    ),
    (
        "phone",
        &[
            "telepon",
            "nomor telepon",
            "no telp",
            "telp",
            "no hp",
            "hp",
            "phone number",
        ],
    ),
    ("email", &["surel", "e-mail", "alamat surel"]),
    (
        "opening_hours",
        &["jam buka", "jam layanan", "hari dan jam buka"],
    ),
    (
        "hours_per_day",
        &[
            "jam buka per hari",
            "rata-rata jam buka per hari",
            "jam per hari",
        ],
    ),
    (
        "staff_count",
        &[
            "jumlah tenaga pengelola",
            "jumlah pengelola",
            "jumlah staf",
            "staff",
        ],
    ),
    (
        "floor_area_m2",
        &[
            "luas ruang",
            "luas ruang (m2)",
            "luas ruang (m²)",
            "luas",
            "floor area",
        ],
    ),
    ("computers", &["jumlah komputer", "komputer"]),
    ("has_internet", &["akses internet", "internet"]),
    (
        "participation",
        &[
            "keikutsertaan tpbis",
            "tpbis",
            "keikutsertaan",
            "partisipasi tpbis",
        ],
    ),
    (
        "cohort_year",
        &["tahun angkatan tpbis", "tahun angkatan", "angkatan"],
    ),
];

/// Columns an export adds after the form's; `id` also identifies the
/// library on re-import, the others are information and are ignored.
const EXPORT_ONLY: &[&str] = &["village_path", "active", "id"];

const REQUIRED: &[&str] = &["kind", "name", "village_code"];

/// The import layout: every form field (kind, name and village_code
/// required) plus the export-only columns, so an export re-imports cleanly.
pub fn import_layout() -> Layout {
    let mut layout = Layout::new();
    for (key, aliases) in COLUMNS {
        layout = if REQUIRED.contains(key) {
            layout.required(*key, aliases)
        } else {
            layout.optional(*key, aliases)
        };
    }
    layout
        .optional("village_path", &[])
        .optional("active", &["aktif"])
        .optional("id", &[])
}

fn tabular_lang(lang: Lang) -> lentera_tabular::Lang {
    match lang {
        Lang::Id => lentera_tabular::Lang::Id,
        Lang::En => lentera_tabular::Lang::En,
    }
}

fn column_help(key: &str, lang: Lang) -> String {
    let kinds = || {
        LibraryType::ALL
            .iter()
            .map(|k| format!("{} ({})", k.key(), kind_label(*k, lang)))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let parts = || {
        Participation::ALL
            .iter()
            .map(|p| format!("{} ({})", p.key(), participation_label(*p, lang)))
            .collect::<Vec<_>>()
            .join("; ")
    };
    match key {
        "kind" => format!("{} {}", T::HelpKind.get(lang), kinds()),
        "name" => T::HelpName.get(lang).into(),
        "npp" => T::HelpNpp.get(lang).into(),
        "village_code" => T::HelpVillage.get(lang).into(),
        "latitude" => T::HelpLat.get(lang).into(),
        "longitude" => T::HelpLon.get(lang).into(),
        "phone" => T::HelpPhone.get(lang).into(),
        "email" => T::HelpEmail.get(lang).into(),
        "hours_per_day" => T::HelpHours.get(lang).into(),
        "staff_count" | "computers" => T::HelpCount.get(lang).into(),
        "floor_area_m2" => T::HelpArea.get(lang).into(),
        "has_internet" => T::HelpInternet.get(lang).into(),
        "participation" => format!("{} {}", T::HelpParticipation.get(lang), parts()),
        "cohort_year" => T::HelpCohort.get(lang).into(),
        _ => T::HelpText.get(lang).into(),
    }
}

fn column_kind(key: &str) -> ColumnKind {
    match key {
        "latitude" | "longitude" | "hours_per_day" | "floor_area_m2" => ColumnKind::Decimal,
        "staff_count" | "computers" | "cohort_year" => ColumnKind::Integer,
        "has_internet" => ColumnKind::Bool,
        _ => ColumnKind::Text,
    }
}

fn example(key: &str) -> &'static str {
    match key {
        "kind" => "desa",
        "name" => "Perpustakaan Desa Sukamaju",
        "npp" => "352001 2D1 000001",
        "village_code" => "3520012001",
        "address" => "Jl. Raya Desa No. 1",
        "latitude" => "-7,6512",
        "longitude" => "111,3298",
        "contact_name" => "Siti Aminah",
        "phone" => "0812 3456 7890",
        "email" => "perpusdesa@example.id",
        "opening_hours" => "Senin–Sabtu 08.00–15.00",
        "hours_per_day" => "7",
        "staff_count" => "2",
        "floor_area_m2" => "36",
        "computers" => "3",
        "has_internet" => "ya",
        "participation" => "full_support",
        "cohort_year" => "2023",
        _ => "",
    }
}

fn format_param(pairs: &[(String, String)]) -> Result<Format, WebError> {
    let v = pairs
        .iter()
        .find(|(k, _)| k == "format")
        .map(|(_, v)| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    match v.as_str() {
        "" | "csv" => Ok(Format::Csv),
        "xlsx" => Ok(Format::Xlsx),
        _ => Err(Invalid::one("format", Problem::UnknownChoice).into()),
    }
}

fn flag_param(pairs: &[(String, String)], key: &'static str) -> Result<bool, WebError> {
    match pairs.iter().find(|(k, _)| k == key) {
        None => Ok(false),
        Some((_, v)) => flag(v).map_err(|p| Invalid::one(key, p).into()),
    }
}

fn download(bytes: Vec<u8>, format: Format, stem: &str) -> Result<Response, WebError> {
    let name = format!(
        "{stem}-{}.{}",
        lentera_store::now().format("%Y%m%d"),
        format.extension()
    );
    let bad = |e: axum::http::header::InvalidHeaderValue| WebError::Internal(e.to_string());
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.mime_type()),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")).map_err(bad)?,
    );
    Ok(res)
}

fn write_error(e: TabularError) -> WebError {
    WebError::Internal(format!("writing a table: {e:?}"))
}

// ---------------------------------------------------------------- export

/// One exported cell of a library, by column key.
fn cell<'a>(regions: &RegionTree, lib: &'a Library, key: &str) -> Cell<'a> {
    let d = &lib.details;
    match key {
        "kind" => Cell::from(d.kind.key()),
        "name" => Cell::from(d.name.as_str()),
        "npp" => Cell::from(d.npp.as_ref().map(|n| n.as_str())),
        "village_code" => Cell::from(d.village_code.as_str()),
        "address" => Cell::from(d.address.as_str()),
        "latitude" => Cell::from(d.latitude),
        "longitude" => Cell::from(d.longitude),
        "contact_name" => Cell::from(d.contact_name.as_deref()),
        "phone" => Cell::from(d.phone.as_deref()),
        "email" => Cell::from(d.email.as_deref()),
        "opening_hours" => Cell::from(d.opening_hours.as_deref()),
        "hours_per_day" => Cell::from(d.hours_per_day),
        "staff_count" => Cell::from(d.staff_count),
        "floor_area_m2" => Cell::from(d.floor_area_m2),
        "computers" => Cell::from(d.computers),
        "has_internet" => Cell::from(d.has_internet),
        "participation" => Cell::from(d.participation.key()),
        "cohort_year" => Cell::from(d.cohort_year),
        "village_path" => Cell::from(village_path(regions, &d.village_code)),
        "active" => Cell::from(lib.active),
        "id" => Cell::from(lib.id.to_string()),
        _ => Cell::Empty,
    }
}

fn export_headers() -> Vec<&'static str> {
    LIBRARY_FIELDS.iter().chain(EXPORT_ONLY).copied().collect()
}

fn write_libraries(
    regions: &RegionTree,
    libs: &[Library],
    format: Format,
    lang: Lang,
) -> Result<Vec<u8>, TabularError> {
    let mut w = TableWriter::new(format, Vec::new())?;
    if format == Format::Xlsx {
        w = w.with_sheet_name(Msg::Libraries.get(lang))?;
    }
    let headers = export_headers();
    w.write_header(&headers)?;
    for lib in libs {
        let row: Vec<Cell<'_>> = headers.iter().map(|k| cell(regions, lib, k)).collect();
        w.write_row(&row)?;
    }
    w.finish()
}

/// `GET /libraries/export` and `/api/v1/libraries/export`: the list's
/// filters, always within the caller's reach.
pub(super) async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let format = format_param(&pairs)?;
    let mut q = Filters::from_pairs(&pairs).query(user.actor.reach(), 1000)?;
    let regions = state.regions.clone();
    let bytes = state
        .run(move |conn| {
            // Pages keep each query bounded; the file is built in memory
            // either way (XLSX needs the whole sheet).
            q.page = 1;
            q.per_page = 1000;
            let mut libs = Vec::new();
            loop {
                let page = store::list(conn, &q)?;
                let done = page.items.is_empty() || q.page * q.per_page >= page.total;
                libs.extend(page.items);
                if done {
                    break;
                }
                q.page += 1;
            }
            write_libraries(&regions, &libs, format, lang).map_err(write_error)
        })
        .await?;
    download(bytes, format, lang_stem(lang))
}

fn lang_stem(lang: Lang) -> &'static str {
    match lang {
        Lang::Id => "perpustakaan",
        Lang::En => "libraries",
    }
}

/// `GET /libraries/import/template?format=xlsx|csv`.
pub(super) async fn template(
    _user: CurrentUser,
    L(lang): L,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let format = format_param(&pairs)?;
    let bytes = match format {
        Format::Csv => {
            let mut w = TableWriter::new(Format::Csv, Vec::new()).map_err(write_error)?;
            w.write_header(LIBRARY_FIELDS).map_err(write_error)?;
            w.finish().map_err(write_error)?
        }
        Format::Xlsx => {
            let help: Vec<String> = LIBRARY_FIELDS
                .iter()
                .map(|k| format!("{}. {}", field_label(k, lang), column_help(k, lang)))
                .collect();
            let columns: Vec<TemplateColumn<'_>> = LIBRARY_FIELDS
                .iter()
                .zip(&help)
                .map(|(k, h)| TemplateColumn {
                    header: k,
                    description: h,
                    example: example(k),
                    required: REQUIRED.contains(k),
                    kind: column_kind(k),
                })
                .collect();
            xlsx_template(Msg::Libraries.get(lang), &columns, tabular_lang(lang))
                .map_err(write_error)?
        }
    };
    let stem = match lang {
        Lang::Id => "templat-perpustakaan",
        Lang::En => "library-template",
    };
    download(bytes, format, stem)
}

// ---------------------------------------------------------------- import

/// What happened to one row.
enum RowResult {
    Done(Outcome),
    Rejected(Invalid),
    /// Someone saved the library while the import ran.
    Conflict,
}

/// Per-import state: who imports, and for dry runs what would have been
/// saved, so later rows about the same library count as they would for real.
struct Importer {
    regions: Arc<RegionTree>,
    actor: Actor,
    by: ActorRef,
    dry_run: bool,
    /// Dry runs: libraries that would have been inserted, by match key.
    pending: HashMap<String, usize>,
    pending_drafts: Vec<LibraryDraft>,
    /// Dry runs: libraries as they would have been updated.
    pending_updates: HashMap<LibraryId, Library>,
}

fn match_keys(d: &LibraryDraft) -> Vec<String> {
    let mut keys = vec![format!("v:{}:{}", d.village_code, d.name_key())];
    if let Some(n) = &d.npp {
        keys.insert(0, format!("n:{}", n.as_str()));
    }
    keys
}

impl Importer {
    /// The stored library a row refers to: the exported `id` when it names
    /// one within reach, else [`store::find_existing`] (NPP, else village
    /// and name). `probe` carries only what identifies a library.
    fn target(
        &self,
        conn: &mut DbConn,
        row: &Row,
        probe: &LibraryDraft,
    ) -> Result<Option<Library>, WebError> {
        let by_id = match row.get("id").map(LibraryId::parse) {
            Some(Ok(id)) => match store::get(conn, id) {
                Ok(lib) if self.actor.may_register_library(&place(&lib)) => Some(lib),
                Ok(_) | Err(StoreError::NotFound) => None,
                Err(e) => return Err(e.into()),
            },
            _ => None,
        };
        let found = match by_id {
            Some(lib) => Some(lib),
            None => store::find_existing(conn, probe)?,
        };
        Ok(found.map(|lib| self.pending_updates.get(&lib.id).cloned().unwrap_or(lib)))
    }

    fn row(&mut self, conn: &mut DbConn, row: &Row) -> Result<RowResult, WebError> {
        let mut typed = LibraryForm::default();
        for key in LIBRARY_FIELDS {
            if let Some(v) = row.get(key) {
                typed.set(key, v);
            }
        }
        // Finding the library needs only its NPP, village and name; the
        // other columns may be absent from the file and come from the
        // stored record, so they are checked only after the match.
        let probe_form = LibraryForm {
            kind: LibraryType::Lainnya.key().into(),
            name: typed.name.clone(),
            npp: typed.npp.clone(),
            village_code: typed.village_code.clone(),
            ..Default::default()
        };
        let target = match LibraryDraft::parse(&probe_form, &self.regions, this_year()) {
            // A row placed outside reach is refused below without looking
            // anything up, so the answer does not depend on what exists there.
            Ok(probe)
                if self.actor.may_register_library(&Place {
                    region: &probe.village_code,
                    library: None,
                }) =>
            {
                self.target(conn, row, &probe)?
            }
            // The full parse below names the problem.
            _ => None,
        };
        if let Some(t) = &target
            && !self.actor.may_register_library(&place(t))
        {
            // Only an NPP can match a library outside reach: it is taken.
            return Ok(RowResult::Rejected(Invalid::one("npp", Problem::Duplicate)));
        }
        let form = match &target {
            Some(t) => {
                let mut f = t.to_form();
                for key in LIBRARY_FIELDS {
                    if row.has_column(key) {
                        f.set(key, row.get(key).unwrap_or(""));
                    }
                }
                f
            }
            None => typed,
        };
        let draft = match parse_checked(&self.regions, &self.actor, &form, target.as_ref()) {
            Ok(d) => d,
            Err(e) => return Ok(RowResult::Rejected(e)),
        };
        match target {
            Some(t) if t.details == draft => Ok(RowResult::Done(Outcome::Unchanged)),
            Some(t) if self.dry_run => {
                self.pending_updates.insert(
                    t.id,
                    Library {
                        details: draft,
                        ..t
                    },
                );
                Ok(RowResult::Done(Outcome::Updated))
            }
            Some(t) => match store::update(conn, &self.by, t.id, &draft, Some(t.updated_at)) {
                Ok(_) => Ok(RowResult::Done(Outcome::Updated)),
                Err(StoreError::Invalid(e)) => Ok(RowResult::Rejected(e)),
                Err(StoreError::Conflict) => Ok(RowResult::Conflict),
                Err(e) => Err(e.into()),
            },
            None if self.dry_run => Ok(RowResult::Done(self.simulate_insert(draft))),
            None => match store::create(conn, &self.by, &draft) {
                Ok(_) => Ok(RowResult::Done(Outcome::Inserted)),
                Err(StoreError::Invalid(e)) => Ok(RowResult::Rejected(e)),
                Err(e) => Err(e.into()),
            },
        }
    }

    fn simulate_insert(&mut self, draft: LibraryDraft) -> Outcome {
        let keys = match_keys(&draft);
        if let Some(&i) = keys.iter().find_map(|k| self.pending.get(k)) {
            let outcome = if self.pending_drafts[i] == draft {
                Outcome::Unchanged
            } else {
                Outcome::Updated
            };
            self.pending_drafts[i] = draft;
            return outcome;
        }
        let i = self.pending_drafts.len();
        for k in keys {
            self.pending.insert(k, i);
        }
        self.pending_drafts.push(draft);
        Outcome::Inserted
    }
}

/// The column a problem is about, as the file calls it.
fn column_of(row: &Row, field: &str) -> String {
    if row.has_column(field) {
        row.header_text(field).unwrap_or(field).to_string()
    } else {
        field.to_string()
    }
}

/// Reads and applies a file. `Ok(Err(_))` means the file as a whole was
/// refused before any row was saved.
fn run_import(
    conn: &mut DbConn,
    imp: &mut Importer,
    bytes: Vec<u8>,
    lang: Lang,
    cap: usize,
) -> Result<Result<ImportReport, TabularError>, WebError> {
    let options = ReadOptions {
        max_input_bytes: MAX_UPLOAD_BYTES as u64,
        ..ReadOptions::default()
    };
    let tl = tabular_lang(lang);
    let mut reader = match TableReader::from_bytes(bytes, &import_layout(), &options) {
        Ok(r) => r,
        Err(TabularError::TooLarge {
            limit: lentera_tabular::Limit::InputBytes,
            ..
        }) => {
            return Err(WebError::TooLarge {
                max_bytes: MAX_UPLOAD_BYTES,
            });
        }
        Err(e) => return Ok(Err(e)),
    };
    let mut report = ImportReport::with_problem_cap(cap);
    for item in reader.by_ref() {
        let row = match item {
            Ok(row) => row,
            Err(e) if e.is_row_error() => {
                report.row_read();
                report.reject_error(&e, tl);
                continue;
            }
            Err(e) => {
                // Rows before this point are saved; say where reading stopped.
                report.add_problem(RowProblem::from_error(&e, tl));
                break;
            }
        };
        report.row_read();
        match imp.row(conn, &row)? {
            RowResult::Done(outcome) => report.record(outcome),
            RowResult::Rejected(errors) => {
                for (i, e) in errors.0.iter().enumerate() {
                    let p = RowProblem::new(
                        row.number(),
                        Some(&column_of(&row, e.field)),
                        problem_sentence(e.field, &e.problem, lang),
                    );
                    if i == 0 {
                        report.reject(p);
                    } else {
                        report.add_problem(p);
                    }
                }
            }
            RowResult::Conflict => report.reject(RowProblem::new(
                row.number(),
                None,
                Msg::ErrConflict.get(lang),
            )),
        }
    }
    report.add_warnings(reader.warnings(), tl);
    Ok(Ok(report))
}

async fn import(
    state: &AppState,
    user: &CurrentUser,
    lang: Lang,
    bytes: Vec<u8>,
    dry_run: bool,
    cap: usize,
) -> Result<Result<ImportReport, TabularError>, WebError> {
    let mut imp = Importer {
        regions: state.regions.clone(),
        actor: user.actor.clone(),
        by: actor_ref(user),
        dry_run,
        pending: HashMap::new(),
        pending_drafts: Vec::new(),
        pending_updates: HashMap::new(),
    };
    state
        .run(move |conn| run_import(conn, &mut imp, bytes, lang, cap))
        .await
}

struct Upload {
    file: Option<Vec<u8>>,
    dry_run: bool,
}

fn multipart_error(e: MultipartError) -> WebError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        WebError::TooLarge {
            max_bytes: MAX_UPLOAD_BYTES,
        }
    } else {
        WebError::BadRequest(e.body_text())
    }
}

async fn read_upload(multipart: Result<Multipart, MultipartRejection>) -> Result<Upload, WebError> {
    let mut mp = multipart.map_err(|e| WebError::BadRequest(e.body_text()))?;
    let mut up = Upload {
        file: None,
        dry_run: false,
    };
    while let Some(field) = mp.next_field().await.map_err(multipart_error)? {
        match field.name().map(str::to_string).as_deref() {
            Some("file") => {
                let bytes = field.bytes().await.map_err(multipart_error)?;
                if bytes.len() > MAX_UPLOAD_BYTES {
                    return Err(WebError::TooLarge {
                        max_bytes: MAX_UPLOAD_BYTES,
                    });
                }
                up.file = Some(bytes.to_vec());
            }
            Some("dry_run") => {
                let text = field.text().await.map_err(multipart_error)?;
                up.dry_run = flag(&text).unwrap_or(false);
            }
            _ => {}
        }
    }
    Ok(up)
}

/// Problems shown on the page; more would make it heavy on a slow line.
const PAGE_PROBLEM_CAP: usize = 200;

fn frame<'a>(lang: Lang, user: &'a CurrentUser) -> Frame<'a> {
    Frame {
        lang,
        user: Some(user),
        path: "/libraries",
    }
}

fn import_form_page(frame: &Frame<'_>, file_error: Option<String>) -> Markup {
    let lang = frame.lang;
    let yes_no = |b: bool| {
        if b {
            Msg::Yes.get(lang)
        } else {
            Msg::No.get(lang)
        }
    };
    let action = format!(
        "/libraries/import?csrf={}",
        crate::html::url_encode(frame.csrf())
    );
    let described = if file_error.is_some() {
        "h-file e-file"
    } else {
        "h-file"
    };
    let layout = import_layout();
    let body = html! {
        @if let Some(msg) = &file_error {
            div.error-summary role="alert" tabindex="-1" aria-labelledby="error-summary-title" data-autofocus {
                h2 #error-summary-title { (Msg::ErrorSummaryTitle.get(lang)) }
                ul { li { a href="#f-file" { (msg) } } }
            }
        }
        p.lead { (T::ImportLead.get(lang)) }
        form method="post" action=(action) enctype="multipart/form-data" {
            div.field.has-error[file_error.is_some()] {
                label for="f-file" { (field_label("file", lang)) }
                p.hint #h-file { (T::FileHint.get(lang)) }
                @if let Some(msg) = &file_error { p.error-message #e-file { (msg) } }
                input #f-file type="file" name="file" required
                    accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                    aria-invalid=[file_error.as_ref().map(|_| "true")] aria-describedby=(described);
            }
            (checkbox("dry_run", false, lang))
            div.actions { button type="submit" { (T::ImportButton.get(lang)) } }
        }
        h2 { (T::TemplateTitle.get(lang)) }
        ul {
            li { a href="/libraries/import/template?format=xlsx" download { (T::TemplateXlsx.get(lang)) } }
            li { a href="/libraries/import/template?format=csv" download { (T::TemplateCsv.get(lang)) } }
        }
        h2 { (T::HowTitle.get(lang)) }
        ul {
            @for m in [T::How1, T::How2, T::How3, T::How4, T::How5, T::How6, T::How7] { li { (m.get(lang)) } }
        }
        h2 { (T::ColumnsTitle.get(lang)) }
        div.table-wrap {
            table {
                caption { (T::ColumnsCaption.get(lang)) }
                thead { tr {
                    th scope="col" { (T::ColColumn.get(lang)) }
                    th scope="col" { (T::ColAliases.get(lang)) }
                    th scope="col" { (T::ColRequired.get(lang)) }
                    th scope="col" { (T::ColContent.get(lang)) }
                } }
                tbody {
                    @for c in layout.columns() {
                        @if !EXPORT_ONLY.contains(&c.key()) {
                            tr {
                                th scope="row" { code { (c.key()) } br; small { (field_label(c.key(), lang)) } }
                                td { (c.aliases().join(", ")) }
                                td { (yes_no(c.is_required())) }
                                td { (column_help(c.key(), lang)) }
                            }
                        }
                    }
                    tr {
                        th scope="row" { @for (i, k) in EXPORT_ONLY.iter().enumerate() { @if i > 0 { ", " } code { (k) } } }
                        td { "aktif (active)" }
                        td { (yes_no(false)) }
                        td { (T::ExportOnly.get(lang)) }
                    }
                }
            }
        }
    };
    page(frame, T::ImportTitle.get(lang), body)
}

fn report_page(frame: &Frame<'_>, report: &ImportReport, dry_run: bool) -> Markup {
    let lang = frame.lang;
    let n = |v: u64| crate::regions::fmt_thousands(v as usize, lang);
    let body = html! {
        @if dry_run { div.warn { (T::DryRunNote.get(lang)) } }
        p.lead role="status" { (report.summary(tabular_lang(lang))) }
        dl.summary {
            dt { (T::Read.get(lang)) } dd { (n(report.read)) }
            dt { (T::Inserted.get(lang)) } dd { (n(report.inserted)) }
            dt { (T::Updated.get(lang)) } dd { (n(report.updated)) }
            dt { (T::Unchanged.get(lang)) } dd { (n(report.unchanged)) }
            dt { (T::Rejected.get(lang)) } dd { (n(report.rejected)) }
        }
        @if !report.problems.is_empty() {
            div.table-wrap {
                table {
                    caption { (T::ProblemsCaption.get(lang)) }
                    thead { tr {
                        th scope="col" .num { (T::Row.get(lang)) }
                        th scope="col" { (T::Column.get(lang)) }
                        th scope="col" { (T::Problem.get(lang)) }
                    } }
                    tbody {
                        @for p in &report.problems {
                            tr {
                                td.num { @if p.row > 0 { (p.row) } @else { "—" } }
                                td { (p.column.as_deref().unwrap_or("—")) }
                                td { (p.message) }
                            }
                        }
                    }
                }
            }
            @if report.problems_omitted() > 0 {
                p { (T::Omitted.get(lang).replace("{n}", &n(report.problems_omitted()))) }
            }
        }
        @if !report.warnings.is_empty() {
            h2 { (T::Warnings.get(lang)) }
            ul {
                @for w in &report.warnings {
                    li { @if w.row > 0 { (T::Row.get(lang)) " " (w.row) ": " } (w.message) }
                }
            }
        }
        p {
            a href="/libraries/import" { (T::ImportAnother.get(lang)) }
            " · "
            a href="/libraries" { (Msg::Libraries.get(lang)) }
        }
    };
    page(frame, T::ResultTitle.get(lang), body)
}

fn with_status(m: Markup, status: StatusCode) -> Response {
    let mut res = m.into_response();
    *res.status_mut() = status;
    res
}

/// `GET /libraries/import`: the upload form and the column layout.
pub(super) async fn import_page(user: CurrentUser, L(lang): L) -> Result<Response, WebError> {
    require_registrar(&user.actor)?;
    Ok(import_form_page(&frame(lang, &user), None).into_response())
}

/// `POST /libraries/import` (multipart; CSRF in the query).
pub(super) async fn import_submit(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Query(pairs): Query<Vec<(String, String)>>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    require_registrar(&user.actor)?;
    let upload = read_upload(multipart).await?;
    let dry_run = upload.dry_run || flag_param(&pairs, "dry_run")?;
    let frame = frame(lang, &user);
    let Some(bytes) = upload.file.filter(|b| !b.is_empty()) else {
        let msg = problem_sentence("file", &Problem::Required, lang);
        return Ok(with_status(
            import_form_page(&frame, Some(msg)),
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    };
    match import(&state, &user, lang, bytes, dry_run, PAGE_PROBLEM_CAP).await? {
        Ok(report) => Ok(report_page(&frame, &report, dry_run).into_response()),
        Err(e) => Ok(with_status(
            import_form_page(&frame, Some(e.message(tabular_lang(lang)))),
            StatusCode::UNPROCESSABLE_ENTITY,
        )),
    }
}

/// `POST /api/v1/libraries/import[?dry_run=true]`: the report as JSON; a
/// file refused as a whole is a 422 naming `file`.
pub(super) async fn api_import(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Query(pairs): Query<Vec<(String, String)>>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    require_registrar(&user.actor)?;
    let dry_run = flag_param(&pairs, "dry_run")?;
    let upload = read_upload(multipart).await?;
    let dry_run = dry_run || upload.dry_run;
    let bytes = upload
        .file
        .filter(|b| !b.is_empty())
        .ok_or_else(|| WebError::Invalid(Invalid::one("file", Problem::Required)))?;
    match import(
        &state,
        &user,
        lang,
        bytes,
        dry_run,
        lentera_tabular::DEFAULT_PROBLEM_CAP,
    )
    .await?
    {
        Ok(report) => {
            let mut v =
                serde_json::to_value(&report).map_err(|e| WebError::Internal(e.to_string()))?;
            if let Some(o) = v.as_object_mut() {
                o.insert("dry_run".into(), dry_run.into());
            }
            Ok(Json(v).into_response())
        }
        Err(e) => {
            let message = e.message(tabular_lang(lang));
            let body = serde_json::json!({ "error": {
                "code": WebError::Invalid(Invalid::default()).code(),
                "message": message,
                "fields": [{ "field": "file", "code": e.key(), "message": message }],
            }});
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_covers_every_field_without_clashes() {
        // Layout::column debug-asserts that no alias is ambiguous.
        let layout = import_layout();
        for key in LIBRARY_FIELDS.iter().chain(EXPORT_ONLY) {
            assert!(layout.get(key).is_some(), "{key}");
        }
        assert_eq!(
            layout.match_header("Kode Desa").map(|c| c.key()),
            Some("village_code")
        );
        assert_eq!(layout.match_header("JENIS").map(|c| c.key()), Some("kind"));
        let required: Vec<_> = layout
            .columns()
            .iter()
            .filter(|c| c.is_required())
            .map(|c| c.key())
            .collect();
        assert_eq!(required, REQUIRED);
    }

    #[test]
    fn export_headers_are_import_columns() {
        let layout = import_layout();
        for h in export_headers() {
            assert_eq!(layout.match_header(h).map(|c| c.key()), Some(h));
        }
    }
}
