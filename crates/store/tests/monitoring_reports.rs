//! Monthly reports on both backends: computed and manual figures, the
//! validation gate, approval up the hierarchy, locking and unlocking with
//! the audit trail, reach in lists, completeness and timeliness, and the
//! XLSX template round trip.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use lentera_core::audit::ActorRef;
use lentera_core::field::Problem;
use lentera_core::ids::LibraryId;
use lentera_core::libraries::{LibraryDraft, LibraryForm};
use lentera_core::monitoring::reports::{
    ApprovalLevel, Disagg, Element, Figures, ManualForm, Period, Stage, Status, Step, entry_cells,
    parse_manual,
};
use lentera_core::users::{Reach, Role, UserDraft, UserForm};
use lentera_core::visits::{AgeGroup, Purpose};
use lentera_store::StoreError;
use lentera_store::audit::{self, AuditQuery};
use lentera_store::monitoring::reports::{
    self as reports, Action, ReportQuery, Saved, TemplateIssue, Who,
};
use lentera_store::schema::{monthly_report_values, notifications};
use lentera_store::visits::{self, NewVisit};
use lentera_store::{Db, DbConn, both_backends, libraries, regions, users};
use std::collections::BTreeMap;

fn sys() -> ActorRef {
    ActorRef::system("test")
}

fn rc(s: &str) -> lentera_core::regions::RegionCode {
    lentera_core::regions::RegionCode::parse(s).unwrap()
}

fn at(y: i32, m: u32, d: u32, h: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .unwrap()
        .and_hms_opt(h, 0, 0)
        .unwrap()
}

fn p(s: &str) -> Period {
    Period::parse(s).unwrap()
}

fn library(c: &mut DbConn, name: &str, village: &str) -> LibraryId {
    let tree = regions::tree(c).unwrap();
    let f = LibraryForm {
        kind: "desa".into(),
        name: name.into(),
        village_code: village.into(),
        participation: "full_support".into(),
        cohort_year: "2024".into(),
        ..Default::default()
    };
    libraries::create(c, &sys(), &LibraryDraft::parse(&f, &tree, 2026).unwrap())
        .unwrap()
        .id
}

fn user(c: &mut DbConn, name: &str, role: &str, region: &str, lib: Option<LibraryId>) -> String {
    let f = UserForm {
        username: name.into(),
        full_name: format!("Uji {name}"),
        role: role.into(),
        region_code: region.into(),
        library_id: lib.map(|l| l.to_string()).unwrap_or_default(),
        ..Default::default()
    };
    users::create(c, &sys(), &UserDraft::parse(&f).unwrap(), "x", false)
        .unwrap()
        .id
        .to_string()
}

/// `n` single visitors on `day` (males), reading.
fn visits_on(c: &mut DbConn, lib: LibraryId, village: &str, day: NaiveDate, n: usize) {
    let rows: Vec<NewVisit> = (0..n)
        .map(|_| NewVisit {
            library: lib,
            visited_at: day.and_hms_opt(3, 0, 0).unwrap(),
            visit_date: day,
            visitor_name: None,
            group_name: None,
            males: 1,
            females: 0,
            age_group: AgeGroup::Dewasa,
            purpose: Purpose::Membaca,
        })
        .collect();
    visits::insert_many(c, &sys(), &rows, &[(lib, rc(village))]).unwrap();
}

struct Actors {
    library: ActorRef,
    district: ActorRef,
    province: ActorRef,
    nation: ActorRef,
}

fn actors() -> Actors {
    let a = |n: &str| ActorRef {
        id: None,
        username: n.into(),
    };
    Actors {
        library: a("pengelola.magetan"),
        district: a("dinas.magetan"),
        province: a("dinas.jatim"),
        nation: a("admin"),
    }
}

fn who<'a>(by: &'a ActorRef, role: Role) -> Who<'a> {
    Who {
        by,
        name: "Uji",
        role,
    }
}

