//! `lentera demo`: a realistic demonstration in the places of five real
//! Bimtek SPP-TIK events (see the foundation issue), with a user for every
//! role. Libraries sit in real villages from the region tree; every person
//! is invented.

mod activities;
mod aid;
mod catalog;
mod circulation;
mod events;
mod program;
mod reports;
mod visits;
mod workplans;

use anyhow::{Context, Result};
use lentera_core::audit::ActorRef;
use lentera_core::ids::LibraryId;
use lentera_core::libraries::{LibraryDraft, LibraryForm};
use lentera_core::regions::{Region, RegionCode, RegionTree, VillageKind};
use lentera_core::users::{UserDraft, UserForm};
use lentera_store::{Db, libraries, meta, regions, users};

/// The password of every demo account; printed at the end.
pub const DEMO_PASSWORD: &str = "lentera-demo-2024";

/// One event's region and the libraries that took part from it.
struct EventPlan {
    province: &'static str,
    /// Regencies to draw villages from; empty = all regencies of the province.
    regencies: &'static [&'static str],
    desa: usize,
    kelurahan: usize,
    tbm: usize,
    /// Villages that must be among them.
    must: &'static [&'static str],
    cohort: i32,
    note: &'static str,
}

const PLANS: &[EventPlan] = &[
    // NTT: Hotel Swiss-Belcourt Kupang, 22–25 May 2023, in person, 60+ participants
    // (12 village teams of five).
    EventPlan {
        province: "53",
        regencies: &["5301", "5302", "5303", "5371"],
        desa: 10,
        kelurahan: 2,
        tbm: 0,
        must: &[],
        cohort: 2023,
        note: "NTT 2023",
    },
    // Kalimantan Barat: Hotel Aston Pontianak, 22–26 May 2023: 27 desa in 7 kabupaten,
    // among them Desa Balai Sebut, Kabupaten Sanggau.
    EventPlan {
        province: "61",
        regencies: &["6103", "6101", "6102", "6104", "6105", "6106", "6107"],
        desa: 27,
        kelurahan: 0,
        tbm: 0,
        must: &["6103042001"],
        cohort: 2023,
        note: "Kalbar 2023",
    },
    // Jawa Timur 2024: 34 Magetan libraries online (26 desa, 5 kelurahan, 3 TBM),
    // 4 more in person in Surabaya.
    EventPlan {
        province: "35",
        regencies: &["3520"],
        desa: 30,
        kelurahan: 5,
        tbm: 3,
        must: &[],
        cohort: 2024,
        note: "Jatim 2024",
    },
    // Kalimantan Tengah: Hotel Luwansa Palangka Raya, 29 June 2021: 14 kabupaten/kota.
    EventPlan {
        province: "62",
        regencies: &[],
        desa: 14,
        kelurahan: 0,
        tbm: 0,
        must: &[],
        cohort: 2021,
        note: "Kalteng 2021",
    },
    // Jambi: Swiss-Belhotel Jambi, 14–18 May 2023: village and kelurahan libraries.
    EventPlan {
        province: "15",
        regencies: &["1501", "1504", "1505", "1571"],
        desa: 7,
        kelurahan: 4,
        tbm: 0,
        must: &[],
        cohort: 2023,
        note: "Jambi 2023",
    },
];

/// A small deterministic hash, so the demo is the same on every machine.
fn h(s: &str) -> u64 {
    s.bytes().fold(1469598103934665603u64, |a, b| {
        (a ^ u64::from(b)).wrapping_mul(1099511628211)
    })
}

fn villages_of<'a>(
    tree: &'a RegionTree,
    regency: &RegionCode,
    kind: VillageKind,
) -> Vec<&'a Region> {
    tree.children_of(regency)
        .into_iter()
        .flat_map(|d| tree.children_of(&d.code))
        .filter(|v| v.code.village_kind() == Some(kind))
        .collect()
}

/// Picks `n` villages of `kind` spread over `regencies`, round-robin, spaced
/// out in code order so they are not all in one kecamatan.
fn pick<'a>(
    tree: &'a RegionTree,
    regencies: &[RegionCode],
    kind: VillageKind,
    n: usize,
    taken: &[String],
) -> Vec<&'a Region> {
    let per_regency = n.div_ceil(regencies.len().max(1)) + 1;
    let pools: Vec<Vec<&Region>> = regencies
        .iter()
        .map(|r| {
            let all = villages_of(tree, r, kind);
            let step = (all.len() / (per_regency * 2)).max(1);
            all.into_iter().step_by(step).collect()
        })
        .collect();
    let mut out = Vec::new();
    let mut i = 0;
    while out.len() < n && pools.iter().any(|p| i < p.len()) {
        for p in &pools {
            if let Some(v) = p.get(i)
                && out.len() < n
                && !taken.contains(&v.code.to_string())
            {
                out.push(*v);
            }
        }
        i += 1;
    }
    out
}

