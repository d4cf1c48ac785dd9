//! Aid: packages, allocations, shipments, receipt (BAST) and the aid books
//! into the receiving library's catalogue — pages ([`pages`]) and the
//! `/api/v1/aid` JSON API ([`api`]).
//!
//! Who may do what:
//!
//! - packages (templates per year, with their book list): everyone signed
//!   in reads them; only national administrators create and change them;
//! - allocations, shipments, bulk allocation: officers (national, province,
//!   district) within reach; everyone else in reach (facilitators, the
//!   library itself) reads them; outside reach is 404;
//! - the receipt (BAST) and the books into the catalogue: only the
//!   receiving library's own manager and staff ([`Actor::may_work_in`]).

mod api;
mod pages;

use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::html::TodoItem;
use crate::i18n::Lang;
use crate::state::AppState;
use axum::Router;
use axum::routing::{get, post, put};
use chrono::{Datelike, NaiveDate};
use lentera_core::aid::{
    AllocationStatus, COMPONENT_KIND_FIELDS, COMPONENT_LABEL_FIELDS, COMPONENT_QUANTITY_FIELDS,
    ComponentKind, Condition,
};
use lentera_core::audit::ActorRef;
use lentera_core::users::{Actor, Place, Role};
use lentera_core::visits::TimeZone;
use lentera_store::aid::{self as store, Allocation, AllocationDetail};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/aid", get(pages::index))
        .route("/aid/export", get(pages::export))
        .route(
            "/aid/packages",
            get(pages::packages).post(pages::package_create),
        )
        .route("/aid/packages/new", get(pages::package_new))
        .route(
            "/aid/packages/{id}",
            get(pages::package_show).post(pages::package_update),
        )
        .route("/aid/packages/{id}/edit", get(pages::package_edit))
        .route("/aid/packages/{id}/book-list", get(pages::book_list))
        .route("/aid/allocations", post(pages::allocation_create))
        .route("/aid/allocations/new", get(pages::allocation_new))
        .route(
            "/aid/allocations/bulk",
            get(pages::bulk_page).post(pages::bulk_submit),
        )
        .route(
            "/aid/shipments/bulk",
            get(pages::bulk_shipment_page).post(pages::bulk_shipment_submit),
        )
        .route("/aid/allocations/{id}", get(pages::allocation_show))
        .route("/aid/allocations/{id}/edit", post(pages::allocation_update))
        .route(
            "/aid/allocations/{id}/delete",
            post(pages::allocation_delete),
        )
        .route(
            "/aid/allocations/{id}/shipments/{component}",
            post(pages::shipment_save),
        )
        .route(
            "/aid/allocations/{id}/receipt",
            get(pages::receipt_page).post(pages::receipt_submit),
        )
        .route("/aid/allocations/{id}/books", post(pages::books_import))
        .route(
            "/api/v1/aid/packages",
            get(api::packages).post(api::package_create),
        )
        .route(
            "/api/v1/aid/packages/{id}",
            get(api::package_get).put(api::package_update),
        )
        .route(
            "/api/v1/aid/packages/{id}/book-list",
            post(api::book_list_upload),
        )
        .route("/api/v1/aid/summary", get(api::summary))
        .route(
            "/api/v1/aid/allocations",
            get(api::allocations).post(api::allocation_create),
        )
        .route("/api/v1/aid/allocations/bulk", post(api::bulk))
        .route(
            "/api/v1/aid/allocations/{id}",
            get(api::allocation_get)
                .put(api::allocation_update)
                .delete(api::allocation_delete),
        )
        .route(
            "/api/v1/aid/allocations/{id}/shipments/{component}",
            put(api::shipment_put),
        )
        .route("/api/v1/aid/shipments/bulk", post(api::bulk_shipment))
        .route("/api/v1/aid/allocations/{id}/receipt", post(api::receipt))
        .route("/api/v1/aid/allocations/{id}/books", post(api::books))
}