fn form(pairs: &[(&str, &str)]) -> ManualForm {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn comments(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    form(pairs)
}

fn actions(c: &mut DbConn, prefix: &str) -> Vec<String> {
    let q = AuditQuery {
        action_prefix: Some(prefix.into()),
        page: 1,
        per_page: 100,
        ..Default::default()
    };
    let mut v: Vec<String> = audit::list(c, &Reach::Everything, &q)
        .unwrap()
        .items
        .into_iter()
        .map(|e| e.action)
        .collect();
    v.reverse();
    v
}

const MAGETAN: &str = "3520012001";

both_backends!(computed_and_manual_figures, |db: &Db| {
    let mut c = db.conn().unwrap();
    let lib = library(&mut c, "Perpustakaan Desa Contoh", MAGETAN);
    let day = NaiveDate::from_ymd_opt(2026, 9, 14).unwrap();
    visits_on(&mut c, lib, MAGETAN, day, 6);
    let a = actors();
    let me = who(&a.library, Role::Manager);

    // Untouched: computed live, nothing stored.
    let v = reports::view(&mut c, lib, p("2026-09")).unwrap();
    assert!(v.report.is_none());
    assert_eq!(v.stage, Stage::NEW);
    assert_eq!(v.figures.total(Element::Visits), 6);
    assert!(!v.figures.is_manual(Element::Visits));

    // Loans kept on paper: typed by hand; visits stay computed.
    let typed = parse_manual(&form(&[("loans", "9")])).unwrap();
    let s = reports::save_manual(&mut c, &me, lib, p("2026-09"), &typed, Step::Save, None).unwrap();
    assert_eq!(s, Saved::Changed);
    let v = reports::view(&mut c, lib, p("2026-09")).unwrap();
    assert_eq!(v.figures.total(Element::Loans), 9);
    assert!(v.figures.is_manual(Element::Loans));
    assert_eq!(v.figures.total(Element::Visits), 6);
    assert!(!v.figures.is_manual(Element::Visits));
    let r = v.report.unwrap();
    assert_eq!(r.stage.status, Status::Draft);
    // Only the typed figures are stored while open.
    let stored = reports::stored_figures(&mut c, &r.id).unwrap();
    assert_eq!(stored.elements(), vec![Element::Loans]);
    // A new guest-book entry shows at once in an open report.
    visits_on(&mut c, lib, MAGETAN, day, 1);
    let v = reports::view(&mut c, lib, p("2026-09")).unwrap();
    assert_eq!(v.figures.total(Element::Visits), 7);

    // The same figures again change nothing and audit nothing.
    let s = reports::save_manual(&mut c, &me, lib, p("2026-09"), &typed, Step::Save, None).unwrap();
    assert_eq!(s, Saved::Unchanged);
    // Typing visits by hand replaces the computed visits whole.
    let typed2 = parse_manual(&form(&[("loans", "9"), ("visits.P.anak", "20")])).unwrap();
    reports::save_manual(&mut c, &me, lib, p("2026-09"), &typed2, Step::Save, None).unwrap();
    let v = reports::view(&mut c, lib, p("2026-09")).unwrap();
    assert_eq!(v.figures.total(Element::Visits), 20);
    assert!(v.figures.is_manual(Element::Visits));
    // Clearing every typed figure brings the records back.
    reports::save_manual(
        &mut c,
        &me,
        lib,
        p("2026-09"),
        &Figures::new(),
        Step::Save,
        None,
    )
    .unwrap();
    let v = reports::view(&mut c, lib, p("2026-09")).unwrap();
    assert_eq!(v.figures.total(Element::Visits), 7);
    assert_eq!(v.figures.total(Element::Loans), 0);
    assert_eq!(
        actions(&mut c, "report."),
        vec!["report.save", "report.save", "report.save"]
    );
    let hist = v.events.iter().map(|e| e.step).collect::<Vec<_>>();
    assert_eq!(hist, vec![Step::Save, Step::Save, Step::Save]);
});

both_backends!(warnings_need_a_comment_and_errors_block, |db: &Db| {
    let mut c = db.conn().unwrap();
    let lib = library(&mut c, "Perpustakaan Desa Contoh", MAGETAN);
    visits_on(
        &mut c,
        lib,
        MAGETAN,
        NaiveDate::from_ymd_opt(2026, 9, 3).unwrap(),
        2,
    );
    let a = actors();
    let me = who(&a.library, Role::Manager);
    let sent = at(2026, 10, 2, 2);

    // 50 loans for 2 visits: a warning.
    let typed = parse_manual(&form(&[("loans", "50")])).unwrap();
    reports::save_manual(&mut c, &me, lib, p("2026-09"), &typed, Step::Save, None).unwrap();
    let err =
        reports::submit(&mut c, &me, lib, p("2026-09"), &BTreeMap::new(), None, sent).unwrap_err();
    let StoreError::Invalid(inv) = err else {
        panic!("{err:?}")
    };
    assert_eq!(
        inv.for_field("loans_per_visit").unwrap().problem,
        Problem::Required
    );
    assert_eq!(
        reports::get(&mut c, lib, p("2026-09"))
            .unwrap()
            .unwrap()
            .stage
            .status,
        Status::Draft,
        "nothing changed"
    );
    let r = reports::submit(
        &mut c,
        &me,
        lib,
        p("2026-09"),
        &comments(&[("loans_per_visit", "Pinjaman kelas dicatat sekaligus.")]),
        None,
        sent,
    )
    .unwrap();
    assert_eq!(r.stage.status, Status::Submitted);
    let v = reports::view(&mut c, lib, p("2026-09")).unwrap();
    assert_eq!(
        v.notes.get("loans_per_visit").map(String::as_str),
        Some("Pinjaman kelas dicatat sekaligus.")
    );
    assert_eq!(v.findings.len(), 1);
    assert_eq!(v.on_time, Some(true));

    // Participants typed without any activity: an error, whatever the comment.
    let typed = parse_manual(&form(&[("participants.L.anak", "12"), ("loans", "1")])).unwrap();
    reports::save_manual(&mut c, &me, lib, p("2026-08"), &typed, Step::Save, None).unwrap();
    let err = reports::submit(
        &mut c,
        &me,
        lib,
        p("2026-08"),
        &comments(&[("participants_without_activity", "maaf")]),
        None,
        sent,
    )
    .unwrap_err();
    let StoreError::Invalid(inv) = err else {
        panic!("{err:?}")
    };
    assert_eq!(
        inv.for_field("participants_without_activity")
            .unwrap()
            .problem,
        Problem::OutOfRange { min: 0, max: 0 }
    );
    // The current month cannot be submitted before it is over.
    let err = reports::submit(
        &mut c,
        &me,
        lib,
        p("2026-11"),
        &BTreeMap::new(),
        None,
        at(2026, 11, 20, 2),
    )
    .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(i) if i.for_field("period").is_some()));
});

