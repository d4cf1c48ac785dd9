//! The library registry: village and kelurahan libraries, TBMs and the
//! public, school and house-of-worship libraries around them.

use crate::field::{
    Collector, Problem, flag, optional_decimal, optional_email, optional_int, optional_phone,
    optional_text, required_text,
};
use crate::ids::LibraryId;
use crate::regions::{Level, RegionCode, RegionTree};
use crate::text::search_key;
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

macro_rules! choice_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $key:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name { $( #[serde(rename = $key)] $variant ),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The stable key used in the database, forms, the API and files.
            pub fn key(self) -> &'static str {
                match self { $($name::$variant => $key),+ }
            }
            pub fn parse(s: &str) -> Result<Self, Problem> {
                let t = s.trim();
                $( if t.eq_ignore_ascii_case($key) { return Ok($name::$variant); } )+
                Err(Problem::UnknownChoice)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.key())
            }
        }
    };
}
pub(crate) use choice_enum;

choice_enum!(
    /// The kinds of library the registry holds.
    LibraryType {
        Desa = "desa",
        Kelurahan = "kelurahan",
        Tbm = "tbm",
        UmumKabKota = "umum_kabkota",
        Provinsi = "provinsi",
        Sekolah = "sekolah",
        RumahIbadah = "rumah_ibadah",
        Lainnya = "lainnya",
    }
);

choice_enum!(
    /// How a library takes part in TPBIS.
    Participation {
        None = "none",
        FullSupport = "full_support",
        BookAidOnly = "book_aid",
        Replication = "replication",
        DistrictProposed = "district_proposed",
    }
);

/// A Nomor Pokok Perpustakaan, normalised to upper-case letters and digits.
///
/// Perpusnas builds NPPs from the province, regency and kecamatan codes, a
/// library-type code, a status and a sequence. We check that shape — six
/// leading digits (the kecamatan code), then 6–14 letters or digits — and not
/// the inner codes, which Perpusnas has changed over time.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Npp(String);

impl Npp {
    /// Accepts spaces, dots and dashes as separators ("3520 01 2D1 000001").
    pub fn parse(s: &str) -> Result<Npp, Problem> {
        let n: String = s
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '.' | '-' | '/'))
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let ok = (12..=20).contains(&n.len())
            && n.bytes().all(|b| b.is_ascii_alphanumeric())
            && n.bytes().take(6).all(|b| b.is_ascii_digit());
        if ok { Ok(Npp(n)) } else { Err(Problem::BadNpp) }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The kecamatan the number was issued in.
    pub fn district_code(&self) -> RegionCode {
        // Checked in `parse`: six ASCII digits.
        RegionCode::parse(&self.0[..6])
            .unwrap_or_else(|_| unreachable!("NPP starts with six digits"))
    }
}

impl TryFrom<String> for Npp {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Npp::parse(&s).map_err(|_| format!("bad NPP: {s:?}"))
    }
}
impl From<Npp> for String {
    fn from(n: Npp) -> String {
        n.0
    }
}

/// What a form, a JSON body or an import row says about a library: all text,
/// exactly as typed, so a rejected form can be shown back unchanged.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LibraryForm {
    pub kind: String,
    pub name: String,
    pub npp: String,
    pub village_code: String,
    pub address: String,
    pub latitude: String,
    pub longitude: String,
    pub contact_name: String,
    pub phone: String,
    pub email: String,
    pub opening_hours: String,
    pub hours_per_day: String,
    pub staff_count: String,
    pub floor_area_m2: String,
    pub computers: String,
    pub has_internet: String,
    pub participation: String,
    pub cohort_year: String,
}