crate::messages!(T {
    Title => "Bantuan TPBIS", "TPBIS aid";
    Packages => "Paket bantuan", "Aid packages";
    Allocations => "Alokasi bantuan", "Aid allocations";
    StatusAllocated => "Dialokasikan", "Allocated";
    StatusShipped => "Dalam pengiriman", "On its way";
    StatusDelivered => "Sudah tiba", "Delivered";
    StatusReceived => "Diterima (BAST)", "Received (BAST)";
    Late => "Terlambat", "Late";
    KindBooks => "Buku", "Books";
    KindShelf => "Rak buku", "Bookshelf";
    KindPc => "Komputer (PC)", "Computer (PC)";
    KindPrinter => "Printer", "Printer";
    KindModem => "Modem", "Modem";
    KindData => "Paket data internet", "Internet data package";
    KindServer => "Server", "Server";
    KindTv => "Smart TV", "Smart TV";
    KindOther => "Lainnya", "Other";
    CondGood => "Baik, lengkap", "Good, complete";
    CondPartly => "Sebagian rusak atau kurang", "Partly damaged or short";
    CondDamaged => "Rusak", "Damaged";
    TodoConfirm => "Konfirmasi penerimaan bantuan {y} (berita acara serah terima)", "Confirm receipt of the {y} aid (handover record, BAST)";
    TodoBooks => "Masukkan buku bantuan {y} ke katalog", "Add the {y} aid books to the catalogue";
    TodoLate => "{n} pengiriman bantuan terlambat di wilayah Anda", "{n} late aid deliveries in your area";
});

/// Labels of this feature's fields.
pub fn field_label(field: &str, lang: Lang) -> Option<&'static str> {
    if let Some(i) = COMPONENT_KIND_FIELDS.iter().position(|f| *f == field) {
        return Some(pick(lang, ROW_KIND_ID[i], ROW_KIND_EN[i]));
    }
    if let Some(i) = COMPONENT_LABEL_FIELDS.iter().position(|f| *f == field) {
        return Some(pick(lang, ROW_LABEL_ID[i], ROW_LABEL_EN[i]));
    }
    if let Some(i) = COMPONENT_QUANTITY_FIELDS.iter().position(|f| *f == field) {
        return Some(pick(lang, ROW_QTY_ID[i], ROW_QTY_EN[i]));
    }
    let (id, en) = match field {
        "program_year" => ("Tahun program", "Programme year"),
        "description" => ("Keterangan", "Description"),
        "full_support" => (
            "Paket dukungan penuh (bukan hanya bantuan buku)",
            "Full-support package (not book aid only)",
        ),
        "book_list" => (
            "Daftar buku (MARC, MARCXML, CSV atau Excel)",
            "Book list (MARC, MARCXML, CSV or Excel)",
        ),
        "package" => ("Paket bantuan", "Aid package"),
        "library" => ("Perpustakaan (ID atau NPP)", "Library (id or NPP)"),
        "due_date" => ("Tenggat tiba", "Due by"),
        "full_support_package" => (
            "Paket untuk penerima dukungan penuh",
            "Package for full-support recipients",
        ),
        "book_aid_package" => (
            "Paket untuk penerima bantuan buku dan usulan kabupaten",
            "Package for book-aid and district-proposed recipients",
        ),
        "planned_date" => ("Rencana kirim", "Planned shipping date"),
        "shipped_date" => ("Tanggal dikirim", "Date shipped"),
        "delivered_date" => ("Tanggal tiba", "Date delivered"),
        "courier" => ("Jasa pengiriman", "Courier"),
        "tracking" => ("Nomor resi", "Tracking number"),
        "note" => ("Catatan", "Note"),
        "received_on" => ("Tanggal diterima", "Date received"),
        "receiver_name" => ("Nama penerima", "Receiver's name"),
        "receiver_position" => ("Jabatan penerima", "Receiver's position"),
        "condition" => ("Kondisi barang", "Condition of the goods"),
        "shortfalls" => ("Kekurangan atau kerusakan", "What was missing or damaged"),
        "photo" => ("Foto barang yang diterima", "Photo of the goods received"),
        "document" => (
            "Pindaian berita acara yang ditandatangani",
            "Scan of the signed handover record",
        ),
        "import_books" => (
            "Langsung masukkan buku bantuan ke katalog",
            "Add the aid books to the catalogue right away",
        ),
        "books" => ("Buku bantuan", "Aid books"),
        "status" => ("Status", "Status"),
        "late" => ("Hanya yang terlambat", "Late only"),
        "component_kind" => ("Jenis komponen", "Component kind"),
        _ => return None,
    };
    Some(pick(lang, id, en))
}