both_backends!(approval_climbs_to_the_nation_and_locks, |db: &Db| {
    let mut c = db.conn().unwrap();
    let lib = library(&mut c, "Perpustakaan Desa Contoh", MAGETAN);
    let other = library(&mut c, "Perpustakaan Desa Balai Sebut", "6103042001");
    let district_user = user(&mut c, "dinas.magetan", "district", "3520", None);
    let province_user = user(&mut c, "dinas.jatim", "province", "35", None);
    let national_user = user(&mut c, "admin2", "national", "", None);
    let manager = user(&mut c, "pengelola.magetan", "manager", "", Some(lib));
    visits_on(
        &mut c,
        lib,
        MAGETAN,
        NaiveDate::from_ymd_opt(2026, 9, 3).unwrap(),
        30,
    );
    let a = actors();
    let (me, dist, prov, nat) = (
        who(&a.library, Role::Manager),
        who(&a.district, Role::District),
        who(&a.province, Role::Province),
        who(&a.nation, Role::National),
    );
    let month = p("2026-09");
    let notes_of = |c: &mut DbConn, u: &str| -> i64 {
        notifications::table
            .filter(notifications::user_id.eq(u))
            .count()
            .get_result(c)
            .unwrap()
    };
    let r = reports::submit(
        &mut c,
        &me,
        lib,
        month,
        &BTreeMap::new(),
        None,
        at(2026, 10, 9, 1),
    )
    .unwrap();
    assert_eq!(r.stage.waiting_for(), Some(ApprovalLevel::District));
    assert_eq!(
        notes_of(&mut c, &district_user),
        1,
        "the district hears of it"
    );
    // Frozen at submission: every figure stored, computed ones unmarked.
    let stored = reports::stored_figures(&mut c, &r.id).unwrap();
    assert_eq!(stored.total(Element::Visits), 30);
    assert!(!stored.is_manual(Element::Visits));

    // The queue: waiting for the district, within reach only.
    let mut q = ReportQuery::new(Reach::Region(rc("3520")));
    q.waiting_for = Some(ApprovalLevel::District);
    assert_eq!(reports::list(&mut c, &q).unwrap().total, 1);
    q.reach = Reach::Region(rc("6103"));
    assert_eq!(reports::list(&mut c, &q).unwrap().total, 0);
    assert_eq!(
        reports::waiting_count(&mut c, &Reach::Everything, ApprovalLevel::Province).unwrap(),
        0
    );

    // Only the level it waits for may decide: the province is too early.
    let approve = |level| Action::Approve {
        level,
        comment: None,
    };
    let err = reports::act(
        &mut c,
        &prov,
        lib,
        month,
        &approve(ApprovalLevel::Province),
        None,
        at(2026, 10, 11, 1),
    )
    .unwrap_err();
    assert!(
        matches!(err, StoreError::Invalid(i) if i.for_field("status").unwrap().problem == Problem::WrongStatus)
    );
    // A stale version is a conflict.
    let err = reports::act(
        &mut c,
        &dist,
        lib,
        month,
        &approve(ApprovalLevel::District),
        Some(r.version + 7),
        at(2026, 10, 11, 1),
    )
    .unwrap_err();
    assert!(matches!(err, StoreError::Conflict));

    let r = reports::act(
        &mut c,
        &dist,
        lib,
        month,
        &approve(ApprovalLevel::District),
        Some(r.version),
        at(2026, 10, 11, 1),
    )
    .unwrap();
    assert!(r.stage.is_locked());
    assert_eq!(r.approved_by.as_deref(), Some("dinas.magetan"));
    assert_eq!(notes_of(&mut c, &province_user), 1);
    assert_eq!(notes_of(&mut c, &manager), 1);
    assert!(reports::is_approved(&mut c, lib, month, ApprovalLevel::District).unwrap());
    assert!(!reports::is_approved(&mut c, lib, month, ApprovalLevel::Province).unwrap());

    // Locked: the library can neither type nor resubmit.
    let typed = parse_manual(&form(&[("loans", "3")])).unwrap();
    let err = reports::save_manual(&mut c, &me, lib, month, &typed, Step::Save, None).unwrap_err();
    assert!(matches!(err, StoreError::Invalid(i) if i.for_field("status").is_some()));
    let err = reports::submit(
        &mut c,
        &me,
        lib,
        month,
        &BTreeMap::new(),
        None,
        at(2026, 10, 12, 1),
    )
    .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)));
    // Later records do not change a locked month; the drift is shown.
    visits_on(
        &mut c,
        lib,
        MAGETAN,
        NaiveDate::from_ymd_opt(2026, 9, 20).unwrap(),
        2,
    );
    let v = reports::view(&mut c, lib, month).unwrap();
    assert_eq!(v.figures.total(Element::Visits), 30);
    assert_eq!(v.drift, vec![(Element::Visits, 30, 32)]);

    let r = reports::act(
        &mut c,
        &prov,
        lib,
        month,
        &approve(ApprovalLevel::Province),
        None,
        at(2026, 10, 15, 1),
    )
    .unwrap();
    assert_eq!(r.stage.waiting_for(), Some(ApprovalLevel::National));
    assert_eq!(notes_of(&mut c, &national_user), 1, "the nation is next");
    let r = reports::act(
        &mut c,
        &nat,
        lib,
        month,
        &approve(ApprovalLevel::National),
        None,
        at(2026, 10, 20, 1),
    )
    .unwrap();
    assert_eq!(
        r.stage,
        Stage {
            status: Status::Approved,
            approved: Some(ApprovalLevel::National)
        }
    );
    assert_eq!(r.stage.waiting_for(), None);

    // Dashboards: approved pairs at each level.
    let from = p("2026-01");
    assert_eq!(
        reports::approved_at_least(
            &mut c,
            ApprovalLevel::National,
            &Reach::Everything,
            from,
            month
        )
        .unwrap(),
        vec![(lib, month)]
    );
    assert!(
        reports::approved_at_least(
            &mut c,
            ApprovalLevel::District,
            &Reach::Region(rc("6103")),
            from,
            month
        )
        .unwrap()
        .is_empty()
    );
    assert!(
        reports::approved_at_least(
            &mut c,
            ApprovalLevel::District,
            &Reach::Libraries(vec![other]),
            from,
            month
        )
        .unwrap()
        .is_empty()
    );

    let v = reports::view(&mut c, lib, month).unwrap();
    let steps: Vec<(Step, Option<ApprovalLevel>)> =
        v.events.iter().map(|e| (e.step, e.level)).collect();
    assert_eq!(
        steps,
        vec![
            (Step::Submit, None),
            (Step::Approve, Some(ApprovalLevel::District)),
            (Step::Approve, Some(ApprovalLevel::Province)),
            (Step::Approve, Some(ApprovalLevel::National)),
        ]
    );
    assert_eq!(
        actions(&mut c, "report."),
        vec![
            "report.submit",
            "report.approve",
            "report.approve",
            "report.approve"
        ]
    );
});

