//! `/aid`: the allocation list with its status counts and late badges, the
//! packages, allocation (one library or every accepted proposal of a year),
//! shipments (one component or a whole package's), the receipt form built
//! for a phone, and the aid books into the catalogue.
//!
//! Forms with files (packages, receipts) are multipart and carry their CSRF
//! token in the action URL; the others are ordinary urlencoded forms.

use super::{
    Filter, T, actor_ref, condition_label, kind_label, may_distribute, may_manage_packages,
    may_receive, param, readable, status_label, this_year, today, today_at,
};
use crate::auth::CurrentUser;
use crate::catalog::transfer::{position_text, reason_text, refusal_text};
use crate::error::WebError;
use crate::html::{
    Field, Frame, checkbox, csrf_field, error_summary, input, notice, page, pager, select,
    textarea, url_encode,
};
use crate::i18n::{Lang, field_label, problem_sentence};
use crate::session::L;
use crate::state::AppState;
use crate::uploads::{self, FilePart, FormData};
use axum::Form;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use lentera_core::aid::{
    AllocationDraft, AllocationForm, AllocationStatus, BulkDraft, BulkForm, COMPONENT_KIND_FIELDS,
    COMPONENT_LABEL_FIELDS, COMPONENT_QUANTITY_FIELDS, ComponentKind, Condition, MAX_COMPONENTS,
    PackageDraft, PackageForm, ReceiptDraft, ReceiptForm, ShipmentDraft, ShipmentForm, item_source,
};
use lentera_core::field::{Invalid, Problem};
use lentera_core::regions::RegionCode;
use lentera_core::uploads::Accept;
use lentera_core::users::Place;
use lentera_store::StoreError;
use lentera_store::aid::{
    self as store, Allocation, AllocationDetail, BookList, BooksImport, Marking, Package,
    StatusCounts,
};
use lentera_store::catalog::transfer::Refusal;
use lentera_tabular::{Cell, Format, TableWriter};
use maud::{Markup, html};

crate::messages!(P {
    Intro => "Bantuan Perpusnas untuk perpustakaan penerima TPBIS: paket, pengiriman per komponen, berita acara serah terima, dan buku bantuan yang masuk katalog.", "Perpusnas aid for TPBIS recipients: packages, shipments per component, the handover record, and the aid books entering the catalogue.";
    NewAllocation => "Alokasikan bantuan", "Allocate aid";
    BulkAllocation => "Alokasi untuk semua penerima", "Allocate to all recipients";
    BulkShipment => "Catat pengiriman sekaligus", "Record a shipment for many";
    DownloadCsv => "Unduh daftar (CSV)", "Download the list (CSV)";
    DownloadXlsx => "Unduh daftar (Excel)", "Download the list (Excel)";
    Glance => "Sekilas", "At a glance";
    Total => "Jumlah alokasi", "Allocations";
    BooksInCatalogue => "Buku sudah masuk katalog", "Books in the catalogue";
    AllYears => "Semua tahun", "All years";
    AllStatuses => "Semua status", "All statuses";
    Show => "Tampilkan", "Show";
    ListCaption => "Alokasi bantuan ({n})", "Aid allocations ({n})";
    Library => "Perpustakaan", "Library";
    Village => "Desa/kelurahan", "Village";
    Year => "Tahun", "Year";
    Package => "Paket", "Package";
    Due => "Tenggat", "Due";
    Received => "Diterima", "Received";
    Books => "Buku di katalog", "Books catalogued";
    None => "Belum ada alokasi bantuan.", "No aid allocations yet.";
    RegionHint => "Kode wilayah (provinsi, kabupaten/kota, kecamatan atau desa), boleh dikosongkan.", "Region code (province, regency, district or village); may be left empty.";
    PackagesIntro => "Paket adalah templat per tahun program. Hanya admin nasional yang dapat membuat dan mengubahnya.", "Packages are templates per programme year. Only national administrators create and change them.";
    NewPackage => "Paket baru", "New package";
    NewBookPackage => "Paket bantuan buku baru", "New book-aid package";
    NewFullPackage => "Paket dukungan penuh baru", "New full-support package";
    NoPackages => "Belum ada paket bantuan.", "No aid packages yet.";
    FullSupport => "Dukungan penuh", "Full support";
    BookAid => "Bantuan buku", "Book aid";
    Components => "Komponen", "Components";
    ComponentsCaption => "Isi paket", "What the package holds";
    Kind => "Jenis", "Kind";
    Item => "Barang", "Item";
    Quantity => "Jumlah", "Quantity";
    BookListTitle => "Daftar buku", "Book list";
    BookListNone => "Paket ini belum punya daftar buku.", "This package has no book list yet.";
    BookListHas => "{t} judul, {c} eksemplar.", "{t} titles, {c} copies.";
    BookListDownload => "Unduh daftar buku", "Download the book list";
    BookListHint => "Daftar buku yang dikirim bersama paket. Kolom sama dengan impor katalog (judul, pengarang, isbn, eksemplar …). Buku ini masuk katalog perpustakaan penerima saat bantuan diterima.", "The list of books sent with the package. Same columns as the catalogue import (judul, pengarang, isbn, eksemplar …). The books enter the receiving library's catalogue upon receipt.";
    BookListReplace => "Unggah berkas baru hanya bila daftar buku berubah.", "Upload a new file only if the book list changed.";
    BookListRefused => "Berkas daftar buku ditolak", "The book list was refused";
    ComponentRow => "Komponen {n}", "Component {n}";
    RowsHint => "Isi satu baris per barang. Baris yang kosong diabaikan.", "One row per item. Empty rows are ignored.";
    ShortfallsHint => "Wajib diisi bila ada barang yang kurang atau rusak.", "Required when anything is missing or damaged.";
    MoreRows => "Butuh baris lagi? Simpan dulu, lalu ubah paket ini.", "Need more rows? Save first, then edit the package.";
    SavePackage => "Simpan paket", "Save the package";
    EditPackage => "Ubah paket", "Edit the package";
    PackageSaved => "Paket tersimpan.", "The package was saved.";
    AllocatedHere => "Dalam jangkauan Anda: {n} alokasi, {r} sudah diterima, {l} terlambat.", "Within your reach: {n} allocations, {r} received, {l} late.";
    AllocationFormIntro => "Satu perpustakaan mendapat satu alokasi per tahun program; tahunnya mengikuti paket.", "A library gets one allocation per programme year; the year is the package's.";
    LibraryHint => "ID perpustakaan atau NPP-nya, dalam jangkauan Anda.", "The library's id or its NPP, within your reach.";
    DueHint => "Tanggal paling lambat semua barang tiba. Lewat tanggal ini dan belum ada berita acara, pengiriman ditandai terlambat.", "The date by which everything should have arrived. Past it without a handover record, the delivery is marked late.";
    Allocate => "Alokasikan", "Allocate";
    BulkIntro => "Semua usulan yang diterima pada tahun itu (dalam jangkauan Anda) mendapat paket sesuai status keikutsertaannya. Perpustakaan yang sudah punya alokasi tahun itu dilewati, jadi aman dijalankan lagi setelah ada keputusan baru.", "Every accepted proposal of the year (within your reach) gets the package matching its participation. Libraries already allocated that year are skipped, so it is safe to run again after new decisions.";
    BulkDone => "Alokasi selesai: {r} penerima, {c} alokasi baru, {e} sudah punya alokasi, {w} tanpa paket (misalnya replikasi mandiri).", "Allocation done: {r} recipients, {c} new allocations, {e} already allocated, {w} without a package (e.g. self-funded replication).";
    BulkShipIntro => "Catat tanggal pengiriman satu jenis komponen untuk semua alokasi satu paket (dalam jangkauan Anda, dan wilayah bila diisi). Hanya isian yang diisi yang ditulis; yang lain tetap. Alokasi yang sudah diterima dilewati.", "Record the shipping dates of one kind of component for every allocation of a package (within your reach, and the region if given). Only the fields filled in are written; the others are kept. Allocations already received are skipped.";
    BulkShipDone => "{u} pengiriman dicatat, {s} dilewati.", "{u} shipments recorded, {s} skipped.";
    Record => "Catat", "Record";
    StatusTitle => "Status", "Status";
    ShipmentsCaption => "Pengiriman per komponen", "Shipments per component";
    Planned => "Rencana", "Planned";
    Shipped => "Dikirim", "Shipped";
    Delivered => "Tiba", "Delivered";
    Courier => "Pengiriman", "Courier";
    RecordShipment => "Catat pengiriman", "Record shipment";
    ShipmentOf => "Pengiriman: {c}", "Shipment: {c}";
    ShipmentSaved => "Pengiriman tersimpan.", "The shipment was saved.";
    ReceiptTitle => "Berita acara serah terima (BAST)", "Handover record (BAST)";
    ReceiptNone => "Penerimaan belum dikonfirmasi perpustakaan.", "The library has not confirmed receipt yet.";
    ConfirmReceipt => "Konfirmasi penerimaan", "Confirm receipt";
    ReceiptIntro => "Isi setelah barang bantuan tiba dan diperiksa. Foto barang wajib; pindaian berita acara yang ditandatangani boleh menyusul.", "Fill this in once the aid has arrived and been checked. A photo of the goods is required; the scan of the signed record may follow later.";
    ReceiptSaved => "Penerimaan tercatat. Terima kasih!", "Receipt recorded. Thank you!";
    ReceivedBy => "Diterima oleh", "Received by";
    Photo => "Foto", "Photo";
    Document => "Berita acara", "Handover record";
    DocumentLink => "Buka pindaian berita acara", "Open the scan of the record";
    PhotoAlt => "Foto bantuan yang diterima {l}", "Photo of the aid received by {l}";
    ChooseAgain => "Berkas yang sudah dipilih perlu dipilih lagi.", "The files you chose need to be chosen again.";
    SaveReceipt => "Simpan berita acara", "Save the handover record";
    AlreadyReceived => "Penerimaan bantuan ini sudah tercatat.", "Receipt of this aid is already recorded.";
    BooksTitle => "Buku bantuan di katalog", "Aid books in the catalogue";
    BooksDone => "{n} eksemplar bantuan masuk katalog ({d}).", "{n} aid copies entered the catalogue ({d}).";
    BooksWaiting => "Buku bantuan belum dimasukkan ke katalog.", "The aid books are not in the catalogue yet.";
    BooksAfterReceipt => "Buku bantuan dapat dimasukkan ke katalog setelah penerimaan dikonfirmasi.", "The aid books can be added to the catalogue once receipt is confirmed.";
    BooksNoList => "Paket ini tidak punya daftar buku; buku perlu dikatalog satu per satu.", "This package has no book list; the books need cataloguing one by one.";
    BooksButton => "Masukkan buku bantuan ke katalog", "Add the aid books to the catalogue";
    BooksAgain => "Jalankan lagi (tidak menggandakan buku yang sudah ada)", "Run again (does not duplicate books already there)";
    BooksHint => "Setiap eksemplar diberi sumber \"{s}\". Menjalankan lagi tidak menambah apa pun yang sudah ada.", "Every copy gets the source \"{s}\". Running it again adds nothing already there.";
    BooksResult => "Hasil memasukkan buku bantuan", "Result of adding the aid books";
    Read => "Data dibaca", "Records read";
    Created => "Judul baru", "New titles";
    Updated => "Judul diperbarui", "Titles updated";
    Unchanged => "Judul sudah ada", "Titles already there";
    Failed => "Bermasalah", "With problems";
    ItemsCreated => "Eksemplar baru", "New copies";
    TotalCopies => "Eksemplar bantuan tahun ini di katalog", "This year's aid copies in the catalogue";
    ProblemsCaption => "Data bermasalah (tidak dimasukkan)", "Records with problems (not imported)";
    Position => "Letak", "Where";
    Reason => "Masalah", "Problem";
    Omitted => "… dan {n} masalah lain.", "… and {n} more problems.";
    BackToAllocation => "Kembali ke alokasi", "Back to the allocation";
    OpenCatalogue => "Buka katalog", "Open the catalogue";
    EditAllocation => "Ubah alokasi", "Change the allocation";
    SaveAllocation => "Simpan perubahan", "Save the changes";
    AllocationSaved => "Alokasi tersimpan.", "The allocation was saved.";
    DeleteAllocation => "Hapus alokasi (belum ada pengiriman)", "Delete the allocation (nothing shipped yet)";
    Deleted => "Alokasi dihapus.", "The allocation was deleted.";
    LateBadge => "Terlambat", "Late";
    PackagesLink => "Paket bantuan", "Aid packages";
    YourLibrary => "Bantuan untuk perpustakaan Anda", "Aid for your library";
});

