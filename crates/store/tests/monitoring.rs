//! The monitoring engine on both backends: figures computed from the
//! records, the live rollups the triggers keep (equal to a recomputation,
//! visible at once), the arithmetic of every default indicator and
//! aggregation type against hand-computed numbers, manual and approved
//! figures, drill-down, the KPI scorecard, IPLM, SNP, and reach.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use lentera_core::audit::ActorRef;
use lentera_core::circulation::{AgeGroup, Gender};
use lentera_core::ids::LibraryId;
use lentera_core::libraries::{LibraryDraft, LibraryForm};
use lentera_core::monitoring::figures::{Disagg, Element, Figures, Period, PeriodRange};
use lentera_core::monitoring::indicators::IndicatorForm;
use lentera_core::monitoring::iplm::{IplmBand, IplmVersion};
use lentera_core::monitoring::kpi::{Band, KpiFormula};
use lentera_core::monitoring::snp::SnpItem;
use lentera_core::regions::RegionCode;
use lentera_core::users::Reach;
use lentera_core::visits::{Purpose, VisitDraft, Visitor};
use lentera_store::monitoring::dashboard::{self, IndicatorValue};
use lentera_store::monitoring::figures::{self, Unit};
use lentera_store::monitoring::indicators as defs;
use lentera_store::schema::*;
use lentera_store::{Db, DbConn, StoreError, both_backends, now, regions};
use lentera_tabular::Lang;