fn pick(lang: Lang, id: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Id => id,
        Lang::En => en,
    }
}

const ROW_KIND_ID: [&str; 12] = [
    "Jenis komponen 1",
    "Jenis komponen 2",
    "Jenis komponen 3",
    "Jenis komponen 4",
    "Jenis komponen 5",
    "Jenis komponen 6",
    "Jenis komponen 7",
    "Jenis komponen 8",
    "Jenis komponen 9",
    "Jenis komponen 10",
    "Jenis komponen 11",
    "Jenis komponen 12",
];
const ROW_KIND_EN: [&str; 12] = [
    "Component 1 kind",
    "Component 2 kind",
    "Component 3 kind",
    "Component 4 kind",
    "Component 5 kind",
    "Component 6 kind",
    "Component 7 kind",
    "Component 8 kind",
    "Component 9 kind",
    "Component 10 kind",
    "Component 11 kind",
    "Component 12 kind",
];
const ROW_LABEL_ID: [&str; 12] = [
    "Nama komponen 1",
    "Nama komponen 2",
    "Nama komponen 3",
    "Nama komponen 4",
    "Nama komponen 5",
    "Nama komponen 6",
    "Nama komponen 7",
    "Nama komponen 8",
    "Nama komponen 9",
    "Nama komponen 10",
    "Nama komponen 11",
    "Nama komponen 12",
];
const ROW_LABEL_EN: [&str; 12] = [
    "Component 1 name",
    "Component 2 name",
    "Component 3 name",
    "Component 4 name",
    "Component 5 name",
    "Component 6 name",
    "Component 7 name",
    "Component 8 name",
    "Component 9 name",
    "Component 10 name",
    "Component 11 name",
    "Component 12 name",
];
const ROW_QTY_ID: [&str; 12] = [
    "Jumlah komponen 1",
    "Jumlah komponen 2",
    "Jumlah komponen 3",
    "Jumlah komponen 4",
    "Jumlah komponen 5",
    "Jumlah komponen 6",
    "Jumlah komponen 7",
    "Jumlah komponen 8",
    "Jumlah komponen 9",
    "Jumlah komponen 10",
    "Jumlah komponen 11",
    "Jumlah komponen 12",
];
const ROW_QTY_EN: [&str; 12] = [
    "Component 1 quantity",
    "Component 2 quantity",
    "Component 3 quantity",
    "Component 4 quantity",
    "Component 5 quantity",
    "Component 6 quantity",
    "Component 7 quantity",
    "Component 8 quantity",
    "Component 9 quantity",
    "Component 10 quantity",
    "Component 11 quantity",
    "Component 12 quantity",
];

pub(crate) fn status_label(s: AllocationStatus, lang: Lang) -> &'static str {
    match s {
        AllocationStatus::Allocated => T::StatusAllocated.get(lang),
        AllocationStatus::Shipped => T::StatusShipped.get(lang),
        AllocationStatus::Delivered => T::StatusDelivered.get(lang),
        AllocationStatus::Received => T::StatusReceived.get(lang),
    }
}