fn frame<'a>(lang: Lang, user: &'a CurrentUser, path: &'a str) -> Frame<'a> {
    Frame {
        lang,
        user: Some(user),
        path,
    }
}

fn date(d: Option<NaiveDate>) -> String {
    d.map(|d| d.format("%d-%m-%Y").to_string())
        .unwrap_or_else(|| "—".into())
}

fn iso(d: Option<NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

fn thousands(n: i64, lang: Lang) -> String {
    crate::regions::fmt_thousands(n.max(0) as usize, lang)
}

fn with_status(m: Markup, status: StatusCode) -> Response {
    let mut r = m.into_response();
    *r.status_mut() = status;
    r
}

fn invalid_status(errors: &Invalid) -> StatusCode {
    if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

fn form_pairs(
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Vec<(String, String)>, WebError> {
    body.map(|Form(p)| p)
        .map_err(|e| WebError::BadRequest(e.body_text()))
}

fn late_badge(lang: Lang) -> Markup {
    html! { " " strong.aid-late { (P::LateBadge.get(lang)) } }
}

fn status_cell(a: &Allocation, lang: Lang) -> Markup {
    html! {
        span.aid-status { (status_label(a.status, lang)) }
        @if a.late(today_at(a)) { (late_badge(lang)) }
    }
}

fn village_name(state: &AppState, code: &str) -> String {
    RegionCode::parse(code)
        .ok()
        .and_then(|c| state.regions.get(&c).map(|r| r.display_name()))
        .unwrap_or_else(|| code.to_string())
}

fn package_options(packages: &[Package], lang: Lang) -> Vec<(String, String)> {
    packages
        .iter()
        .map(|p| {
            let kind = if p.full_support {
                P::FullSupport.get(lang)
            } else {
                P::BookAid.get(lang)
            };
            (p.id.clone(), format!("{} — {} ({kind})", p.year, p.name))
        })
        .collect()
}

async fn all_packages(state: &AppState) -> Result<Vec<Package>, WebError> {
    state.run(|c| Ok(store::list_packages(c, None)?)).await
}

// ------------------------------------------------------------ the list

/// `GET /aid`: allocations within reach, filtered; for officers and
/// facilitators a summary by status with the late ones counted.
pub(crate) async fn index(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let (filter, errors) = match Filter::parse(&pairs) {
        Ok(f) => (f, Invalid::default()),
        Err(e) => (
            Filter {
                page: 1,
                per_page: 50,
                ..Filter::default()
            },
            e,
        ),
    };
    let q = filter.query(&user.actor);
    let library_user = user.actor.own_library().is_some();
    let day = today();
    let (list, counts, packages) = state
        .run(move |c| {
            let list = store::list_allocations(c, &q)?;
            let counts = if library_user {
                None
            } else {
                Some(store::status_counts(c, &q, day)?)
            };
            Ok((list, counts, store::list_packages(c, None)?))
        })
        .await?;
    let mut years: Vec<i32> = packages.iter().map(|p| p.year).collect();
    years.push(this_year());
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    let officer = user.actor.role.is_officer();
    let f = frame(lang, &user, "/aid");
    let title = if library_user {
        P::YourLibrary.get(lang)
    } else {
        T::Title.get(lang)
    };
    let query = filter.pairs();
    let export = |fmt: &str| {
        let mut q: Vec<String> = query
            .iter()
            .map(|(k, v)| format!("{k}={}", url_encode(v)))
            .collect();
        q.push(format!("format={fmt}"));
        format!("/aid/export?{}", q.join("&"))
    };
    let status_options: Vec<(String, String)> = AllocationStatus::ALL
        .iter()
        .map(|s| (s.key().to_string(), status_label(*s, lang).to_string()))
        .collect();
    let year_options: Vec<(String, String)> = years
        .iter()
        .map(|y| (y.to_string(), y.to_string()))
        .collect();
    let deleted = param(&pairs, "deleted") == "1";
    let body = html! {
        (error_summary(&errors, lang))
        @if deleted { (notice(P::Deleted.get(lang))) }
        p.lead { (P::Intro.get(lang)) }
        div.actions {
            a href="/aid/packages" { (P::PackagesLink.get(lang)) }
            @if officer {
                a.button href="/aid/allocations/new" { (P::NewAllocation.get(lang)) }
                a href="/aid/allocations/bulk" { (P::BulkAllocation.get(lang)) }
                a href="/aid/shipments/bulk" { (P::BulkShipment.get(lang)) }
            }
            @if !library_user {
                a href=(export("csv")) { (P::DownloadCsv.get(lang)) }
                a href=(export("xlsx")) { (P::DownloadXlsx.get(lang)) }
            }
        }
        @if let Some(c) = &counts { (glance(c, lang)) }
        @if !library_user {
            form.filters method="get" action="/aid" {
                div.field {
                    label for="f-year" { (P::Year.get(lang)) }
                    select #f-year name="year" {
                        option value="" { (P::AllYears.get(lang)) }
                        @for (v, l) in &year_options {
                            option value=(v) selected[filter.year.map(|y| y.to_string()).as_deref() == Some(v.as_str())] { (l) }
                        }
                    }
                }
                div.field {
                    label for="f-status" { (P::StatusTitle.get(lang)) }
                    select #f-status name="status" {
                        option value="" { (P::AllStatuses.get(lang)) }
                        @for (v, l) in &status_options {
                            option value=(v) selected[filter.status.map(|s| s.key()) == Some(v.as_str())] { (l) }
                        }
                    }
                }
                @if officer {
                    div.field {
                        label for="f-region" { (field_label("region", lang)) }
                        input #f-region name="region" type="text" inputmode="numeric"
                            value=(filter.region.as_ref().map(|r| r.to_string()).unwrap_or_default())
                            aria-describedby="h-region";
                        p.hint #h-region { (P::RegionHint.get(lang)) }
                    }
                }
                div.field.checkbox {
                    input #f-late type="checkbox" name="late" value="1" checked[filter.late];
                    label for="f-late" { (field_label("late", lang)) }
                }
                button type="submit" { (P::Show.get(lang)) }
            }
        }
        (allocation_table(&state, &list.items, list.total, lang))
        (pager("/aid", &query, list.page, list.pages(), lang))
    };
    Ok(with_status(page(&f, title, body), invalid_status(&errors)))
}

fn glance(c: &StatusCounts, lang: Lang) -> Markup {
    html! {
        section aria-labelledby="aid-glance" {
            h2 #aid-glance { (P::Glance.get(lang)) }
            dl.summary.aid-glance {
                dt { (P::Total.get(lang)) } dd { (thousands(c.total, lang)) }
                dt { (status_label(AllocationStatus::Allocated, lang)) } dd { (thousands(c.allocated, lang)) }
                dt { (status_label(AllocationStatus::Shipped, lang)) } dd { (thousands(c.shipped, lang)) }
                dt { (status_label(AllocationStatus::Delivered, lang)) } dd { (thousands(c.delivered, lang)) }
                dt { (status_label(AllocationStatus::Received, lang)) } dd { (thousands(c.received, lang)) }
                dt { (T::Late.get(lang)) }
                dd {
                    @if c.late > 0 {
                        a href="/aid?late=1" { strong.aid-late { (thousands(c.late, lang)) } }
                    } @else { "0" }
                }
                dt { (P::BooksInCatalogue.get(lang)) } dd { (thousands(c.books_imported, lang)) }
            }
        }
    }
}

fn allocation_table(state: &AppState, items: &[Allocation], total: i64, lang: Lang) -> Markup {
    if items.is_empty() {
        return html! { p { (P::None.get(lang)) } };
    }
    html! {
        div.table-wrap {
            table.aid-list {
                caption { (P::ListCaption.get(lang).replace("{n}", &thousands(total, lang))) }
                thead { tr {
                    th scope="col" { (P::Library.get(lang)) }
                    th scope="col" { (P::Village.get(lang)) }
                    th scope="col" { (P::Year.get(lang)) }
                    th scope="col" { (P::Package.get(lang)) }
                    th scope="col" { (P::Due.get(lang)) }
                    th scope="col" { (P::StatusTitle.get(lang)) }
                    th scope="col" { (P::Received.get(lang)) }
                    th.num scope="col" { (P::Books.get(lang)) }
                } }
                tbody {
                    @for a in items {
                        tr.overdue[a.late(today_at(a))] {
                            td { a href={ "/aid/allocations/" (a.id) } { (a.library_name) } }
                            td { (village_name(state, &a.region_code)) }
                            td { (a.year) }
                            td { (a.package_name) }
                            td { (date(a.due_date)) }
                            td { (status_cell(a, lang)) }
                            td { (date(a.received_on)) }
                            td.num { (thousands(i64::from(a.books_imported), lang)) }
                        }
                    }
                }
            }
        }
    }
}

/// `GET /aid/export?format=csv|xlsx` with the list's filters: every
/// allocation within reach, one row each.
pub(crate) async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let format = match param(&pairs, "format").to_ascii_lowercase().as_str() {
        "" | "csv" => Format::Csv,
        "xlsx" => Format::Xlsx,
        _ => return Err(Invalid::one("format", Problem::UnknownChoice).into()),
    };
    let filter = Filter::parse(&pairs)?;
    let mut q = filter.query(&user.actor);
    q.page = 1;
    q.per_page = 100_000;
    let list = state
        .run(move |c| Ok(store::list_allocations(c, &q)?))
        .await?;
    let write = || -> Result<Vec<u8>, lentera_tabular::TabularError> {
        let mut w = TableWriter::new(format, Vec::new())?;
        w.write_header(&[
            "allocation_id",
            "year",
            "library_id",
            "library",
            "village_code",
            "village",
            "package",
            "full_support",
            "due_date",
            "status",
            "late",
            "received_on",
            "books_imported",
        ])?;
        for a in &list.items {
            w.write_row(&[
                Cell::text(a.id.as_str()),
                Cell::Int(i64::from(a.year)),
                Cell::text(a.library_id.as_str()),
                Cell::text(a.library_name.as_str()),
                Cell::text(a.region_code.as_str()),
                Cell::text(village_name(&state, &a.region_code)),
                Cell::text(a.package_name.as_str()),
                Cell::Bool(a.full_support),
                a.due_date.map(Cell::Date).unwrap_or(Cell::Empty),
                Cell::text(a.status.key()),
                Cell::Bool(a.late(today_at(a))),
                a.received_on.map(Cell::Date).unwrap_or(Cell::Empty),
                Cell::Int(i64::from(a.books_imported)),
            ])?;
        }
        w.finish()
    };
    let bytes = write().map_err(|e| WebError::Internal(format!("writing a table: {e:?}")))?;
    let stem = match lang {
        Lang::Id => "alokasi-bantuan",
        Lang::En => "aid-allocations",
    };
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.mime_type()),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!(
            "attachment; filename=\"{stem}.{}\"",
            format.extension()
        ))
        .map_err(|e| WebError::Internal(e.to_string()))?,
    );
    Ok(res)
}