macro_rules! form_fields {
    ($($f:ident),+ $(,)?) => {
        impl LibraryForm {
            /// The values in [`LIBRARY_FIELDS`] order, for exports and audit diffs.
            pub fn pairs(&self) -> Vec<(&'static str, String)> {
                vec![$((stringify!($f), self.$f.clone())),+]
            }
            /// Sets a field by its key; unknown keys are ignored and reported.
            pub fn set(&mut self, key: &str, value: &str) -> bool {
                match key {
                    $(stringify!($f) => { self.$f = value.to_string(); true })+
                    _ => false,
                }
            }
        }
        /// The field keys of [`LibraryForm`], in form order. Imports, exports
        /// and the API use the same keys.
        pub const LIBRARY_FIELDS: &[&str] = &[$(stringify!($f)),+];
    };
}

form_fields!(
    kind,
    name,
    npp,
    village_code,
    address,
    latitude,
    longitude,
    contact_name,
    phone,
    email,
    opening_hours,
    hours_per_day,
    staff_count,
    floor_area_m2,
    computers,
    has_internet,
    participation,
    cohort_year,
);

/// A library's details after parsing: every value is known to be valid.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LibraryDraft {
    pub kind: LibraryType,
    pub name: String,
    pub npp: Option<Npp>,
    pub village_code: RegionCode,
    pub address: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub contact_name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// Free text such as "Senin–Sabtu 08.00–15.00".
    pub opening_hours: Option<String>,
    /// Average opening hours per day; the SNP asks for at least 6.
    pub hours_per_day: Option<f64>,
    pub staff_count: Option<i32>,
    pub floor_area_m2: Option<f64>,
    pub computers: i32,
    pub has_internet: bool,
    pub participation: Participation,
    pub cohort_year: Option<i32>,
}

impl LibraryDraft {
    /// Parses a form against the region tree. Collects every problem.
    ///
    /// `this_year` bounds the cohort year; it is an argument so the rule has
    /// no clock of its own.
    pub fn parse(
        f: &LibraryForm,
        regions: &RegionTree,
        this_year: i32,
    ) -> Result<LibraryDraft, crate::field::Invalid> {
        let mut c = Collector::default();
        let kind = c.take(
            "kind",
            required_text(&f.kind, 40).and_then(|k| LibraryType::parse(&k)),
        );
        let name = c.take("name", required_text(&f.name, 200));
        let npp = c.take(
            "npp",
            match crate::field::optional(&f.npp) {
                None => Ok(None),
                Some(s) => Npp::parse(s).map(Some),
            },
        );
        let village_code = c.take("village_code", parse_village(&f.village_code, regions));
        let address = c
            .take("address", optional_text(&f.address, 500))
            .map(Option::unwrap_or_default);
        let latitude = c.take("latitude", optional_decimal(&f.latitude, -11.5, 6.5));
        let longitude = c.take("longitude", optional_decimal(&f.longitude, 94.5, 141.5));
        let contact_name = c.take("contact_name", optional_text(&f.contact_name, 120));
        let phone = c.take("phone", optional_phone(&f.phone));
        let email = c.take("email", optional_email(&f.email));
        let opening_hours = c.take("opening_hours", optional_text(&f.opening_hours, 200));
        let hours_per_day = c.take(
            "hours_per_day",
            optional_decimal(&f.hours_per_day, 0.0, 24.0),
        );
        let staff_count = c.take("staff_count", optional_int(&f.staff_count, 0, 10_000));
        let floor_area_m2 = c.take(
            "floor_area_m2",
            optional_decimal(&f.floor_area_m2, 0.0, 1_000_000.0),
        );
        let computers = c.take("computers", optional_int(&f.computers, 0, 10_000));
        let has_internet = c.take("has_internet", flag(&f.has_internet));
        let participation = c.take(
            "participation",
            match crate::field::optional(&f.participation) {
                None => Ok(Participation::None),
                Some(p) => Participation::parse(p),
            },
        );
        let cohort_year = c.take(
            "cohort_year",
            optional_int(&f.cohort_year, 2018, i64::from(this_year) + 1),
        );

        // Both coordinates or neither: half a point is no point on a map.
        if let (Some(lat), Some(lon)) = (latitude, longitude)
            && lat.is_some() != lon.is_some()
        {
            c.errors.push(
                if lat.is_none() {
                    "latitude"
                } else {
                    "longitude"
                },
                Problem::BadCoordinates,
            );
        }
        if let (Some(p), Some(y)) = (participation, cohort_year)
            && p != Participation::None
            && y.is_none()
        {
            c.errors.push("cohort_year", Problem::Required);
        }

        // Every field parsed (`?` on each) and no cross-field problem: done.
        let draft = (|| {
            Some(LibraryDraft {
                kind: kind?,
                name: name?,
                npp: npp?,
                village_code: village_code?,
                address: address?,
                latitude: latitude?,
                longitude: longitude?,
                contact_name: contact_name?,
                phone: phone?,
                email: email?,
                opening_hours: opening_hours?,
                hours_per_day: hours_per_day?,
                staff_count: staff_count?.map(|n| n as i32),
                floor_area_m2: floor_area_m2?,
                computers: computers?.unwrap_or(0) as i32,
                has_internet: has_internet?,
                participation: participation?,
                cohort_year: cohort_year?.map(|y| y as i32),
            })
        })();
        match draft {
            Some(d) if c.errors.is_empty() => Ok(d),
            _ => Err(c.errors),
        }
    }