pub(crate) fn kind_label(k: ComponentKind, lang: Lang) -> &'static str {
    match k {
        ComponentKind::Books => T::KindBooks.get(lang),
        ComponentKind::Shelf => T::KindShelf.get(lang),
        ComponentKind::Pc => T::KindPc.get(lang),
        ComponentKind::Printer => T::KindPrinter.get(lang),
        ComponentKind::Modem => T::KindModem.get(lang),
        ComponentKind::DataPackage => T::KindData.get(lang),
        ComponentKind::Server => T::KindServer.get(lang),
        ComponentKind::Tv => T::KindTv.get(lang),
        ComponentKind::Other => T::KindOther.get(lang),
    }
}

pub(crate) fn condition_label(c: Condition, lang: Lang) -> &'static str {
    match c {
        Condition::Good => T::CondGood.get(lang),
        Condition::PartlyDamaged => T::CondPartly.get(lang),
        Condition::Damaged => T::CondDamaged.get(lang),
    }
}

pub(crate) fn actor_ref(u: &CurrentUser) -> ActorRef {
    ActorRef {
        id: Some(u.user.id),
        username: u.user.username.clone(),
    }
}

/// Today in Western Indonesia: lists and summaries that span time zones
/// use the national office's day.
pub(crate) fn today() -> NaiveDate {
    TimeZone::Wib.local_date(lentera_store::now())
}

/// Today where the allocation's library is.
pub(crate) fn today_at(a: &Allocation) -> NaiveDate {
    match a.region() {
        Some(r) => TimeZone::of_region(&r).local_date(lentera_store::now()),
        None => today(),
    }
}

pub(crate) fn this_year() -> i32 {
    today().year()
}

/// Packages are national templates.
pub(crate) fn may_manage_packages(actor: &Actor) -> bool {
    actor.role == Role::National
}

/// Where an allocation lives, for reach checks.
pub(crate) fn place_of(
    a: &Allocation,
) -> Option<(
    lentera_core::regions::RegionCode,
    lentera_core::ids::LibraryId,
)> {
    Some((a.region()?, a.library()?))
}

/// May `actor` see this allocation? Anyone whose reach includes its library.
pub(crate) fn may_read(actor: &Actor, a: &Allocation) -> bool {
    place_of(a).is_some_and(|(region, lib)| {
        actor.reaches(&Place {
            region: &region,
            library: Some(lib),
        })
    })
}

/// Allocating and recording shipments: officers within reach.
pub(crate) fn may_distribute(actor: &Actor, a: &Allocation) -> bool {
    actor.role.is_officer() && may_read(actor, a)
}

/// The receipt and the books: the receiving library's own people.
pub(crate) fn may_receive(actor: &Actor, a: &Allocation) -> bool {
    a.library().is_some_and(|l| actor.may_work_in(l))
}

/// An allocation with everything about it, or 404 when it is unknown or
/// outside reach.
pub(crate) async fn readable(
    state: &AppState,
    user: &CurrentUser,
    id: String,
) -> Result<AllocationDetail, WebError> {
    let actor = user.actor.clone();
    state
        .run(move |c| {
            let d = match store::detail(c, &id) {
                Ok(d) => d,
                Err(lentera_store::StoreError::NotFound) => return Err(WebError::NotFound),
                Err(e) => return Err(e.into()),
            };
            if !may_read(&actor, &d.allocation) {
                return Err(WebError::NotFound);
            }
            Ok(d)
        })
        .await
}

/// This user's open aid tasks: the library's deliveries to confirm and aid
/// books to bring into the catalogue; for officers, the late deliveries in
/// their reach.
pub fn todos(
    conn: &mut lentera_store::DbConn,
    u: &CurrentUser,
    lang: Lang,
) -> Result<Vec<TodoItem>, WebError> {
    let mut out = Vec::new();
    if let Some(lib) = u.actor.own_library() {
        for a in store::for_library(conn, lib)? {
            let today = today_at(&a);
            if lentera_core::aid::awaits_receipt(a.status) {
                out.push(TodoItem {
                    label: T::TodoConfirm.get(lang).replace("{y}", &a.year.to_string()),
                    href: format!("/aid/allocations/{}/receipt", a.id),
                    due: a.due_date,
                    late: a.late(today),
                });
            } else if a.books_pending() {
                out.push(TodoItem {
                    label: T::TodoBooks.get(lang).replace("{y}", &a.year.to_string()),
                    href: format!("/aid/allocations/{}", a.id),
                    due: None,
                    late: false,
                });
            }
        }
    } else if u.actor.role.is_officer() {
        let n = store::late_count(conn, &u.actor.reach(), today())?;
        if n > 0 {
            out.push(TodoItem {
                label: T::TodoLate.get(lang).replace("{n}", &n.to_string()),
                href: "/aid?late=1".into(),
                due: None,
                late: true,
            });
        }
    }
    Ok(out)
}