const TBM_NAMES: &[&str] = &[
    "TBM Pelita Ilmu",
    "TBM Taman Cahaya",
    "TBM Rumah Baca Sinar",
];

fn library_form(v: &Region, kind: &str, name: String, plan: &EventPlan, seq: usize) -> LibraryForm {
    let x = h(v.code.as_str());
    let full = x.is_multiple_of(3);
    LibraryForm {
        kind: kind.into(),
        name,
        npp: if x.is_multiple_of(2) {
            format!(
                "{}{}1{:06}",
                &v.code.as_str()[..6],
                if kind == "tbm" { "T" } else { "D" },
                seq + 1
            )
        } else {
            String::new()
        },
        village_code: v.code.to_string(),
        address: format!("Jl. Balai Desa No. {}", 1 + x % 40),
        latitude: v.latitude.map(|l| format!("{l:.6}")).unwrap_or_default(),
        longitude: if v.latitude.is_some() {
            v.longitude.map(|l| format!("{l:.6}")).unwrap_or_default()
        } else {
            String::new()
        },
        contact_name: String::new(),
        phone: format!("0812{:08}", x % 100_000_000),
        email: String::new(),
        opening_hours: if x.is_multiple_of(4) {
            "Senin–Sabtu 08.00–15.00".into()
        } else {
            "Senin–Jumat 08.00–14.00".into()
        },
        hours_per_day: if x.is_multiple_of(4) {
            "7".into()
        } else {
            "6".into()
        },
        staff_count: (1 + x % 4).to_string(),
        floor_area_m2: (24 + x % 60).to_string(),
        computers: if full {
            "4".into()
        } else {
            (x % 2).to_string()
        },
        has_internet: if full || x.is_multiple_of(5) {
            "true".into()
        } else {
            "false".into()
        },
        participation: if full {
            "full_support".into()
        } else {
            "book_aid".into()
        },
        cohort_year: plan.cohort.to_string(),
    }
}