both_backends!(return_with_comment_then_resubmit, |db: &Db| {
    let mut c = db.conn().unwrap();
    let lib = library(&mut c, "Perpustakaan Desa Contoh", MAGETAN);
    let manager = user(&mut c, "pengelola.magetan", "manager", "", Some(lib));
    visits_on(
        &mut c,
        lib,
        MAGETAN,
        NaiveDate::from_ymd_opt(2026, 9, 3).unwrap(),
        12,
    );
    let a = actors();
    let (me, dist) = (
        who(&a.library, Role::Manager),
        who(&a.district, Role::District),
    );
    let month = p("2026-09");
    reports::submit(
        &mut c,
        &me,
        lib,
        month,
        &BTreeMap::new(),
        None,
        at(2026, 10, 3, 1),
    )
    .unwrap();
    let r = reports::act(
        &mut c,
        &dist,
        lib,
        month,
        &Action::Return {
            level: ApprovalLevel::District,
            comment: "Kunjungan rombongan sekolah belum dicatat.".into(),
        },
        None,
        at(2026, 10, 4, 1),
    )
    .unwrap();
    assert_eq!(r.stage.status, Status::Returned);
    assert!(r.stage.is_open());
    let notes: i64 = notifications::table
        .filter(notifications::user_id.eq(&manager))
        .count()
        .get_result(&mut c)
        .unwrap();
    assert_eq!(notes, 1);
    // Open again: frozen computed figures are dropped, the records speak.
    let frozen: i64 = monthly_report_values::table
        .filter(monthly_report_values::report_id.eq(&r.id))
        .count()
        .get_result(&mut c)
        .unwrap();
    assert_eq!(frozen, 0);
    visits_on(
        &mut c,
        lib,
        MAGETAN,
        NaiveDate::from_ymd_opt(2026, 9, 5).unwrap(),
        25,
    );
    let v = reports::view(&mut c, lib, month).unwrap();
    assert_eq!(v.figures.total(Element::Visits), 37);
    let ev = v.events.last().unwrap();
    assert_eq!(ev.step, Step::Return);
    assert_eq!(
        ev.comment.as_deref(),
        Some("Kunjungan rombongan sekolah belum dicatat.")
    );
    // Resubmitted late: the first submission still decides timeliness.
    let r = reports::submit(
        &mut c,
        &me,
        lib,
        month,
        &BTreeMap::new(),
        None,
        at(2026, 10, 20, 1),
    )
    .unwrap();
    assert_eq!(r.first_submitted_at, Some(at(2026, 10, 3, 1)));
    assert_eq!(r.submitted_at, Some(at(2026, 10, 20, 1)));
    assert_eq!(
        reports::view(&mut c, lib, month).unwrap().on_time,
        Some(true)
    );
    // Withdrawn before anyone approved: a draft again.
    let r = reports::act(
        &mut c,
        &me,
        lib,
        month,
        &Action::Withdraw,
        None,
        at(2026, 10, 21, 1),
    )
    .unwrap();
    assert_eq!(r.stage, Stage::NEW);
});

