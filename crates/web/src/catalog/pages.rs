//! Browser pages of the catalogue: the list, a record with its items, the
//! record and item forms, and spine/barcode labels as PDF.

use super::records::{
    Scope, actor_ref, collection_options, collection_text, load_biblio, load_item, own_scope,
    rupiah, scope_for, status_label, status_options, status_text, this_year,
};
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::html::{
    Field, Frame, checkbox, csrf_field, error_summary, input, notice, page, pager, select, textarea,
};
use crate::i18n::{Lang, Msg, field_label};
use crate::libraries::{parse_version, version};
use crate::regions::fmt_thousands;
use crate::session::L;
use crate::state::AppState;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use lentera_core::catalog::{BiblioDraft, BiblioForm, Collection, ItemDraft, ItemForm, ItemStatus};
use lentera_core::field::{Invalid, Problem, flag, optional_int};
use lentera_store::catalog::{self as store, Biblio, BiblioQuery, Item, LabelChoice};
use maud::{Markup, html};

crate::messages!(P {
    AddRecord => "Tambah buku", "Add a book";
    EditTitle => "Ubah data buku: {title}", "Edit book: {title}";
    ListCaption => "Katalog {library}", "Catalogue of {library}";
    Filter => "Saring", "Filter";
    ClearFilters => "Hapus saringan", "Clear filters";
    QHint => "Judul, pengarang, ISBN, nomor kontrol atau barcode eksemplar.", "Title, author, ISBN, control number or an item's barcode.";
    Totals => "{b} judul, {i} eksemplar", "{b} titles, {i} items";
    DuplicateIsbn => "ISBN ganda", "Duplicate ISBN";
    DuplicateNote => "Ada {n} ISBN yang dipakai lebih dari satu judul. Periksa apakah itu buku yang sama (tambahkan saja eksemplarnya) atau salah ketik.", "{n} ISBNs are used by more than one title. Check whether they are the same book (add copies instead) or a typo.";
    ShowDuplicates => "Tampilkan ISBN ganda", "Show duplicate ISBNs";
    ItemsCount => "{a} dari {t} tersedia", "{a} of {t} available";
    NoItems => "Belum ada eksemplar.", "No items yet.";
    ReadOnly => "Anda melihat katalog perpustakaan ini tanpa hak mengubah.", "You are viewing this library's catalogue without the right to change it.";
    ChooseLibrary => "Pilih perpustakaan yang katalognya ingin Anda lihat.", "Choose the library whose catalogue you want to see.";
    Show => "Tampilkan", "Show";
    ImportLink => "Impor katalog", "Import a catalogue";
    ExportLink => "Ekspor katalog", "Export the catalogue";
    LabelsLink => "Cetak label punggung dan barcode", "Print spine and barcode labels";
    SectionBook => "Data buku", "Book details";
    SectionPublication => "Penerbitan", "Publication";
    SectionClass => "Klasifikasi", "Classification";
    CallNumberHint => "Kosongkan untuk dibuat dari DDC, 3 huruf pertama pengarang dan huruf pertama judul (contoh: 910 SUY b).", "Leave empty to build it from the DDC, the author's first 3 letters and the title's first letter (e.g. 910 SUY b).";
    IsbnHint => "ISBN-10 atau ISBN-13, boleh dengan tanda hubung.", "ISBN-10 or ISBN-13, hyphens allowed.";
    LanguageHint => "Kode bahasa: ind (Indonesia), jav (Jawa), eng (Inggris)…", "Language code: ind (Indonesian), jav (Javanese), eng (English)…";
    Items => "Eksemplar", "Items";
    ItemsCaption => "Eksemplar buku ini", "Copies of this book";
    AddItem => "Tambah eksemplar", "Add items";
    BarcodeHint => "Pindai label yang sudah ada, atau biarkan kosong untuk dibuat otomatis (B000001, B000002, …).", "Scan an existing label, or leave empty to have one generated (B000001, B000002, …).";
    CopiesHint => "Untuk barcode otomatis: berapa eksemplar yang sama ditambahkan sekaligus (1–50).", "With generated barcodes: how many identical copies to add at once (1–50).";
    SourceHint => "Contoh: Bantuan Perpusnas 2024, Pembelian, Hadiah.", "For example: Bantuan Perpusnas 2024, Purchase, Gift.";
    DateHint => "TTTT-BB-HH atau HH/BB/TTTT.", "YYYY-MM-DD or DD/MM/YYYY.";
    PriceHint => "Dalam rupiah, contoh: 85.000", "In rupiah, e.g. 85.000";
    ItemAdded => "Eksemplar ditambahkan: {codes}", "Items added: {codes}";
    ChangeStatus => "Ubah status", "Change status";
    EditItem => "Ubah eksemplar {barcode}", "Edit item {barcode}";
    OnLoanNote => "Sedang dipinjam: statusnya berubah saat dikembalikan di meja sirkulasi.", "On loan: its status changes when it is returned at the circulation desk.";
    Delete => "Hapus buku ini", "Delete this book";
    ConfirmDelete => "Hapus buku ini beserta semua eksemplarnya? Untuk buku yang keluar dari koleksi, lebih baik ubah status eksemplarnya menjadi \"Ditarik\".", "Delete this book and all its items? For books leaving the collection, better set their items to \"Withdrawn\".";
    DeleteRefused => "Buku ini tidak dapat dihapus karena ada eksemplar yang sedang dipinjam.", "This book cannot be deleted while one of its items is on loan.";
    Deleted => "Buku dihapus.", "The book was deleted.";
    Conflict => "Data ini baru saja diubah orang lain. Isian Anda masih ada; simpan lagi untuk menimpa versi terbaru.", "Someone else just changed this record. Your entries are kept; save again to replace the latest version.";
    AuditTrail => "Lihat riwayat perubahan", "See the change history";
    LabelsTitle => "Cetak label", "Print labels";
    LabelsLead => "Label punggung (nomor panggil) dan label barcode dicetak berdampingan pada kertas label A4, siap ditempel atau digunting dua.", "Spine labels (call number) and barcode labels print side by side on A4 label sheets, ready to stick on or cut in two.";
    ChoiceNotPrinted => "Yang belum pernah dicetak ({n} eksemplar)", "Not yet printed ({n} items)";
    ChoiceSince => "Ditambahkan sejak tanggal", "Added since a date";
    ChoiceRecord => "Eksemplar buku: {title}", "Items of the book: {title}";
    ChoiceBarcodes => "Barcode tertentu (satu per baris)", "Particular barcodes (one per line)";
    ChoiceAll => "Semua eksemplar (paling banyak 3.000)", "All items (at most 3,000)";
    SkipHint => "Untuk lembar yang sebagian sudah terpakai: jumlah label yang dilewati, dihitung per baris dari kiri atas.", "For a partly used sheet: how many labels to skip, counted row by row from the top left.";
    MakePdf => "Buat PDF", "Make the PDF";
    NothingToPrint => "Tidak ada eksemplar yang cocok dengan pilihan ini.", "No items match this choice.";
    PrintTip => "Cetak PDF dengan ukuran asli (100%, tanpa \"sesuaikan dengan halaman\"). Coba dulu di kertas biasa.", "Print the PDF at actual size (100%, no \"fit to page\"). Try it on plain paper first.";
});