    /// The key that makes a library unique within its village when it has no
    /// NPP: the folded name. "Perpustakaan Desa  Balai Sebut" and
    /// "PERPUSTAKAAN DESA BALAI SEBUT" are the same library.
    pub fn name_key(&self) -> String {
        search_key(&self.name)
    }
}

fn parse_village(s: &str, regions: &RegionTree) -> Result<RegionCode, Problem> {
    let t = crate::field::optional(s).ok_or(Problem::Required)?;
    let code = RegionCode::parse(t)?;
    if code.level() != Level::Village {
        return Err(Problem::WrongRegionLevel {
            expected: Level::Village,
        });
    }
    if !regions.contains(&code) {
        return Err(Problem::UnknownRegion);
    }
    Ok(code)
}

/// A library as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Library {
    pub id: LibraryId,
    #[serde(flatten)]
    pub details: LibraryDraft,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Library {
    /// The form that shows this library for editing.
    pub fn to_form(&self) -> LibraryForm {
        let d = &self.details;
        let num = |v: Option<f64>| v.map(|x| x.to_string()).unwrap_or_default();
        LibraryForm {
            kind: d.kind.key().into(),
            name: d.name.clone(),
            npp: d
                .npp
                .as_ref()
                .map(|n| n.as_str().to_string())
                .unwrap_or_default(),
            village_code: d.village_code.to_string(),
            address: d.address.clone(),
            latitude: num(d.latitude),
            longitude: num(d.longitude),
            contact_name: d.contact_name.clone().unwrap_or_default(),
            phone: d.phone.clone().unwrap_or_default(),
            email: d.email.clone().unwrap_or_default(),
            opening_hours: d.opening_hours.clone().unwrap_or_default(),
            hours_per_day: num(d.hours_per_day),
            staff_count: d.staff_count.map(|n| n.to_string()).unwrap_or_default(),
            floor_area_m2: num(d.floor_area_m2),
            computers: d.computers.to_string(),
            has_internet: if d.has_internet {
                "true".into()
            } else {
                "false".into()
            },
            participation: d.participation.key().into(),
            cohort_year: d.cohort_year.map(|n| n.to_string()).unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::regions::Region;

    fn tree() -> RegionTree {
        let r = |c: &str, n: &str| Region {
            code: RegionCode::parse(c).unwrap(),
            name: n.into(),
            latitude: None,
            longitude: None,
            postal_code: None,
        };
        RegionTree::new(vec![
            r("61", "KALIMANTAN BARAT"),
            r("6105", "KABUPATEN SANGGAU"),
            r("610509", "JANGKANG"),
            r("6105092007", "BALAI SEBUT"),
        ])
        .unwrap()
    }

    fn form() -> LibraryForm {
        LibraryForm {
            kind: "desa".into(),
            name: "Perpustakaan Desa Balai Sebut".into(),
            village_code: "61.05.09.2007".into(),
            participation: "full_support".into(),
            cohort_year: "2023".into(),
            hours_per_day: "6,5".into(),
            has_internet: "on".into(),
            ..Default::default()
        }
    }

    #[test]
    fn parses_a_good_form() {
        let d = LibraryDraft::parse(&form(), &tree(), 2026).unwrap();
        assert_eq!(d.kind, LibraryType::Desa);
        assert_eq!(d.village_code.as_str(), "6105092007");
        assert_eq!(d.hours_per_day, Some(6.5));
        assert!(d.has_internet);
        assert_eq!(d.participation, Participation::FullSupport);
        assert_eq!(d.name_key(), "perpustakaan desa balai sebut");
    }

    #[test]
    fn names_every_bad_field() {
        let f = LibraryForm {
            kind: "kios".into(),
            name: "".into(),
            npp: "12AB".into(),
            village_code: "6105092999".into(),
            latitude: "-1.2".into(),
            email: "x@".into(),
            participation: "full_support".into(),
            ..Default::default()
        };
        let e = LibraryDraft::parse(&f, &tree(), 2026).unwrap_err();
        let fields: Vec<_> = e.0.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "kind",
                "name",
                "npp",
                "village_code",
                "email",
                "longitude",
                "cohort_year"
            ]
        );
        assert_eq!(
            e.for_field("village_code").unwrap().problem,
            Problem::UnknownRegion
        );
        assert_eq!(
            e.for_field("longitude").unwrap().problem,
            Problem::BadCoordinates
        );
    }

    #[test]
    fn village_must_be_a_village() {
        let f = LibraryForm {
            village_code: "6105".into(),
            ..form()
        };
        let e = LibraryDraft::parse(&f, &tree(), 2026).unwrap_err();
        assert_eq!(
            e.0[0].problem,
            Problem::WrongRegionLevel {
                expected: Level::Village
            }
        );
    }

    #[test]
    fn npp_shape() {
        assert_eq!(
            Npp::parse("6105 09 2D1 000001").unwrap().as_str(),
            "6105092D1000001"
        );
        assert_eq!(
            Npp::parse("6105092d1000001")
                .unwrap()
                .district_code()
                .as_str(),
            "610509"
        );
        for bad in [
            "",
            "12345",
            "AB05092D1000001",
            "6105092D1000001XXXXXXX",
            "610509-2D1-00000#",
        ] {
            assert_eq!(Npp::parse(bad), Err(Problem::BadNpp), "{bad}");
        }
    }

    #[test]
    fn form_round_trip() {
        let d = LibraryDraft::parse(&form(), &tree(), 2026).unwrap();
        let lib = Library {
            id: LibraryId::new(),
            details: d.clone(),
            active: true,
            created_at: NaiveDateTime::default(),
            updated_at: NaiveDateTime::default(),
        };
        assert_eq!(
            LibraryDraft::parse(&lib.to_form(), &tree(), 2026).unwrap(),
            d
        );
    }

    #[test]
    fn pairs_follow_field_order_and_set_by_key() {
        let f = form();
        let keys: Vec<_> = f.pairs().into_iter().map(|(k, _)| k).collect();
        assert_eq!(keys, LIBRARY_FIELDS);
        let mut g = LibraryForm::default();
        for (k, v) in f.pairs() {
            assert!(g.set(k, &v));
        }
        assert_eq!(g, f);
        assert!(!g.set("nope", "x"));
    }

    #[test]
    fn choices_round_trip() {
        for t in LibraryType::ALL {
            assert_eq!(LibraryType::parse(t.key()), Ok(*t));
        }
        for p in Participation::ALL {
            assert_eq!(Participation::parse(p.key()), Ok(*p));
        }
    }
}