// ------------------------------------------------------------ packages

/// `GET /aid/packages`: every package, newest year first.
pub(crate) async fn packages(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let list = all_packages(&state).await?;
    let f = frame(lang, &user, "/aid");
    let saved = param(&pairs, "saved") == "1";
    let body = html! {
        @if saved { (notice(P::PackageSaved.get(lang))) }
        p { (P::PackagesIntro.get(lang)) }
        @if may_manage_packages(&user.actor) {
            div.actions {
                a.button href={ "/aid/packages/new?year=" (this_year()) } { (P::NewBookPackage.get(lang)) }
                a.button.secondary href={ "/aid/packages/new?full=1&year=" (this_year()) } { (P::NewFullPackage.get(lang)) }
            }
        }
        @if list.is_empty() {
            p { (P::NoPackages.get(lang)) }
        } @else {
            ul.cards.aid-packages {
                @for p in &list {
                    li {
                        h2 { a href={ "/aid/packages/" (p.id) } { (p.year) " — " (p.name) } }
                        p { span.tag.on { @if p.full_support { (P::FullSupport.get(lang)) } @else { (P::BookAid.get(lang)) } } }
                        ul {
                            @for c in &p.components {
                                li { (thousands(i64::from(c.quantity), lang)) " × " (c.label) }
                            }
                        }
                        @if p.book_list_upload_id.is_some() {
                            p { (P::BookListTitle.get(lang)) ": " (P::BookListHas.get(lang).replace("{t}", &thousands(i64::from(p.book_titles), lang)).replace("{c}", &thousands(i64::from(p.book_copies), lang))) }
                        }
                    }
                }
            }
        }
        p { a href="/aid" { (T::Title.get(lang)) } }
    };
    Ok(page(&f, P::PackagesLink.get(lang), body).into_response())
}

/// `GET /aid/packages/{id}`.
pub(crate) async fn package_show(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let reach = user.actor.reach();
    let day = today();
    let pid = id.clone();
    let (p, counts) = state
        .run(move |c| {
            let p = store::get_package(c, &pid)?;
            let mut q = store::AllocationQuery::new(reach);
            q.package = Some(pid);
            Ok((p, store::status_counts(c, &q, day)?))
        })
        .await?;
    let f = frame(lang, &user, "/aid");
    let title = format!("{} — {}", p.year, p.name);
    let body = html! {
        @if param(&pairs, "saved") == "1" { (notice(P::PackageSaved.get(lang))) }
        dl.summary {
            dt { (field_label("program_year", lang)) } dd { (p.year) }
            dt { (P::Kind.get(lang)) } dd { @if p.full_support { (P::FullSupport.get(lang)) } @else { (P::BookAid.get(lang)) } }
            @if let Some(d) = &p.description { dt { (field_label("description", lang)) } dd { (d) } }
        }
        (components_table(&p, lang))
        section aria-labelledby="aid-booklist" {
            h2 #aid-booklist { (P::BookListTitle.get(lang)) }
            @if p.book_list_upload_id.is_some() {
                p {
                    (P::BookListHas.get(lang).replace("{t}", &thousands(i64::from(p.book_titles), lang)).replace("{c}", &thousands(i64::from(p.book_copies), lang)))
                    " " a href={ "/aid/packages/" (p.id) "/book-list" } { (P::BookListDownload.get(lang)) }
                }
            } @else {
                p { (P::BookListNone.get(lang)) }
            }
        }
        @if user.actor.own_library().is_none() {
            p {
                a href={ "/aid?package=" (p.id) } {
                    (P::AllocatedHere.get(lang)
                        .replace("{n}", &thousands(counts.total, lang))
                        .replace("{r}", &thousands(counts.received, lang))
                        .replace("{l}", &thousands(counts.late, lang)))
                }
            }
        }
        @if may_manage_packages(&user.actor) {
            div.actions { a.button href={ "/aid/packages/" (p.id) "/edit" } { (P::EditPackage.get(lang)) } }
        }
        p { a href="/aid/packages" { (P::PackagesLink.get(lang)) } }
    };
    Ok(page(&f, &title, body).into_response())
}

fn components_table(p: &Package, lang: Lang) -> Markup {
    html! {
        div.table-wrap {
            table {
                caption { (P::ComponentsCaption.get(lang)) }
                thead { tr {
                    th scope="col" { (P::Kind.get(lang)) }
                    th scope="col" { (P::Item.get(lang)) }
                    th.num scope="col" { (P::Quantity.get(lang)) }
                } }
                tbody {
                    @for c in &p.components {
                        tr {
                            td { (kind_label(c.kind, lang)) }
                            td { (c.label) }
                            td.num { (thousands(i64::from(c.quantity), lang)) }
                        }
                    }
                }
            }
        }
    }
}

/// `GET /aid/packages/{id}/book-list`: the list as uploaded. Anyone signed
/// in: recipients may look at what is coming.
pub(crate) async fn book_list(
    State(state): State<AppState>,
    _user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let (info, bytes) = state
        .run(move |c| {
            let p = store::get_package(c, &id)?;
            let upload = p.book_list_upload_id.ok_or(WebError::NotFound)?;
            Ok((
                lentera_store::uploads::info(c, &upload)?,
                lentera_store::uploads::bytes(c, &upload)?,
            ))
        })
        .await?;
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(info.file_kind().mime()),
    );
    let name = info
        .filename
        .replace(|c: char| !c.is_ascii() || c == '"', "_");
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

