//! Demo aid: the 2024 packages (book aid: 1.000 buku + 1 rak; full support
//! adds a PC, printer, modem and data package) with a real book list, their
//! allocations to the 2024 cohort (the Magetan libraries), shelves shipped
//! in July and books in August 2024, most received with a BAST, a couple
//! late, and the first Magetan library's (the demo manager's) delivery
//! waiting for confirmation so the to-do list shows it. A few libraries
//! already brought the aid books into their catalogue. The 2021 full
//! package goes to the Kalimantan Tengah cohort, all received.
//!
//! The book list is 300 titles (1,000 copies) of `data/demo/catalog.jsonl`
//! written as a CSV in the catalogue import's layout at seed time. Names of
//! receivers are invented.

use anyhow::{Context, Result};
use chrono::{Duration, NaiveDate};
use lentera_core::aid::{
    ComponentKind, Condition, PackageDraft, PackageForm, ReceiptDraft, ShipmentDraft, item_source,
};
use lentera_core::audit::ActorRef;
use lentera_core::ids::LibraryId;
use lentera_core::libraries::Participation;
use lentera_core::uploads::FileKind;
use lentera_store::aid::{self, BookList, Marking, Package};
use lentera_store::uploads::NewUpload;
use lentera_store::{DbConn, libraries};

const DATA: &str = include_str!("../../../../data/demo/catalog.jsonl");

/// The list's titles come from this part of the demo catalogue, which the
/// libraries' own catalogues do not use.
const LIST_FROM: usize = 1500;
const LIST_TITLES: usize = 300;

const RECEIVERS: &[(&str, &str)] = &[
    ("Sri Wahyuningsih", "Pengelola perpustakaan"),
    ("Bambang Setiawan", "Sekretaris desa"),
    ("Endang Purwaningsih", "Pengelola perpustakaan"),
    ("Agus Priyanto", "Kepala desa"),
    ("Lestari Handayani", "Relawan perpustakaan"),
    ("Joko Susilo", "Kaur umum desa"),
    ("Nur Aini", "Pengelola perpustakaan"),
];

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
}

fn cell(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// 300 titles, 1,000 copies: the first hundred four copies each, the rest
/// three.
fn book_list_csv() -> Result<Vec<u8>> {
    let mut out = String::from(
        "judul,anak_judul,pengarang,penerbit,tahun,isbn,bahasa,ddc,subjek,jenis_koleksi,eksemplar\n",
    );
    for (i, line) in DATA.lines().skip(LIST_FROM).take(LIST_TITLES).enumerate() {
        let v: serde_json::Value = serde_json::from_str(line).context("demo catalogue line")?;
        let s = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string();
        let list = |k: &str| {
            v.get(k)
                .and_then(|x| x.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str())
                        .collect::<Vec<_>>()
                        .join("; ")
                })
                .unwrap_or_default()
        };
        let year = v
            .get("year")
            .and_then(|y| y.as_i64())
            .map(|y| y.to_string())
            .unwrap_or_default();
        let copies = if i < 100 { 4 } else { 3 };
        let row = [
            s("title"),
            s("subtitle"),
            list("authors"),
            s("publisher"),
            year,
            s("isbn13"),
            s("language"),
            s("ddc"),
            list("subjects"),
            s("collection"),
            copies.to_string(),
        ];
        let row: Vec<String> = row.iter().map(|x| cell(x)).collect();
        out.push_str(&row.join(","));
        out.push('\n');
    }
    Ok(out.into_bytes())
}

fn create(
    conn: &mut DbConn,
    by: &ActorRef,
    form: &PackageForm,
    list: Option<&[u8]>,
) -> Result<Package> {
    let draft =
        PackageDraft::parse(form, 2026).map_err(|e| anyhow::anyhow!("demo package: {e:?}"))?;
    let region = aid::national_region();
    let list = match list {
        None => None,
        Some(bytes) => {
            let p = aid::prepare_book_list(
                bytes,
                &Marking {
                    year: draft.year,
                    source: &item_source(draft.year),
                    acquired_on: d(draft.year, 8, 1),
                },
            )
            .map_err(|e| anyhow::anyhow!("demo book list: {e:?}"))?;
            Some(BookList {
                upload: NewUpload {
                    library: None,
                    region: &region,
                    kind: FileKind::Csv,
                    filename: format!("daftar-buku-bantuan-{}.csv", draft.year),
                    bytes: bytes.to_vec(),
                    thumb: None,
                    width: None,
                    height: None,
                    by: None,
                },
                titles: p.titles,
                copies: p.copies,
            })
        }
    };
    Ok(aid::create_package(conn, by, &draft, list)?)
}

fn ship(
    planned: Option<NaiveDate>,
    shipped: Option<NaiveDate>,
    delivered: Option<NaiveDate>,
    tracking: String,
) -> ShipmentDraft {
    ShipmentDraft {
        planned_date: planned,
        shipped_date: shipped,
        delivered_date: delivered,
        courier: Some("Pos Indonesia".into()),
        tracking: Some(tracking),
        note: None,
    }
}