fn frame<'a>(lang: Lang, user: &'a CurrentUser) -> Frame<'a> {
    Frame {
        lang,
        user: Some(user),
        path: "/catalog",
    }
}

fn with_status(m: Markup, status: StatusCode) -> Response {
    let mut res = m.into_response();
    *res.status_mut() = status;
    res
}

fn pairs(
    p: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Vec<(String, String)>, WebError> {
    p.map(|Form(v)| v)
        .map_err(|e| WebError::BadRequest(e.body_text()))
}

fn get<'a>(pairs: &'a [(String, String)], key: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

fn biblio_form(pairs: &[(String, String)]) -> BiblioForm {
    let mut f = BiblioForm::default();
    for (k, v) in pairs {
        f.set(k, v);
    }
    f
}

fn item_form(pairs: &[(String, String)]) -> ItemForm {
    let mut f = ItemForm::default();
    for (k, v) in pairs {
        f.set(k, v);
    }
    f
}

fn dash(s: Option<&str>) -> &str {
    match s {
        Some(t) if !t.trim().is_empty() => t,
        _ => "—",
    }
}

// ---------------------------------------------------------------- list

pub(super) async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let frame = frame(lang, &user);
    let Some(scope) = scope_for(&state, &user, Some(get(&q, "library"))).await? else {
        return choose_library(&state, &user, &frame).await;
    };
    let mut errors = Invalid::default();
    let mut query = BiblioQuery::new(scope.library.id);
    let text = get(&q, "q").trim().to_string();
    query.text = (!text.is_empty()).then(|| text.clone());
    let coll = get(&q, "collection").trim().to_string();
    if !coll.is_empty() {
        match Collection::parse(&coll) {
            Ok(c) => query.collection = Some(c),
            Err(p) => errors.push("collection", p),
        }
    }
    let dups = flag(get(&q, "duplicates")).unwrap_or(false);
    query.duplicates_only = dups;
    match optional_int(get(&q, "page"), 1, 1_000_000) {
        Ok(p) => query.page = p.unwrap_or(1),
        Err(p) => errors.push("page", p),
    }
    query.per_page = 50;
    let lib = scope.library.id;
    let (found, dup_isbns, totals) = if errors.is_empty() {
        state
            .run(move |c| {
                let found = store::list_biblios(c, &query)?;
                let dups = store::duplicate_isbns(c, lib)?;
                let totals = store::catalog_totals(c, lib)?;
                Ok((Some(found), dups, totals))
            })
            .await?
    } else {
        (None, vec![], (0, 0))
    };
    let lib_param = if scope.writable {
        vec![]
    } else {
        vec![("library", scope.library.id.to_string())]
    };
    let mut pager_pairs: Vec<(&str, String)> = lib_param.clone();
    for (k, v) in [
        ("q", text.clone()),
        ("collection", coll.clone()),
        ("duplicates", if dups { "1".into() } else { String::new() }),
    ] {
        if !v.is_empty() {
            pager_pairs.push((k, v));
        }
    }
    let sq = scope.query();
    let body = html! {
        @if get(&q, "deleted") == "1" { (notice(P::Deleted.get(lang))) }
        p.lead {
            strong { (scope.library.details.name) } " · "
            (P::Totals.get(lang).replace("{b}", &fmt_thousands(totals.0 as usize, lang)).replace("{i}", &fmt_thousands(totals.1 as usize, lang)))
        }
        @if scope.writable {
            p.actions {
                a.button href="/catalog/new" { (P::AddRecord.get(lang)) }
                a.button.secondary href="/catalog/import" { (P::ImportLink.get(lang)) }
                a href="/catalog/labels" { (P::LabelsLink.get(lang)) }
                a href="/catalog/export" { (P::ExportLink.get(lang)) }
            }
        } @else {
            p.hint { (P::ReadOnly.get(lang)) }
        }
        @if !dup_isbns.is_empty() && !dups {
            div.notice role="status" {
                (P::DuplicateNote.get(lang).replace("{n}", &dup_isbns.len().to_string())) " "
                a href={ "/catalog?duplicates=1" @if !scope.writable { "&library=" (scope.library.id) } } { (P::ShowDuplicates.get(lang)) }
            }
        }
        (error_summary(&errors, lang))
        form.filters method="get" action="/catalog" role="search" {
            @if !scope.writable { input type="hidden" name="library" value=(scope.library.id); }
            (input(Field::text("q", &text).kind("search").hint(P::QHint.get(lang)), lang, &errors))
            (select("collection", &coll, &collection_options(lang), false, lang, &errors))
            (checkbox("duplicates", dups, lang))
            div.actions {
                button type="submit" { (P::Filter.get(lang)) }
                a href={ "/catalog" (sq) } { (P::ClearFilters.get(lang)) }
            }
        }
        @if let Some(found) = &found {
            p role="status" { (Msg::Results.get(lang).replace("{n}", &fmt_thousands(found.total.max(0) as usize, lang))) }
            @if found.items.is_empty() {
                p { (Msg::NoResults.get(lang)) }
            } @else {
                div.table-wrap {
                    table.catalog {
                        caption { (P::ListCaption.get(lang).replace("{library}", &scope.library.details.name)) }
                        thead { tr {
                            th scope="col" { (field_label("title", lang)) }
                            th scope="col" { (field_label("call_number", lang)) }
                            th scope="col" { (field_label("isbn", lang)) }
                            th scope="col" { (field_label("collection", lang)) }
                            th scope="col" { (P::Items.get(lang)) }
                        } }
                        tbody {
                            @for e in &found.items {
                                @let b = &e.biblio;
                                tr {
                                    td {
                                        a href={ "/catalog/" (b.id) } { (b.title) }
                                        @if let Some(s) = &b.subtitle { ": " (s) }
                                        @let authors = b.authors();
                                        @if !authors.is_empty() { br; small { (authors.join("; ")) } }
                                        @if let Some(y) = b.year { small { " · " (y) } }
                                    }
                                    td { (dash(b.call_number_or_default().as_deref())) }
                                    td {
                                        (dash(b.isbn.as_deref()))
                                        @if e.duplicate_isbn { " " span.tag.dup { (P::DuplicateIsbn.get(lang)) } }
                                    }
                                    td { (collection_text(&b.collection, lang)) }
                                    td { (P::ItemsCount.get(lang).replace("{a}", &e.items_available.to_string()).replace("{t}", &e.items_total.to_string())) }
                                }
                            }
                        }
                    }
                }
                (pager("/catalog", &pager_pairs, found.page, found.pages(), lang))
            }
        }
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(with_status(
        page(&frame, Msg::Catalog.get(lang), body),
        status,
    ))
}

/// Officers and facilitators have no catalogue of their own: they choose a
/// library in reach.
async fn choose_library(
    state: &AppState,
    user: &CurrentUser,
    frame: &Frame<'_>,
) -> Result<Response, WebError> {
    let lang = frame.lang;
    let mut q = lentera_store::libraries::LibraryQuery::new(user.actor.reach());
    q.per_page = 1000;
    let libs = state
        .run(move |c| Ok(lentera_store::libraries::list(c, &q)?))
        .await?;
    let options: Vec<(String, String)> = libs
        .items
        .iter()
        .map(|l| (l.id.to_string(), l.details.name.clone()))
        .collect();
    let body = html! {
        p { (P::ChooseLibrary.get(lang)) }
        form.filters method="get" action="/catalog" {
            (select("library", "", &options, true, lang, &Invalid::default()))
            div.actions { button type="submit" { (P::Show.get(lang)) } }
        }
    };
    Ok(page(frame, Msg::Catalog.get(lang), body).into_response())
}

// ---------------------------------------------------------------- record

struct ItemBox<'a> {
    form: &'a ItemForm,
    copies: &'a str,
    errors: &'a Invalid,
}

