//! The national-scale generator (`lentera demo --scale national`) on both
//! backends, at test size: the regions of the test subset instead of the
//! whole tree, three active libraries, one year. It must give every village
//! a library, load the daily work, leave the live figures equal to the
//! records, and refuse to load twice.

use diesel::dsl::sum;
use diesel::prelude::*;
use lentera_core::monitoring::figures::{Element, PeriodRange};
use lentera_core::users::Reach;
use lentera_store::monitoring::dashboard;
use lentera_store::monitoring::figures::Unit;
use lentera_store::national::{self, NationalArgs};
use lentera_store::schema::*;
use lentera_store::{Db, both_backends, regions};
use std::sync::Mutex;

fn counts(db: &Db) -> [i64; 5] {
    let mut c = db.conn().unwrap();
    [
        libraries::table.count().get_result(&mut c).unwrap(),
        visits::table.count().get_result(&mut c).unwrap(),
        loans::table.count().get_result(&mut c).unwrap(),
        activity_reports::table.count().get_result(&mut c).unwrap(),
        workplans::table.count().get_result(&mut c).unwrap(),
    ]
}

both_backends!(generates_a_consistent_national_dataset, |db: &Db| {
    let args = NationalArgs {
        active: 3,
        with_workplans: 1,
        active_within: None,
        from_year: 2025,
        to_year: 2025,
    };
    let lines = Mutex::new(Vec::<String>::new());
    national::fill(db, &args, &|l| lines.lock().unwrap().push(l)).unwrap();
    let said = lines.lock().unwrap().join("\n");
    assert!(said.contains("3 active libraries"), "{said}");

    let mut c = db.conn().unwrap();
    let tree = regions::tree(&mut c).unwrap();
    let [libs, visit_rows, loan_rows, reports, plans] = counts(db);
    // A library in every village of the loaded tree.
    assert_eq!(libs as usize, tree.counts()[3]);
    assert!(visit_rows > 3 * 200, "{visit_rows} guest-book rows");
    assert!(loan_rows > 3 * 200, "{loan_rows} loans");
    assert!((3 * 12..=3 * 24).contains(&reports), "{reports} reports");
    assert_eq!(plans, 3, "three work plans for one library");

    // The rebuilt figures are the records: the nation's visits and loans
    // for the year equal what the tables hold.
    let year = PeriodRange::year(2025, None).unwrap();
    let f =
        dashboard::period_figures(&mut c, &Reach::Everything, &Unit::Nation, year, true).unwrap();
    let heads: (Option<i64>, Option<i64>) = visits::table
        .select((sum(visits::males), sum(visits::females)))
        .first(&mut c)
        .unwrap();
    assert_eq!(
        f.total(Element::Visits),
        heads.0.unwrap_or(0) + heads.1.unwrap_or(0)
    );
    assert_eq!(f.total(Element::Loans), loan_rows);
    // Exactly the three active libraries have a guest book.
    let active: Vec<String> = visits::table
        .select(visits::library_id)
        .distinct()
        .load(&mut c)
        .unwrap();
    assert_eq!(active.len(), 3);

    // A second run loads nothing.
    lines.lock().unwrap().clear();
    national::fill(db, &args, &|l| lines.lock().unwrap().push(l)).unwrap();
    assert!(lines.lock().unwrap()[0].contains("already"));
    assert_eq!(counts(db), [libs, visit_rows, loan_rows, reports, plans]);
});