both_backends!(
    unlocking_needs_the_approving_level_and_a_reason,
    |db: &Db| {
        let mut c = db.conn().unwrap();
        let lib = library(&mut c, "Perpustakaan Desa Contoh", MAGETAN);
        visits_on(
            &mut c,
            lib,
            MAGETAN,
            NaiveDate::from_ymd_opt(2026, 9, 3).unwrap(),
            12,
        );
        let a = actors();
        let (me, dist, prov) = (
            who(&a.library, Role::Manager),
            who(&a.district, Role::District),
            who(&a.province, Role::Province),
        );
        let month = p("2026-09");
        reports::submit(
            &mut c,
            &me,
            lib,
            month,
            &BTreeMap::new(),
            None,
            at(2026, 10, 3, 1),
        )
        .unwrap();
        let ap = |level| Action::Approve {
            level,
            comment: Some("Sesuai.".into()),
        };
        reports::act(
            &mut c,
            &dist,
            lib,
            month,
            &ap(ApprovalLevel::District),
            None,
            at(2026, 10, 4, 1),
        )
        .unwrap();
        reports::act(
            &mut c,
            &prov,
            lib,
            month,
            &ap(ApprovalLevel::Province),
            None,
            at(2026, 10, 5, 1),
        )
        .unwrap();
        // The district cannot open what the province approved.
        let unlock = |level| Action::Unlock {
            level,
            reason: "Data peminjaman Agustus tertukar dengan September.".into(),
        };
        let err = reports::act(
            &mut c,
            &dist,
            lib,
            month,
            &unlock(ApprovalLevel::District),
            None,
            at(2026, 10, 6, 1),
        )
        .unwrap_err();
        assert!(matches!(err, StoreError::Invalid(_)));
        let r = reports::act(
            &mut c,
            &prov,
            lib,
            month,
            &unlock(ApprovalLevel::Province),
            None,
            at(2026, 10, 6, 1),
        )
        .unwrap();
        assert_eq!(r.stage.status, Status::Unlocked);
        assert!(r.approved_at.is_none());
        assert!(!reports::is_approved(&mut c, lib, month, ApprovalLevel::District).unwrap());
        // Open: the library fixes its figures.
        let typed = parse_manual(&form(&[("loans", "40")])).unwrap();
        reports::save_manual(&mut c, &me, lib, month, &typed, Step::Save, None).unwrap();
        let v = reports::view(&mut c, lib, month).unwrap();
        let unlock_event = v.events.iter().find(|e| e.step == Step::Unlock).unwrap();
        assert_eq!(unlock_event.level, Some(ApprovalLevel::Province));
        assert_eq!(
            unlock_event.comment.as_deref(),
            Some("Data peminjaman Agustus tertukar dengan September.")
        );
        // The reason is in the audit trail too.
        let q = AuditQuery {
            action_prefix: Some("report.unlock".into()),
            page: 1,
            per_page: 10,
            ..Default::default()
        };
        let entry = audit::list(&mut c, &Reach::Region(rc("35")), &q)
            .unwrap()
            .items;
        assert_eq!(entry.len(), 1);
        assert!(entry[0].details.as_deref().unwrap().contains("tertukar"));
        assert_eq!(
            entry[0].library_id.as_deref(),
            Some(lib.to_string().as_str())
        );
        assert_eq!(
            actions(&mut c, "report."),
            vec![
                "report.submit",
                "report.approve",
                "report.approve",
                "report.unlock",
                "report.save"
            ]
        );
    }
);