/// `libraries`: every demo library as (village code, id, event note such as
/// "Jatim 2024"), in creation order.
pub fn seed(conn: &mut DbConn, libraries: &[(String, LibraryId, &'static str)]) -> Result<()> {
    let start = std::time::Instant::now();
    let by = ActorRef::system("demo");
    let (mut allocated, mut received, mut catalogued) = (0usize, 0usize, 0usize);
    let list = book_list_csv()?;
    let mut book_form = PackageForm::standard(2024, false);
    book_form.name = "Bantuan buku TPBIS 2024".into();
    book_form.description = "1.000 buku + 1 rak untuk setiap penerima".into();
    let book_pkg = create(conn, &by, &book_form, Some(&list))?;
    let mut full_form = PackageForm::standard(2024, true);
    full_form.name = "Dukungan penuh TPBIS 2024".into();
    full_form.description = "1.000 buku + 1 rak, ditambah PC, printer, modem dan paket data".into();
    let full_pkg = create(conn, &by, &full_form, Some(&list))?;
    let mut f21 = PackageForm {
        year: "2021".into(),
        name: "Paket lengkap TPBIS 2021".into(),
        description: "1 server, 3 PC, printer, smart TV, modem, 700 buku, 2 rak".into(),
        full_support: "true".into(),
        components: Vec::new(),
    };
    for (i, (kind, label, qty)) in [
        ("server", "Server", "1"),
        ("pc", "Komputer (PC)", "3"),
        ("printer", "Printer", "1"),
        ("tv", "Smart TV", "1"),
        ("modem", "Modem", "1"),
        ("books", "Buku bacaan", "700"),
        ("shelf", "Rak buku", "2"),
    ]
    .iter()
    .enumerate()
    {
        f21.set(&format!("c{i}_kind"), kind);
        f21.set(&format!("c{i}_label"), label);
        f21.set(&format!("c{i}_quantity"), qty);
    }
    let pkg21 = create(conn, &by, &f21, None)?;

    // The 2024 cohort: the package by each library's participation.
    let jatim: Vec<LibraryId> = libraries
        .iter()
        .filter(|(_, _, note)| *note == "Jatim 2024")
        .map(|(_, id, _)| *id)
        .collect();
    let regs = libraries::get_many(conn, &jatim)?;
    for (i, lib) in jatim.iter().enumerate() {
        let full = regs
            .iter()
            .find(|l| l.id == *lib)
            .is_some_and(|l| l.details.participation == Participation::FullSupport);
        let pkg = if full { &full_pkg } else { &book_pkg };
        let a = aid::create_allocation(conn, &by, *lib, &pkg.id, Some(d(2024, 8, 31)))?;
        allocated += 1;
        let n = i as i64;
        let late = i == 5 || i == 11;
        let shelf_out = d(2024, 7, 8) + Duration::days(n % 6);
        let books_out = d(2024, 8, 5) + Duration::days(n % 4);
        let books_in = d(2024, 8, 12) + Duration::days(n % 7);
        for c in &pkg.components {
            let tracking = format!("P24{:02}{:05}", c.position + 7, 1200 + i);
            let draft = match c.kind {
                ComponentKind::Shelf => ship(
                    Some(d(2024, 7, 1)),
                    Some(shelf_out),
                    Some(shelf_out + Duration::days(5 + n % 4)),
                    tracking,
                ),
                _ if late => ship(Some(d(2024, 8, 1)), Some(books_out), None, tracking),
                _ => ship(
                    Some(d(2024, 8, 1)),
                    Some(books_out),
                    Some(books_in),
                    tracking,
                ),
            };
            aid::save_shipment(conn, &by, &a.id, &c.id, &draft)?;
        }
        // The demo manager's library (the first) waits for confirmation;
        // the late ones have nothing to confirm yet.
        if i == 0 || late {
            continue;
        }
        let (name, position) = RECEIVERS[i % RECEIVERS.len()];
        let damaged = i % 9 == 4;
        let receipt = ReceiptDraft {
            received_on: books_in + Duration::days(1 + n % 3),
            receiver_name: name.into(),
            receiver_position: Some(position.into()),
            condition: if damaged {
                Condition::PartlyDamaged
            } else {
                Condition::Good
            },
            shortfalls: damaged
                .then(|| "Dua buku sampulnya sobek; satu dus buku basah terkena hujan.".into()),
        };
        aid::record_receipt(conn, &by, &a.id, &receipt, None, None)?;
        received += 1;
        // A few libraries already have the aid books in their catalogue.
        if i % 8 == 1 {
            aid::import_books(conn, &by, &a.id, 2026)?;
            catalogued += 1;
        }
    }

    // Kalimantan Tengah 2021: everything arrived and was signed for.
    let kalteng: Vec<LibraryId> = libraries
        .iter()
        .filter(|(_, _, note)| *note == "Kalteng 2021")
        .map(|(_, id, _)| *id)
        .collect();
    for (i, lib) in kalteng.iter().enumerate() {
        let a = aid::create_allocation(conn, &by, *lib, &pkg21.id, Some(d(2021, 10, 31)))?;
        allocated += 1;
        received += 1;
        let n = i as i64;
        let out = d(2021, 9, 6) + Duration::days(n % 5);
        let arrived = out + Duration::days(7 + n % 6);
        for c in &pkg21.components {
            let tracking = format!("P21{:02}{:05}", c.position + 9, 300 + i);
            aid::save_shipment(
                conn,
                &by,
                &a.id,
                &c.id,
                &ship(Some(d(2021, 9, 1)), Some(out), Some(arrived), tracking),
            )?;
        }
        let (name, position) = RECEIVERS[(i + 3) % RECEIVERS.len()];
        aid::record_receipt(
            conn,
            &by,
            &a.id,
            &ReceiptDraft {
                received_on: arrived + Duration::days(1),
                receiver_name: name.into(),
                receiver_position: Some(position.into()),
                condition: Condition::Good,
                shortfalls: None,
            },
            None,
            None,
        )?;
    }
    tracing::info!(
        allocated,
        received,
        catalogued,
        elapsed_ms = start.elapsed().as_millis() as u64,
        "seeded the demo aid"
    );
    Ok(())
}