fn sys() -> ActorRef {
    ActorRef::system("test")
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn ts(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
}

fn p(y: i32, m: u32) -> Period {
    Period::new(y, m).unwrap()
}

fn rc(s: &str) -> RegionCode {
    RegionCode::parse(s).unwrap()
}

fn id() -> String {
    uuid::Uuid::now_v7().to_string()
}

fn library(c: &mut DbConn, name: &str, village: &str) -> LibraryId {
    let tree = regions::tree(c).unwrap();
    let f = LibraryForm {
        kind: "desa".into(),
        name: name.into(),
        village_code: village.into(),
        ..Default::default()
    };
    lentera_store::libraries::create(c, &sys(), &LibraryDraft::parse(&f, &tree, 2026).unwrap())
        .unwrap()
        .id
}

#[allow(clippy::too_many_arguments)]
fn visit(
    c: &mut DbConn,
    lib: LibraryId,
    day: NaiveDate,
    member: Option<&str>,
    males: i32,
    females: i32,
    age: &str,
    purpose: &str,
) {
    diesel::insert_into(visits::table)
        .values((
            visits::id.eq(id()),
            visits::library_id.eq(lib.to_string()),
            visits::visited_at.eq(day.and_hms_opt(3, 0, 0).unwrap()),
            visits::visit_date.eq(day),
            visits::member_id.eq(member),
            visits::males.eq(males),
            visits::females.eq(females),
            visits::age_group.eq(age),
            visits::purpose.eq(purpose),
        ))
        .execute(c)
        .unwrap();
}

fn member(c: &mut DbConn, lib: LibraryId, no: &str, gender: &str, joined: NaiveDate) -> String {
    let mid = id();
    let t = now();
    diesel::insert_into(members::table)
        .values((
            members::id.eq(&mid),
            members::library_id.eq(lib.to_string()),
            members::member_no.eq(no),
            members::full_name.eq(format!("Anggota {no}")),
            members::name_key.eq(no.to_lowercase()),
            members::gender.eq(gender),
            members::joined_on.eq(joined),
            members::created_at.eq(t),
            members::updated_at.eq(t),
        ))
        .execute(c)
        .unwrap();
    mid
}

fn biblio(c: &mut DbConn, lib: LibraryId, title: &str, at: NaiveDateTime) -> String {
    let bid = id();
    diesel::insert_into(biblios::table)
        .values((
            biblios::id.eq(&bid),
            biblios::library_id.eq(lib.to_string()),
            biblios::title.eq(title),
            biblios::title_key.eq(title.to_lowercase()),
            biblios::created_at.eq(at),
            biblios::updated_at.eq(at),
        ))
        .execute(c)
        .unwrap();
    bid
}

fn item(
    c: &mut DbConn,
    lib: LibraryId,
    bib: &str,
    barcode: &str,
    status: &str,
    at: NaiveDateTime,
) -> String {
    let iid = id();
    diesel::insert_into(items::table)
        .values((
            items::id.eq(&iid),
            items::library_id.eq(lib.to_string()),
            items::biblio_id.eq(bib),
            items::barcode.eq(barcode),
            items::status.eq(status),
            items::created_at.eq(at),
            items::updated_at.eq(at),
        ))
        .execute(c)
        .unwrap();
    iid
}

fn loan(c: &mut DbConn, lib: LibraryId, item: &str, member: &str, at: NaiveDateTime) {
    diesel::insert_into(loans::table)
        .values((
            loans::id.eq(id()),
            loans::library_id.eq(lib.to_string()),
            loans::item_id.eq(item),
            loans::member_id.eq(member),
            loans::loaned_at.eq(at),
            loans::due_on.eq(at.date() + chrono::Duration::days(7)),
        ))
        .execute(c)
        .unwrap();
}

fn report(
    c: &mut DbConn,
    lib: LibraryId,
    region: &str,
    day: NaiveDate,
    strategy: &str,
    grid: &[(&str, &str, bool, i32)],
) -> String {
    let rid = id();
    let t = now();
    diesel::insert_into(activity_reports::table)
        .values((
            activity_reports::id.eq(&rid),
            activity_reports::library_id.eq(lib.to_string()),
            activity_reports::region_code.eq(region),
            activity_reports::held_on.eq(day),
            activity_reports::strategy.eq(strategy),
            activity_reports::kind.eq("lainnya"),
            activity_reports::title.eq("Kegiatan"),
            activity_reports::participants.eq(grid.iter().map(|g| g.3).sum::<i32>()),
            activity_reports::created_at.eq(t),
            activity_reports::updated_at.eq(t),
        ))
        .execute(c)
        .unwrap();
    for (g, a, dis, n) in grid {
        diesel::insert_into(activity_participants::table)
            .values((
                activity_participants::report_id.eq(&rid),
                activity_participants::gender.eq(*g),
                activity_participants::age_group.eq(*a),
                activity_participants::disability.eq(*dis),
                activity_participants::count.eq(*n),
            ))
            .execute(c)
            .unwrap();
    }
    rid
}

fn workplan(c: &mut DbConn, lib: LibraryId, kind: &str, status: &str) -> String {
    let wid = id();
    let t = now();
    diesel::insert_into(workplans::table)
        .values((
            workplans::id.eq(&wid),
            workplans::library_id.eq(lib.to_string()),
            workplans::region_code.eq("3520012001"),
            workplans::year.eq(2025),
            workplans::kind.eq(kind),
            workplans::title.eq("Rencana"),
            workplans::status.eq(status),
            workplans::created_at.eq(t),
            workplans::updated_at.eq(t),
        ))
        .execute(c)
        .unwrap();
    wid
}

fn plan_activity(
    c: &mut DbConn,
    lib: LibraryId,
    plan: &str,
    starts: Option<NaiveDate>,
    ends: Option<NaiveDate>,
    progress: &str,
) -> String {
    let aid = id();
    let t = now();
    diesel::insert_into(workplan_activities::table)
        .values((
            workplan_activities::id.eq(&aid),
            workplan_activities::workplan_id.eq(plan),
            workplan_activities::library_id.eq(lib.to_string()),
            workplan_activities::position.eq(1),
            workplan_activities::name.eq("Kegiatan rencana"),
            workplan_activities::starts_on.eq(starts),
            workplan_activities::ends_on.eq(ends),
            workplan_activities::progress.eq(progress),
            workplan_activities::created_at.eq(t),
            workplan_activities::updated_at.eq(t),
        ))
        .execute(c)
        .unwrap();
    aid
}

fn aid_receipt(c: &mut DbConn, lib: LibraryId, received: NaiveDate) {
    let t = now();
    let pkg = id();
    diesel::insert_into(aid_packages::table)
        .values((
            aid_packages::id.eq(&pkg),
            aid_packages::year.eq(2025),
            aid_packages::name.eq("1.000 buku + 1 rak"),
            aid_packages::created_at.eq(t),
            aid_packages::updated_at.eq(t),
        ))
        .execute(c)
        .unwrap();
    let alloc = id();
    diesel::insert_into(aid_allocations::table)
        .values((
            aid_allocations::id.eq(&alloc),
            aid_allocations::year.eq(2025),
            aid_allocations::library_id.eq(lib.to_string()),
            aid_allocations::region_code.eq("3520012001"),
            aid_allocations::package_id.eq(&pkg),
            aid_allocations::status.eq("received"),
            aid_allocations::created_at.eq(t),
            aid_allocations::updated_at.eq(t),
        ))
        .execute(c)
        .unwrap();
    diesel::insert_into(aid_receipts::table)
        .values((
            aid_receipts::allocation_id.eq(&alloc),
            aid_receipts::received_on.eq(received),
            aid_receipts::receiver_name.eq("Penerima"),
            aid_receipts::condition.eq("good"),
            aid_receipts::created_at.eq(t),
        ))
        .execute(c)
        .unwrap();
}

/// The fixture, with every number below worked out by hand.
struct World {
    a: LibraryId,
    b: LibraryId,
    c: LibraryId,
    d: LibraryId,
    m1: String,
    r2: String,
    wp1: String,
}

fn world(c: &mut DbConn) -> World {
    // A and B in Magetan (3520, Jawa Timur), C in Sanggau (6103,
    // Kalimantan Barat), D in Kupang (5371, NTT: WITA, UTC+8).
    let a = library(c, "Perpustakaan Desa Poncol", "3520012001");
    let b = library(c, "Perpustakaan Desa Sayutan", "3520022001");
    let cc = library(c, "Perpustakaan Tanjung Kapuas", "6103011001");
    let dd = library(c, "TBM Namosain", "5371011001");

    // Members of A: m1 (P) in December, m2 (L) in January, m3 (P) in February.
    let m1 = member(c, a, "A1", "P", d(2024, 12, 15));
    let m2 = member(c, a, "A2", "L", d(2025, 1, 7));
    member(c, a, "A3", "P", d(2025, 2, 1));
    let mb = member(c, b, "B1", "L", d(2025, 1, 2));
    let md = member(c, dd, "D1", "P", d(2024, 1, 1));

    // A's guest book: January 10 + 1 + 1 = 12, February 20.
    visit(c, a, d(2025, 1, 5), None, 3, 7, "anak", "kegiatan");
    visit(c, a, d(2025, 1, 10), Some(&m1), 0, 1, "dewasa", "meminjam");
    visit(c, a, d(2025, 1, 20), None, 1, 0, "remaja", "membaca");
    visit(c, a, d(2025, 2, 3), None, 10, 10, "dewasa", "membaca");
    // B: 48 in January. C: 5 in January.
    visit(c, b, d(2025, 1, 8), None, 20, 28, "dewasa", "membaca");
    visit(c, cc, d(2025, 1, 3), None, 0, 5, "lansia", "lainnya");

    // A's catalogue: three titles in 2024, a fourth in February 2025.
    let old = ts("2024-06-01 02:00:00");
    let b1 = biblio(c, a, "Bertani Jeruk", old);
    let b2 = biblio(c, a, "Anyaman Bambu", old);
    biblio(c, a, "Kancil", old);
    let b4 = biblio(c, a, "Budidaya Lele", ts("2025-02-10 02:00:00"));
    let i1 = item(c, a, &b1, "I1", "available", old);
    let i2 = item(c, a, &b1, "I2", "available", old);
    item(c, a, &b2, "I3", "withdrawn", old);
    let i4 = item(c, a, &b4, "I4", "available", ts("2025-02-10 02:00:00"));
    // 20:00 UTC on 31 January is 03:00 WIB on 1 February.
    item(c, a, &b4, "I5", "available", ts("2025-01-31 20:00:00"));

    // Loans: A one in January, two in February (18:00 UTC on 31 January is
    // February in WIB); B one in January; D one at 16:30 UTC on 31 January,
    // which is February in WITA (and would be January in WIB).
    loan(c, a, &i1, &m1, ts("2025-01-10 03:00:00"));
    loan(c, a, &i2, &m2, ts("2025-01-31 18:00:00"));
    loan(c, a, &i4, &m1, ts("2025-02-15 03:00:00"));
    let bb = biblio(c, b, "Buku B", old);
    let ib = item(c, b, &bb, "B1", "available", old);
    loan(c, b, &ib, &mb, ts("2025-01-09 03:00:00"));
    let bd = biblio(c, dd, "Buku D", old);
    let id_ = item(c, dd, &bd, "D1", "available", old);
    loan(c, dd, &id_, &md, ts("2025-01-31 16:30:00"));

    // Activities of A: January 20 participants, February 10 and a report
    // without participants.
    report(
        c,
        a,
        "3520012001",
        d(2025, 1, 15),
        "pelibatan_masyarakat",
        &[
            ("P", "dewasa", false, 12),
            ("L", "dewasa", false, 5),
            ("P", "anak", true, 3),
        ],
    );
    let r2 = report(
        c,
        a,
        "3520012001",
        d(2025, 2, 20),
        "layanan_informasi",
        &[("P", "anak", false, 10)],
    );
    report(c, a, "3520012001", d(2025, 2, 25), "advokasi", &[]);

    // Work plans of A: the approved one has two activities due in January
    // (one done), one in February by its start date (done) and one
    // cancelled; the draft's activity does not count.
    let wp1 = workplan(c, a, "pelibatan_masyarakat", "approved");
    plan_activity(c, a, &wp1, None, Some(d(2025, 1, 31)), "done");
    plan_activity(c, a, &wp1, None, Some(d(2025, 1, 20)), "under_way");
    plan_activity(c, a, &wp1, Some(d(2025, 2, 5)), None, "done");
    plan_activity(c, a, &wp1, None, Some(d(2025, 2, 28)), "cancelled");
    let wp2 = workplan(c, a, "advokasi", "draft");
    plan_activity(c, a, &wp2, None, Some(d(2025, 1, 10)), "done");

    aid_receipt(c, a, d(2025, 2, 12));

    // Registry: A meets area, hours and staff but not the collection.
    diesel::update(libraries::table.find(a.to_string()))
        .set((
            libraries::staff_count.eq(Some(2)),
            libraries::floor_area_m2.eq(Some(60.0)),
            libraries::hours_per_day.eq(Some(7.0)),
        ))
        .execute(c)
        .unwrap();
    World {
        a,
        b,
        c: cc,
        d: dd,
        m1,
        r2,
        wp1,
    }
}

fn total(f: &Figures, e: Element) -> i64 {
    f.total(e)
}

fn indicator(values: &[IndicatorValue], code: &str) -> Option<f64> {
    values
        .iter()
        .find(|v| v.code == code)
        .unwrap_or_else(|| panic!("no indicator {code}"))
        .value
}

const PERIODS: [(i32, u32); 4] = [(2024, 12), (2025, 1), (2025, 2), (2025, 3)];

/// The rollups hold exactly what the records say, library by library.
fn assert_stored_equals_computed(c: &mut DbConn, libs: &[LibraryId]) {
    for lib in libs {
        for (y, m) in PERIODS {
            let computed = figures::library_month(c, *lib, y, m).unwrap();
            let stored = figures::stored_library_month(c, *lib, p(y, m)).unwrap();
            assert_eq!(stored, computed, "library {lib} {y}-{m}");
        }
    }
}

fn rollup_snapshot(c: &mut DbConn) -> Vec<(String, String, String, String, i32, i64)> {
    figure_rollups::table
        .filter(figure_rollups::value.ne(0))
        .order((
            figure_rollups::region_code,
            figure_rollups::basis,
            figure_rollups::element,
            figure_rollups::disagg,
            figure_rollups::period,
        ))
        .select((
            figure_rollups::region_code,
            figure_rollups::basis,
            figure_rollups::element,
            figure_rollups::disagg,
            figure_rollups::period,
            figure_rollups::value,
        ))
        .load::<(String, String, String, String, i32, i64)>(c)
        .unwrap()
}

both_backends!(schema_columns_exist, |db: &Db| {
    let mut c = db.conn().unwrap();
    macro_rules! select_all {
        ($($t:ident),+) => {$(
            $t::table.select($t::all_columns).limit(0).execute(&mut c)
                .unwrap_or_else(|e| panic!("table {}: {e}", stringify!($t)));
        )+};
    }
    select_all!(
        figure_values,
        figure_rollups,
        figure_overrides,
        figure_member_months,
        figure_settings,
        figure_library_counts,
        figure_timezones,
        indicator_defs,
        indicator_targets,
        kpi_formulas,
        kpi_weights,
        region_population
    );
    // The default indicators and formula are seeded and parse.
    assert!(defs::list(&mut c, false).unwrap().len() >= 20);
    assert_eq!(defs::kpi_formulas(&mut c).unwrap()[0].version, 1);
});

both_backends!(library_month_by_hand, |db: &Db| {
    let mut c = db.conn().unwrap();
    let w = world(&mut c);
    let jan = figures::library_month(&mut c, w.a, 2025, 1).unwrap();
    assert_eq!(total(&jan, Element::Visits), 12);
    assert_eq!(jan.get(Element::Visits, &Disagg::gender(Gender::L)), 4);
    assert_eq!(jan.get(Element::Visits, &Disagg::gender(Gender::P)), 8);
    assert_eq!(jan.get(Element::Visits, &Disagg::age(AgeGroup::Anak)), 10);
    assert_eq!(
        jan.get(
            Element::Visits,
            &Disagg::gender_age(Gender::P, AgeGroup::Anak)
        ),
        7
    );
    assert_eq!(
        jan.get(Element::Visits, &Disagg::purpose(Purpose::Kegiatan)),
        10
    );
    assert_eq!(total(&jan, Element::MembersNew), 1);
    assert_eq!(jan.get(Element::MembersNew, &Disagg::gender(Gender::L)), 1);
    assert_eq!(total(&jan, Element::Members), 2);
    assert_eq!(total(&jan, Element::MembersActive), 1);
    assert_eq!(total(&jan, Element::Loans), 1);
    assert_eq!(total(&jan, Element::Titles), 3);
    assert_eq!(total(&jan, Element::Items), 2, "the withdrawn item is gone");
    assert_eq!(total(&jan, Element::ItemsNew), 0);
    assert_eq!(total(&jan, Element::Activities), 1);
    assert_eq!(total(&jan, Element::Participants), 20);
    assert_eq!(
        jan.get(Element::Participants, &Disagg::gender(Gender::P)),
        15
    );
    assert_eq!(jan.get(Element::Participants, &Disagg::disability(true)), 3);
    assert_eq!(
        jan.get(
            Element::Participants,
            &Disagg::strategy("pelibatan_masyarakat").unwrap()
        ),
        20
    );
    assert_eq!(total(&jan, Element::WorkplanPlanned), 2);
    assert_eq!(total(&jan, Element::WorkplanDone), 1);
    assert_eq!(total(&jan, Element::AidReceived), 0);
    assert!(!jan.iter().any(|v| v.manual));

    let feb = figures::library_month(&mut c, w.a, 2025, 2).unwrap();
    assert_eq!(total(&feb, Element::Visits), 20);
    assert_eq!(
        total(&feb, Element::Loans),
        2,
        "18:00 UTC on 31 Jan is February in WIB"
    );
    assert_eq!(total(&feb, Element::MembersActive), 2);
    assert_eq!(total(&feb, Element::Members), 3);
    assert_eq!(total(&feb, Element::Titles), 4);
    assert_eq!(total(&feb, Element::Items), 4);
    assert_eq!(total(&feb, Element::ItemsNew), 2);
    assert_eq!(total(&feb, Element::Activities), 2);
    assert_eq!(total(&feb, Element::Participants), 10);
    assert_eq!(total(&feb, Element::WorkplanPlanned), 1);
    assert_eq!(total(&feb, Element::WorkplanDone), 1);
    assert_eq!(total(&feb, Element::AidReceived), 1);

    // Kupang is on WITA: 16:30 UTC on 31 January is 00:30 on 1 February.
    assert_eq!(
        total(
            &figures::library_month(&mut c, w.d, 2025, 1).unwrap(),
            Element::Loans
        ),
        0
    );
    assert_eq!(
        total(
            &figures::library_month(&mut c, w.d, 2025, 2).unwrap(),
            Element::Loans
        ),
        1
    );

    // Unknown library, impossible month.
    assert!(matches!(
        figures::library_month(&mut c, LibraryId::new(), 2025, 1),
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        figures::library_month(&mut c, w.a, 2025, 13),
        Err(StoreError::Invalid(_))
    ));
});

both_backends!(
    rollups_equal_a_recomputation_through_every_change,
    |db: &Db| {
        let mut c = db.conn().unwrap();
        let w = world(&mut c);
        let all = [w.a, w.b, w.c, w.d];
        assert_stored_equals_computed(&mut c, &all);
        let before = rollup_snapshot(&mut c);
        assert!(!before.is_empty());

        // A full rebuild from the records gives the very same rollups.
        figures::rebuild(&mut c).unwrap();
        assert_eq!(rollup_snapshot(&mut c), before);
        assert_stored_equals_computed(&mut c, &all);

        // Deletes, updates and moves keep them equal.
        diesel::delete(visits::table.filter(visits::member_id.eq(&w.m1)))
            .execute(&mut c)
            .unwrap();
        diesel::update(items::table.filter(items::barcode.eq("I1")))
            .set(items::status.eq("lost"))
            .execute(&mut c)
            .unwrap();
        diesel::update(activity_reports::table.find(&w.r2))
            .set(activity_reports::held_on.eq(d(2025, 1, 25)))
            .execute(&mut c)
            .unwrap();
        diesel::update(
            activity_participants::table.filter(activity_participants::report_id.eq(&w.r2)),
        )
        .set(activity_participants::count.eq(4))
        .execute(&mut c)
        .unwrap();
        diesel::update(
            workplan_activities::table.filter(workplan_activities::progress.eq("under_way")),
        )
        .set(workplan_activities::progress.eq("done"))
        .execute(&mut c)
        .unwrap();
        diesel::update(members::table.filter(members::member_no.eq("A3")))
            .set(members::joined_on.eq(d(2025, 1, 30)))
            .execute(&mut c)
            .unwrap();
        assert_stored_equals_computed(&mut c, &all);
        let jan = figures::stored_library_month(&mut c, w.a, p(2025, 1)).unwrap();
        assert_eq!(
            total(&jan, Element::Participants),
            24,
            "the re-dated report moved"
        );
        assert_eq!(total(&jan, Element::WorkplanDone), 2);
        assert_eq!(
            total(&jan, Element::MembersActive),
            1,
            "m1 still borrowed in January"
        );

        // A plan no longer approved takes its activities out; back again, in.
        diesel::update(workplans::table.find(&w.wp1))
            .set(workplans::status.eq("revision_requested"))
            .execute(&mut c)
            .unwrap();
        assert_eq!(
            total(
                &figures::stored_library_month(&mut c, w.a, p(2025, 1)).unwrap(),
                Element::WorkplanPlanned
            ),
            0
        );
        diesel::update(workplans::table.find(&w.wp1))
            .set(workplans::status.eq("approved"))
            .execute(&mut c)
            .unwrap();
        assert_stored_equals_computed(&mut c, &all);

        // A library moving to another regency takes its figures along.
        let range = PeriodRange::month(p(2025, 1));
        let magetan = Unit::Region(rc("3520"));
        let surabaya = Unit::Region(rc("3578"));
        let visits_of = |c: &mut DbConn, u: &Unit| {
            dashboard::period_figures(c, &Reach::Everything, u, range, true)
                .unwrap()
                .total(Element::Visits)
        };
        let (m0, s0) = (visits_of(&mut c, &magetan), visits_of(&mut c, &surabaya));
        diesel::update(libraries::table.find(w.b.to_string()))
            .set(libraries::village_code.eq("3578011001"))
            .execute(&mut c)
            .unwrap();
        assert_eq!(visits_of(&mut c, &magetan), m0 - 48);
        assert_eq!(visits_of(&mut c, &surabaya), s0 + 48);

        // Rollups still equal a rebuild after all of that.
        let now_ = rollup_snapshot(&mut c);
        figures::rebuild(&mut c).unwrap();
        assert_eq!(rollup_snapshot(&mut c), now_);

        // Paused (bulk load): writes are not counted until the rebuild.
        figures::pause(&mut c).unwrap();
        visit(&mut c, w.c, d(2025, 1, 4), None, 1, 1, "anak", "membaca");
        let sanggau = Unit::Region(rc("6103"));
        assert_eq!(visits_of(&mut c, &sanggau), 5);
        figures::rebuild(&mut c).unwrap();
        assert_eq!(visits_of(&mut c, &sanggau), 7);
        visit(&mut c, w.c, d(2025, 1, 4), None, 1, 0, "anak", "membaca");
        assert_eq!(visits_of(&mut c, &sanggau), 8, "triggers resumed");
    }
);

both_backends!(a_new_record_is_in_the_aggregates_at_once, |db: &Db| {
    let mut c = db.conn().unwrap();
    let lib = library(&mut c, "Perpustakaan Karang Pilang", "3578011001");
    let today = now().date();
    let this_month = PeriodRange::month(Period::of(
        lentera_core::visits::TimeZone::Wib.local_date(now()),
    ));
    let read = |c: &mut DbConn, unit: &Unit| {
        dashboard::period_figures(c, &Reach::Everything, unit, this_month, true).unwrap()
    };
    let province = Unit::Region(rc("35"));
    let before = read(&mut c, &province);

    // A guest-book entry through the guest book's own store function.
    let village = rc("3578011001");
    lentera_store::visits::record(
        &mut c,
        &sys(),
        &lentera_store::visits::At {
            library: lib,
            village: &village,
        },
        &VisitDraft {
            visitor: Visitor::Group {
                name: "Kelas 5 SDN 1".into(),
                males: 11,
                females: 13,
            },
            gender: None,
            age_group: Some(AgeGroup::Anak),
            purpose: Purpose::Membaca,
            date: None,
        },
        now(),
    )
    .unwrap();
    let after = read(&mut c, &province);
    assert_eq!(
        after.total(Element::Visits),
        before.total(Element::Visits) + 24
    );
    assert_eq!(
        read(&mut c, &Unit::Nation).total(Element::Visits),
        before.total(Element::Visits) + 24
    );

    // A checkout at the desk, through circulation's own store function.
    let mid = member(&mut c, lib, "K1", "L", today);
    let b = biblio(&mut c, lib, "Laskar Pelangi", now());
    item(&mut c, lib, &b, "K0001", "available", now());
    lentera_store::circulation::checkout(&mut c, &sys(), lib, &mid, "K0001", today)
        .unwrap()
        .unwrap();
    let after = read(&mut c, &province);
    assert_eq!(
        after.total(Element::Loans),
        before.total(Element::Loans) + 1
    );
    assert_eq!(
        after.total(Element::MembersActive),
        before.total(Element::MembersActive) + 1
    );
    assert_eq!(
        after.total(Element::Titles),
        before.total(Element::Titles) + 1
    );

    // An activity report with its participants.
    report(
        &mut c,
        lib,
        "3578011001",
        lentera_core::visits::TimeZone::Wib.local_date(now()),
        "pelibatan_masyarakat",
        &[("P", "dewasa", false, 9), ("L", "remaja", true, 2)],
    );
    let after = read(&mut c, &province);
    assert_eq!(
        after.total(Element::Activities),
        before.total(Element::Activities) + 1
    );
    assert_eq!(
        after.total(Element::Participants),
        before.total(Element::Participants) + 11
    );
    let inds = dashboard::region_indicators(
        &mut c,
        &Reach::Everything,
        &Unit::Region(rc("3578")),
        this_month,
        true,
    )
    .unwrap();
    assert_eq!(indicator(&inds, "participation_women"), Some(81.8));
});

both_backends!(every_default_indicator_by_hand, |db: &Db| {
    let mut c = db.conn().unwrap();
    world(&mut c);
    let range = PeriodRange::new(p(2025, 1), p(2025, 2)).unwrap();
    let magetan = Unit::Region(rc("3520"));
    let v =
        dashboard::region_indicators(&mut c, &Reach::Everything, &magetan, range, true).unwrap();
    // Two libraries, two months.
    assert_eq!(indicator(&v, "visits"), Some(80.0));
    assert_eq!(
        indicator(&v, "visits_per_month"),
        Some(20.0),
        "80 / 2 months / 2 libraries"
    );
    assert_eq!(indicator(&v, "visits_children_share"), Some(12.5));
    assert_eq!(indicator(&v, "loans"), Some(4.0));
    // (1 + 1 + 2) / 80; the sum of the monthly ratios (2/60 + 2/20) would be 0.13.
    assert_eq!(indicator(&v, "loans_per_visit"), Some(0.05));
    assert_eq!(
        indicator(&v, "members"),
        Some(4.0),
        "the level at the end of February"
    );
    assert_eq!(indicator(&v, "members_new"), Some(3.0));
    assert_eq!(
        indicator(&v, "active_members"),
        Some(1.0),
        "(2 + 2) / 2 months / 2 libraries"
    );
    // Titles: the level at the end (A 4 + B 1), never 3 + 4 summed over months.
    assert_eq!(indicator(&v, "titles"), Some(5.0));
    assert_eq!(
        indicator(&v, "titles_per_library"),
        Some(3.0),
        "5 / 2 = 2.5 → 3 (no decimals)"
    );
    assert_eq!(indicator(&v, "items"), Some(5.0));
    assert_eq!(indicator(&v, "items_new"), Some(2.0));
    assert_eq!(indicator(&v, "activities"), Some(3.0));
    assert_eq!(
        indicator(&v, "activities_per_month"),
        Some(0.8),
        "3 / 2 / 2 = 0.75"
    );
    assert_eq!(indicator(&v, "participants"), Some(30.0));
    assert_eq!(indicator(&v, "participation_women"), Some(83.3), "25 / 30");
    assert_eq!(
        indicator(&v, "participation_children"),
        Some(43.3),
        "13 / 30"
    );
    assert_eq!(
        indicator(&v, "participation_disabled"),
        Some(10.0),
        "3 / 30"
    );
    // (1 + 1) / (2 + 1): 50% and 100% would sum to 150%.
    assert_eq!(indicator(&v, "workplan_completion"), Some(67.0));
    assert_eq!(indicator(&v, "aid_received"), Some(1.0));
    let target = v.iter().find(|i| i.code == "visits_per_month").unwrap();
    assert_eq!(
        (
            target.target,
            target.achievement.map(|a| (a * 100.0).round() / 100.0)
        ),
        (Some(150.0), Some(13.33))
    );

    // The province and the nation add up the same rows; Kalbar's 5 visits
    // join at national level.
    let jatim = dashboard::region_indicators(
        &mut c,
        &Reach::Everything,
        &Unit::Region(rc("35")),
        range,
        true,
    )
    .unwrap();
    assert_eq!(indicator(&jatim, "visits"), Some(80.0));
    let nation =
        dashboard::region_indicators(&mut c, &Reach::Everything, &Unit::Nation, range, true)
            .unwrap();
    assert_eq!(indicator(&nation, "visits"), Some(85.0));
    assert_eq!(indicator(&nation, "loans"), Some(5.0));
    // Per library over the 4 libraries of the nation.
    assert_eq!(
        indicator(&nation, "visits_per_month"),
        Some(11.0),
        "85 / 2 / 4 = 10.6"
    );
    // A kecamatan (no rollup of its own) reads its libraries' rows.
    let kec = dashboard::region_indicators(
        &mut c,
        &Reach::Everything,
        &Unit::Region(rc("352001")),
        range,
        true,
    )
    .unwrap();
    assert_eq!(indicator(&kec, "visits"), Some(32.0));
    assert_eq!(indicator(&kec, "titles"), Some(4.0));
    // One library; the last value of a single month.
    let jan = PeriodRange::month(p(2025, 1));
    let a = Unit::Library(lib_a(&mut c));
    let lib = dashboard::region_indicators(&mut c, &Reach::Everything, &a, jan, true).unwrap();
    assert_eq!(indicator(&lib, "titles"), Some(3.0));
    assert_eq!(indicator(&lib, "loans_per_visit"), Some(0.08), "1 / 12");
    // No participants: no share, not zero.
    let dec = PeriodRange::month(p(2024, 12));
    let none =
        dashboard::region_indicators(&mut c, &Reach::Everything, &magetan, dec, true).unwrap();
    assert_eq!(indicator(&none, "participation_women"), None);
    assert_eq!(indicator(&none, "titles"), Some(4.0));
});

fn lib_a(c: &mut DbConn) -> LibraryId {
    let s: String = libraries::table
        .filter(libraries::name.eq("Perpustakaan Desa Poncol"))
        .select(libraries::id)
        .first(c)
        .unwrap();
    LibraryId::parse(&s).unwrap()
}

fn monthly_report(
    c: &mut DbConn,
    lib: LibraryId,
    period: i32,
    status: &str,
    values: &[(&str, &str, i64, bool)],
) -> String {
    let rid = id();
    let t = now();
    diesel::insert_into(monthly_reports::table)
        .values((
            monthly_reports::id.eq(&rid),
            monthly_reports::library_id.eq(lib.to_string()),
            monthly_reports::region_code.eq("3520012001"),
            monthly_reports::period.eq(period),
            monthly_reports::status.eq(status),
            monthly_reports::created_at.eq(t),
            monthly_reports::updated_at.eq(t),
        ))
        .execute(c)
        .unwrap();
    for (e, dis, v, manual) in values {
        diesel::insert_into(monthly_report_values::table)
            .values((
                monthly_report_values::report_id.eq(&rid),
                monthly_report_values::element.eq(*e),
                monthly_report_values::disagg.eq(*dis),
                monthly_report_values::value.eq(*v),
                monthly_report_values::manual.eq(*manual),
            ))
            .execute(c)
            .unwrap();
    }
    rid
}

both_backends!(
    manual_figures_replace_and_approved_figures_filter,
    |db: &Db| {
        let mut c = db.conn().unwrap();
        let w = world(&mut c);
        let jan = PeriodRange::month(p(2025, 1));
        let magetan = Unit::Region(rc("3520"));
        let fig = |c: &mut DbConn, unit: &Unit, live: bool| {
            dashboard::period_figures(c, &Reach::Everything, unit, jan, live).unwrap()
        };
        assert_eq!(fig(&mut c, &magetan, true).total(Element::Visits), 60);
        assert_eq!(
            fig(&mut c, &magetan, false).total(Element::Visits),
            0,
            "nothing approved yet"
        );

        // A types its January visits by hand (it kept a paper guest book too):
        // they replace A's computed visits, not add to them.
        let r = monthly_report(
            &mut c,
            w.a,
            202501,
            "draft",
            &[
                ("visits", "", 100, true),
                ("visits", "gender=L", 40, true),
                ("visits", "gender=P", 60, true),
                ("loans", "", 1, false),
            ],
        );
        let live = fig(&mut c, &magetan, true);
        assert_eq!(live.total(Element::Visits), 148, "B's 48 + A's typed 100");
        assert_eq!(
            live.get(Element::Visits, &Disagg::gender(Gender::L)),
            20 + 40
        );
        // A slice A did not type is gone with the computed element (no mixing).
        assert_eq!(
            live.get(Element::Visits, &Disagg::purpose(Purpose::Kegiatan)),
            0
        );
        assert_eq!(live.total(Element::Loans), 2, "computed loans stay");
        let lib_live = fig(&mut c, &Unit::Library(w.a), true);
        assert_eq!(lib_live.total(Element::Visits), 100);
        // New computed visits while the typed figures stand do not leak in.
        visit(&mut c, w.a, d(2025, 1, 28), None, 5, 0, "dewasa", "membaca");
        assert_eq!(fig(&mut c, &magetan, true).total(Element::Visits), 148);

        // Approval: the report's values (typed and frozen) become the approved figures.
        diesel::update(monthly_reports::table.find(&r))
            .set((
                monthly_reports::status.eq("approved"),
                monthly_reports::approved_level.eq(Some("district")),
            ))
            .execute(&mut c)
            .unwrap();
        let approved = fig(&mut c, &magetan, false);
        assert_eq!(approved.total(Element::Visits), 100);
        assert_eq!(approved.total(Element::Loans), 1);
        let v =
            dashboard::region_indicators(&mut c, &Reach::Everything, &magetan, jan, false).unwrap();
        assert_eq!(indicator(&v, "loans_per_visit"), Some(0.01));
        // Unlocked: no longer approved.
        diesel::update(monthly_reports::table.find(&r))
            .set(monthly_reports::status.eq("unlocked"))
            .execute(&mut c)
            .unwrap();
        assert_eq!(fig(&mut c, &magetan, false).total(Element::Visits), 0);
        // The typed figures removed: the computed ones (with the new visit) return.
        diesel::delete(monthly_report_values::table.filter(monthly_report_values::manual.eq(true)))
            .execute(&mut c)
            .unwrap();
        assert_eq!(fig(&mut c, &magetan, true).total(Element::Visits), 65);
        // And a rebuild agrees with all of it.
        let snap = rollup_snapshot(&mut c);
        figures::rebuild(&mut c).unwrap();
        assert_eq!(rollup_snapshot(&mut c), snap);

        // Approved stocks are the approved level itself.
        monthly_report(
            &mut c,
            w.b,
            202501,
            "approved",
            &[("titles", "", 500, true)],
        );
        let approved = fig(&mut c, &magetan, false);
        assert_eq!(approved.total(Element::Titles), 500);
    }
);

both_backends!(drill_down_and_reach, |db: &Db| {
    let mut c = db.conn().unwrap();
    let w = world(&mut c);
    let range = PeriodRange::new(p(2025, 1), p(2025, 2)).unwrap();
    let all = Reach::Everything;
    // Nation → provinces.
    let provinces = dashboard::children(&mut c, &all, &Unit::Nation, range, true).unwrap();
    let jatim = provinces.iter().find(|k| k.child.code == "35").unwrap();
    assert_eq!(indicator(&jatim.values, "visits"), Some(80.0));
    assert_eq!(jatim.child.libraries, 2);
    let kalbar = provinces.iter().find(|k| k.child.code == "61").unwrap();
    assert_eq!(indicator(&kalbar.values, "visits"), Some(5.0));
    // Province → regencies.
    let regencies =
        dashboard::children(&mut c, &all, &Unit::Region(rc("35")), range, true).unwrap();
    let codes: Vec<&str> = regencies.iter().map(|k| k.child.code.as_str()).collect();
    assert!(
        codes.contains(&"3520") && codes.contains(&"3578"),
        "{codes:?}"
    );
    let magetan = regencies.iter().find(|k| k.child.code == "3520").unwrap();
    assert_eq!(indicator(&magetan.values, "loans_per_visit"), Some(0.05));
    // Regency → libraries.
    let libs = dashboard::children(&mut c, &all, &Unit::Region(rc("3520")), range, true).unwrap();
    assert_eq!(libs.len(), 2);
    let a = libs
        .iter()
        .find(|k| k.child.unit == Unit::Library(w.a))
        .unwrap();
    assert_eq!(indicator(&a.values, "visits"), Some(32.0));
    assert_eq!(indicator(&a.values, "titles"), Some(4.0));
    assert_eq!(indicator(&a.values, "workplan_completion"), Some(67.0));
    // A library has no children.
    assert!(
        dashboard::children(&mut c, &all, &Unit::Library(w.a), range, true)
            .unwrap()
            .is_empty()
    );

    // Reach: a district sees its own, not another district's, nor the nation.
    let sanggau = Reach::Region(rc("6103"));
    let magetan_reach = Reach::Region(rc("3520"));
    for unit in [
        Unit::Region(rc("3520")),
        Unit::Nation,
        Unit::Library(w.a),
        Unit::Region(rc("35")),
    ] {
        assert!(
            matches!(
                dashboard::region_indicators(&mut c, &sanggau, &unit, range, true),
                Err(StoreError::NotFound)
            ),
            "{unit:?}"
        );
    }
    assert!(
        dashboard::region_indicators(&mut c, &magetan_reach, &Unit::Library(w.a), range, true)
            .is_ok()
    );
    assert!(matches!(
        dashboard::children(&mut c, &magetan_reach, &Unit::Region(rc("35")), range, true),
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        dashboard::scorecard(&mut c, &sanggau, &Unit::Region(rc("3520")), range, true),
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        dashboard::trend(&mut c, &sanggau, &Unit::Library(w.a), range, true),
        Err(StoreError::NotFound)
    ));
    // A library (or facilitator) sees its own library only.
    let own = Reach::Libraries(vec![w.a]);
    assert_eq!(dashboard::home(&own), Unit::Library(w.a));
    assert!(dashboard::library_trend(&mut c, &own, w.a, p(2025, 2), 2, true).is_ok());
    for unit in [
        Unit::Library(w.b),
        Unit::Region(rc("3520")),
        Unit::Nation,
        Unit::Libraries(vec![w.a, w.b]),
    ] {
        assert!(
            matches!(
                dashboard::region_indicators(&mut c, &own, &unit, range, true),
                Err(StoreError::NotFound)
            ),
            "{unit:?}"
        );
    }
    assert!(matches!(
        dashboard::snp(&mut c, &own, w.b),
        Err(StoreError::NotFound)
    ));
    // A facilitator's libraries side by side.
    let fac = Reach::Libraries(vec![w.a, w.c]);
    let home = dashboard::home(&fac);
    let side = dashboard::children(&mut c, &fac, &home, range, true).unwrap();
    assert_eq!(side.len(), 2);
    let sum = dashboard::region_indicators(&mut c, &fac, &home, range, true).unwrap();
    assert_eq!(indicator(&sum, "visits"), Some(37.0));

    // A library's trend: months in order, stocks as levels.
    let trend = dashboard::library_trend(&mut c, &all, w.a, p(2025, 2), 3, true).unwrap();
    let months: Vec<String> = trend.iter().map(|(p, _)| p.to_string()).collect();
    assert_eq!(months, ["2024-12", "2025-01", "2025-02"]);
    let visits: Vec<i64> = trend
        .iter()
        .map(|(_, f)| f.total(Element::Visits))
        .collect();
    assert_eq!(visits, [0, 12, 20]);
    let titles: Vec<i64> = trend
        .iter()
        .map(|(_, f)| f.total(Element::Titles))
        .collect();
    assert_eq!(titles, [3, 3, 4]);
    // The same for a region, through the rollups.
    let t = dashboard::trend(&mut c, &all, &Unit::Region(rc("35")), range, true).unwrap();
    assert_eq!(t[0].1.total(Element::Visits), 60);
    assert_eq!(
        t[1].1.get(
            Element::Participants,
            &Disagg::gender_age(Gender::P, AgeGroup::Anak)
        ),
        10
    );
    assert_eq!(t[1].1.total(Element::Titles), 5);
});

both_backends!(scorecard_ranked_with_its_formula_version, |db: &Db| {
    let mut c = db.conn().unwrap();
    let w = world(&mut c);
    let range = PeriodRange::new(p(2025, 1), p(2025, 2)).unwrap();
    let card = dashboard::scorecard(
        &mut c,
        &Reach::Everything,
        &Unit::Region(rc("35")),
        range,
        true,
    )
    .unwrap();
    assert_eq!(card.formula.version, 1);
    let magetan = card.rows.iter().find(|r| r.child.code == "3520").unwrap();
    // Hand-computed: Σ weight × min(100, value / target) / Σ weight with
    // visits/month 20/150, loans/visit 0.05/0.3, active 1/30, titles/library
    // 3/1000, activities/month 0.8/2, women 83.3/50 (capped), completion 67/80
    // → (266.67 + 166.67 + 33.33 + 4.5 + 600 + 1000 + 1675) / 100 = 37.46.
    assert_eq!(magetan.kpi.score, Some(37.46));
    assert_eq!(magetan.kpi.band, Some(Band::Red));
    assert_eq!(magetan.kpi.version, 1);
    assert_eq!(magetan.rank, Some(1));
    // Regencies without libraries score 0 and rank after.
    assert!(
        card.rows
            .iter()
            .skip(1)
            .all(|r| r.kpi.score == Some(0.0) && r.rank == Some(2))
    );
    // Libraries of the regency ranked: A above B.
    let libs = dashboard::scorecard(
        &mut c,
        &Reach::Everything,
        &Unit::Region(rc("3520")),
        range,
        true,
    )
    .unwrap();
    assert_eq!(libs.rows[0].child.unit, Unit::Library(w.a));
    assert_eq!(libs.rows[0].rank, Some(1));
    assert_eq!(libs.rows[1].rank, Some(2));
    assert_eq!(libs.own.score, magetan.kpi.score);

    // A new formula version from 2025: the same data, new weights and bands;
    // 2024 keeps version 1.
    let v2 = KpiFormula {
        version: 2,
        effective_from: d(2025, 1, 1),
        name: "KPI 2025".into(),
        weights: vec![
            ("participation_women".into(), 1.0),
            ("workplan_completion".into(), 1.0),
        ],
        red_below: 40.0,
        green_from: 90.0,
    };
    defs::add_kpi_formula(&mut c, &sys(), &v2).unwrap();
    assert!(matches!(
        defs::add_kpi_formula(&mut c, &sys(), &v2),
        Err(StoreError::Invalid(e)) if e.for_field("version").is_some()
    ));
    let card = dashboard::scorecard(
        &mut c,
        &Reach::Everything,
        &Unit::Region(rc("3520")),
        range,
        true,
    )
    .unwrap();
    assert_eq!(card.formula.version, 2);
    // (100 + 83.75) / 2 = 91.875 → green.
    assert_eq!(card.own.score, Some(91.88));
    assert_eq!(card.own.band, Some(Band::Green));
    assert_eq!(card.own.version, 2);
    let old = dashboard::scorecard(
        &mut c,
        &Reach::Everything,
        &Unit::Region(rc("3520")),
        PeriodRange::year(2024, None).unwrap(),
        true,
    )
    .unwrap();
    assert_eq!(old.formula.version, 1);
    // A district's own target changes its achievement (scale-free indicator).
    defs::set_target(
        &mut c,
        &sys(),
        "visits_per_month",
        2025,
        Some(&rc("3520")),
        Some(20.0),
    )
    .unwrap();
    let v = dashboard::region_indicators(
        &mut c,
        &Reach::Everything,
        &Unit::Region(rc("3520")),
        range,
        true,
    )
    .unwrap();
    let vpm = v.iter().find(|i| i.code == "visits_per_month").unwrap();
    assert_eq!((vpm.target, vpm.achievement), (Some(20.0), Some(100.0)));
    // …and its libraries inherit it.
    let libs = dashboard::children(
        &mut c,
        &Reach::Everything,
        &Unit::Region(rc("3520")),
        range,
        true,
    )
    .unwrap();
    assert!(libs.iter().all(|l| {
        l.values
            .iter()
            .find(|i| i.code == "visits_per_month")
            .unwrap()
            .target
            == Some(20.0)
    }));
});

both_backends!(indicators_and_targets_are_data, |db: &Db| {
    let mut c = db.conn().unwrap();
    world(&mut c);
    let form = IndicatorForm {
        code: "meminjam_share".into(),
        position: "500".into(),
        name_id: "Porsi kunjungan untuk meminjam".into(),
        name_en: "Share of visits to borrow".into(),
        numerator: "visits[purpose=meminjam]".into(),
        denominator: "visits".into(),
        factor: "100".into(),
        time_aggregation: "sum".into(),
        region_aggregation: "sum".into(),
        unit_id: "%".into(),
        unit_en: "%".into(),
        decimals: "1".into(),
        higher_is_better: "on".into(),
        active: "on".into(),
        ..Default::default()
    };
    defs::save(&mut c, &sys(), &form, true).unwrap();
    // Same code again: a field error, nothing written.
    assert!(matches!(
        defs::save(&mut c, &sys(), &form, true),
        Err(StoreError::Invalid(e)) if e.for_field("code").is_some()
    ));
    let range = PeriodRange::month(p(2025, 1));
    let v = dashboard::region_indicators(
        &mut c,
        &Reach::Everything,
        &Unit::Region(rc("35")),
        range,
        true,
    )
    .unwrap();
    assert_eq!(indicator(&v, "meminjam_share"), Some(1.7), "1 / 60");
    // Summing collection size over months is refused as data too.
    let bad = IndicatorForm {
        code: "titles_sum".into(),
        numerator: "titles".into(),
        time_aggregation: "sum".into(),
        ..form.clone()
    };
    assert!(matches!(
        defs::save(&mut c, &sys(), &bad, true),
        Err(StoreError::Invalid(e)) if e.for_field("time_aggregation").is_some()
    ));
    // Switched off: gone from the dashboards, kept in the list.
    let off = IndicatorForm {
        active: String::new(),
        ..form.clone()
    };
    defs::save(&mut c, &sys(), &off, false).unwrap();
    assert!(
        !defs::list(&mut c, false)
            .unwrap()
            .iter()
            .any(|i| i.code == "meminjam_share")
    );
    assert!(
        defs::list(&mut c, true)
            .unwrap()
            .iter()
            .any(|i| i.code == "meminjam_share")
    );
    // Targets: per region and year; removed with None.
    defs::set_target(
        &mut c,
        &sys(),
        "loans_per_visit",
        2025,
        Some(&rc("35")),
        Some(0.5),
    )
    .unwrap();
    assert!(
        defs::targets(&mut c, Some("loans_per_visit"))
            .unwrap()
            .iter()
            .any(|t| t.region.as_deref() == Some("35") && t.value == 0.5)
    );
    defs::set_target(
        &mut c,
        &sys(),
        "loans_per_visit",
        2025,
        Some(&rc("35")),
        None,
    )
    .unwrap();
    assert_eq!(
        defs::targets(&mut c, Some("loans_per_visit"))
            .unwrap()
            .len(),
        1
    );
    assert!(matches!(
        defs::set_target(&mut c, &sys(), "nothing", 2025, None, Some(1.0)),
        Err(StoreError::NotFound)
    ));
    // Every change is in the audit trail.
    let n: i64 = audit_log::table
        .filter(audit_log::action.like("indicator.%"))
        .count()
        .get_result(&mut c)
        .unwrap();
    assert_eq!(n, 4);
});

both_backends!(population_import_iplm_and_snp, |db: &Db| {
    let mut c = db.conn().unwrap();
    let w = world(&mut c);
    let csv = "Kode Wilayah;Tahun;Jumlah Penduduk;Sumber\n\
               35;2024;41000000;BPS\n\
               3520;2024;700000;BPS\n\
               35.20;2025;710000;BPS\n\
               61;2025;5600000;BPS\n\
               99;2024;10;X\n\
               3578;abc;5;X\n";
    let r = defs::import_population(&mut c, &sys(), csv.as_bytes().to_vec(), Lang::Id).unwrap();
    assert_eq!((r.read, r.inserted, r.rejected), (6, 4, 2));
    assert_eq!(r.problems.iter().map(|p| p.row).collect::<Vec<_>>(), [6, 7]);
    // Again: nothing changes.
    let r = defs::import_population(&mut c, &sys(), csv.as_bytes().to_vec(), Lang::Id).unwrap();
    assert_eq!(
        (r.inserted, r.updated, r.unchanged, r.rejected),
        (0, 0, 4, 2)
    );
    assert_eq!(
        defs::population(&mut c, &rc("3520"), 2026).unwrap(),
        Some(710_000)
    );
    assert_eq!(
        defs::population(&mut c, &rc("3520"), 2024).unwrap(),
        Some(700_000)
    );
    assert_eq!(defs::population(&mut c, &rc("3520"), 2023).unwrap(), None);
    // Not a spreadsheet at all.
    assert!(matches!(
        defs::import_population(&mut c, &sys(), b"\x00\x01\x02garbage".to_vec(), Lang::Id),
        Err(StoreError::Invalid(_))
    ));

    // SNP: C gets 1,000 titles and the registry's minimums.
    let old = ts("2024-01-01 02:00:00");
    c.transaction::<_, diesel::result::Error, _>(|c| {
        for i in 0..1000 {
            biblio(c, w.c, &format!("Judul {i}"), old);
        }
        Ok(())
    })
    .unwrap();
    diesel::update(libraries::table.find(w.c.to_string()))
        .set((
            libraries::staff_count.eq(Some(2)),
            libraries::floor_area_m2.eq(Some(56.0)),
            libraries::hours_per_day.eq(Some(6.0)),
        ))
        .execute(&mut c)
        .unwrap();
    let snp = dashboard::snp(&mut c, &Reach::Everything, w.c).unwrap();
    assert!(snp.meets);
    let snp_a = dashboard::snp(&mut c, &Reach::Everything, w.a).unwrap();
    assert!(!snp_a.meets);
    let coll = snp_a
        .checks
        .iter()
        .find(|x| x.item == SnpItem::Collection)
        .unwrap();
    assert_eq!((coll.value, coll.pass), (Some(4.0), false));
    assert!(
        snp_a
            .checks
            .iter()
            .filter(|x| x.item != SnpItem::Collection)
            .all(|x| x.pass)
    );
    let snp_b = dashboard::snp(&mut c, &Reach::Everything, w.b).unwrap();
    assert!(
        snp_b
            .checks
            .iter()
            .find(|x| x.item == SnpItem::Staff)
            .unwrap()
            .value
            .is_none()
    );

    // IPLM of Jawa Timur's regencies for January–February 2025 (norm 2025).
    let range = PeriodRange::new(p(2025, 1), p(2025, 2)).unwrap();
    let t = dashboard::iplm(
        &mut c,
        &Reach::Everything,
        &Unit::Region(rc("35")),
        range,
        IplmVersion::Norm2025,
    )
    .unwrap();
    assert_eq!(t.version, IplmVersion::Norm2025);
    let (_, inputs, result) = t.rows.iter().find(|(k, _, _)| k.code == "3520").unwrap();
    assert_eq!(inputs.population, Some(710_000));
    assert_eq!(
        (
            inputs.libraries,
            inputs.items,
            inputs.staff,
            inputs.visits,
            inputs.days,
            inputs.libraries_snp,
            inputs.participants,
            inputs.members
        ),
        (2, 5, 2, 80, 59, 0, 30, 4)
    );
    assert_eq!(result.version, IplmVersion::Norm2025);
    assert_eq!(result.band, Some(IplmBand::VeryLow));
    // Surabaya has no population figure: no index.
    let (_, _, sby) = t.rows.iter().find(|(k, _, _)| k.code == "3578").unwrap();
    assert_eq!(sby.index, None);
    let own = t.own.unwrap();
    assert_eq!(own.region, "35");
    // Min–max across the provinces: Kalbar's library meets the SNP.
    let n = dashboard::iplm(
        &mut c,
        &Reach::Everything,
        &Unit::Nation,
        range,
        IplmVersion::MinMax2023,
    )
    .unwrap();
    let (_, kalbar, _) = n.rows.iter().find(|(k, _, _)| k.code == "61").unwrap();
    assert_eq!(
        (kalbar.libraries, kalbar.libraries_snp, kalbar.population),
        (1, 1, Some(5_600_000))
    );
    assert!(
        n.own.is_none(),
        "min–max has no value of its own for the parent"
    );
    assert!(
        n.rows
            .iter()
            .all(|(_, _, r)| r.version == IplmVersion::MinMax2023)
    );
    // Reach.
    assert!(matches!(
        dashboard::iplm(
            &mut c,
            &Reach::Region(rc("6103")),
            &Unit::Nation,
            range,
            IplmVersion::Norm2025
        ),
        Err(StoreError::NotFound)
    ));
});