/// A field without the "(tidak wajib)" mark: for cells of rows that are
/// optional as a whole, and fields required only in some cases (the hint
/// says when).
fn plain_field(
    name: &'static str,
    hint: Option<&str>,
    lang: Lang,
    errors: &Invalid,
    control: Markup,
) -> Markup {
    let err = errors.for_field(name);
    html! {
        div.field.has-error[err.is_some()] {
            label for={ "f-" (name) } { (field_label(name, lang)) }
            @if let Some(h) = hint { p.hint id={ "h-" (name) } { (h) } }
            @if let Some(e) = err {
                p.error-message id={ "e-" (name) } { (problem_sentence(name, &e.problem, lang)) }
            }
            (control)
        }
    }
}

fn described(name: &str, hint: bool, errors: &Invalid) -> Option<String> {
    let mut ids = Vec::new();
    if hint {
        ids.push(format!("h-{name}"));
    }
    if errors.for_field(name).is_some() {
        ids.push(format!("e-{name}"));
    }
    (!ids.is_empty()).then(|| ids.join(" "))
}

// The form's state travels as plain arguments: a struct would only rename
// them at the three call sites.
#[allow(clippy::too_many_arguments)]
fn package_form_page(
    f: &Frame<'_>,
    action: &str,
    title: &str,
    form: &PackageForm,
    errors: &Invalid,
    refusal: Option<&Refusal>,
    editing: Option<&Package>,
    lost_file: bool,
) -> Markup {
    let lang = f.lang;
    let rows = (form.components.len() + 3).clamp(4, MAX_COMPONENTS);
    let kinds: Vec<(String, String)> = ComponentKind::ALL
        .iter()
        .map(|k| (k.key().to_string(), kind_label(*k, lang).to_string()))
        .collect();
    let empty = lentera_core::aid::ComponentForm::default();
    let body = html! {
        (error_summary(errors, lang))
        @if let Some(r) = refusal {
            div.warn role="alert" { strong { (P::BookListRefused.get(lang)) ": " } (refusal_text(r, lang)) }
        }
        @if lost_file { p.warn { (P::ChooseAgain.get(lang)) } }
        form method="post" enctype="multipart/form-data" action={ (action) "?csrf=" (url_encode(f.csrf())) } {
            (input(Field::text("program_year", &form.year).kind("number").required(), lang, errors))
            (input(Field::text("name", &form.name).required(), lang, errors))
            (textarea("description", &form.description, lang, errors))
            (checkbox("full_support", lentera_core::field::flag(&form.full_support).unwrap_or(false), lang))
            fieldset.aid-components {
                legend { (P::Components.get(lang)) }
                p.hint { (P::RowsHint.get(lang)) }
                @for i in 0..rows {
                    @let c = form.components.get(i).unwrap_or(&empty);
                    fieldset.aid-component {
                        legend { (P::ComponentRow.get(lang).replace("{n}", &(i + 1).to_string())) }
                        div.grid.aid-row {
                            @let (kf, lf, qf) = (COMPONENT_KIND_FIELDS[i], COMPONENT_LABEL_FIELDS[i], COMPONENT_QUANTITY_FIELDS[i]);
                            (plain_field(kf, None, lang, errors, html! {
                                select id={ "f-" (kf) } name=(kf) aria-invalid=[errors.for_field(kf).map(|_| "true")]
                                    aria-describedby=[described(kf, false, errors)] {
                                    option value="" { "—" }
                                    @for (v, l) in &kinds { option value=(v) selected[*v == c.kind] { (l) } }
                                }
                            }))
                            (plain_field(lf, None, lang, errors, html! {
                                input id={ "f-" (lf) } name=(lf) type="text" value=(c.label)
                                    aria-invalid=[errors.for_field(lf).map(|_| "true")]
                                    aria-describedby=[described(lf, false, errors)];
                            }))
                            (plain_field(qf, None, lang, errors, html! {
                                input id={ "f-" (qf) } name=(qf) type="number" min="1" inputmode="numeric" value=(c.quantity)
                                    aria-invalid=[errors.for_field(qf).map(|_| "true")]
                                    aria-describedby=[described(qf, false, errors)];
                            }))
                        }
                    }
                }
                p.hint { (P::MoreRows.get(lang)) }
            }
            p.hint { (P::BookListHint.get(lang)) }
            @if let Some(p) = editing && p.book_list_upload_id.is_some() {
                p.hint {
                    (P::BookListHas.get(lang).replace("{t}", &p.book_titles.to_string()).replace("{c}", &p.book_copies.to_string()))
                    " " (P::BookListReplace.get(lang))
                }
            }
            (uploads::file_input("book_list", Accept::BookList, false, lang, errors))
            button type="submit" { (P::SavePackage.get(lang)) }
        }
    };
    page(f, title, body)
}

/// `GET /aid/packages/new[?full=1&year=]`: a form prefilled with the
/// year's standard components. National administrators only.
pub(crate) async fn package_new(
    user: CurrentUser,
    L(lang): L,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    if !may_manage_packages(&user.actor) {
        return Err(WebError::Forbidden);
    }
    let year = param(&pairs, "year")
        .parse()
        .unwrap_or_else(|_| this_year());
    let form = PackageForm::standard(year, param(&pairs, "full") == "1");
    let f = frame(lang, &user, "/aid");
    Ok(package_form_page(
        &f,
        "/aid/packages",
        P::NewPackage.get(lang),
        &form,
        &Invalid::default(),
        None,
        None,
        false,
    )
    .into_response())
}

/// A package form with its book list, read from a multipart body and
/// checked: the fields, the file's kind by content, and that it reads as a
/// book list.
struct PackageSubmission {
    form: PackageForm,
    draft: Option<PackageDraft>,
    errors: Invalid,
    refusal: Option<Refusal>,
    list: Option<(uploads::Prepared, u64, u64)>,
    sent_file: bool,
}

