//! Program events on both backends: an event with its agenda, registration
//! against seat limits (refusal, waitlist, promotion), roll calls, tests,
//! the survey, certificates and their public verification, and who sees
//! which events.

use chrono::NaiveDate;
use lentera_core::audit::ActorRef;
use lentera_core::events::{
    CertificateCode, EventDraft, EventForm, ParticipantDraft, ParticipantForm, ParticipantStatus,
    ScoreSummary, SessionDraft, SessionForm, SurveyDraft, SurveyForm, TrainerDraft, TrainerForm,
};
use lentera_core::field::Problem;
use lentera_core::ids::LibraryId;
use lentera_core::libraries::{LibraryDraft, LibraryForm};
use lentera_core::regions::RegionCode;
use lentera_core::users::{Reach, UserDraft, UserForm};
use lentera_store::audit::AuditQuery;
use lentera_store::events::{self as store, Event, EventQuery, Viewer, When};
use lentera_store::{Db, StoreError, both_backends, libraries, notifications, regions, users};

fn rc(s: &str) -> RegionCode {
    RegionCode::parse(s).unwrap()
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn sys() -> ActorRef {
    ActorRef::system("test")
}

const TODAY: &str = "2026-11-21";

fn library(db: &Db, name: &str, village: &str) -> LibraryId {
    let mut c = db.conn().unwrap();
    let tree = regions::tree(&mut c).unwrap();
    let f = LibraryForm {
        kind: "desa".into(),
        name: name.into(),
        village_code: village.into(),
        ..Default::default()
    };
    libraries::create(
        &mut c,
        &sys(),
        &LibraryDraft::parse(&f, &tree, 2026).unwrap(),
    )
    .unwrap()
    .id
}

fn event(db: &Db, f: EventForm) -> Event {
    let mut c = db.conn().unwrap();
    let tree = regions::tree(&mut c).unwrap();
    let draft = EventDraft::parse(&f, &tree, d(TODAY)).unwrap();
    store::create(&mut c, &sys(), &draft).unwrap()
}

fn jatim_form() -> EventForm {
    EventForm {
        kind: "bimtek".into(),
        title: "Bimtek SPP-TIK Jawa Timur 2024".into(),
        region_code: "35".into(),
        venue: "Surabaya".into(),
        starts_on: "2024-07-03".into(),
        ends_on: "2024-07-04".into(),
        mode: "blended".into(),
        meeting_link: "https://zoom.us/j/1234567890".into(),
        organiser: "Dinas Perpustakaan dan Kearsipan Provinsi Jawa Timur".into(),
        capacity_in_person: "2".into(),
        ..Default::default()
    }
}

fn person(lib: Option<LibraryId>, name: &str, mode: &str, waitlist: bool) -> ParticipantDraft {
    ParticipantDraft::parse(
        &ParticipantForm {
            library_id: lib.map(|l| l.to_string()).unwrap_or_default(),
            full_name: name.into(),
            team_role: "pengelola".into(),
            gender: "P".into(),
            phone: "0812 3456 7890".into(),
            institution: if lib.is_none() {
                "Dinas Perpustakaan Kabupaten Magetan".into()
            } else {
                String::new()
            },
            attend_mode: mode.into(),
            waitlist: if waitlist {
                "true".into()
            } else {
                String::new()
            },
        },
        lentera_core::events::Mode::Blended,
    )
    .unwrap()
}

fn session(topic: &str, date: &str, start: &str, mode: &str) -> SessionDraft {
    SessionDraft::parse(
        &SessionForm {
            topic: topic.into(),
            date: date.into(),
            start: start.into(),
            mode: mode.into(),
            ..Default::default()
        },
        lentera_core::events::Mode::Blended,
        d("2024-07-03"),
        d("2024-07-04"),
    )
    .unwrap()
}

fn invalid(e: StoreError) -> (&'static str, Problem) {
    match e {
        StoreError::Invalid(i) => (i.0[0].field, i.0[0].problem.clone()),
        e => panic!("expected a field error, got {e:?}"),
    }
}

/// A counter as the source of "random" bytes, so codes differ and the test
/// stays deterministic.
fn codes() -> impl FnMut() -> CertificateCode {
    let mut n: u32 = 7;
    move || {
        CertificateCode::generate(|| {
            n = n.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (n >> 16) as u8
        })
    }
}

both_backends!(
    event_registration_attendance_certificate_verification,
    |db: &Db| {
        let magetan = library(db, "Perpustakaan Desa Gondang", "3520012001");
        let magetan2 = library(db, "TBM Pelangi", "3520012002");
        let mut c = db.conn().unwrap();
        let manager = users::create(
            &mut c,
            &sys(),
            &UserDraft::parse(&UserForm {
                username: "pengelola.gondang".into(),
                full_name: "Sri Lestari".into(),
                role: "manager".into(),
                library_id: magetan.to_string(),
                ..Default::default()
            })
            .unwrap(),
            "hash",
            false,
        )
        .unwrap();
        drop(c);
        let ev = event(db, jatim_form());
        let mut c = db.conn().unwrap();
        assert_eq!(ev.year, Some(2024));
        assert_eq!(ev.details.workplan_due(), d("2024-08-03"));

        // Agenda: a trainer, an in-person, an online and a blended session.
        let t = store::add_trainer(
            &mut c,
            &sys(),
            &ev,
            &TrainerDraft::parse(&TrainerForm {
                name: "Drs. Hendra Wicaksono".into(),
                institution: "Pelatih ahli Perpusnas".into(),
                role: "Pelatih ahli".into(),
            })
            .unwrap(),
        )
        .unwrap();
        let mut s_hall = session("konsep_tpbis", "2024-07-03", "08.00", "in_person");
        s_hall.trainer_id = Some(t.id.clone());
        let s_hall = store::add_session(&mut c, &sys(), &ev, &s_hall).unwrap();
        let s_zoom = store::add_session(
            &mut c,
            &sys(),
            &ev,
            &session("tik_dasar", "2024-07-03", "13.00", "online"),
        )
        .unwrap();
        let s_all = store::add_session(
            &mut c,
            &sys(),
            &ev,
            &session("rencana_kerja", "2024-07-04", "", "blended"),
        )
        .unwrap();
        // An unknown trainer is a field error.
        let mut bad = session("advokasi", "2024-07-04", "", "");
        bad.trainer_id = Some("nope".into());
        assert_eq!(
            invalid(store::add_session(&mut c, &sys(), &ev, &bad).unwrap_err()),
            ("trainer_id", Problem::NotFound)
        );
        let agenda = store::sessions(&mut c, &ev.id).unwrap();
        let order: Vec<_> = agenda.iter().map(|s| s.id.clone()).collect();
        assert_eq!(
            order,
            [s_hall.id.clone(), s_zoom.id.clone(), s_all.id.clone()]
        );
        assert_eq!(agenda[0].trainer_id.as_deref(), Some(t.id.as_str()));

        // Two in-person seats: the third is refused, naming the mode, or waitlisted.
        let v = rc("3520012001");
        let v2 = rc("3520012002");
        let a = store::register(
            &mut c,
            &sys(),
            &ev,
            &person(Some(magetan), "Sri Lestari", "in_person", false),
            Some(&v),
        )
        .unwrap();
        let b = store::register(
            &mut c,
            &sys(),
            &ev,
            &person(Some(magetan), "Bambang Sutejo", "in_person", false),
            Some(&v),
        )
        .unwrap();
        assert_eq!(a.status, ParticipantStatus::Registered);
        assert_eq!(a.library_name.as_deref(), Some("Perpustakaan Desa Gondang"));
        assert_eq!(
            invalid(
                store::register(
                    &mut c,
                    &sys(),
                    &ev,
                    &person(Some(magetan2), "Yuni Astuti", "in_person", false),
                    Some(&v2)
                )
                .unwrap_err()
            ),
            ("seats_in_person", Problem::Full)
        );
        let w = store::register(
            &mut c,
            &sys(),
            &ev,
            &person(Some(magetan2), "Yuni Astuti", "in_person", true),
            Some(&v2),
        )
        .unwrap();
        assert_eq!(w.status, ParticipantStatus::Waitlisted);
        // Online has no limit.
        let o1 = store::register(
            &mut c,
            &sys(),
            &ev,
            &person(Some(magetan2), "Agus Salim", "online", false),
            Some(&v2),
        )
        .unwrap();
        let o2 = store::register(
            &mut c,
            &sys(),
            &ev,
            &person(None, "Rina Marlina", "online", false),
            None,
        )
        .unwrap();
        assert_eq!(o2.region_code, rc("35"));
        // The same person twice, however typed, is a duplicate.
        assert_eq!(
            invalid(
                store::register(
                    &mut c,
                    &sys(),
                    &ev,
                    &person(Some(magetan), "SRI  lestari", "online", false),
                    Some(&v)
                )
                .unwrap_err()
            ),
            ("full_name", Problem::Duplicate)
        );
        let seats = store::seats(&mut c, &ev.id).unwrap();
        assert_eq!(
            (seats.in_person, seats.online, seats.waitlisted_in_person),
            (2, 2, 1)
        );
        // The library's manager heard once, when the first of the team was added.
        let notes = notifications::recent(&mut c, manager.id, 10).unwrap();
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].title_id.contains("Bimtek SPP-TIK Jawa Timur 2024"));

        // Cancelling an in-person seat gives it to the waitlist.
        let promoted = store::cancel(&mut c, &sys(), &ev, &b.id).unwrap().unwrap();
        assert_eq!(promoted.id, w.id);
        assert_eq!(promoted.status, ParticipantStatus::Registered);
        assert!(store::cancel(&mut c, &sys(), &ev, &b.id).unwrap().is_none());
        // Re-registering a cancelled person revives the row (waitlisted: full).
        let b2 = store::register(
            &mut c,
            &sys(),
            &ev,
            &person(Some(magetan), "Bambang Sutejo", "in_person", true),
            Some(&v),
        )
        .unwrap();
        assert_eq!(
            (b2.id.clone(), b2.status),
            (b.id.clone(), ParticipantStatus::Waitlisted)
        );

        // Roll calls: each session lists the people it is for.
        let roll = |c: &mut lentera_store::Conn, s: &store::Session| {
            let mut v: Vec<String> = store::roll_call(c, &ev, s)
                .unwrap()
                .into_iter()
                .map(|(p, _)| p.full_name)
                .collect();
            v.sort();
            v
        };
        assert_eq!(roll(&mut c, &s_hall), ["Sri Lestari", "Yuni Astuti"]);
        assert_eq!(roll(&mut c, &s_zoom), ["Agus Salim", "Rina Marlina"]);
        assert_eq!(roll(&mut c, &s_all).len(), 4);
        assert_eq!(
            store::record_attendance(&mut c, &sys(), &ev, &s_hall, &[a.id.clone(), w.id.clone()])
                .unwrap(),
            (2, 0)
        );
        assert_eq!(
            store::record_attendance(&mut c, &sys(), &ev, &s_zoom, std::slice::from_ref(&o1.id))
                .unwrap(),
            (1, 1)
        );
        // Taken again: the second roll call replaces the first.
        assert_eq!(
            store::record_attendance(&mut c, &sys(), &ev, &s_all, std::slice::from_ref(&a.id))
                .unwrap(),
            (1, 3)
        );
        assert_eq!(
            store::record_attendance(
                &mut c,
                &sys(),
                &ev,
                &s_all,
                &[a.id.clone(), w.id.clone(), o1.id.clone()]
            )
            .unwrap(),
            (3, 1)
        );
        // Someone the session is not for cannot be marked.
        assert_eq!(
            invalid(
                store::record_attendance(&mut c, &sys(), &ev, &s_zoom, std::slice::from_ref(&a.id))
                    .unwrap_err()
            ),
            ("present", Problem::NotFound)
        );
        let marks = store::roll_call(&mut c, &ev, &s_zoom).unwrap();
        assert!(marks.iter().any(|(p, m)| p.id == o1.id && *m == Some(true)));
        assert!(
            marks
                .iter()
                .any(|(p, m)| p.id == o2.id && *m == Some(false))
        );
        let att = store::attendance(&mut c, &ev).unwrap();
        let figures: Vec<_> = att
            .iter()
            .map(|s| (s.expected, s.recorded, s.present))
            .collect();
        assert_eq!(figures, [(2, 2, 2), (2, 2, 1), (4, 4, 3)]);

        // Tests: the average gain of those with both scores.
        store::set_scores(
            &mut c,
            &sys(),
            &ev,
            &[
                (a.id.clone(), Some(55.0), Some(85.0)),
                (w.id.clone(), Some(60.0), Some(70.0)),
                (o1.id.clone(), None, Some(90.0)),
            ],
        )
        .unwrap();
        assert_eq!(
            invalid(
                store::set_scores(&mut c, &sys(), &ev, &[(b.id.clone(), Some(1.0), None)])
                    .unwrap_err()
            ),
            ("participant_id", Problem::NotFound)
        );
        let people = store::participants(&mut c, &ev.id).unwrap();
        let scores: Vec<_> = people.iter().map(|p| (p.pre_test, p.post_test)).collect();
        assert_eq!(ScoreSummary::of(&scores).avg_gain, Some(20.0));

        // Survey: up to one form per registered participant (4).
        let form = |r: &str, best: &str| {
            SurveyDraft::parse(&SurveyForm {
                content_rating: r.into(),
                trainer_rating: "5".into(),
                organisation_rating: "4".into(),
                usefulness_rating: "5".into(),
                best: best.into(),
                improve: "Waktu praktik lebih lama".into(),
            })
            .unwrap()
        };
        for (i, r) in ["5", "4", "4", "3"].iter().enumerate() {
            store::add_survey(
                &mut c,
                &sys(),
                &ev,
                &form(r, if i == 0 { "Materi TIK" } else { "" }),
            )
            .unwrap();
        }
        assert_eq!(
            invalid(store::add_survey(&mut c, &sys(), &ev, &form("5", "")).unwrap_err()),
            ("survey", Problem::Full)
        );
        let sv = store::survey(&mut c, &ev.id).unwrap();
        assert_eq!(sv.responses, 4);
        assert_eq!(sv.averages[0], Some(4.0));
        assert_eq!(sv.distribution[0], [0, 0, 1, 2, 1]);
        assert_eq!(sv.best, ["Materi TIK"]);
        assert_eq!(sv.improve.len(), 4);
        // The public link opens and closes.
        store::set_survey_token(&mut c, &sys(), &ev, Some("TOKEN7KQMX2PA9RTE")).unwrap();
        assert_eq!(
            store::by_survey_token(&mut c, "TOKEN7KQMX2PA9RTE")
                .unwrap()
                .id,
            ev.id
        );
        store::set_survey_token(&mut c, &sys(), &ev, None).unwrap();
        assert!(matches!(
            store::by_survey_token(&mut c, "TOKEN7KQMX2PA9RTE"),
            Err(StoreError::NotFound)
        ));

        // Certificates at 100 %: Sri (in person, 2 of 2) and Yuni (2 of 2) yes;
        // Agus (online, 2 of 2) yes; Rina (0 of 2) no; Bambang is waitlisted.
        let mut next = codes();
        let r = store::issue_certificates(&mut c, &sys(), &ev, &mut next).unwrap();
        assert_eq!((r.issued, r.already, r.not_qualified), (3, 0, 1));
        let again = store::issue_certificates(&mut c, &sys(), &ev, &mut next).unwrap();
        assert_eq!(
            (again.issued, again.already, again.not_qualified),
            (0, 3, 1)
        );
        let sri = store::participant(&mut c, &ev.id, &a.id).unwrap();
        let code = CertificateCode::parse(sri.certificate_code.as_deref().unwrap()).unwrap();
        let shown = store::verify(&mut c, &code).unwrap().unwrap();
        assert_eq!(shown.full_name, "Sri Lestari");
        assert_eq!(shown.event_title, "Bimtek SPP-TIK Jawa Timur 2024");
        assert_eq!(
            (shown.starts_on, shown.ends_on),
            (d("2024-07-03"), d("2024-07-04"))
        );
        assert_eq!(
            store::verify(&mut c, &CertificateCode::parse("2345-6789-ABCD").unwrap()).unwrap(),
            None
        );
        let codes_now: Vec<_> = store::participants(&mut c, &ev.id)
            .unwrap()
            .into_iter()
            .filter_map(|p| p.certificate_code)
            .collect();
        assert_eq!(codes_now.len(), 3);
        assert!(codes_now.iter().all(|c| c.len() == 12));
        assert_ne!(codes_now[0], codes_now[1]);
        // A cancelled registration's certificate no longer verifies.
        let yuni = store::participant(&mut c, &ev.id, &w.id).unwrap();
        let yuni_code = CertificateCode::parse(yuni.certificate_code.as_deref().unwrap()).unwrap();
        store::cancel(&mut c, &sys(), &ev, &w.id).unwrap();
        assert_eq!(store::verify(&mut c, &yuni_code).unwrap(), None);
        // Bambang took Yuni's seat from the waitlist.
        let bambang = store::participant(&mut c, &ev.id, &b.id).unwrap();
        assert_eq!(bambang.status, ParticipantStatus::Registered);
        let notes = notifications::recent(&mut c, manager.id, 10).unwrap();
        assert!(
            notes
                .iter()
                .any(|n| n.title_id.contains("Bambang Sutejo mendapat kursi")),
            "{notes:?}"
        );
        assert!(
            notes.iter().any(|n| n.title_id.starts_with("Sertifikat")),
            "{notes:?}"
        );

        // Every step is in the audit trail.
        let trail = lentera_store::audit::list(
            &mut c,
            &Reach::Everything,
            &AuditQuery {
                action_prefix: Some("event.".into()),
                per_page: 100,
                ..Default::default()
            },
        )
        .unwrap();
        let actions: Vec<&str> = trail.items.iter().map(|e| e.action.as_str()).collect();
        for a in [
            "event.create",
            "event.trainer_add",
            "event.session_add",
            "event.register",
            "event.cancel_registration",
            "event.promote",
            "event.attendance",
            "event.scores",
            "event.survey",
            "event.survey_open",
            "event.certificates",
        ] {
            assert!(actions.contains(&a), "{a} missing from {actions:?}");
        }
        // Registrations are filed under the library, so its manager reads them.
        let own = lentera_store::audit::list(
            &mut c,
            &Reach::Libraries(vec![magetan]),
            &AuditQuery {
                action_prefix: Some("event.register".into()),
                per_page: 100,
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(own.total, 3);
    }
);

both_backends!(event_edits_keep_the_agenda_consistent, |db: &Db| {
    let ev = event(db, jatim_form());
    let mut c = db.conn().unwrap();
    let tree = regions::tree(&mut c).unwrap();
    store::add_session(
        &mut c,
        &sys(),
        &ev,
        &session("advokasi", "2024-07-04", "", "online"),
    )
    .unwrap();
    let lib = {
        drop(c);
        library(db, "Perpustakaan Desa Gondang", "3520012001")
    };
    let mut c = db.conn().unwrap();
    store::register(
        &mut c,
        &sys(),
        &ev,
        &person(Some(lib), "Sri Lestari", "in_person", false),
        Some(&rc("3520012001")),
    )
    .unwrap();
    // Shortening the event past a session, or dropping a mode in use, is refused.
    let f = EventForm {
        ends_on: "2024-07-03".into(),
        mode: "online".into(),
        capacity_in_person: "".into(),
        ..jatim_form()
    };
    let draft = EventDraft::parse(&f, &tree, d(TODAY)).unwrap();
    match store::update(&mut c, &sys(), &ev.id, &draft, Some(ev.updated_at)).unwrap_err() {
        StoreError::Invalid(i) => {
            let fields: Vec<_> = i.0.iter().map(|e| e.field).collect();
            assert_eq!(fields, ["ends_on", "mode"]);
        }
        e => panic!("{e:?}"),
    }
    // A good edit goes through once; a second with the old version is a conflict.
    let f = EventForm {
        title: "Bimtek SPP-TIK Provinsi Jawa Timur 2024".into(),
        workplan_due_days: "45".into(),
        ..jatim_form()
    };
    let draft = EventDraft::parse(&f, &tree, d(TODAY)).unwrap();
    let after = store::update(&mut c, &sys(), &ev.id, &draft, Some(ev.updated_at)).unwrap();
    assert_eq!(after.details.workplan_due_days, 45);
    assert!(matches!(
        store::update(&mut c, &sys(), &ev.id, &draft, Some(ev.updated_at)),
        Err(StoreError::Conflict)
    ));
    // A list in one go: seats fill in order, then the waitlist; a
    // duplicate row is refused without stopping the others.
    let v = rc("3520012001");
    let rows: Vec<_> = ["Agus Salim", "Dewi Sartika", "agus  SALIM", "Rina Marlina"]
        .iter()
        .map(|n| {
            let mut p = person(Some(lib), n, "in_person", true);
            p.full_name = n.to_string();
            (p, Some(v.clone()))
        })
        .collect();
    let out = store::register_many(&mut c, &sys(), &after, &rows).unwrap();
    let got: Vec<_> = out
        .iter()
        .map(|r| {
            r.as_ref()
                .map(|p| p.status)
                .map_err(|e| e.0[0].problem.clone())
        })
        .collect();
    assert_eq!(
        got,
        [
            Ok(ParticipantStatus::Registered),
            Ok(ParticipantStatus::Waitlisted),
            Err(Problem::Duplicate),
            Ok(ParticipantStatus::Waitlisted),
        ]
    );
    // Paper surveys in one go: all or nothing against the cap (2 registered).
    let form = SurveyDraft::parse(&SurveyForm {
        content_rating: "4".into(),
        trainer_rating: "4".into(),
        organisation_rating: "4".into(),
        usefulness_rating: "4".into(),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(
        invalid(
            store::add_surveys(
                &mut c,
                &sys(),
                &after,
                &[form.clone(), form.clone(), form.clone()]
            )
            .unwrap_err()
        ),
        ("survey", Problem::Full)
    );
    assert_eq!(store::survey(&mut c, &after.id).unwrap().responses, 0);
    assert_eq!(
        store::add_surveys(&mut c, &sys(), &after, &[form.clone(), form]).unwrap(),
        2
    );
    // Deleting is only for events nobody signed up for.
    assert_eq!(
        invalid(store::delete(&mut c, &sys(), &ev.id).unwrap_err()),
        ("event", Problem::WrongStatus)
    );
    drop(c);
    let empty = event(
        db,
        EventForm {
            title: "Salah ketik".into(),
            ..jatim_form()
        },
    );
    let mut c = db.conn().unwrap();
    store::add_session(
        &mut c,
        &sys(),
        &empty,
        &session("advokasi", "2024-07-04", "", ""),
    )
    .unwrap();
    store::delete(&mut c, &sys(), &empty.id).unwrap();
    assert!(matches!(
        store::get(&mut c, &empty.id),
        Err(StoreError::NotFound)
    ));
});

both_backends!(who_sees_which_events, |db: &Db| {
    let magetan = library(db, "Perpustakaan Desa Gondang", "3520012001");
    let magetan2 = library(db, "TBM Pelangi", "3520012002");
    let sanggau = library(db, "Perpustakaan Desa Balai Sebut", "6103042001");
    // Past province event with a Magetan team; a future district event;
    // a Kalbar event.
    let jatim = event(db, jatim_form());
    let upcoming = event(
        db,
        EventForm {
            kind: "peer_learning".into(),
            title: "Peer Learning Meeting Kabupaten Magetan 2026".into(),
            region_code: "3520".into(),
            starts_on: "2026-12-10".into(),
            ends_on: "2026-12-11".into(),
            mode: "in_person".into(),
            meeting_link: "".into(),
            capacity_in_person: "".into(),
            ..jatim_form()
        },
    );
    let kalbar = event(
        db,
        EventForm {
            title: "Bimtek SPP-TIK Kalimantan Barat 2023".into(),
            region_code: "61".into(),
            starts_on: "2023-05-22".into(),
            ends_on: "2023-05-26".into(),
            mode: "in_person".into(),
            meeting_link: "".into(),
            ..jatim_form()
        },
    );
    let mut c = db.conn().unwrap();
    store::register(
        &mut c,
        &sys(),
        &jatim,
        &person(Some(magetan), "Sri Lestari", "online", false),
        Some(&rc("3520012001")),
    )
    .unwrap();
    store::register(
        &mut c,
        &sys(),
        &kalbar,
        &person(Some(sanggau), "Antonius Jamal", "in_person", false),
        Some(&rc("6103042001")),
    )
    .unwrap();

    let titles = |c: &mut lentera_store::Conn, viewer: Viewer, when: When| {
        let q = EventQuery {
            viewer,
            when,
            year: None,
            text: None,
            today: d(TODAY),
            page: 1,
            per_page: 50,
        };
        store::list(c, &q)
            .unwrap()
            .items
            .into_iter()
            .map(|l| l.event.id)
            .collect::<Vec<_>>()
    };
    use When::*;
    assert_eq!(
        titles(&mut c, Viewer::Everything, All),
        [kalbar.id.clone(), jatim.id.clone(), upcoming.id.clone()]
    );
    assert_eq!(
        titles(&mut c, Viewer::Everything, Past),
        [jatim.id.clone(), kalbar.id.clone()]
    );
    assert_eq!(
        titles(&mut c, Viewer::Everything, Current),
        vec![upcoming.id.clone()]
    );
    // The province sees its events; a district officer also the province's.
    assert_eq!(
        titles(&mut c, Viewer::Region(rc("35")), All),
        [jatim.id.clone(), upcoming.id.clone()]
    );
    assert_eq!(
        titles(&mut c, Viewer::Region(rc("3520")), All),
        [jatim.id.clone(), upcoming.id.clone()]
    );
    assert_eq!(
        titles(&mut c, Viewer::Region(rc("6103")), All),
        vec![kalbar.id.clone()]
    );
    // Libraries: events their team is in, and open ones of their area.
    let lib_viewer = |id: LibraryId, v: &str| Viewer::Libraries {
        ids: vec![id],
        villages: vec![rc(v)],
    };
    assert_eq!(
        titles(&mut c, lib_viewer(magetan, "3520012001"), All),
        [jatim.id.clone(), upcoming.id.clone()]
    );
    assert_eq!(
        titles(&mut c, lib_viewer(magetan2, "3520012002"), All),
        vec![upcoming.id.clone()]
    );
    assert_eq!(
        titles(&mut c, lib_viewer(sanggau, "6103042001"), All),
        vec![kalbar.id.clone()]
    );
    // The list counts the viewer's own team.
    let q = EventQuery {
        viewer: lib_viewer(magetan, "3520012001"),
        when: All,
        year: Some(2024),
        text: Some("jawa TIMUR".into()),
        today: d(TODAY),
        page: 1,
        per_page: 50,
    };
    let listed = store::list(&mut c, &q).unwrap();
    assert_eq!(listed.total, 1);
    assert_eq!(
        (listed.items[0].registered, listed.items[0].my_team),
        (1, 1)
    );
    assert_eq!(
        store::registered_libraries(&mut c, &jatim.id, &[magetan, magetan2]).unwrap(),
        [magetan]
    );

    // To-do lists: the upcoming event for the Magetan team, nothing to roll
    // call yet; on its first day, its sessions are due.
    store::register(
        &mut c,
        &sys(),
        &upcoming,
        &person(Some(magetan), "Sri Lestari", "in_person", false),
        Some(&rc("3520012001")),
    )
    .unwrap();
    let mine = store::team_upcoming(&mut c, magetan, d(TODAY)).unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!((mine[0].0.id.clone(), mine[0].1), (upcoming.id.clone(), 1));
    assert!(
        store::team_upcoming(&mut c, magetan2, d(TODAY))
            .unwrap()
            .is_empty()
    );
    let s = SessionDraft::parse(
        &SessionForm {
            topic: "monev".into(),
            date: "2026-12-10".into(),
            ..Default::default()
        },
        upcoming.details.mode,
        upcoming.details.starts_on,
        upcoming.details.ends_on,
    )
    .unwrap();
    let s = store::add_session(&mut c, &sys(), &upcoming, &s).unwrap();
    let reach = Reach::Region(rc("3520"));
    assert!(
        store::missing_attendance(&mut c, &reach, d(TODAY))
            .unwrap()
            .is_empty()
    );
    let due = store::missing_attendance(&mut c, &reach, d("2026-12-10")).unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!((due[0].0.id.clone(), due[0].1), (upcoming.id.clone(), 1));
    assert!(
        store::missing_attendance(&mut c, &Reach::Region(rc("6103")), d("2026-12-10"))
            .unwrap()
            .is_empty()
    );
    store::record_attendance(&mut c, &sys(), &upcoming, &s, &[]).unwrap();
    assert!(
        store::missing_attendance(&mut c, &reach, d("2026-12-10"))
            .unwrap()
            .is_empty()
    );
    // The library's history.
    let history = store::of_library(&mut c, magetan).unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].0.id, upcoming.id);
});