fn show_page(
    frame: &Frame<'_>,
    scope: &Scope,
    b: &Biblio,
    items: &[Item],
    added: Option<&str>,
    ib: ItemBox<'_>,
    refused: bool,
) -> Markup {
    let lang = frame.lang;
    let user = frame.user;
    let body = html! {
        @if let Some(codes) = added { (notice(&P::ItemAdded.get(lang).replace("{codes}", codes))) }
        @if refused { div.error-summary role="alert" tabindex="-1" data-autofocus { p { (P::DeleteRefused.get(lang)) } } }
        @if !scope.writable { p.hint { (P::ReadOnly.get(lang)) " " (scope.library.details.name) } }
        @if let Some(s) = &b.subtitle { p.lead { (s) } }
        dl.summary {
            dt { (field_label("authors", lang).replace(" (satu per baris)", "").replace(" (one per line)", "")) } dd { (dash(Some(&b.authors().join("; ")))) }
            dt { (field_label("publisher", lang)) } dd { (dash(b.publisher.as_deref())) }
            dt { (field_label("place", lang)) } dd { (dash(b.place.as_deref())) }
            dt { (field_label("year", lang)) } dd { (b.year.map(|y| y.to_string()).unwrap_or_else(|| "—".into())) }
            dt { (field_label("edition", lang)) } dd { (dash(b.edition.as_deref())) }
            dt { (field_label("isbn", lang)) } dd { (dash(b.isbn.as_deref())) }
            dt { (field_label("language", lang)) } dd { (dash(b.language.as_deref())) }
            dt { (field_label("ddc", lang)) } dd { (dash(b.ddc.as_deref())) }
            dt { (field_label("call_number", lang)) } dd { (dash(b.call_number_or_default().as_deref())) }
            dt { (field_label("subjects", lang).replace(" (satu per baris)", "").replace(" (one per line)", "")) } dd { (dash(Some(&b.subjects().join("; ")))) }
            dt { (field_label("collection", lang)) } dd { (collection_text(&b.collection, lang)) }
            dt { (field_label("notes", lang)) } dd { (dash(b.notes.as_deref())) }
            @if let Some(c) = &b.control_number { dt { (field_label("control_number", lang)) } dd { (c) } }
        }
        @if scope.writable {
            div.actions {
                a.button href={ "/catalog/" (b.id) "/edit" } { (Msg::Edit.get(lang)) }
                a href={ "/catalog/labels?record=" (b.id) } { (P::LabelsLink.get(lang)) }
                form.inline method="post" action={ "/catalog/" (b.id) "/delete" } data-confirm=(P::ConfirmDelete.get(lang)) {
                    (csrf_field(frame))
                    button.warning type="submit" { (P::Delete.get(lang)) }
                }
            }
        }
        h2 #items { (P::Items.get(lang)) }
        @if items.is_empty() {
            p { (P::NoItems.get(lang)) }
        } @else {
            div.table-wrap {
                table {
                    caption.visually-hidden { (P::ItemsCaption.get(lang)) }
                    thead { tr {
                        th scope="col" { (field_label("barcode", lang)) }
                        th scope="col" { (field_label("call_number", lang)) }
                        th scope="col" { (field_label("location", lang)) }
                        th scope="col" { (field_label("source", lang)) }
                        th scope="col" { (field_label("status", lang)) }
                    } }
                    tbody {
                        @for it in items {
                            tr id={ "item-" (it.barcode) } {
                                td {
                                    @if scope.writable { a href={ "/catalog/items/" (it.id) "/edit" } { code { (it.barcode) } } }
                                    @else { code { (it.barcode) } }
                                }
                                td { (dash(it.call_number.as_deref())) }
                                td { (dash(it.location.as_deref())) }
                                td {
                                    (dash(it.source.as_deref()))
                                    @if let Some(d) = it.acquired_on { br; small { (d.format("%d-%m-%Y")) } }
                                    @if let Some(p) = it.price { br; small { (rupiah(p)) } }
                                }
                                td {
                                    @if scope.writable && it.status != ItemStatus::OnLoan.key() {
                                        form.inline.status method="post" action={ "/catalog/items/" (it.id) "/status" } {
                                            (csrf_field(frame))
                                            label.visually-hidden for={ "st-" (it.id) } { (P::ChangeStatus.get(lang)) " " (it.barcode) }
                                            select id={ "st-" (it.id) } name="status" {
                                                @for (k, l) in status_options(lang) {
                                                    option value=(k) selected[k == it.status] { (l) }
                                                }
                                            }
                                            " "
                                            button.secondary type="submit" { (P::ChangeStatus.get(lang)) }
                                        }
                                    } @else {
                                        (status_text(&it.status, lang))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if scope.writable {
            h2 #add-item { (P::AddItem.get(lang)) }
            (error_summary(ib.errors, lang))
            form method="post" action={ "/catalog/" (b.id) "/items" } novalidate {
                (csrf_field(frame))
                (input(Field::text("barcode", &ib.form.barcode).hint(P::BarcodeHint.get(lang)), lang, ib.errors))
                (input(Field::text("copies", ib.copies).kind("number").hint(P::CopiesHint.get(lang)), lang, ib.errors))
                div.grid.two {
                    (input(Field::text("call_number", &ib.form.call_number).hint(P::CallNumberHint.get(lang)), lang, ib.errors))
                    (input(Field::text("location", &ib.form.location), lang, ib.errors))
                }
                (source_input(&ib.form.source, lang, ib.errors))
                div.grid.two {
                    (input(Field::text("acquired_on", &ib.form.acquired_on).kind("date").hint(P::DateHint.get(lang)), lang, ib.errors))
                    (input(Field::text("price", &ib.form.price).hint(P::PriceHint.get(lang)), lang, ib.errors))
                }
                div.actions { button type="submit" { (P::AddItem.get(lang)) } }
            }
        }
        @if user.is_some_and(|u| u.actor.may_read_audit()) {
            p { a href={ "/audit?entity=biblio&entity_id=" (b.id) } { (P::AuditTrail.get(lang)) } }
        }
        p { a href={ "/catalog" (scope.query()) } { "← " (Msg::Catalog.get(lang)) } }
    };
    page(frame, &b.title, body)
}

/// The source field; the hint names the usual sources.
fn source_input(value: &str, lang: Lang, errors: &Invalid) -> Markup {
    input(
        Field::text("source", value).hint(P::SourceHint.get(lang)),
        lang,
        errors,
    )
}

pub(super) async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let (b, scope) = load_biblio(&state, &user, &id).await?;
    let bid = b.id.clone();
    let items = state.run(move |c| Ok(store::items_of(c, &bid)?)).await?;
    let frame = frame(lang, &user);
    let added = get(&q, "added");
    let form = ItemForm::default();
    Ok(show_page(
        &frame,
        &scope,
        &b,
        &items,
        (!added.is_empty()).then_some(added),
        ItemBox {
            form: &form,
            copies: "1",
            errors: &Invalid::default(),
        },
        get(&q, "refused") == "1",
    )
    .into_response())
}

// ---------------------------------------------------------------- forms

struct FormView<'a> {
    title: String,
    action: String,
    cancel: String,
    form: &'a BiblioForm,
    errors: &'a Invalid,
    version: Option<String>,
    conflict: bool,
}

fn form_page(frame: &Frame<'_>, v: FormView<'_>) -> Markup {
    let lang = frame.lang;
    let (f, e) = (v.form, v.errors);
    let body = html! {
        @if v.conflict { div.error-summary role="alert" tabindex="-1" data-autofocus { p { (P::Conflict.get(lang)) } } }
        (error_summary(e, lang))
        form method="post" action=(v.action) novalidate {
            (csrf_field(frame))
            @if let Some(ver) = &v.version { input type="hidden" name="updated_at" value=(ver); }
            fieldset {
                legend { (P::SectionBook.get(lang)) }
                (input(Field::text("title", &f.title).required(), lang, e))
                (input(Field::text("subtitle", &f.subtitle), lang, e))
                (textarea("authors", &f.authors, lang, e))
                (select("collection", if f.collection.is_empty() { "umum" } else { &f.collection }, &collection_options(lang), true, lang, e))
            }
            fieldset {
                legend { (P::SectionPublication.get(lang)) }
                div.grid.two {
                    (input(Field::text("publisher", &f.publisher), lang, e))
                    (input(Field::text("place", &f.place), lang, e))
                    (input(Field::text("year", &f.year).kind("number"), lang, e))
                    (input(Field::text("edition", &f.edition), lang, e))
                    (input(Field::text("isbn", &f.isbn).hint(P::IsbnHint.get(lang)), lang, e))
                    (input(Field::text("language", &f.language).hint(P::LanguageHint.get(lang)), lang, e))
                }
            }
            fieldset {
                legend { (P::SectionClass.get(lang)) }
                div.grid.two {
                    (input(Field::text("ddc", &f.ddc), lang, e))
                    (input(Field::text("call_number", &f.call_number).hint(P::CallNumberHint.get(lang)), lang, e))
                }
                (textarea("subjects", &f.subjects, lang, e))
                (textarea("notes", &f.notes, lang, e))
            }
            div.actions {
                button type="submit" { (Msg::Save.get(lang)) }
                a href=(v.cancel) { (Msg::Cancel.get(lang)) }
            }
        }
    };
    page(frame, &v.title, body)
}

pub(super) async fn new_form(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
) -> Result<Response, WebError> {
    own_scope(&state, &user).await?.require_write()?;
    let form = BiblioForm {
        language: "ind".into(),
        collection: "umum".into(),
        ..Default::default()
    };
    let frame = frame(lang, &user);
    Ok(form_page(
        &frame,
        FormView {
            title: P::AddRecord.get(lang).into(),
            action: "/catalog".into(),
            cancel: "/catalog".into(),
            form: &form,
            errors: &Invalid::default(),
            version: None,
            conflict: false,
        },
    )
    .into_response())
}

pub(super) async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    p: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let scope = own_scope(&state, &user).await?;
    scope.require_write()?;
    let p = pairs(p)?;
    let form = biblio_form(&p);
    let saved = match BiblioDraft::parse(&form, this_year()) {
        Ok(d) => {
            let by = actor_ref(&user);
            let lib = scope.library.id;
            state
                .run(move |c| Ok(store::create_biblio(c, &by, lib, &d)?))
                .await
        }
        Err(e) => Err(WebError::Invalid(e)),
    };
    match saved {
        Ok(b) => {
            state.catalog_changed();
            Ok(Redirect::to(&format!("/catalog/{}#add-item", b.id)).into_response())
        }
        Err(WebError::Invalid(errors)) => {
            let frame = frame(lang, &user);
            Ok(with_status(
                form_page(
                    &frame,
                    FormView {
                        title: P::AddRecord.get(lang).into(),
                        action: "/catalog".into(),
                        cancel: "/catalog".into(),
                        form: &form,
                        errors: &errors,
                        version: None,
                        conflict: false,
                    },
                ),
                StatusCode::UNPROCESSABLE_ENTITY,
            ))
        }
        Err(e) => Err(e),
    }
}

pub(super) async fn edit_form(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let (b, scope) = load_biblio(&state, &user, &id).await?;
    scope.require_write()?;
    let form = b.to_form();
    let frame = frame(lang, &user);
    Ok(form_page(
        &frame,
        FormView {
            title: P::EditTitle.get(lang).replace("{title}", &b.title),
            action: format!("/catalog/{}", b.id),
            cancel: format!("/catalog/{}", b.id),
            form: &form,
            errors: &Invalid::default(),
            version: Some(version(&b.updated_at)),
            conflict: false,
        },
    )
    .into_response())
}

pub(super) async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
    p: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let (b, scope) = load_biblio(&state, &user, &id).await?;
    scope.require_write()?;
    let p = pairs(p)?;
    let form = biblio_form(&p);
    let sent = get(&p, "updated_at").to_string();
    let expected = parse_version(&sent).map_err(|_| WebError::BadRequest("updated_at".into()))?;
    let saved = match BiblioDraft::parse(&form, this_year()) {
        Ok(d) => {
            let by = actor_ref(&user);
            let bid = b.id.clone();
            state
                .run(move |c| Ok(store::update_biblio(c, &by, &bid, &d, expected)?))
                .await
        }
        Err(e) => Err(WebError::Invalid(e)),
    };
    let frame = frame(lang, &user);
    let view = |errors: &Invalid, version: String, conflict: bool| {
        form_page(
            &frame,
            FormView {
                title: P::EditTitle.get(lang).replace("{title}", &b.title),
                action: format!("/catalog/{}", b.id),
                cancel: format!("/catalog/{}", b.id),
                form: &form,
                errors,
                version: Some(version),
                conflict,
            },
        )
    };
    match saved {
        Ok(b) => {
            state.catalog_changed();
            Ok(Redirect::to(&format!("/catalog/{}", b.id)).into_response())
        }
        Err(WebError::Invalid(errors)) => Ok(with_status(
            view(&errors, sent, false),
            StatusCode::UNPROCESSABLE_ENTITY,
        )),
        Err(WebError::Conflict) => {
            let bid = b.id.clone();
            let latest = state.run(move |c| Ok(store::get_biblio(c, &bid)?)).await?;
            Ok(with_status(
                view(&Invalid::default(), version(&latest.updated_at), true),
                StatusCode::CONFLICT,
            ))
        }
        Err(e) => Err(e),
    }
}

pub(super) async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let (b, scope) = load_biblio(&state, &user, &id).await?;
    scope.require_write()?;
    let by = actor_ref(&user);
    let bid = b.id.clone();
    match state
        .run(move |c| Ok(store::delete_biblio(c, &by, &bid)?))
        .await
    {
        Ok(()) => {
            state.catalog_changed();
            Ok(Redirect::to("/catalog?deleted=1").into_response())
        }
        Err(WebError::Invalid(_)) => {
            Ok(Redirect::to(&format!("/catalog/{}?refused=1", b.id)).into_response())
        }
        Err(e) => Err(e),
    }
}

// ---------------------------------------------------------------- items

/// Parses the add-item form: the item, and how many copies (generated
/// barcodes only).
pub(super) fn parse_new_items(form: &ItemForm, copies: &str) -> Result<(ItemDraft, i64), Invalid> {
    let parsed = ItemDraft::parse(form, this_year());
    let mut errors = parsed.as_ref().err().cloned().unwrap_or_default();
    let n = match optional_int(copies, 1, 50) {
        Ok(n) => n.unwrap_or(1),
        Err(p) => {
            errors.push("copies", p);
            1
        }
    };
    if n > 1 && !form.barcode.trim().is_empty() {
        errors.push("copies", Problem::NotAllowedHere);
    }
    match parsed {
        Ok(d) if errors.is_empty() => Ok((d, n)),
        _ => Err(errors),
    }
}

pub(super) async fn add_items(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
    p: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let (b, scope) = load_biblio(&state, &user, &id).await?;
    scope.require_write()?;
    let p = pairs(p)?;
    let form = item_form(&p);
    let copies = get(&p, "copies").to_string();
    let saved = match parse_new_items(&form, &copies) {
        Ok((d, n)) => {
            let by = actor_ref(&user);
            let bid = b.id.clone();
            state
                .run(move |c| {
                    let mut codes = Vec::new();
                    for _ in 0..n {
                        codes.push(store::add_item(c, &by, &bid, &d)?.barcode);
                    }
                    Ok(codes)
                })
                .await
        }
        Err(e) => Err(WebError::Invalid(e)),
    };
    match saved {
        Ok(codes) => Ok({
            state.catalog_changed();
            Redirect::to(&format!(
                "/catalog/{}?added={}#items",
                b.id,
                crate::html::url_encode(&codes.join(", "))
            ))
            .into_response()
        }),
        Err(WebError::Invalid(errors)) => {
            let bid = b.id.clone();
            let items = state.run(move |c| Ok(store::items_of(c, &bid)?)).await?;
            let frame = frame(lang, &user);
            Ok(with_status(
                show_page(
                    &frame,
                    &scope,
                    &b,
                    &items,
                    None,
                    ItemBox {
                        form: &form,
                        copies: &copies,
                        errors: &errors,
                    },
                    false,
                ),
                StatusCode::UNPROCESSABLE_ENTITY,
            ))
        }
        Err(e) => Err(e),
    }
}

fn item_form_page(
    frame: &Frame<'_>,
    it: &Item,
    b: &Biblio,
    form: &ItemForm,
    errors: &Invalid,
    version: &str,
    conflict: bool,
) -> Markup {
    let lang = frame.lang;
    let on_loan = it.status == ItemStatus::OnLoan.key();
    let body = html! {
        p.lead { a href={ "/catalog/" (b.id) } { (b.title) } }
        @if conflict { div.error-summary role="alert" tabindex="-1" data-autofocus { p { (P::Conflict.get(lang)) } } }
        (error_summary(errors, lang))
        form method="post" action={ "/catalog/items/" (it.id) } novalidate {
            (csrf_field(frame))
            input type="hidden" name="updated_at" value=(version);
            (input(Field::text("barcode", &form.barcode).required(), lang, errors))
            div.grid.two {
                (input(Field::text("call_number", &form.call_number).hint(P::CallNumberHint.get(lang)), lang, errors))
                (input(Field::text("location", &form.location), lang, errors))
            }
            @if on_loan {
                p.hint { strong { (status_label(ItemStatus::OnLoan, lang)) } ". " (P::OnLoanNote.get(lang)) }
            } @else {
                (select("status", &form.status, &status_options(lang), true, lang, errors))
            }
            (source_input(&form.source, lang, errors))
            div.grid.two {
                (input(Field::text("acquired_on", &form.acquired_on).kind("date").hint(P::DateHint.get(lang)), lang, errors))
                (input(Field::text("price", &form.price).hint(P::PriceHint.get(lang)), lang, errors))
            }
            (textarea("notes", &form.notes, lang, errors))
            div.actions {
                button type="submit" { (Msg::Save.get(lang)) }
                a href={ "/catalog/" (b.id) "#items" } { (Msg::Cancel.get(lang)) }
            }
        }
    };
    page(
        frame,
        &P::EditItem.get(lang).replace("{barcode}", &it.barcode),
        body,
    )
}

pub(super) async fn item_edit_form(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let (it, b, scope) = load_item(&state, &user, &id).await?;
    scope.require_write()?;
    let frame = frame(lang, &user);
    Ok(item_form_page(
        &frame,
        &it,
        &b,
        &it.to_form(),
        &Invalid::default(),
        &version(&it.updated_at),
        false,
    )
    .into_response())
}

pub(super) async fn item_update(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
    p: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let (it, b, scope) = load_item(&state, &user, &id).await?;
    scope.require_write()?;
    let p = pairs(p)?;
    let form = item_form(&p);
    let sent = get(&p, "updated_at").to_string();
    let expected = parse_version(&sent).map_err(|_| WebError::BadRequest("updated_at".into()))?;
    let saved = match ItemDraft::parse(&form, this_year()) {
        Ok(d) => {
            let by = actor_ref(&user);
            let iid = it.id.clone();
            state
                .run(move |c| Ok(store::update_item(c, &by, &iid, &d, expected)?))
                .await
        }
        Err(e) => Err(WebError::Invalid(e)),
    };
    let frame = frame(lang, &user);
    match saved {
        Ok(_) => {
            state.catalog_changed();
            Ok(Redirect::to(&format!("/catalog/{}#items", b.id)).into_response())
        }
        Err(WebError::Invalid(errors)) => Ok(with_status(
            item_form_page(&frame, &it, &b, &form, &errors, &sent, false),
            StatusCode::UNPROCESSABLE_ENTITY,
        )),
        Err(WebError::Conflict) => {
            let iid = it.id.clone();
            let latest = state.run(move |c| Ok(store::get_item(c, &iid)?)).await?;
            Ok(with_status(
                item_form_page(
                    &frame,
                    &latest,
                    &b,
                    &form,
                    &Invalid::default(),
                    &version(&latest.updated_at),
                    true,
                ),
                StatusCode::CONFLICT,
            ))
        }
        Err(e) => Err(e),
    }
}

pub(super) async fn item_status(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    p: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let (it, b, scope) = load_item(&state, &user, &id).await?;
    scope.require_write()?;
    let p = pairs(p)?;
    let status = ItemStatus::parse(get(&p, "status"))
        .map_err(|e| WebError::Invalid(Invalid::one("status", e)))?;
    let by = actor_ref(&user);
    state
        .run(move |c| Ok(store::set_item_status(c, &by, &it.id, status)?))
        .await?;
    state.catalog_changed();
    Ok(Redirect::to(&format!("/catalog/{}#items", b.id)).into_response())
}

// ---------------------------------------------------------------- labels

/// The most labels one PDF holds: 125 sheets of 24, enough for a program
/// delivery of 1,000 books in three copies, small enough for a cheap PC.
const MAX_LABELS: i64 = 3000;

struct LabelsView<'a> {
    choice: &'a str,
    since: &'a str,
    barcodes: &'a str,
    record: Option<&'a Biblio>,
    sheet: &'a str,
    skip: &'a str,
    not_printed: i64,
    errors: &'a Invalid,
    nothing: bool,
}

fn labels_page(frame: &Frame<'_>, v: LabelsView<'_>) -> Markup {
    let lang = frame.lang;
    let e = v.errors;
    let sheets: Vec<(String, String)> = lentera_print::LabelSheet::presets()
        .into_iter()
        .enumerate()
        .map(|(i, s)| (i.to_string(), s.name))
        .collect();
    let radio = |value: &str, label: String| {
        html! {
            div.field.radio {
                input type="radio" name="choice" id={ "c-" (value) } value=(value) checked[v.choice == value];
                label for={ "c-" (value) } { (label) }
            }
        }
    };
    let body = html! {
        p { (P::LabelsLead.get(lang)) }
        @if v.nothing { div.error-summary role="alert" tabindex="-1" data-autofocus { p { (P::NothingToPrint.get(lang)) } } }
        (error_summary(e, lang))
        form method="post" action="/catalog/labels" novalidate {
            (csrf_field(frame))
            fieldset #f-choice {
                legend { (field_label("choice", lang)) }
                @if let Some(b) = v.record {
                    input type="hidden" name="record" value=(b.id);
                    (radio("record", P::ChoiceRecord.get(lang).replace("{title}", &b.title)))
                }
                (radio("not_printed", P::ChoiceNotPrinted.get(lang).replace("{n}", &fmt_thousands(v.not_printed.max(0) as usize, lang))))
                (radio("since", P::ChoiceSince.get(lang).into()))
                (input(Field::text("since", v.since).kind("date"), lang, e))
                (radio("barcodes", P::ChoiceBarcodes.get(lang).into()))
                (textarea("barcodes", v.barcodes, lang, e))
                (radio("all", P::ChoiceAll.get(lang).into()))
            }
            (select("sheet", v.sheet, &sheets, true, lang, e))
            (input(Field::text("skip", v.skip).kind("number").hint(P::SkipHint.get(lang)), lang, e))
            p.hint { (P::PrintTip.get(lang)) }
            div.actions {
                button type="submit" { (P::MakePdf.get(lang)) }
                a href="/catalog" { (Msg::Cancel.get(lang)) }
            }
        }
    };
    page(frame, P::LabelsTitle.get(lang), body)
}

async fn not_printed_count(state: &AppState, scope: &Scope) -> Result<i64, WebError> {
    let lib = scope.library.id;
    state
        .run(move |c| {
            Ok(store::label_rows(c, lib, &LabelChoice::NotPrinted, MAX_LABELS)?.len() as i64)
        })
        .await
}

pub(super) async fn labels_form(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let scope = own_scope(&state, &user).await?;
    scope.require_write()?;
    let record = match get(&q, "record") {
        "" => None,
        id => {
            let (b, s) = load_biblio(&state, &user, id).await?;
            if s.library.id != scope.library.id {
                return Err(WebError::NotFound);
            }
            Some(b)
        }
    };
    let not_printed = not_printed_count(&state, &scope).await?;
    let frame = frame(lang, &user);
    Ok(labels_page(
        &frame,
        LabelsView {
            choice: if record.is_some() {
                "record"
            } else {
                "not_printed"
            },
            since: "",
            barcodes: "",
            record: record.as_ref(),
            sheet: "0",
            skip: "0",
            not_printed,
            errors: &Invalid::default(),
            nothing: false,
        },
    )
    .into_response())
}

pub(super) async fn labels_pdf(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    p: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let scope = own_scope(&state, &user).await?;
    scope.require_write()?;
    let p = pairs(p)?;
    let (choice_s, since, barcodes, sheet_s, skip_s) = (
        get(&p, "choice"),
        get(&p, "since"),
        get(&p, "barcodes"),
        get(&p, "sheet"),
        get(&p, "skip"),
    );
    let record = match get(&p, "record") {
        "" => None,
        id => {
            let (b, s) = load_biblio(&state, &user, id).await?;
            if s.library.id != scope.library.id {
                return Err(WebError::NotFound);
            }
            Some(b)
        }
    };
    let mut errors = Invalid::default();
    let choice = match choice_s {
        "not_printed" | "" => Some(LabelChoice::NotPrinted),
        "all" => Some(LabelChoice::All),
        "record" => match &record {
            Some(b) => Some(LabelChoice::Record(b.id.clone())),
            None => {
                errors.push("choice", Problem::Required);
                None
            }
        },
        "since" => match lentera_core::catalog::parse_date(since, this_year()) {
            Ok(Some(d)) => Some(LabelChoice::AddedSince(d)),
            Ok(None) => {
                errors.push("since", Problem::Required);
                None
            }
            Err(pr) => {
                errors.push("since", pr);
                None
            }
        },
        "barcodes" => {
            let list = lentera_core::catalog::split_list(barcodes);
            if list.is_empty() {
                errors.push("barcodes", Problem::Required);
                None
            } else {
                Some(LabelChoice::Barcodes(list))
            }
        }
        _ => {
            errors.push("choice", Problem::UnknownChoice);
            None
        }
    };
    let presets = lentera_print::LabelSheet::presets();
    let sheet = match optional_int(sheet_s, 0, presets.len() as i64 - 1) {
        Ok(n) => presets.get(n.unwrap_or(0) as usize).cloned(),
        Err(pr) => {
            errors.push("sheet", pr);
            None
        }
    };
    let per_sheet = sheet.as_ref().map(|s| s.labels_per_page()).unwrap_or(24);
    let skip = match optional_int(skip_s, 0, per_sheet as i64 - 1) {
        Ok(n) => n.unwrap_or(0) as usize,
        Err(pr) => {
            errors.push("skip", pr);
            0
        }
    };
    let rows = match (&choice, errors.is_empty()) {
        (Some(ch), true) => {
            let lib = scope.library.id;
            let ch = ch.clone();
            state
                .run(move |c| Ok(store::label_rows(c, lib, &ch, MAX_LABELS)?))
                .await?
        }
        _ => vec![],
    };
    let (Some(sheet), Some(choice), false) = (sheet, choice, rows.is_empty()) else {
        let nothing = errors.is_empty();
        let not_printed = not_printed_count(&state, &scope).await?;
        let frame = frame(lang, &user);
        return Ok(with_status(
            labels_page(
                &frame,
                LabelsView {
                    choice: choice_s,
                    since,
                    barcodes,
                    record: record.as_ref(),
                    sheet: sheet_s,
                    skip: skip_s,
                    not_printed,
                    errors: &errors,
                    nothing,
                },
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    };
    let labels: Vec<lentera_print::SpineLabel> = rows
        .iter()
        .map(|r| lentera_print::SpineLabel {
            call_number: r.call_number.clone(),
            barcode: r.barcode.clone(),
        })
        .collect();
    let options = lentera_print::LabelOptions {
        library_name: scope.library.details.name.clone(),
        skip,
    };
    let pdf = tokio::task::spawn_blocking(move || {
        let mut out = Vec::new();
        lentera_print::render_labels(&sheet, &options, &labels, &mut out).map(|_| out)
    })
    .await
    .map_err(|e| WebError::Internal(e.to_string()))?
    .map_err(|e| match e {
        // A scanned label too long or with odd characters for the sheet.
        lentera_print::PrintError::BarcodeTooWide { .. }
        | lentera_print::PrintError::BarcodeCharacter { .. } => {
            WebError::Invalid(Invalid::one("sheet", Problem::NotAllowedHere))
        }
        e => WebError::Internal(e.to_string()),
    })?;
    if choice == LabelChoice::NotPrinted
        && let Some(last) = rows.iter().map(|r| r.created_at).max()
    {
        let lib = scope.library.id;
        state
            .run(move |c| Ok(store::mark_labels_printed(c, lib, last)?))
            .await?;
    }
    let mut res = pdf.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    let name = format!(
        "attachment; filename=\"label-{}.pdf\"",
        lentera_store::now().format("%Y%m%d-%H%M")
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&name).map_err(|e| WebError::Internal(e.to_string()))?,
    );
    Ok(res)
}