/// The filters of the allocation list, page and API alike.
#[derive(Debug, Clone, Default)]
pub(crate) struct Filter {
    pub year: Option<i32>,
    pub status: Option<AllocationStatus>,
    pub late: bool,
    pub region: Option<lentera_core::regions::RegionCode>,
    pub library: Option<lentera_core::ids::LibraryId>,
    pub package: Option<String>,
    pub page: i64,
    pub per_page: i64,
}

pub(crate) fn param(pairs: &[(String, String)], key: &str) -> String {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_default()
}

impl Filter {
    /// Reads `year`, `status`, `late`, `region`, `library`, `package`,
    /// `page` and `per_page`; every bad value is reported.
    pub(crate) fn parse(
        pairs: &[(String, String)],
    ) -> Result<Filter, lentera_core::field::Invalid> {
        use lentera_core::field::{Collector, flag, optional, optional_int};
        let mut c = Collector::default();
        let year = c
            .take(
                "program_year",
                optional_int(&param(pairs, "year"), 2000, 2100),
            )
            .flatten()
            .map(|y| y as i32);
        let status = c
            .take(
                "status",
                optional(&param(pairs, "status"))
                    .map(AllocationStatus::parse)
                    .transpose(),
            )
            .flatten();
        let late = c.take("late", flag(&param(pairs, "late"))).unwrap_or(false);
        let region = c
            .take(
                "region",
                optional(&param(pairs, "region"))
                    .map(lentera_core::regions::RegionCode::parse)
                    .transpose(),
            )
            .flatten();
        let library = c
            .take(
                "library",
                optional(&param(pairs, "library"))
                    .map(lentera_core::ids::LibraryId::parse)
                    .transpose(),
            )
            .flatten();
        let package = optional(&param(pairs, "package")).map(str::to_string);
        let page = c
            .take("page", optional_int(&param(pairs, "page"), 1, 1_000_000))
            .flatten()
            .unwrap_or(1);
        let per_page = c
            .take("per_page", optional_int(&param(pairs, "per_page"), 1, 1000))
            .flatten()
            .unwrap_or(50);
        c.errors.finish(Filter {
            year,
            status,
            late,
            region,
            library,
            package,
            page,
            per_page,
        })
    }

    /// The store query within the user's reach.
    pub(crate) fn query(&self, actor: &Actor) -> store::AllocationQuery {
        let mut q = store::AllocationQuery::new(actor.reach());
        q.year = self.year;
        q.status = self.status;
        q.late_on = self.late.then(today);
        q.region = self.region.clone();
        q.library = self.library;
        q.package = self.package.clone();
        q.page = self.page;
        q.per_page = self.per_page;
        q
    }

    /// The filter as query pairs, for pager and download links.
    pub(crate) fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut v = Vec::new();
        if let Some(y) = self.year {
            v.push(("year", y.to_string()));
        }
        if let Some(s) = self.status {
            v.push(("status", s.key().to_string()));
        }
        if self.late {
            v.push(("late", "1".to_string()));
        }
        if let Some(r) = &self.region {
            v.push(("region", r.to_string()));
        }
        if let Some(l) = self.library {
            v.push(("library", l.to_string()));
        }
        if let Some(p) = &self.package {
            v.push(("package", p.clone()));
        }
        v
    }
}