both_backends!(completeness_and_timeliness_per_region, |db: &Db| {
    let mut c = db.conn().unwrap();
    let on_time = library(&mut c, "Perpustakaan Desa Tepat", "3520012001");
    let late = library(&mut c, "Perpustakaan Desa Telat", "3520012002");
    let _silent = library(&mut c, "Perpustakaan Desa Diam", "3520012003");
    let sanggau = library(&mut c, "Perpustakaan Desa Balai Sebut", "6103042001");
    for (l, v) in [
        (on_time, "3520012001"),
        (late, "3520012002"),
        (sanggau, "6103042001"),
    ] {
        visits_on(
            &mut c,
            l,
            v,
            NaiveDate::from_ymd_opt(2026, 9, 3).unwrap(),
            3,
        );
    }
    let a = actors();
    let me = who(&a.library, Role::Manager);
    let month = p("2026-09");
    reports::submit(
        &mut c,
        &me,
        on_time,
        month,
        &BTreeMap::new(),
        None,
        at(2026, 10, 10, 10),
    )
    .unwrap();
    reports::submit(
        &mut c,
        &me,
        late,
        month,
        &BTreeMap::new(),
        None,
        at(2026, 10, 11, 1),
    )
    .unwrap();
    // Sanggau (WIB too) sends on the 10th, 23:00 local.
    reports::submit(
        &mut c,
        &me,
        sanggau,
        month,
        &BTreeMap::new(),
        None,
        at(2026, 10, 10, 16),
    )
    .unwrap();
    reports::act(
        &mut c,
        &who(&a.district, Role::District),
        on_time,
        month,
        &Action::Approve {
            level: ApprovalLevel::District,
            comment: None,
        },
        None,
        at(2026, 10, 12, 1),
    )
    .unwrap();

    let nation = reports::completeness(&mut c, None, month, false).unwrap();
    assert!(!nation.by_library);
    assert_eq!(nation.total.expected, 4);
    assert_eq!(nation.total.reported, 3);
    assert_eq!(nation.total.on_time, 2);
    let jatim = nation
        .rows
        .iter()
        .find(|r| r.region.as_str() == "35")
        .unwrap();
    assert_eq!(
        (
            jatim.tally.expected,
            jatim.tally.reported,
            jatim.tally.on_time,
            jatim.tally.approved_district
        ),
        (3, 2, 1, 1)
    );
    assert_eq!(jatim.tally.late(), 1);

    let magetan = reports::completeness(&mut c, Some(&rc("3520")), month, false).unwrap();
    assert!(magetan.by_library);
    assert_eq!(magetan.rows.len(), 3);
    let names: Vec<(&str, i64, i64)> = magetan
        .rows
        .iter()
        .map(|r| {
            (
                r.library.as_ref().unwrap().name.as_str(),
                r.tally.reported,
                r.tally.on_time,
            )
        })
        .collect();
    assert_eq!(
        names,
        vec![
            ("Perpustakaan Desa Tepat", 1, 1),
            ("Perpustakaan Desa Telat", 1, 0),
            ("Perpustakaan Desa Diam", 0, 0),
        ]
    );
    assert_eq!(
        magetan.rows[0].deadline,
        NaiveDate::from_ymd_opt(2026, 10, 10)
    );

    // Magetan gives its libraries until the 15th: both are on time now.
    reports::set_deadline(&mut c, &a.district, Some(&rc("3520")), Some(15)).unwrap();
    assert_eq!(
        reports::deadline_day(&mut c, &rc("3520012001")).unwrap(),
        15
    );
    assert_eq!(
        reports::deadline_day(&mut c, &rc("6103042001")).unwrap(),
        10
    );
    let magetan = reports::completeness(&mut c, Some(&rc("3520")), month, false).unwrap();
    assert_eq!(magetan.total.on_time, 2);
    // Removing Magetan's own setting falls back to the national one.
    reports::set_deadline(&mut c, &a.district, Some(&rc("3520")), None).unwrap();
    assert_eq!(
        reports::deadline_day(&mut c, &rc("3520012001")).unwrap(),
        10
    );
    assert_eq!(
        actions(&mut c, "report.deadline"),
        vec!["report.deadline", "report.deadline"]
    );
    // The national default cannot be removed.
    assert!(reports::set_deadline(&mut c, &a.nation, None, None).is_err());
    // A province's table lists its regencies.
    let jatim = reports::completeness(&mut c, Some(&rc("35")), month, false).unwrap();
    assert_eq!(jatim.rows.len(), 1);
    assert_eq!(jatim.rows[0].region.as_str(), "3520");
});

