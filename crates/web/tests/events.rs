//! Program events through HTTP, on SQLite and PostgreSQL: an organiser
//! creates an event and its agenda, libraries register (seat limits, the
//! waitlist), the organiser takes the roll call, enters scores and surveys,
//! issues certificates, and anyone verifies one at `/verify/{code}` — which
//! shows only the name, the event and the dates. Reach throughout: another
//! province's organiser gets 404, a manager 403 on the roll call, and no
//! library sees another library's people.

mod common;

use axum::http::StatusCode;
use chrono::{Duration, NaiveDate};
use common::Client;
use serde_json::{Value, json};

fn today() -> NaiveDate {
    // The app's reference day is Jakarta's; tests only need "around now".
    (chrono::Utc::now() + Duration::hours(7)).date_naive()
}

fn location(r: &common::Res) -> String {
    r.location()
        .unwrap_or_else(|| panic!("no redirect ({}): {}", r.status, r.text()))
}

/// Creates a blended Jawa Timur event a month ahead, as `dinas.jatim`,
/// with two in-person seats; returns its id.
async fn jatim_event(c: &Client<'_>) -> String {
    let start = today() + Duration::days(30);
    let r = c
        .post_form(
            "/events",
            &[
                ("event_kind", "bimtek"),
                ("event_title", "Bimtek SPP-TIK Jawa Timur Uji"),
                ("region_code", "35"),
                ("venue", "Hotel Uji Surabaya"),
                ("starts_on", &start.to_string()),
                ("ends_on", &(start + Duration::days(1)).to_string()),
                ("event_mode", "blended"),
                ("meeting_link", "https://zoom.us/j/1234567890"),
                (
                    "organiser",
                    "Dinas Perpustakaan dan Kearsipan Provinsi Jawa Timur",
                ),
                ("capacity_in_person", "2"),
                ("signatory_name", "Dr. Contoh Penanda Tangan"),
                ("signatory_position", "Kepala Dinas"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let to = location(&r);
    to.trim_start_matches("/events/")
        .split('?')
        .next()
        .unwrap()
        .to_string()
}

async fn participants(c: &Client<'_>, event: &str) -> Vec<Value> {
    let r = c.get(&format!("/api/v1/events/{event}/participants")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json()["items"].as_array().unwrap().clone()
}

fn id_of(people: &[Value], name: &str) -> String {
    people
        .iter()
        .find(|p| p["full_name"] == name)
        .unwrap_or_else(|| panic!("{name} not in {people:?}"))["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The text shown by the PDF's `Tj` operators, one string per run
/// (literal `( )` strings and `< >` hex strings; WinAnsi bytes).
fn pdf_texts(pdf: &[u8]) -> Vec<String> {
    let winansi = |b: u8| match b {
        0x96 => '–',
        0x97 => '—',
        b if b < 0x80 => b as char,
        b => char::from(b),
    };
    let mut out = Vec::new();
    for line in pdf.split(|b| *b == b'\n') {
        let Some(body) = line.strip_suffix(b" Tj") else {
            continue;
        };
        let mut s = String::new();
        if body.first() == Some(&b'(') {
            let inner = &body[1..body.len() - 1];
            let mut i = 0;
            while i < inner.len() {
                if inner[i] == b'\\' && i + 1 < inner.len() {
                    i += 1;
                    match inner[i] {
                        b'n' => s.push('\n'),
                        b'(' | b')' | b'\\' => s.push(inner[i] as char),
                        c if c.is_ascii_digit() => {
                            let end = (i + 3).min(inner.len());
                            let oct = std::str::from_utf8(&inner[i..end]).unwrap();
                            s.push(winansi(u8::from_str_radix(oct, 8).unwrap()));
                            i = end - 1;
                        }
                        c => s.push(c as char),
                    }
                } else {
                    s.push(winansi(inner[i]));
                }
                i += 1;
            }
        } else if body.first() == Some(&b'<') {
            let hex = std::str::from_utf8(&body[1..body.len() - 1]).unwrap();
            for k in (0..hex.len()).step_by(2) {
                s.push(winansi(u8::from_str_radix(&hex[k..k + 2], 16).unwrap()));
            }
        } else {
            continue;
        }
        out.push(s);
    }
    out
}

/// The filled rectangles of a PDF (`x y w h re` lines): the QR modules and
/// the frame.
fn pdf_rects(pdf: &[u8]) -> Vec<String> {
    pdf.split(|b| *b == b'\n')
        .filter(|l| l.ends_with(b" re"))
        .map(|l| String::from_utf8_lossy(l).into_owned())
        .collect()
}

app_test!(
    event_registration_attendance_certificate_verification,
    |app| {
        let org = app.login("dinas.jatim").await;
        let mgr = app.login("pengelola.magetan").await;
        let other = app.login("dinas.sanggau").await;
        let ev = jatim_event(&org).await;
        let base = format!("/events/{ev}");
        let page = org.get(&base).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.text().contains("Bimtek SPP-TIK Jawa Timur Uji"));

        // Agenda: a trainer, an in-person, an online and a blended session.
        let r = org
            .post_form(
                &format!("{base}/trainers"),
                &[
                    ("trainer_name", "Drs. Pelatih Uji"),
                    ("trainer_role", "Pelatih ahli"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let day1 = (today() + Duration::days(30)).to_string();
        let day2 = (today() + Duration::days(31)).to_string();
        for (topic, date, start, mode) in [
            ("konsep_tpbis", &day1, "08.00", "in_person"),
            ("tik_dasar", &day1, "13.00", "online"),
            ("rencana_kerja", &day2, "08.00", "blended"),
        ] {
            let r = org
                .post_form(
                    &format!("{base}/sessions"),
                    &[
                        ("topic", topic),
                        ("session_date", date),
                        ("start", start),
                        ("session_mode", mode),
                    ],
                )
                .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        }
        // A session outside the event's days is refused, the form kept.
        let r = org
            .post_form(
                &format!("{base}/sessions"),
                &[
                    ("topic", "other"),
                    ("session_date", "2020-01-01"),
                    ("start", "25.00"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let t = r.text();
        assert!(t.contains("href=\"#f-session_title\""), "{t}");
        assert!(t.contains("href=\"#f-session_date\""));
        assert!(t.contains("value=\"25.00\""));
        let detail = org.get(&format!("/api/v1/events/{ev}")).await.json();
        let sessions: Vec<String> = detail["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(sessions.len(), 3);
        assert_eq!(detail["access"], "organiser");

        // Registration: two in-person seats, then a clear refusal naming the mode.
        let m = app.magetan.to_string();
        let m2 = app.magetan2.to_string();
        for name in ["Sri Lestari", "Bambang Sutejo"] {
            let r = org
                .post_form(
                    &format!("{base}/participants"),
                    &[
                        ("library_id", &m),
                        ("full_name", name),
                        ("team_role", "pengelola"),
                        ("gender", "P"),
                        ("attend_mode", "in_person"),
                        ("phone", "0812 0000 1111"),
                    ],
                )
                .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        }
        let r = org
            .post_form(
                &format!("{base}/participants"),
                &[
                    ("library_id", &m2),
                    ("full_name", "Yuni Astuti"),
                    ("team_role", "pkk"),
                    ("gender", "P"),
                    ("attend_mode", "in_person"),
                    ("phone", "0813 1111 2222"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let t = r.text();
        assert!(t.contains("Kuota tatap muka sudah penuh."), "{t}");
        assert!(t.contains("href=\"#f-seats_in_person\""));
        assert!(t.contains("id=\"f-seats_in_person\""));
        assert!(t.contains("value=\"Yuni Astuti\""), "typing kept");
        // With the waitlist box ticked she is waitlisted; online has no limit.
        let r = org
            .post_form(
                &format!("{base}/participants"),
                &[
                    ("library_id", &m2),
                    ("full_name", "Yuni Astuti"),
                    ("team_role", "pkk"),
                    ("gender", "P"),
                    ("attend_mode", "in_person"),
                    ("phone", "0813 1111 2222"),
                    ("waitlist", "true"),
                ],
            )
            .await;
        assert!(location(&r).contains("waitlisted=1"));
        let r = org
            .post_json(
                &format!("/api/v1/events/{ev}/participants"),
                json!({"library_id": m2, "full_name": "Agus Salim", "team_role": "bpd",
                   "gender": "L", "attend_mode": "online", "phone": "0813 3333 4444"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        // The API names the full mode the same way.
        let r = org
            .post_json(
                &format!("/api/v1/events/{ev}/participants"),
                json!({"library_id": m2, "full_name": "Dewi Anggraini", "team_role": "pkk",
                   "gender": "P", "attend_mode": "in_person"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.json()["error"]["fields"][0]["field"], "seats_in_person");
        assert_eq!(r.json()["error"]["fields"][0]["code"], "full");

        // The manager registers their own team (the library is theirs whatever
        // the form says), while registration is open.
        let r = mgr
            .post_form(
                &format!("{base}/participants"),
                &[
                    ("full_name", "Siti Aminah"),
                    ("team_role", "kepala_desa"),
                    ("gender", "P"),
                    ("attend_mode", "online"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let r = mgr
            .post_form(
                &format!("{base}/participants"),
                &[
                    ("library_id", &m2),
                    ("full_name", "Orang Lain"),
                    ("team_role", "pkk"),
                    ("gender", "P"),
                    ("attend_mode", "online"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "another library's team");

        // A library sees its own people only: no other library's names or phones.
        let page = mgr.get(&format!("{base}/participants")).await;
        assert_eq!(page.status, StatusCode::OK);
        let t = page.text();
        assert!(t.contains("Sri Lestari") && t.contains("0812 0000 1111"));
        assert!(
            !t.contains("Yuni Astuti")
                && !t.contains("0813 1111 2222")
                && !t.contains("0813 3333 4444")
        );
        let theirs = participants(&mgr, &ev).await;
        assert_eq!(theirs.len(), 3);
        assert!(theirs.iter().all(|p| p["library_id"] == m.as_str()));
        let all = participants(&org, &ev).await;
        assert_eq!(all.len(), 5);
        assert!(
            serde_json::to_string(&all)
                .unwrap()
                .contains("0813 1111 2222")
        );

        // Reach: another province's organiser sees nothing (404), everywhere.
        for path in [
            base.clone(),
            format!("{base}/participants"),
            format!("{base}/sessions/{}/attendance", sessions[0]),
            format!("{base}/summary"),
            format!("/api/v1/events/{ev}"),
        ] {
            assert_eq!(
                other.get(&path).await.status,
                StatusCode::NOT_FOUND,
                "{path}"
            );
        }
        let r = other
            .post_form(&format!("{base}/edit"), &[("event_title", "Diubah")])
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = other
            .put_json(&format!("/api/v1/events/{ev}"), json!({"title": "Diubah"}))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        // A manager may not take the roll call (403), by page or API.
        let roll = format!("{base}/sessions/{}/attendance", sessions[2]);
        assert_eq!(mgr.get(&roll).await.status, StatusCode::FORBIDDEN);
        assert_eq!(
            mgr.post_form(&roll, &[("action", "all")]).await.status,
            StatusCode::FORBIDDEN
        );
        let r = mgr
            .put_json(
                &format!("/api/v1/events/{ev}/sessions/{}/attendance", sessions[2]),
                json!({"all": true}),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);

        // Roll calls. The in-person session lists the two seated people.
        let sri = id_of(&all, "Sri Lestari");
        let bambang = id_of(&all, "Bambang Sutejo");
        let agus = id_of(&all, "Agus Salim");
        let siti = id_of(&all, "Siti Aminah");
        let hall = format!("{base}/sessions/{}/attendance", sessions[0]);
        let page = org.get(&hall).await;
        assert_eq!(page.status, StatusCode::OK);
        let t = page.text();
        assert!(t.contains("Sri Lestari") && t.contains("Bambang Sutejo"));
        assert!(
            !t.contains("Agus Salim"),
            "online people are not on the hall's list"
        );
        assert!(
            !t.contains("Yuni Astuti"),
            "the waitlist is not on the list"
        );
        let r = org
            .post_form(&hall, &[("present", &sri), ("present", &bambang)])
            .await;
        assert!(location(&r).ends_with("saved=1"));
        let t = org.get(&location(&r)).await.text();
        assert!(t.contains("Hadir: 2 dari 2"), "{t}");
        // Online session by the API: Agus present, Siti absent.
        let r = org
            .put_json(
                &format!("/api/v1/events/{ev}/sessions/{}/attendance", sessions[1]),
                json!({"present": [agus]}),
            )
            .await;
        assert_eq!(r.json(), json!({"present": 1, "absent": 1}));
        // Blended session: "everyone present" (4).
        let r = org.post_form(&roll, &[("action", "all")]).await;
        assert!(location(&r).ends_with("saved=1"));
        assert!(org.get(&roll).await.text().contains("Hadir: 4 dari 4"));

        // Scores, with the average gain; a bad cell names its row.
        let r = org
            .post_form(
                &format!("{base}/scores"),
                &[
                    (&format!("pre:{sri}"), "50"),
                    (&format!("post:{sri}"), "80,5"),
                    (&format!("pre:{bambang}"), "60"),
                    (&format!("post:{bambang}"), "120"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.text()
                .contains("Bambang Sutejo: Nilai post-test harus antara 0 dan 100.")
        );
        assert!(r.text().contains("value=\"80,5\""));
        let r = org
            .post_form(
                &format!("{base}/scores"),
                &[
                    (&format!("pre:{sri}"), "50"),
                    (&format!("post:{sri}"), "80,5"),
                    (&format!("pre:{bambang}"), "60"),
                    (&format!("post:{bambang}"), "70"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);

        // The survey: a paper form, then the public link, anonymously.
        let r = org
            .post_form(
                &format!("{base}/survey"),
                &[
                    ("content_rating", "5"),
                    ("trainer_rating", "4"),
                    ("organisation_rating", "4"),
                    ("usefulness_rating", "5"),
                    ("best", "Praktik rencana kerja"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let r = org
            .post_form(&format!("{base}/survey/link"), &[("action", "open")])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let t = org.get(&format!("{base}/survey")).await.text();
        let at = t
            .find("http://localhost/survey/")
            .expect("the link is shown");
        let token: String = t[at + "http://localhost/survey/".len()..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        assert_eq!(token.len(), 20);
        let anon = app.anon();
        assert_eq!(
            anon.get(&format!("/survey/{token}")).await.status,
            StatusCode::OK
        );
        let r = anon
            .post_form(
                &format!("/survey/{token}"),
                &[
                    ("content_rating", "3"),
                    ("trainer_rating", "5"),
                    ("organisation_rating", ""),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let r = anon
            .post_form(
                &format!("/survey/{token}"),
                &[
                    ("content_rating", "3"),
                    ("trainer_rating", "5"),
                    ("organisation_rating", "4"),
                    ("usefulness_rating", "4"),
                    ("improve", "Sinyal internet"),
                ],
            )
            .await;
        assert!(location(&r).ends_with("thanks=1"));
        assert_eq!(
            anon.get("/survey/TIDAKADATOKEN2345678").await.status,
            StatusCode::NOT_FOUND
        );
        let summary = org
            .get(&format!("/api/v1/events/{ev}/summary"))
            .await
            .json();
        assert_eq!(summary["survey"]["responses"], 2);
        assert_eq!(summary["survey"]["questions"][0]["average"], 4.0);
        assert_eq!(summary["tests"]["avg_gain"], 20.25);
        assert_eq!(summary["attendance"][0]["present"], 2);
        let page = org.get(&format!("{base}/summary")).await;
        assert_eq!(page.status, StatusCode::OK);
        let t = page.text();
        assert!(
            t.contains("20,3") || t.contains("20,2"),
            "average gain shown: {t}"
        );
        assert!(t.contains("Sinyal internet") && t.contains("Praktik rencana kerja"));

        // Certificates at 100 %: Sri, Bambang (2/2), Agus (2/2); Siti missed one.
        let r = org.post_form(&format!("{base}/certificates"), &[]).await;
        assert!(location(&r).contains("issued=3&not=1"), "{}", location(&r));
        let all = participants(&org, &ev).await;
        let code_of = |id: &str| {
            all.iter().find(|p| p["id"] == id).unwrap()["certificate_code"]
                .as_str()
                .map(str::to_string)
        };
        let code = code_of(&sri).expect("Sri has a certificate");
        assert!(code_of(&siti).is_none());
        assert_eq!(code.len(), 12);
        assert!(
            code.chars()
                .all(|c| "23456789ABCDEFGHJKMNPQRSTUVWXYZ".contains(c))
        );

        // The PDF, read back: her name, the event, the verification URL, and a
        // QR code identical to one drawn for that URL.
        let pdf = mgr
            .get(&format!("{base}/participants/{sri}/certificate.pdf"))
            .await;
        assert_eq!(pdf.status, StatusCode::OK);
        assert_eq!(pdf.headers["content-type"], "application/pdf");
        assert!(pdf.body.starts_with(b"%PDF-"));
        let texts = pdf_texts(&pdf.body);
        for want in [
            "SERTIFIKAT",
            "Sri Lestari",
            "Bimtek SPP-TIK Jawa Timur Uji",
            "Dr. Contoh Penanda Tangan",
        ] {
            assert!(
                texts.iter().any(|t| t.contains(want)),
                "{want} in {texts:?}"
            );
        }
        let grouped = format!("{}-{}-{}", &code[..4], &code[4..8], &code[8..]);
        assert!(
            texts.iter().any(|t| t.contains(&grouped)),
            "{grouped} in {texts:?}"
        );
        let url = format!("http://localhost/verify/{code}");
        let mut reference = Vec::new();
        lentera_print::render_certificates(
            &[lentera_print::Certificate {
                title: "X".into(),
                number: "X".into(),
                recipient: "X".into(),
                statement: String::new(),
                event_title: "X".into(),
                dates: "X".into(),
                place: "X".into(),
                organiser: "X".into(),
                verification_url: url.clone(),
                signatory: None,
            }],
            &mut reference,
        )
        .unwrap();
        let (got, want) = (pdf_rects(&pdf.body), pdf_rects(&reference));
        assert!(want.len() > 100, "the QR code is drawn as rectangles");
        assert_eq!(got, want, "the QR code encodes {url}");

        // Public verification: no sign-in, only the name, the event and the dates.
        let r = anon.get(&format!("/verify/{code}")).await;
        assert_eq!(r.status, StatusCode::OK);
        let t = r.text();
        assert!(t.contains("Sertifikat ini sah."));
        assert!(t.contains("Sri Lestari") && t.contains("Bimtek SPP-TIK Jawa Timur Uji"));
        assert!(!t.contains("0812 0000 1111"), "no phone");
        assert!(
            !t.contains("Perpustakaan Desa Contoh Magetan"),
            "no library"
        );
        assert!(!t.contains("80,5"), "no scores");
        assert_eq!(
            anon.get(&format!("/verify/{}", code.to_lowercase()))
                .await
                .status,
            StatusCode::OK
        );
        assert_eq!(
            anon.get(&format!("/verify?code={grouped}"))
                .await
                .location(),
            Some(format!("/verify/{code}"))
        );
        assert_eq!(
            anon.get("/verify/2345-6789-ABCD").await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            anon.get("/verify/nonsense").await.status,
            StatusCode::NOT_FOUND
        );
        let v = anon.get(&format!("/api/v1/certificates/{code}")).await;
        assert_eq!(v.status, StatusCode::OK);
        let mut keys: Vec<String> = v.json().as_object().unwrap().keys().cloned().collect();
        keys.sort();
        assert_eq!(
            keys,
            ["ends_on", "event_title", "full_name", "starts_on", "valid"]
        );
        assert_eq!(
            anon.get("/api/v1/certificates/2345-6789-ABCD").await.status,
            StatusCode::NOT_FOUND
        );

        // The bulk PDF is the organiser's; a library gets its own team's only.
        let bulk = org.get(&format!("{base}/certificates.pdf")).await;
        assert_eq!(bulk.status, StatusCode::OK);
        assert_eq!(
            pdf_texts(&bulk.body)
                .iter()
                .filter(|t| *t == "SERTIFIKAT")
                .count(),
            3
        );
        assert_eq!(
            mgr.get(&format!("{base}/certificates.pdf")).await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            mgr.get(&format!("{base}/participants/{agus}/certificate.pdf"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );

        // Cancelling withdraws the certificate; the waitlist moves up.
        let r = org
            .post_form(&format!("{base}/participants/{bambang}/cancel"), &[])
            .await;
        assert!(location(&r).contains("promoted=Yuni"), "{}", location(&r));
        let b_code = code_of(&bambang).unwrap();
        assert_eq!(
            anon.get(&format!("/verify/{b_code}")).await.status,
            StatusCode::NOT_FOUND
        );
        // The trail has it all.
        let trail = org
            .get("/api/v1/audit?action=event.&per_page=100")
            .await
            .json();
        let text = trail.to_string();
        for a in [
            "event.create",
            "event.register",
            "event.attendance",
            "event.certificates",
            "event.promote",
        ] {
            assert!(text.contains(a), "{a}");
        }
    }
);

app_test!(who_sees_what_and_forms_keep_typing, |app| {
    let org = app.login("dinas.jatim").await;
    let ev = jatim_event(&org).await;
    let base = format!("/events/{ev}");
    // Nobody registered yet: the district and the open-invited libraries of
    // Jawa Timur see it, Sanggau does not.
    let want = [
        ("admin", 200),
        ("dinas.jatim", 200),
        ("dinas.magetan", 200),
        ("dinas.sanggau", 404),
        ("fasilitator", 200),
        ("pengelola.magetan", 200),
        ("staf.magetan", 200),
        ("pengelola.sanggau", 404),
    ];
    for (who, status) in want {
        let c = app.login(who).await;
        assert_eq!(c.get(&base).await.status.as_u16(), status, "{who}");
        let list = c.get("/api/v1/events?when=current").await.json();
        assert_eq!(list["total"], u64::from(status == 200), "{who} list");
    }
    // Only organisers manage; the district officer below sees, not edits.
    let dist = app.login("dinas.magetan").await;
    for path in ["/edit", "/summary", "/scores", "/survey", "/certificates"] {
        assert_eq!(
            dist.get(&format!("{base}{path}")).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    // Officers create events only in their own region; others not at all.
    let r = dist
        .post_form(
            "/events",
            &[
                ("event_kind", "replication"),
                ("event_title", "Replikasi"),
                ("region_code", "35"),
                ("starts_on", &today().to_string()),
                ("event_mode", "in_person"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("di luar wilayah kewenangan Anda"));
    assert!(r.text().contains("value=\"Replikasi\""));
    for who in ["fasilitator", "pengelola.magetan"] {
        let c = app.login(who).await;
        assert_eq!(
            c.get("/events/new").await.status,
            StatusCode::FORBIDDEN,
            "{who}"
        );
        let r = c.post_json("/api/v1/events", json!({"title": "x"})).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
    }
    // Every problem at once, with links to the fields.
    let r = dist
        .post_form(
            "/events",
            &[
                ("event_kind", ""),
                ("event_title", ""),
                ("region_code", "3520"),
                ("starts_on", "2026-13-40"),
                ("event_mode", "online"),
                ("capacity_in_person", "10"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let t = r.text();
    for f in [
        "event_kind",
        "event_title",
        "starts_on",
        "capacity_in_person",
    ] {
        assert!(t.contains(&format!("href=\"#f-{f}\"")), "{f}");
    }
    assert!(t.contains("value=\"2026-13-40\""));
    // An edit with a stale version is a conflict.
    let detail = org.get(&format!("/api/v1/events/{ev}")).await.json();
    let mut body = detail.clone();
    body["title"] = json!("Bimtek SPP-TIK Jawa Timur Uji (revisi)");
    let r = org
        .put_json(&format!("/api/v1/events/{ev}"), body.clone())
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let r = org.put_json(&format!("/api/v1/events/{ev}"), body).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
});

app_test!(to_do_lists_and_closed_registration, |app| {
    let dist = app.login("dinas.magetan").await;
    let mgr = app.login("pengelola.magetan").await;
    // An event today with a session today and no roll call.
    let r = dist
        .post_json(
            "/api/v1/events",
            json!({"kind": "peer_learning", "title": "Peer Learning Magetan Hari Ini",
                   "region_code": "3520", "starts_on": today().to_string(), "mode": "in_person"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let ev = r.json()["id"].as_str().unwrap().to_string();
    let r = dist
        .post_json(
            &format!("/api/v1/events/{ev}/sessions"),
            json!({"topic": "monev"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let home = dist.get("/").await.text();
    assert!(
        home.contains("Isi absensi Peer Learning Magetan Hari Ini: 1 sesi belum diabsen"),
        "{home}"
    );
    // Registration by libraries closed on the first day: the manager's
    // attempt is refused; the organiser can still add people.
    let r = mgr
        .post_json(
            &format!("/api/v1/events/{ev}/participants"),
            json!({"full_name": "Terlambat", "team_role": "pengelola", "gender": "L"}),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::NOT_FOUND,
        "not even visible once started"
    );
    let r = dist
        .post_json(
            &format!("/api/v1/events/{ev}/participants"),
            json!({"library_id": app.magetan.to_string(), "full_name": "Siti Aminah",
                   "team_role": "pengelola", "gender": "P"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let home = mgr.get("/").await.text();
    assert!(home.contains("Peer Learning Magetan Hari Ini"), "{home}");
    assert!(home.contains("1 orang dari tim Anda terdaftar"));
    // The manager now sees the event (their team is in it), not the roll call.
    assert_eq!(
        mgr.get(&format!("/events/{ev}")).await.status,
        StatusCode::OK
    );
    let r = mgr
        .post_json(
            &format!("/api/v1/events/{ev}/participants"),
            json!({"full_name": "Terlambat", "team_role": "pengelola", "gender": "L"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "registration closed");
    // Taking the roll call clears the to-do.
    let detail = dist.get(&format!("/api/v1/events/{ev}")).await.json();
    let sid = detail["sessions"][0]["id"].as_str().unwrap().to_string();
    let r = dist
        .put_json(
            &format!("/api/v1/events/{ev}/sessions/{sid}/attendance"),
            json!({"all": true}),
        )
        .await;
    assert_eq!(r.json()["present"], 1);
    assert!(
        !dist
            .get("/")
            .await
            .text()
            .contains("Isi absensi Peer Learning")
    );
});