/// Fills the database once; a second run says so and changes nothing.
pub fn fill(db: &Db) -> Result<()> {
    let mut conn = db.conn()?;
    if meta::get(&mut conn, "demo")?.is_some() {
        println!("Data demo sudah ada. The demonstration is already loaded.");
        return Ok(());
    }
    let tree = regions::tree(&mut conn)?;
    let by = ActorRef::system("demo");
    let mut made: Vec<(String, LibraryId, &'static str)> = Vec::new();
    for plan in PLANS {
        let province = RegionCode::parse(plan.province).map_err(|_| anyhow::anyhow!("bad plan"))?;
        let regencies: Vec<RegionCode> = if plan.regencies.is_empty() {
            tree.children_of(&province)
                .into_iter()
                .map(|r| r.code.clone())
                .collect()
        } else {
            plan.regencies
                .iter()
                .filter_map(|c| RegionCode::parse(c).ok())
                .collect()
        };
        let mut villages: Vec<(&Region, &str)> = Vec::new();
        for m in plan.must {
            let code = RegionCode::parse(m).map_err(|_| anyhow::anyhow!("bad village {m}"))?;
            if let Some(v) = tree.get(&code) {
                villages.push((v, "desa"));
            }
        }
        let taken: Vec<String> = villages.iter().map(|(v, _)| v.code.to_string()).collect();
        let desa = pick(
            &tree,
            &regencies,
            VillageKind::Desa,
            plan.desa.saturating_sub(villages.len()) + plan.tbm,
            &taken,
        );
        let (tbm_villages, desa_villages) = desa.split_at(plan.tbm.min(desa.len()));
        villages.extend(desa_villages.iter().map(|v| (*v, "desa")));
        villages.extend(
            pick(
                &tree,
                &regencies,
                VillageKind::Kelurahan,
                plan.kelurahan,
                &taken,
            )
            .into_iter()
            .map(|v| (v, "kelurahan")),
        );
        villages.extend(tbm_villages.iter().map(|v| (*v, "tbm")));
        for (seq, (v, kind)) in villages.into_iter().enumerate() {
            let name = match kind {
                "desa" => format!("Perpustakaan Desa {}", v.display_name()),
                "kelurahan" => format!("Perpustakaan Kelurahan {}", v.display_name()),
                _ => format!("{} {}", TBM_NAMES[seq % TBM_NAMES.len()], v.display_name()),
            };
            let form = library_form(v, kind, name, plan, seq);
            let draft = LibraryDraft::parse(&form, &tree, 2026)
                .map_err(|e| anyhow::anyhow!("demo library {}: {e:?}", form.name))?;
            let lib = libraries::create(&mut conn, &by, &draft)
                .with_context(|| format!("demo library {}", form.name))?;
            made.push((v.code.to_string(), lib.id, plan.note));
        }
    }
    let count = made.len();
    let first_in = |prefix: &str| {
        made.iter()
            .find(|(c, _, _)| c.starts_with(prefix))
            .map(|(_, id, _)| *id)
    };
    let magetan_lib = first_in("3520").context("no Magetan library")?;
    let balai_sebut = made
        .iter()
        .find(|(c, _, _)| c == "6103042001")
        .map(|(_, id, _)| *id)
        .context("no Balai Sebut")?;
    let magetan_ids: Vec<LibraryId> = made
        .iter()
        .filter(|(c, _, _)| c.starts_with("3520"))
        .map(|(_, id, _)| *id)
        .take(12)
        .collect();

    let people: Vec<(&str, &str, &str, &str, Option<LibraryId>)> = vec![
        ("admin", "Rahmat Adinugraha", "national", "", None),
        ("jatim", "Wulan Prasetyaningsih", "province", "35", None),
        ("magetan", "Bayu Kusumawardana", "district", "3520", None),
        ("kalbar", "Yohanes Sitanggang", "province", "61", None),
        ("sanggau", "Maria Ngasi", "district", "6103", None),
        (
            "fasilitator",
            "Dewi Anggraeni Putri",
            "facilitator",
            "3520",
            None,
        ),
        (
            "pengelola",
            "Siti Nurhalimah",
            "manager",
            "",
            Some(magetan_lib),
        ),
        ("relawan", "Ahmad Fauzan", "staff", "", Some(magetan_lib)),
        (
            "balaisebut",
            "Antonius Jamal",
            "manager",
            "",
            Some(balai_sebut),
        ),
    ];
    let hash =
        lentera_web::auth::hash_password(DEMO_PASSWORD).map_err(|e| anyhow::anyhow!("{e}"))?;
    for (username, name, role, region, library) in &people {
        if users::with_hash(&mut conn, username)?.is_some() {
            continue;
        }
        let form = UserForm {
            username: (*username).into(),
            full_name: (*name).into(),
            role: (*role).into(),
            region_code: (*region).into(),
            library_id: library.map(|l| l.to_string()).unwrap_or_default(),
            ..Default::default()
        };
        let draft =
            UserDraft::parse(&form).map_err(|e| anyhow::anyhow!("demo user {username}: {e:?}"))?;
        let u = users::create(&mut conn, &by, &draft, &hash, false)?;
        if *role == "facilitator" {
            users::set_assignments(&mut conn, &by, u.id, &magetan_ids)?;
        }
    }
    // The library's daily work, so every page has something real to show.
    let mut daily: Vec<LibraryId> = vec![magetan_lib, balai_sebut];
    let rest: Vec<LibraryId> = made
        .iter()
        .map(|(_, id, _)| *id)
        .filter(|id| *id != magetan_lib && *id != balai_sebut)
        .collect();
    daily.extend(rest);
    // Bulk seeding: the figure triggers wait and the figures are rebuilt
    // once at the end (row-by-row upkeep would triple the time on PostgreSQL).
    lentera_store::monitoring::figures::pause(&mut conn)?;
    catalog::seed(&mut conn, &daily)?;
    circulation::seed(&mut conn, &daily)?;
    visits::seed(&mut conn, &daily)?;
    // The program cycle, in its order: selection, aid, Bimtek, work plans,
    // activities.
    program::seed(&mut conn, &made)?;
    aid::seed(&mut conn, &made)?;
    events::seed(&mut conn, &made)?;
    workplans::seed(&mut conn, &made)?;
    activities::seed(&mut conn, &made)?;
    // Monitoring: monthly reports over the figures the above produced.
    reports::seed(&mut conn, &made)?;
    lentera_store::monitoring::figures::rebuild(&mut conn)?;
    meta::set(&mut conn, "demo", "1")?;
    print_summary(&tree, count, &people)?;
    Ok(())
}

fn print_summary(
    tree: &RegionTree,
    count: usize,
    people: &[(&str, &str, &str, &str, Option<LibraryId>)],
) -> Result<()> {
    println!();
    println!(
        "  Data demo siap: {count} perpustakaan di NTT, Kalimantan Barat, Jawa Timur (Magetan), Kalimantan Tengah dan Jambi."
    );
    println!(
        "  Demo ready: {count} libraries. Sign in with any of these (password for all: {DEMO_PASSWORD}):"
    );
    println!();
    for (username, name, role, region, library) in people {
        let place = match (region.is_empty(), library) {
            (false, _) => RegionCode::parse(region)
                .ok()
                .and_then(|c| tree.get(&c).map(|r| r.display_name()))
                .unwrap_or_default(),
            (true, Some(_)) => "1 perpustakaan".into(),
            _ => "Indonesia".into(),
        };
        println!("    {username:<12} {role:<12} {name:<24} {place}");
    }
    println!();
    Ok(())
}