both_backends!(lists_follow_reach, |db: &Db| {
    let mut c = db.conn().unwrap();
    let magetan = library(&mut c, "Perpustakaan Desa Contoh", MAGETAN);
    let magetan2 = library(&mut c, "TBM Pelangi", "3520012002");
    let sanggau = library(&mut c, "Perpustakaan Desa Balai Sebut", "6103042001");
    let a = actors();
    let me = who(&a.library, Role::Manager);
    for l in [magetan, magetan2, sanggau] {
        for m in ["2026-08", "2026-09"] {
            let typed = parse_manual(&form(&[("visits.L.dewasa", "5"), ("loans", "4")])).unwrap();
            reports::save_manual(&mut c, &me, l, p(m), &typed, Step::Save, None).unwrap();
            reports::submit(
                &mut c,
                &me,
                l,
                p(m),
                &BTreeMap::new(),
                None,
                at(2026, 10, 9, 1),
            )
            .unwrap();
        }
    }
    let count =
        |c: &mut DbConn, reach: Reach| reports::list(c, &ReportQuery::new(reach)).unwrap().total;
    assert_eq!(count(&mut c, Reach::Everything), 6);
    assert_eq!(count(&mut c, Reach::Region(rc("35"))), 4);
    assert_eq!(count(&mut c, Reach::Region(rc("6103"))), 2);
    assert_eq!(count(&mut c, Reach::Libraries(vec![magetan])), 2);
    let mut q = ReportQuery::new(Reach::Everything);
    q.from = Some(p("2026-09"));
    q.region = Some(rc("3520"));
    let page = reports::list(&mut c, &q).unwrap();
    assert_eq!(page.total, 2);
    assert!(page.items.iter().all(|r| r.report.period == p("2026-09")));
    assert!(page.items.iter().any(|r| r.library_name == "TBM Pelangi"));
    let months = reports::library_months(&mut c, magetan, p("2026-07"), p("2026-09")).unwrap();
    assert_eq!(months.len(), 3);
    assert_eq!(months[0].0, p("2026-09"));
    assert!(months[0].1.is_some() && months[2].1.is_none());
});