async fn read_package(
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<PackageSubmission, WebError> {
    let data: FormData = uploads::read_form(multipart).await?;
    let mut form = PackageForm::default();
    for (k, v) in &data.fields {
        form.set(k, v);
    }
    let mut errors = Invalid::default();
    let draft = match PackageDraft::parse(&form, this_year()) {
        Ok(d) => Some(d),
        Err(e) => {
            errors = e;
            None
        }
    };
    let file: Option<FilePart> = data.file("book_list").cloned();
    let sent_file = file.is_some();
    let year = draft.as_ref().map(|d| d.year).unwrap_or_else(this_year);
    let checked = match file {
        None => None,
        Some(part) => Some(
            tokio::task::spawn_blocking(
                move || -> Result<(uploads::Prepared, u64, u64), (Problem, Option<Refusal>)> {
                    let prepared =
                        uploads::prepare(&part, Accept::BookList).map_err(|p| (p, None))?;
                    let source = item_source(year);
                    let book_list = store::prepare_book_list(
                        &prepared.bytes,
                        &Marking {
                            year,
                            source: &source,
                            acquired_on: today(),
                        },
                    )
                    .map_err(|r| (Problem::FileDamaged, Some(r)))?;
                    if book_list.copies == 0 {
                        return Err((Problem::FileEmpty, None));
                    }
                    Ok((prepared, book_list.titles, book_list.copies))
                },
            )
            .await
            .map_err(|e| WebError::Internal(format!("blocking task: {e}")))?,
        ),
    };
    let mut refusal = None;
    let list = match checked {
        None => None,
        Some(Ok(x)) => Some(x),
        Some(Err((p, r))) => {
            errors.push("book_list", p);
            refusal = r;
            None
        }
    };
    Ok(PackageSubmission {
        form,
        draft,
        errors,
        refusal,
        list,
        sent_file,
    })
}

/// `POST /aid/packages` (multipart, `?csrf=`).
pub(crate) async fn package_create(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    if !may_manage_packages(&user.actor) {
        return Err(WebError::Forbidden);
    }
    let s = read_package(multipart).await?;
    let f = frame(lang, &user, "/aid");
    let (Some(draft), true) = (s.draft.clone(), s.errors.is_empty()) else {
        let lost = s.sent_file && s.errors.for_field("book_list").is_none();
        let m = package_form_page(
            &f,
            "/aid/packages",
            P::NewPackage.get(lang),
            &s.form,
            &s.errors,
            s.refusal.as_ref(),
            None,
            lost,
        );
        return Ok(with_status(m, StatusCode::UNPROCESSABLE_ENTITY));
    };
    let by = actor_ref(&user);
    let who = user.clone();
    let list = s.list;
    let saved = state
        .run(move |c| {
            let region = store::national_region();
            let list = list.map(|(p, titles, copies)| BookList {
                upload: p.into_new(None, &region, &who),
                titles,
                copies,
            });
            Ok(store::create_package(c, &by, &draft, list)?)
        })
        .await?;
    Ok(Redirect::to(&format!("/aid/packages/{}?saved=1", saved.id)).into_response())
}

fn form_of(p: &Package) -> PackageForm {
    PackageForm {
        year: p.year.to_string(),
        name: p.name.clone(),
        description: p.description.clone().unwrap_or_default(),
        full_support: if p.full_support { "true" } else { "" }.into(),
        components: p
            .components
            .iter()
            .map(|c| lentera_core::aid::ComponentForm {
                kind: c.kind.key().into(),
                label: c.label.clone(),
                quantity: c.quantity.to_string(),
            })
            .collect(),
    }
}

/// `GET /aid/packages/{id}/edit`.
pub(crate) async fn package_edit(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    if !may_manage_packages(&user.actor) {
        return Err(WebError::Forbidden);
    }
    let p = state.run(move |c| Ok(store::get_package(c, &id)?)).await?;
    let f = frame(lang, &user, "/aid");
    let action = format!("/aid/packages/{}", p.id);
    Ok(package_form_page(
        &f,
        &action,
        P::EditPackage.get(lang),
        &form_of(&p),
        &Invalid::default(),
        None,
        Some(&p),
        false,
    )
    .into_response())
}

/// `POST /aid/packages/{id}` (multipart, `?csrf=`): a new book list is
/// optional; without one the old list stays.
pub(crate) async fn package_update(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    if !may_manage_packages(&user.actor) {
        return Err(WebError::Forbidden);
    }
    let pid = id.clone();
    let before = state.run(move |c| Ok(store::get_package(c, &pid)?)).await?;
    let s = read_package(multipart).await?;
    let f = frame(lang, &user, "/aid");
    let action = format!("/aid/packages/{id}");
    let render = |errors: &Invalid, refusal: Option<&Refusal>, lost: bool| {
        with_status(
            package_form_page(
                &f,
                &action,
                P::EditPackage.get(lang),
                &s.form,
                errors,
                refusal,
                Some(&before),
                lost,
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    let (Some(draft), true) = (s.draft.clone(), s.errors.is_empty()) else {
        let lost = s.sent_file && s.errors.for_field("book_list").is_none();
        return Ok(render(&s.errors, s.refusal.as_ref(), lost));
    };
    let by = actor_ref(&user);
    let who = user.clone();
    let list = s.list.clone();
    let pid = id.clone();
    let saved = state
        .run(move |c| {
            let region = store::national_region();
            let list = list.map(|(p, titles, copies)| BookList {
                upload: p.into_new(None, &region, &who),
                titles,
                copies,
            });
            Ok(store::update_package(c, &by, &pid, &draft, list))
        })
        .await?;
    match saved {
        Ok(p) => Ok(Redirect::to(&format!("/aid/packages/{}?saved=1", p.id)).into_response()),
        Err(StoreError::Invalid(e)) => Ok(render(&e, None, s.sent_file)),
        Err(e) => Err(e.into()),
    }
}

// ------------------------------------------------------------ allocating

fn allocation_form_page(
    f: &Frame<'_>,
    form: &AllocationForm,
    errors: &Invalid,
    packages: &[Package],
) -> Markup {
    let lang = f.lang;
    let body = html! {
        (error_summary(errors, lang))
        p { (P::AllocationFormIntro.get(lang)) }
        form method="post" action="/aid/allocations" {
            (csrf_field(f))
            (input(Field::text("library", &form.library).required().hint(P::LibraryHint.get(lang)), lang, errors))
            (select("package", &form.package, &package_options(packages, lang), true, lang, errors))
            (input(Field::text("due_date", &form.due_date).kind("date").hint(P::DueHint.get(lang)), lang, errors))
            button type="submit" { (P::Allocate.get(lang)) }
        }
    };
    page(f, P::NewAllocation.get(lang), body)
}

/// `GET /aid/allocations/new[?library=]`: officers only.
pub(crate) async fn allocation_new(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    if !user.actor.role.is_officer() {
        return Err(WebError::Forbidden);
    }
    let packages = all_packages(&state).await?;
    let form = AllocationForm {
        library: param(&pairs, "library"),
        package: packages
            .iter()
            .find(|p| p.year == this_year())
            .map(|p| p.id.clone())
            .unwrap_or_default(),
        due_date: String::new(),
    };
    let f = frame(lang, &user, "/aid");
    Ok(allocation_form_page(&f, &form, &Invalid::default(), &packages).into_response())
}

/// Finds the library a form names (id or NPP) within the actor's reach:
/// anything else is "not found" on the field.
pub(crate) fn library_in_reach(
    c: &mut lentera_store::DbConn,
    actor: &lentera_core::users::Actor,
    text: &str,
) -> Result<lentera_core::ids::LibraryId, WebError> {
    let not_found = || WebError::Invalid(Invalid::one("library", Problem::NotFound));
    let id = lentera_store::catalog::transfer::find_library(c, text)?.ok_or_else(not_found)?;
    let lib = lentera_store::libraries::get(c, id)?;
    if !actor.may_register_library(&Place {
        region: &lib.details.village_code,
        library: Some(lib.id),
    }) {
        return Err(not_found());
    }
    Ok(id)
}

/// `POST /aid/allocations`.
pub(crate) async fn allocation_create(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    if !user.actor.role.is_officer() {
        return Err(WebError::Forbidden);
    }
    let pairs = form_pairs(body)?;
    let mut form = AllocationForm::default();
    for (k, v) in &pairs {
        form.set(k, v);
    }
    let packages = all_packages(&state).await?;
    let f = frame(lang, &user, "/aid");
    let draft = match AllocationDraft::parse(&form) {
        Ok(d) => d,
        Err(e) => {
            return Ok(with_status(
                allocation_form_page(&f, &form, &e, &packages),
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
    };
    let by = actor_ref(&user);
    let actor = user.actor.clone();
    let saved = state
        .run(move |c| {
            let lib = match library_in_reach(c, &actor, &draft.library) {
                Ok(l) => l,
                Err(WebError::Invalid(e)) => return Ok(Err(e)),
                Err(e) => return Err(e),
            };
            match store::create_allocation(c, &by, lib, &draft.package, draft.due_date) {
                Ok(a) => Ok(Ok(a)),
                Err(StoreError::Invalid(e)) => Ok(Err(e)),
                Err(e) => Err(e.into()),
            }
        })
        .await?;
    match saved {
        Ok(a) => Ok(Redirect::to(&format!("/aid/allocations/{}?saved=1", a.id)).into_response()),
        Err(e) => Ok(with_status(
            allocation_form_page(&f, &form, &e, &packages),
            StatusCode::UNPROCESSABLE_ENTITY,
        )),
    }
}

fn bulk_form_page(
    f: &Frame<'_>,
    form: &BulkForm,
    errors: &Invalid,
    packages: &[Package],
    done: Option<&store::BulkOutcome>,
) -> Markup {
    let lang = f.lang;
    let opts = package_options(packages, lang);
    let body = html! {
        (error_summary(errors, lang))
        @if let Some(o) = done {
            div.notice role="status" {
                (P::BulkDone.get(lang)
                    .replace("{r}", &o.recipients.to_string())
                    .replace("{c}", &o.created.to_string())
                    .replace("{e}", &o.existing.to_string())
                    .replace("{w}", &o.without_package.to_string()))
                " " a href={ "/aid?year=" (form.year) } { (T::Allocations.get(lang)) }
            }
        }
        p { (P::BulkIntro.get(lang)) }
        form method="post" action="/aid/allocations/bulk" {
            (csrf_field(f))
            (input(Field::text("program_year", &form.year).kind("number").required(), lang, errors))
            (select("full_support_package", &form.full_support_package, &opts, false, lang, errors))
            (select("book_aid_package", &form.book_aid_package, &opts, false, lang, errors))
            (input(Field::text("due_date", &form.due_date).kind("date").hint(P::DueHint.get(lang)), lang, errors))
            button type="submit" { (P::Allocate.get(lang)) }
        }
    };
    page(f, P::BulkAllocation.get(lang), body)
}

/// The bulk form's defaults: this year's packages by participation.
fn bulk_defaults(packages: &[Package], year: i32) -> BulkForm {
    let of = |full: bool| {
        packages
            .iter()
            .find(|p| p.year == year && p.full_support == full)
            .map(|p| p.id.clone())
            .unwrap_or_default()
    };
    BulkForm {
        year: year.to_string(),
        full_support_package: of(true),
        book_aid_package: of(false),
        due_date: String::new(),
    }
}

/// `GET /aid/allocations/bulk[?year=]`: officers only.
pub(crate) async fn bulk_page(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    if !user.actor.role.is_officer() {
        return Err(WebError::Forbidden);
    }
    let packages = all_packages(&state).await?;
    let year = param(&pairs, "year")
        .parse()
        .unwrap_or_else(|_| this_year());
    let f = frame(lang, &user, "/aid");
    Ok(bulk_form_page(
        &f,
        &bulk_defaults(&packages, year),
        &Invalid::default(),
        &packages,
        None,
    )
    .into_response())
}

/// `POST /aid/allocations/bulk`.
pub(crate) async fn bulk_submit(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    if !user.actor.role.is_officer() {
        return Err(WebError::Forbidden);
    }
    let pairs = form_pairs(body)?;
    let mut form = BulkForm::default();
    for (k, v) in &pairs {
        form.set(k, v);
    }
    let packages = all_packages(&state).await?;
    let f = frame(lang, &user, "/aid");
    let draft = match BulkDraft::parse(&form, this_year()) {
        Ok(d) => d,
        Err(e) => {
            return Ok(with_status(
                bulk_form_page(&f, &form, &e, &packages, None),
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
    };
    let by = actor_ref(&user);
    let reach = user.actor.reach();
    let done = state
        .run(move |c| Ok(store::bulk_allocate(c, &by, &reach, &draft)))
        .await?;
    match done {
        Ok(o) => {
            Ok(bulk_form_page(&f, &form, &Invalid::default(), &packages, Some(&o)).into_response())
        }
        Err(StoreError::Invalid(e)) => Ok(with_status(
            bulk_form_page(&f, &form, &e, &packages, None),
            StatusCode::UNPROCESSABLE_ENTITY,
        )),
        Err(e) => Err(e.into()),
    }
}

// ------------------------------------------------------------ shipments

struct BulkShipForm {
    package: String,
    kind: String,
    region: String,
    shipment: ShipmentForm,
}

fn bulk_ship_page(
    f: &Frame<'_>,
    form: &BulkShipForm,
    errors: &Invalid,
    packages: &[Package],
    done: Option<&store::BulkShipment>,
) -> Markup {
    let lang = f.lang;
    let kinds: Vec<(String, String)> = ComponentKind::ALL
        .iter()
        .map(|k| (k.key().to_string(), kind_label(*k, lang).to_string()))
        .collect();
    let s = &form.shipment;
    let body = html! {
        (error_summary(errors, lang))
        @if let Some(o) = done {
            (notice(&P::BulkShipDone.get(lang).replace("{u}", &o.updated.to_string()).replace("{s}", &o.skipped.to_string())))
        }
        p { (P::BulkShipIntro.get(lang)) }
        form method="post" action="/aid/shipments/bulk" {
            (csrf_field(f))
            (select("package", &form.package, &package_options(packages, lang), true, lang, errors))
            (select("component_kind", &form.kind, &kinds, true, lang, errors))
            (input(Field::text("region", &form.region).hint(P::RegionHint.get(lang)), lang, errors))
            (shipment_fields(s, lang, errors))
            button type="submit" { (P::Record.get(lang)) }
        }
    };
    page(f, P::BulkShipment.get(lang), body)
}

fn shipment_fields(s: &ShipmentForm, lang: Lang, errors: &Invalid) -> Markup {
    html! {
        div.grid.two {
            (input(Field::text("planned_date", &s.planned_date).kind("date"), lang, errors))
            (input(Field::text("shipped_date", &s.shipped_date).kind("date"), lang, errors))
            (input(Field::text("delivered_date", &s.delivered_date).kind("date"), lang, errors))
            (input(Field::text("courier", &s.courier), lang, errors))
            (input(Field::text("tracking", &s.tracking), lang, errors))
        }
        (textarea("note", &s.note, lang, errors))
    }
}

/// `GET /aid/shipments/bulk`: officers only.
pub(crate) async fn bulk_shipment_page(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
) -> Result<Response, WebError> {
    if !user.actor.role.is_officer() {
        return Err(WebError::Forbidden);
    }
    let packages = all_packages(&state).await?;
    let form = BulkShipForm {
        package: packages.first().map(|p| p.id.clone()).unwrap_or_default(),
        kind: ComponentKind::Books.key().into(),
        region: String::new(),
        shipment: ShipmentForm::default(),
    };
    let f = frame(lang, &user, "/aid");
    Ok(bulk_ship_page(&f, &form, &Invalid::default(), &packages, None).into_response())
}

/// `POST /aid/shipments/bulk`.
pub(crate) async fn bulk_shipment_submit(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    if !user.actor.role.is_officer() {
        return Err(WebError::Forbidden);
    }
    let pairs = form_pairs(body)?;
    let mut form = BulkShipForm {
        package: param(&pairs, "package"),
        kind: param(&pairs, "component_kind"),
        region: param(&pairs, "region"),
        shipment: ShipmentForm::default(),
    };
    for (k, v) in &pairs {
        form.shipment.set(k, v);
    }
    let packages = all_packages(&state).await?;
    let f = frame(lang, &user, "/aid");
    let mut errors = Invalid::default();
    let draft = ShipmentDraft::parse(&form.shipment, today())
        .map_err(|e| errors.0.extend(e.0))
        .ok();
    let kind = ComponentKind::parse(&form.kind)
        .map_err(|p| errors.push("component_kind", p))
        .ok();
    let region = match lentera_core::field::optional(&form.region) {
        None => None,
        Some(r) => RegionCode::parse(r)
            .map_err(|p| errors.push("region", p))
            .ok(),
    };
    if form.package.is_empty() {
        errors.push("package", Problem::Required);
    }
    if draft.as_ref().is_some_and(ShipmentDraft::is_empty) {
        errors.push("shipped_date", Problem::Required);
    }
    let (Some(draft), Some(kind), true) = (draft, kind, errors.is_empty()) else {
        return Ok(with_status(
            bulk_ship_page(&f, &form, &errors, &packages, None),
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    };
    let by = actor_ref(&user);
    let reach = user.actor.reach();
    let package = form.package.clone();
    let done = state
        .run(move |c| {
            Ok(store::bulk_shipment(
                c,
                &by,
                &reach,
                region.as_ref(),
                &package,
                kind,
                &draft,
            ))
        })
        .await?;
    match done {
        Ok(o) => {
            Ok(bulk_ship_page(&f, &form, &Invalid::default(), &packages, Some(&o)).into_response())
        }
        Err(StoreError::Invalid(e)) => Ok(with_status(
            bulk_ship_page(&f, &form, &e, &packages, None),
            StatusCode::UNPROCESSABLE_ENTITY,
        )),
        Err(e) => Err(e.into()),
    }
}

// ------------------------------------------------------------ one allocation

/// What the allocation page shows besides the record itself.
#[derive(Default)]
struct Extras<'a> {
    notice: Option<&'a str>,
    /// The shipment form open for one component, with its typing and errors.
    ship: Option<(String, ShipmentForm, Invalid)>,
    /// The allocation form re-shown with errors.
    edit: Option<(AllocationForm, Invalid)>,
}

fn shipment_form_of(s: Option<&store::Shipment>) -> ShipmentForm {
    let Some(s) = s else {
        return ShipmentForm::default();
    };
    ShipmentForm {
        planned_date: iso(s.planned_date),
        shipped_date: iso(s.shipped_date),
        delivered_date: iso(s.delivered_date),
        courier: s.courier.clone().unwrap_or_default(),
        tracking: s.tracking.clone().unwrap_or_default(),
        note: s.note.clone().unwrap_or_default(),
    }
}

fn allocation_page(
    state: &AppState,
    user: &CurrentUser,
    lang: Lang,
    d: &AllocationDetail,
    packages: &[Package],
    x: Extras<'_>,
) -> Markup {
    let a = &d.allocation;
    let path = format!("/aid/allocations/{}", a.id);
    let f = frame(lang, user, &path);
    let distribute = may_distribute(&user.actor, a);
    let receive = may_receive(&user.actor, a);
    let title = format!("{} — {} {}", a.library_name, T::Title.get(lang), a.year);
    let empty = Invalid::default();
    let body = html! {
        @if let Some(n) = x.notice { (notice(n)) }
        @if let Some((_, _, e)) = &x.ship { (error_summary(e, lang)) }
        @if let Some((_, e)) = &x.edit { (error_summary(e, lang)) }
        dl.summary {
            dt { (P::Library.get(lang)) } dd { (a.library_name) }
            dt { (P::Village.get(lang)) } dd { (village_name(state, &a.region_code)) " (" (a.region_code) ")" }
            dt { (P::Year.get(lang)) } dd { (a.year) }
            dt { (P::Package.get(lang)) } dd { a href={ "/aid/packages/" (a.package_id) } { (a.package_name) } }
            dt { (P::Due.get(lang)) } dd { (date(a.due_date)) }
            dt { (P::StatusTitle.get(lang)) } dd { (status_cell(a, lang)) }
        }
        section aria-labelledby="aid-ship" {
            h2 #aid-ship { (P::ShipmentsCaption.get(lang)) }
            div.table-wrap {
                table.aid-shipments {
                    caption.visually-hidden { (P::ShipmentsCaption.get(lang)) }
                    thead { tr {
                        th scope="col" { (P::Item.get(lang)) }
                        th scope="col" { (P::Planned.get(lang)) }
                        th scope="col" { (P::Shipped.get(lang)) }
                        th scope="col" { (P::Delivered.get(lang)) }
                        th scope="col" { (P::Courier.get(lang)) }
                        @if distribute { th scope="col" { (crate::i18n::Msg::Actions.get(lang)) } }
                    } }
                    tbody {
                        @for c in &d.package.components {
                            @let s = d.shipment(&c.id);
                            tr {
                                th scope="row" { (thousands(i64::from(c.quantity), lang)) " × " (c.label) }
                                td { (date(s.and_then(|s| s.planned_date))) }
                                td { (date(s.and_then(|s| s.shipped_date))) }
                                td { (date(s.and_then(|s| s.delivered_date))) }
                                td {
                                    @if let Some(s) = s {
                                        (s.courier.as_deref().unwrap_or(""))
                                        @if let Some(t) = &s.tracking { " · " (t) }
                                    }
                                }
                                @if distribute {
                                    td { a href={ (path) "?ship=" (c.id) "#aid-ship-form" } { (P::RecordShipment.get(lang)) span.visually-hidden { ": " (c.label) } } }
                                }
                            }
                        }
                    }
                }
            }
            @if distribute && let Some((cid, form, errors)) = &x.ship
                && let Some(c) = d.package.components.iter().find(|c| &c.id == cid) {
                form #aid-ship-form method="post" action={ (path) "/shipments/" (c.id) } {
                    h3 { (P::ShipmentOf.get(lang).replace("{c}", &c.label)) }
                    (csrf_field(&f))
                    (shipment_fields(form, lang, errors))
                    button type="submit" { (P::RecordShipment.get(lang)) }
                }
            }
        }
        section aria-labelledby="aid-receipt" {
            h2 #aid-receipt { (P::ReceiptTitle.get(lang)) }
            @match &d.receipt {
                Some(r) => {
                    dl.summary {
                        dt { (field_label("received_on", lang)) } dd { (date(Some(r.received_on))) }
                        dt { (P::ReceivedBy.get(lang)) } dd { (r.receiver_name) @if let Some(p) = &r.receiver_position { ", " (p) } }
                        dt { (field_label("condition", lang)) } dd { (condition_label(r.condition, lang)) }
                        @if let Some(s) = &r.shortfalls { dt { (field_label("shortfalls", lang)) } dd { (s) } }
                        @if let Some(p) = &r.photo_upload_id {
                            dt { (P::Photo.get(lang)) }
                            dd { (uploads::thumbnail(p, &P::PhotoAlt.get(lang).replace("{l}", &a.library_name))) }
                        }
                        @if let Some(doc) = &r.document_upload_id {
                            dt { (P::Document.get(lang)) }
                            dd { a href={ "/uploads/" (doc) } { (P::DocumentLink.get(lang)) } }
                        }
                    }
                }
                None => {
                    p { (P::ReceiptNone.get(lang)) }
                    @if receive {
                        p { a.button href={ (path) "/receipt" } { (P::ConfirmReceipt.get(lang)) } }
                    }
                }
            }
        }
        section aria-labelledby="aid-books" {
            h2 #aid-books { (P::BooksTitle.get(lang)) }
            @if !a.has_book_list {
                p { (P::BooksNoList.get(lang)) }
            } @else if d.receipt.is_none() {
                p { (P::BooksAfterReceipt.get(lang)) }
            } @else {
                @match a.books_imported_at {
                    Some(at) => p { (P::BooksDone.get(lang).replace("{n}", &thousands(i64::from(a.books_imported), lang)).replace("{d}", &at.format("%d-%m-%Y").to_string())) },
                    None => p { (P::BooksWaiting.get(lang)) },
                }
                @if receive {
                    form method="post" action={ (path) "/books" } {
                        (csrf_field(&f))
                        p.hint { (P::BooksHint.get(lang).replace("{s}", &item_source(a.year))) }
                        button type="submit" .secondary[a.books_imported_at.is_some()] {
                            @if a.books_imported_at.is_some() { (P::BooksAgain.get(lang)) } @else { (P::BooksButton.get(lang)) }
                        }
                    }
                }
            }
        }
        @if distribute && a.status != AllocationStatus::Received {
            @let (form, errors) = match &x.edit {
                Some((f, e)) => (f.clone(), e),
                None => (AllocationForm { library: a.library_id.clone(), package: a.package_id.clone(), due_date: iso(a.due_date) }, &empty),
            };
            details.aid-edit open[x.edit.is_some()] {
                summary { (P::EditAllocation.get(lang)) }
                form method="post" action={ (path) "/edit" } {
                    (csrf_field(&f))
                    (select("package", &form.package, &package_options(packages, lang), true, lang, errors))
                    (input(Field::text("due_date", &form.due_date).kind("date").hint(P::DueHint.get(lang)), lang, errors))
                    button type="submit" { (P::SaveAllocation.get(lang)) }
                }
                @if a.status == AllocationStatus::Allocated {
                    form method="post" action={ (path) "/delete" } {
                        (csrf_field(&f))
                        button.warning type="submit" { (P::DeleteAllocation.get(lang)) }
                    }
                }
            }
        }
        p { a href="/aid" { (T::Title.get(lang)) } }
    };
    page(&f, &title, body)
}

/// `GET /aid/allocations/{id}[?ship=component]`.
pub(crate) async fn allocation_show(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let d = readable(&state, &user, id).await?;
    let packages = if may_distribute(&user.actor, &d.allocation) {
        same_year_packages(&state, d.allocation.year).await?
    } else {
        Vec::new()
    };
    let ship = param(&pairs, "ship");
    let x = Extras {
        notice: match (
            param(&pairs, "saved").as_str(),
            param(&pairs, "received").as_str(),
        ) {
            ("1", _) => Some(P::AllocationSaved.get(lang)),
            (_, "1") => Some(P::ReceiptSaved.get(lang)),
            _ if param(&pairs, "shipped") == "1" => Some(P::ShipmentSaved.get(lang)),
            _ if param(&pairs, "already") == "1" => Some(P::AlreadyReceived.get(lang)),
            _ => None,
        },
        ship: (!ship.is_empty()).then(|| {
            (
                ship.clone(),
                shipment_form_of(d.shipment(&ship)),
                Invalid::default(),
            )
        }),
        edit: None,
    };
    Ok(allocation_page(&state, &user, lang, &d, &packages, x).into_response())
}

async fn same_year_packages(state: &AppState, year: i32) -> Result<Vec<Package>, WebError> {
    state
        .run(move |c| Ok(store::list_packages(c, Some(year))?))
        .await
}

/// `POST /aid/allocations/{id}/shipments/{component}`: officers in reach.
pub(crate) async fn shipment_save(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Path((id, component)): Path<(String, String)>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let d = readable(&state, &user, id.clone()).await?;
    if !may_distribute(&user.actor, &d.allocation) {
        return Err(WebError::Forbidden);
    }
    if !d.package.components.iter().any(|c| c.id == component) {
        return Err(WebError::NotFound);
    }
    let pairs = form_pairs(body)?;
    let mut form = ShipmentForm::default();
    for (k, v) in &pairs {
        form.set(k, v);
    }
    let draft = match ShipmentDraft::parse(&form, today_at(&d.allocation)) {
        Ok(dr) => dr,
        Err(e) => {
            let packages = same_year_packages(&state, d.allocation.year).await?;
            let x = Extras {
                ship: Some((component, form, e)),
                ..Default::default()
            };
            return Ok(with_status(
                allocation_page(&state, &user, lang, &d, &packages, x),
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
    };
    let by = actor_ref(&user);
    let aid = id.clone();
    state
        .run(move |c| Ok(store::save_shipment(c, &by, &aid, &component, &draft)?))
        .await?;
    Ok(Redirect::to(&format!("/aid/allocations/{id}?shipped=1")).into_response())
}

/// `POST /aid/allocations/{id}/edit`: package and due date.
pub(crate) async fn allocation_update(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let d = readable(&state, &user, id.clone()).await?;
    if !may_distribute(&user.actor, &d.allocation) {
        return Err(WebError::Forbidden);
    }
    let pairs = form_pairs(body)?;
    let mut form = AllocationForm {
        library: d.allocation.library_id.clone(),
        ..Default::default()
    };
    for (k, v) in &pairs {
        if k != "library" {
            form.set(k, v);
        }
    }
    let packages = same_year_packages(&state, d.allocation.year).await?;
    let reshow = |e: Invalid| {
        let x = Extras {
            edit: Some((form.clone(), e)),
            ..Default::default()
        };
        with_status(
            allocation_page(&state, &user, lang, &d, &packages, x),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    let draft = match AllocationDraft::parse(&form) {
        Ok(dr) => dr,
        Err(e) => return Ok(reshow(e)),
    };
    let by = actor_ref(&user);
    let aid = id.clone();
    let saved = state
        .run(move |c| {
            Ok(store::update_allocation(
                c,
                &by,
                &aid,
                &draft.package,
                draft.due_date,
            ))
        })
        .await?;
    match saved {
        Ok(_) => Ok(Redirect::to(&format!("/aid/allocations/{id}?saved=1")).into_response()),
        Err(StoreError::Invalid(e)) => Ok(reshow(e)),
        Err(e) => Err(e.into()),
    }
}

/// `POST /aid/allocations/{id}/delete`: only while nothing was shipped.
pub(crate) async fn allocation_delete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let d = readable(&state, &user, id.clone()).await?;
    if !may_distribute(&user.actor, &d.allocation) {
        return Err(WebError::Forbidden);
    }
    let by = actor_ref(&user);
    state
        .run(move |c| Ok(store::delete_allocation(c, &by, &id)?))
        .await?;
    Ok(Redirect::to("/aid?deleted=1").into_response())
}

// ------------------------------------------------------------ receipt

fn receipt_form(
    user: &CurrentUser,
    lang: Lang,
    d: &AllocationDetail,
    form: &ReceiptForm,
    import_books: bool,
    errors: &Invalid,
    lost_files: bool,
) -> Markup {
    let a = &d.allocation;
    let path = format!("/aid/allocations/{}/receipt", a.id);
    let f = frame(lang, user, &path);
    let title = format!("{} — {}", P::ReceiptTitle.get(lang), a.year);
    let condition = form.condition.as_str();
    let cond_err = errors.for_field("condition");
    let body = html! {
        (error_summary(errors, lang))
        @if lost_files { p.warn { (P::ChooseAgain.get(lang)) } }
        p { strong { (a.library_name) } " · " (a.package_name) }
        p { (P::ReceiptIntro.get(lang)) }
        form.aid-receipt method="post" enctype="multipart/form-data"
            action={ (path) "?csrf=" (url_encode(f.csrf())) } {
            (input(Field::text("received_on", &form.received_on).kind("date").required(), lang, errors))
            (input(Field::text("receiver_name", &form.receiver_name).required(), lang, errors))
            (input(Field::text("receiver_position", &form.receiver_position), lang, errors))
            fieldset #f-condition .has-error[cond_err.is_some()] aria-describedby=[cond_err.map(|_| "e-condition")] {
                legend { (field_label("condition", lang)) }
                @if let Some(e) = cond_err {
                    p.error-message #e-condition { (problem_sentence("condition", &e.problem, lang)) }
                }
                @for c in Condition::ALL {
                    div.field.radio {
                        input type="radio" name="condition" id={ "f-condition-" (c.key()) } value=(c.key()) checked[condition == c.key()];
                        label for={ "f-condition-" (c.key()) } { (condition_label(*c, lang)) }
                    }
                }
            }
            (plain_field("shortfalls", Some(P::ShortfallsHint.get(lang)), lang, errors, html! {
                textarea id="f-shortfalls" name="shortfalls" rows="3"
                    aria-invalid=[errors.for_field("shortfalls").map(|_| "true")]
                    aria-describedby=[described("shortfalls", true, errors)] { (form.shortfalls) }
            }))
            (uploads::file_input("photo", Accept::Photo, false, lang, errors))
            (uploads::file_input("document", Accept::Document, false, lang, errors))
            @if a.has_book_list { (checkbox("import_books", import_books, lang)) }
            button type="submit" { (P::SaveReceipt.get(lang)) }
        }
        p { a href={ "/aid/allocations/" (a.id) } { (P::BackToAllocation.get(lang)) } }
    };
    page(&f, &title, body)
}

/// Reach first (404), then the right to confirm (403: only the library's
/// own manager and staff), then whether there is anything left to confirm.
async fn receivable(
    state: &AppState,
    user: &CurrentUser,
    id: String,
) -> Result<AllocationDetail, WebError> {
    let d = readable(state, user, id).await?;
    if !may_receive(&user.actor, &d.allocation) {
        return Err(WebError::Forbidden);
    }
    Ok(d)
}

/// `GET /aid/allocations/{id}/receipt`: the phone-friendly BAST form.
pub(crate) async fn receipt_page(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let d = receivable(&state, &user, id).await?;
    if d.receipt.is_some() {
        return Ok(
            Redirect::to(&format!("/aid/allocations/{}?already=1", d.allocation.id))
                .into_response(),
        );
    }
    let form = ReceiptForm {
        received_on: today_at(&d.allocation).to_string(),
        receiver_name: user.user.full_name.clone(),
        ..Default::default()
    };
    Ok(receipt_form(&user, lang, &d, &form, true, &Invalid::default(), false).into_response())
}

/// Checks one optional file of a form; the problem goes on its field.
pub(crate) async fn prepare_file(
    data: &FormData,
    field: &'static str,
    accept: Accept,
    errors: &mut Invalid,
) -> Result<Option<uploads::Prepared>, WebError> {
    let Some(part) = data.file(field).cloned() else {
        return Ok(None);
    };
    let r = tokio::task::spawn_blocking(move || uploads::prepare(&part, accept))
        .await
        .map_err(|e| WebError::Internal(format!("blocking task: {e}")))?;
    match r {
        Ok(p) => Ok(Some(p)),
        Err(p) => {
            errors.push(field, p);
            Ok(None)
        }
    }
}

/// The receipt as read from a multipart form, checked.
pub(crate) struct ReceiptSubmission {
    pub form: ReceiptForm,
    pub import_books: bool,
    pub draft: Option<ReceiptDraft>,
    pub photo: Option<uploads::Prepared>,
    pub document: Option<uploads::Prepared>,
    pub errors: Invalid,
    pub sent_files: bool,
}

pub(crate) async fn read_receipt(
    d: &AllocationDetail,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<ReceiptSubmission, WebError> {
    let data = uploads::read_form(multipart).await?;
    let mut form = ReceiptForm::default();
    for (k, v) in &data.fields {
        form.set(k, v);
    }
    let import_books = lentera_core::field::flag(&data.text("import_books")).unwrap_or(false);
    let mut errors = Invalid::default();
    let draft = match ReceiptDraft::parse(
        &form,
        today_at(&d.allocation),
        store::earliest_receipt(d.allocation.year),
    ) {
        Ok(dr) => Some(dr),
        Err(e) => {
            errors = e;
            None
        }
    };
    let sent_files = data.file("photo").is_some() || data.file("document").is_some();
    let photo = prepare_file(&data, "photo", Accept::Photo, &mut errors).await?;
    if photo.is_none() && errors.for_field("photo").is_none() {
        errors.push("photo", Problem::Required);
    }
    let document = prepare_file(&data, "document", Accept::Document, &mut errors).await?;
    if d.receipt.is_some() {
        errors.push("received_on", Problem::WrongStatus);
    }
    Ok(ReceiptSubmission {
        form,
        import_books,
        draft,
        photo,
        document,
        errors,
        sent_files,
    })
}

/// Saves a checked receipt and, when asked, brings the books in.
pub(crate) async fn save_receipt(
    state: &AppState,
    user: &CurrentUser,
    d: &AllocationDetail,
    draft: ReceiptDraft,
    photo: Option<uploads::Prepared>,
    document: Option<uploads::Prepared>,
    import_books: bool,
) -> Result<Result<(store::Receipt, Option<BooksImport>), Invalid>, WebError> {
    let by = actor_ref(user);
    let who = user.clone();
    let a = d.allocation.clone();
    let with_books = import_books && a.has_book_list;
    let out = state
        .run(move |c| {
            let region = a
                .region()
                .ok_or_else(|| WebError::Internal("allocation without region".into()))?;
            let lib = a.library();
            let photo = photo.map(|p| p.into_new(lib, &region, &who));
            let document = document.map(|p| p.into_new(lib, &region, &who));
            let r = match store::record_receipt(c, &by, &a.id, &draft, photo, document) {
                Ok(r) => r,
                Err(StoreError::Invalid(e)) => return Ok(Err(e)),
                Err(e) => return Err(e.into()),
            };
            let books = if with_books {
                Some(store::import_books(c, &by, &a.id, this_year())?)
            } else {
                None
            };
            Ok(Ok((r, books)))
        })
        .await?;
    if matches!(&out, Ok((_, Some(_)))) {
        state.catalog_changed();
    }
    Ok(out)
}

/// `POST /aid/allocations/{id}/receipt` (multipart, `?csrf=`): the BAST
/// with its photo (required) and scan (optional). Every problem comes back
/// at once with the typing kept and nothing stored.
pub(crate) async fn receipt_submit(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    let d = receivable(&state, &user, id.clone()).await?;
    let s = read_receipt(&d, multipart).await?;
    let reshow = |errors: &Invalid| {
        let lost = s.sent_files
            && errors.for_field("photo").is_none()
            && errors.for_field("document").is_none();
        with_status(
            receipt_form(&user, lang, &d, &s.form, s.import_books, errors, lost),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    let (Some(draft), true) = (s.draft.clone(), s.errors.is_empty()) else {
        return Ok(reshow(&s.errors));
    };
    match save_receipt(
        &state,
        &user,
        &d,
        draft,
        s.photo.clone(),
        s.document.clone(),
        s.import_books,
    )
    .await?
    {
        Err(e) => Ok(reshow(&e)),
        Ok((_, None)) => {
            Ok(Redirect::to(&format!("/aid/allocations/{id}?received=1")).into_response())
        }
        Ok((_, Some(books))) => Ok(books_page(
            &user,
            lang,
            &d.allocation,
            &books,
            Some(P::ReceiptSaved.get(lang)),
        )
        .into_response()),
    }
}

// ------------------------------------------------------------ books

fn books_page(
    user: &CurrentUser,
    lang: Lang,
    a: &Allocation,
    b: &BooksImport,
    note: Option<&str>,
) -> Markup {
    let path = format!("/aid/allocations/{}", a.id);
    let f = frame(lang, user, &path);
    let r = &b.result;
    let n = |v: u64| thousands(v.min(i64::MAX as u64) as i64, lang);
    let body = html! {
        @if let Some(t) = note { (notice(t)) }
        div role="status" aria-live="polite" {
            dl.summary {
                dt { (P::Read.get(lang)) } dd { (n(r.records)) }
                dt { (P::Created.get(lang)) } dd { (n(r.created)) }
                dt { (P::Updated.get(lang)) } dd { (n(r.updated)) }
                dt { (P::Unchanged.get(lang)) } dd { (n(r.unchanged)) }
                dt { (P::Failed.get(lang)) } dd { (n(r.failed)) }
                dt { (P::ItemsCreated.get(lang)) } dd { (n(r.items_created)) }
                dt { (P::TotalCopies.get(lang)) } dd { (thousands(i64::from(b.total), lang)) }
            }
        }
        @if !r.problems.is_empty() {
            div.table-wrap {
                table {
                    caption { (P::ProblemsCaption.get(lang)) }
                    thead { tr {
                        th scope="col" { (P::Position.get(lang)) }
                        th scope="col" { (P::Reason.get(lang)) }
                    } }
                    tbody {
                        @for p in &r.problems {
                            tr {
                                td { (position_text(&p.position, lang)) }
                                td { (reason_text(&p.reason, lang)) }
                            }
                        }
                    }
                }
            }
            @if r.problems_total > r.problems.len() as u64 {
                p { (P::Omitted.get(lang).replace("{n}", &n(r.problems_total - r.problems.len() as u64))) }
            }
        }
        div.actions {
            a href=(path) { (P::BackToAllocation.get(lang)) }
            a href="/catalog" { (P::OpenCatalogue.get(lang)) }
        }
    };
    page(&f, P::BooksResult.get(lang), body)
}

/// `POST /aid/allocations/{id}/books`: the package's book list into the
/// library's catalogue. The library's own manager and staff, after receipt.
pub(crate) async fn books_import(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let d = receivable(&state, &user, id.clone()).await?;
    let by = actor_ref(&user);
    let books = state
        .run(move |c| Ok(store::import_books(c, &by, &id, this_year())?))
        .await?;
    state.catalog_changed();
    let fresh = readable(&state, &user, d.allocation.id.clone()).await?;
    Ok(books_page(&user, lang, &fresh.allocation, &books, None).into_response())
}