both_backends!(xlsx_template_round_trip, |db: &Db| {
    let mut c = db.conn().unwrap();
    let lib = library(&mut c, "Perpustakaan Desa Contoh", MAGETAN);
    visits_on(
        &mut c,
        lib,
        MAGETAN,
        NaiveDate::from_ymd_opt(2026, 9, 3).unwrap(),
        4,
    );
    let a = actors();
    let me = who(&a.library, Role::Manager);
    let month = p("2026-09");
    let label = |cell: &lentera_core::monitoring::reports::EntryCell| {
        (cell.element.key().to_string(), cell.disagg.key())
    };
    let headers = ["kode", "uraian", "rincian", "nilai"];

    // An empty template: one row per entry cell plus the month.
    let bytes = reports::write_template(month, &Figures::new(), headers, "Bulan", &label).unwrap();
    let layout = lentera_tabular::Layout::new()
        .required("kode", &["kode"])
        .optional("nilai", &["nilai"]);
    let rows: Vec<(String, String)> =
        lentera_tabular::TableReader::from_bytes(bytes.clone(), &layout, &Default::default())
            .unwrap()
            .map(|r| {
                let r = r.unwrap();
                (
                    r.get("kode").unwrap_or("").to_string(),
                    r.get("nilai").unwrap_or("").to_string(),
                )
            })
            .collect();
    assert_eq!(rows.len(), entry_cells().len() + 1);
    assert_eq!(rows[0], ("periode".to_string(), "2026-09".to_string()));
    // Uploaded untouched, it types nothing.
    assert_eq!(
        reports::read_template(bytes, month).unwrap(),
        Figures::new()
    );

    // Fill it the way a librarian would: loans and visits by gender × age.
    let filled: Vec<(String, String)> = rows
        .into_iter()
        .map(|(k, v)| {
            let v = match k.as_str() {
                "loans" => "17".to_string(),
                "visits.L.anak" => "6".to_string(),
                "visits.P.remaja" => "4".to_string(),
                _ => v,
            };
            (k, v)
        })
        .collect();
    let write = |rows: &[(String, String)]| {
        let mut w =
            lentera_tabular::TableWriter::new(lentera_tabular::Format::Xlsx, Vec::new()).unwrap();
        w.write_header(&["Kode", "Nilai"]).unwrap();
        for (k, v) in rows {
            let cell = match v.parse::<i64>() {
                Ok(n) => lentera_tabular::Cell::Int(n),
                Err(_) => lentera_tabular::Cell::from(v.as_str()),
            };
            w.write_row(&[lentera_tabular::Cell::from(k.as_str()), cell])
                .unwrap();
        }
        w.finish().unwrap()
    };
    let typed = reports::read_template(write(&filled), month).unwrap();
    assert_eq!(typed.total(Element::Loans), 17);
    assert_eq!(typed.total(Element::Visits), 10);
    assert_eq!(
        typed.get(
            Element::Visits,
            &Disagg::gender(lentera_core::circulation::Gender::P)
        ),
        4
    );
    assert_eq!(
        reports::save_manual(&mut c, &me, lib, month, &typed, Step::Import, None).unwrap(),
        Saved::Changed
    );
    // Re-uploading the same file changes nothing.
    let again = reports::read_template(write(&filled), month).unwrap();
    assert_eq!(
        reports::save_manual(&mut c, &me, lib, month, &again, Step::Import, None).unwrap(),
        Saved::Unchanged
    );
    assert_eq!(actions(&mut c, "report."), vec!["report.import"]);
    // The template downloaded now carries the typed values back.
    let r = reports::get(&mut c, lib, month).unwrap().unwrap();
    let manual = reports::stored_figures(&mut c, &r.id).unwrap();
    let bytes = reports::write_template(month, &manual, headers, "Bulan", &label).unwrap();
    assert_eq!(reports::read_template(bytes, month).unwrap(), manual);

    // Problems are named by row: a bad number, an unknown code, a
    // duplicate, and another month's file.
    let mut bad = filled.clone();
    bad[0].1 = "2026-08".into();
    bad.iter_mut().find(|(k, _)| k == "titles").unwrap().1 = "banyak".into();
    bad.push(("pinjaman".into(), "3".into()));
    bad.push(("loans".into(), "2".into()));
    let issues = reports::read_template(write(&bad), month).unwrap_err();
    let titles_row = 2 + bad.iter().position(|(k, _)| k == "titles").unwrap();
    assert!(
        issues.iter().any(
            |i| matches!(i, TemplateIssue::WrongPeriod { row: 2, found } if found == "2026-08")
        )
    );
    assert!(issues.iter().any(|i| matches!(i, TemplateIssue::Cell { row, key: "titles", problem: Problem::NotANumber } if *row == titles_row)));
    assert!(
        issues
            .iter()
            .any(|i| matches!(i, TemplateIssue::UnknownKey { key, .. } if key == "pinjaman"))
    );
    assert!(
        issues
            .iter()
            .any(|i| matches!(i, TemplateIssue::Duplicate { key, .. } if key == "loans"))
    );
    // Not a spreadsheet at all.
    assert!(matches!(
        reports::read_template(b"\x00\x01garbage".to_vec(), month).unwrap_err()[0],
        TemplateIssue::File(_)
    ));
});
