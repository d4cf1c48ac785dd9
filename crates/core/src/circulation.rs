//! Circulation's domain types and rules: members (with the NIK), loan
//! rules, due dates, fines and the one-scan-box decision. Pure: the current
//! date is always an argument.

use crate::catalog::ItemStatus;
use crate::field::{
    Collector, Invalid, Problem, optional, optional_phone, optional_text, required_text,
};
use crate::libraries::choice_enum;
use crate::regions::{Level, RegionCode, RegionTree};
use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;

/// A Nomor Induk Kependudukan: the 16-digit national identity number.
///
/// Its digits say where it was issued (province, regency, district: the
/// first six), the holder's birth date (DDMMYY, with 40 added to the day for
/// women) and a sequence. We check that structure, not that the person
/// exists. The number is personal data: `Debug` and `Display` show it masked,
/// and the full number is only reachable through [`Nik::reveal`], which
/// callers use only for people allowed to see it (that library's staff).
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Nik(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NikSex {
    Male,
    Female,
}

impl Nik {
    /// Accepts the 16 digits with spaces, dots or dashes between groups.
    pub fn parse(s: &str) -> Result<Nik, Problem> {
        let d: String = s
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '.' | '-'))
            .collect();
        if d.len() != 16 || !d.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Problem::BadNik);
        }
        let num = |a: usize, b: usize| d[a..b].parse::<u32>().unwrap_or(0);
        let (province, day, month, seq) = (num(0, 2), num(6, 8), num(8, 10), num(12, 16));
        let day_ok = (1..=31).contains(&day) || (41..=71).contains(&day);
        // Province codes run from 11 (Aceh) to 96 (Papua Barat Daya).
        if !(11..=96).contains(&province) || !day_ok || !(1..=12).contains(&month) || seq == 0 {
            return Err(Problem::BadNik);
        }
        Ok(Nik(d))
    }

    /// The full number. Call only when showing it to someone entitled to it.
    pub fn reveal(&self) -> &str {
        &self.0
    }

    /// "************0042": enough for a person to recognise their own number
    /// on a screen, not enough to misuse it.
    pub fn masked(&self) -> String {
        format!("{}{}", "*".repeat(12), &self.0[12..])
    }

    /// The kecamatan the number was issued in.
    pub fn district(&self) -> Option<RegionCode> {
        RegionCode::parse(&self.0[..6]).ok()
    }

    pub fn sex(&self) -> NikSex {
        if self.0[6..8].parse::<u32>().unwrap_or(0) > 40 {
            NikSex::Female
        } else {
            NikSex::Male
        }
    }

    /// The birth date the number encodes. Two-digit years are read as the
    /// most recent past century relative to `today`.
    pub fn birth_date(&self, today: NaiveDate) -> Option<NaiveDate> {
        use chrono::Datelike;
        let day = self.0[6..8].parse::<u32>().ok()? % 40;
        let month = self.0[8..10].parse::<u32>().ok()?;
        let yy = self.0[10..12].parse::<i32>().ok()?;
        let century = today.year() / 100 * 100;
        let year = if century + yy > today.year() {
            century - 100 + yy
        } else {
            century + yy
        };
        NaiveDate::from_ymd_opt(year, month, day)
    }
}

impl fmt::Debug for Nik {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Nik({})", self.masked())
    }
}

impl fmt::Display for Nik {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl TryFrom<String> for Nik {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        // Never echo a rejected NIK back into logs.
        Nik::parse(&s).map_err(|_| "bad NIK".to_string())
    }
}

impl From<Nik> for String {
    fn from(n: Nik) -> String {
        n.0
    }
}

// ------------------------------------------------------------------ members

choice_enum!(
    /// Jenis kelamin as the KTP writes it: laki-laki, perempuan.
    Gender {
        L = "L",
        P = "P",
    }
);

choice_enum!(
    /// Age groups used by the programme's monitoring (guest book, members):
    /// anak 0–12, remaja 13–18, dewasa 19–59, lansia 60 and over.
    AgeGroup {
        Anak = "anak",
        Remaja = "remaja",
        Dewasa = "dewasa",
        Lansia = "lansia",
    }
);

impl AgeGroup {
    /// The group of someone born on `birth`, on `today`. Ages are whole years
    /// completed, so a child is `anak` through the day before turning 13.
    pub fn on(birth: NaiveDate, today: NaiveDate) -> AgeGroup {
        match age(birth, today) {
            ..=12 => AgeGroup::Anak,
            13..=18 => AgeGroup::Remaja,
            19..=59 => AgeGroup::Dewasa,
            _ => AgeGroup::Lansia,
        }
    }
}

/// Whole years completed between `birth` and `today` (0 for a future birth).
pub fn age(birth: NaiveDate, today: NaiveDate) -> i32 {
    let mut y = today.year() - birth.year();
    if (today.month(), today.day()) < (birth.month(), birth.day()) {
        y -= 1;
    }
    y.max(0)
}

choice_enum!(
    /// Pendidikan terakhir.
    Education {
        None = "tidak_sekolah",
        Sd = "sd",
        Smp = "smp",
        Sma = "sma",
        Diploma = "diploma",
        S1 = "s1",
        S2S3 = "s2_s3",
    }
);

choice_enum!(
    /// Ragam disabilitas as UU 8/2016 groups them (fisik, intelektual,
    /// mental, sensorik), with sensorik split into netra and rungu/wicara as
    /// libraries serve them differently, and ganda for more than one.
    Disability {
        Fisik = "fisik",
        Netra = "sensorik_netra",
        RunguWicara = "sensorik_rungu_wicara",
        Intelektual = "intelektual",
        Mental = "mental",
        Ganda = "ganda",
    }
);

/// A member type: data, not code, because loan rules are keyed by it.
/// Lower-case letters, digits and `_`, 1–20 characters ("umum", "pelajar").
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MemberType(String);

impl MemberType {
    /// The types a new library starts with; others can be typed in.
    pub const SUGGESTED: &'static [&'static str] = &["umum", "pelajar", "anak", "guru"];

    pub fn parse(s: &str) -> Result<MemberType, Problem> {
        let t = s.trim().to_lowercase().replace([' ', '-'], "_");
        if t.is_empty() {
            return Err(Problem::Required);
        }
        if t.len() > 20 {
            return Err(Problem::TooLong { max: 20 });
        }
        if !t
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            return Err(Problem::UnknownChoice);
        }
        Ok(MemberType(t))
    }
    pub fn umum() -> MemberType {
        MemberType("umum".into())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for MemberType {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        MemberType::parse(&s).map_err(|_| format!("bad member type: {s:?}"))
    }
}
impl From<MemberType> for String {
    fn from(m: MemberType) -> String {
        m.0
    }
}

/// RT or RW: 1–3 digits, stored zero-padded to 3 ("5" → "005") as on the KTP.
pub fn parse_rt_rw(s: &str) -> Result<Option<String>, Problem> {
    let Some(t) = optional(s) else {
        return Ok(None);
    };
    if t.len() > 3 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Problem::OutOfRange { min: 0, max: 999 });
    }
    Ok(Some(format!("{:0>3}", t)))
}

/// A date typed as `YYYY-MM-DD` (the date input) or `DD-MM-YYYY` / `DD/MM/YYYY`
/// (how Indonesians write it in spreadsheets).
pub fn parse_date(s: &str) -> Result<Option<NaiveDate>, Problem> {
    let Some(t) = optional(s) else {
        return Ok(None);
    };
    ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%Y/%m/%d"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(t, f).ok())
        .map(Some)
        .ok_or(Problem::BadDate)
}

/// A member as typed into the form, a JSON body or an import row.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MemberForm {
    pub member_no: String,
    pub full_name: String,
    pub gender: String,
    pub birth_date: String,
    pub member_type: String,
    pub address: String,
    pub rt: String,
    pub rw: String,
    pub village_code: String,
    pub phone: String,
    pub occupation: String,
    pub education: String,
    pub disability: String,
    pub nik: String,
    pub expires_on: String,
}

macro_rules! member_fields {
    ($($f:ident),+ $(,)?) => {
        impl MemberForm {
            /// Sets a field by key; unknown keys are ignored (`false`).
            pub fn set(&mut self, key: &str, value: &str) -> bool {
                match key {
                    $(stringify!($f) => { self.$f = value.to_string(); true })+
                    _ => false,
                }
            }
            /// The values in [`MEMBER_FIELDS`] order.
            pub fn pairs(&self) -> Vec<(&'static str, String)> {
                vec![$((stringify!($f), self.$f.clone())),+]
            }
        }
        /// Member field keys in form order; imports and the API use them too.
        pub const MEMBER_FIELDS: &[&str] = &[$(stringify!($f)),+];
    };
}

member_fields!(
    member_no,
    full_name,
    gender,
    birth_date,
    member_type,
    address,
    rt,
    rw,
    village_code,
    phone,
    occupation,
    education,
    disability,
    nik,
    expires_on,
);

/// A member after parsing.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberDraft {
    /// `None`: the store assigns the library's next number.
    pub member_no: Option<String>,
    pub full_name: String,
    pub gender: Gender,
    pub birth_date: Option<NaiveDate>,
    pub member_type: MemberType,
    pub address: Option<String>,
    pub rt: Option<String>,
    pub rw: Option<String>,
    pub village_code: Option<RegionCode>,
    pub phone: Option<String>,
    pub occupation: Option<String>,
    pub education: Option<Education>,
    pub disability: Option<Disability>,
    pub nik: Option<Nik>,
    pub expires_on: Option<NaiveDate>,
}

impl MemberDraft {
    /// `default_village` (the library's) is used when the desa is left
    /// empty: most members live in the library's own village.
    pub fn parse(
        f: &MemberForm,
        regions: &RegionTree,
        default_village: Option<&RegionCode>,
        today: NaiveDate,
    ) -> Result<MemberDraft, Invalid> {
        let mut c = Collector::default();
        let member_no = c.take("member_no", parse_member_no(&f.member_no));
        let full_name = c.take("full_name", required_text(&f.full_name, 120));
        let gender = c.take("gender", parse_gender(&f.gender));
        let birth_date = c.take(
            "birth_date",
            parse_date(&f.birth_date).and_then(|d| match d {
                Some(d) if d > today || today.year() - d.year() > 120 => Err(Problem::BadDate),
                d => Ok(d),
            }),
        );
        let member_type = c.take(
            "member_type",
            match optional(&f.member_type) {
                None => Ok(MemberType::umum()),
                Some(t) => MemberType::parse(t),
            },
        );
        let address = c.take("address", optional_text(&f.address, 300));
        let rt = c.take("rt", parse_rt_rw(&f.rt));
        let rw = c.take("rw", parse_rt_rw(&f.rw));
        let village_code = c.take(
            "village_code",
            match optional(&f.village_code) {
                None => Ok(default_village.cloned()),
                Some(s) => parse_village(s, regions).map(Some),
            },
        );
        let phone = c.take("phone", optional_phone(&f.phone));
        let occupation = c.take("occupation", optional_text(&f.occupation, 80));
        let education = c.take(
            "education",
            optional(&f.education).map(Education::parse).transpose(),
        );
        let disability = c.take(
            "disability",
            optional(&f.disability).map(Disability::parse).transpose(),
        );
        let nik = c.take("nik", optional(&f.nik).map(Nik::parse).transpose());
        let expires_on = c.take("expires_on", parse_date(&f.expires_on));
        let draft = (|| {
            Some(MemberDraft {
                member_no: member_no?,
                full_name: full_name?,
                gender: gender?,
                birth_date: birth_date?,
                member_type: member_type?,
                address: address?,
                rt: rt?,
                rw: rw?,
                village_code: village_code?,
                phone: phone?,
                occupation: occupation?,
                education: education?,
                disability: disability?,
                nik: nik?,
                expires_on: expires_on?,
            })
        })();
        match draft {
            Some(d) if c.errors.is_empty() => Ok(d),
            _ => Err(c.errors),
        }
    }

    pub fn age_group(&self, today: NaiveDate) -> Option<AgeGroup> {
        self.birth_date.map(|b| AgeGroup::on(b, today))
    }
}

fn parse_gender(s: &str) -> Result<Gender, Problem> {
    match optional(s).map(str::to_lowercase).as_deref() {
        None => Err(Problem::Required),
        Some("l" | "laki-laki" | "laki laki" | "lk" | "pria" | "m" | "male") => Ok(Gender::L),
        Some("p" | "perempuan" | "pr" | "wanita" | "w" | "f" | "female") => Ok(Gender::P),
        Some(_) => Err(Problem::UnknownChoice),
    }
}

/// Member numbers are printed on cards and scanned: letters, digits, `-`
/// and `.`, up to 30 characters, stored upper-case.
pub fn parse_member_no(s: &str) -> Result<Option<String>, Problem> {
    let Some(t) = optional(s) else {
        return Ok(None);
    };
    if t.len() > 30 {
        return Err(Problem::TooLong { max: 30 });
    }
    if !t
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.'))
    {
        return Err(Problem::UnknownChoice);
    }
    Ok(Some(t.to_ascii_uppercase()))
}

fn parse_village(s: &str, regions: &RegionTree) -> Result<RegionCode, Problem> {
    let code = RegionCode::parse(s)?;
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

// ------------------------------------------------------------- loan rules

/// A loan rule as stored: `member_type` and `collection` may be `*`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoanRule {
    pub member_type: String,
    pub collection: String,
    pub loan_days: i32,
    pub max_loans: i32,
    pub max_renewals: i32,
    /// Rupiah per overdue open day; used only when fines are on.
    pub fine_per_day: i64,
}

impl LoanRule {
    /// Without any rule: a week, three books, one renewal, no fine.
    pub fn fallback() -> LoanRule {
        LoanRule {
            member_type: "*".into(),
            collection: "*".into(),
            loan_days: 7,
            max_loans: 3,
            max_renewals: 1,
            fine_per_day: 0,
        }
    }

    /// How specific the rule is for a match: an exact member type counts
    /// more than an exact collection, since libraries set limits per kind
    /// of member first ("pelajar" any book) and refine by collection second.
    fn specificity(&self, member_type: &str, collection: &str) -> Option<u8> {
        let m = match self.member_type.as_str() {
            "*" => 0,
            t if t == member_type => 2,
            _ => return None,
        };
        let c = match self.collection.as_str() {
            "*" => 0,
            t if t == collection => 1,
            _ => return None,
        };
        Some(m + c)
    }
}

/// The rule for a member type × collection: the most specific match, or
/// [`LoanRule::fallback`] when none matches.
pub fn resolve_rule(rules: &[LoanRule], member_type: &str, collection: &str) -> LoanRule {
    rules
        .iter()
        .filter_map(|r| r.specificity(member_type, collection).map(|s| (s, r)))
        .max_by_key(|(s, _)| *s)
        .map(|(_, r)| r.clone())
        .unwrap_or_else(LoanRule::fallback)
}

/// A loan rule as typed (settings form, API).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LoanRuleForm {
    pub member_type: String,
    pub collection: String,
    pub loan_days: String,
    pub max_loans: String,
    pub max_renewals: String,
    pub fine_per_day: String,
}

impl LoanRuleForm {
    pub fn parse(&self) -> Result<LoanRule, Invalid> {
        use crate::field::optional_int;
        let mut c = Collector::default();
        let member_type = c.take(
            "member_type",
            match optional(&self.member_type) {
                None | Some("*") => Ok("*".to_string()),
                Some(t) => MemberType::parse(t).map(|m| m.0),
            },
        );
        let collection = c.take(
            "collection",
            match optional(&self.collection) {
                None | Some("*") => Ok("*".to_string()),
                Some(t) => crate::catalog::Collection::parse(t).map(|k| k.key().to_string()),
            },
        );
        let num = |c: &mut Collector, f: &'static str, v: &str, min, max, req: bool| {
            c.take(
                f,
                optional_int(v, min, max).and_then(|n| match n {
                    None if req => Err(Problem::Required),
                    n => Ok(n.unwrap_or(0)),
                }),
            )
        };
        let loan_days = num(&mut c, "loan_days", &self.loan_days, 1, 365, true);
        let max_loans = num(&mut c, "max_loans", &self.max_loans, 0, 100, true);
        let max_renewals = num(&mut c, "max_renewals", &self.max_renewals, 0, 20, false);
        let fine = num(
            &mut c,
            "fine_per_day",
            &self.fine_per_day,
            0,
            1_000_000,
            false,
        );
        let rule = (|| {
            Some(LoanRule {
                member_type: member_type?,
                collection: collection?,
                loan_days: loan_days? as i32,
                max_loans: max_loans? as i32,
                max_renewals: max_renewals? as i32,
                fine_per_day: fine?,
            })
        })();
        match rule {
            Some(r) if c.errors.is_empty() => Ok(r),
            _ => Err(c.errors),
        }
    }
}

// --------------------------------------------------------------- calendar

/// When the library is open: closed weekdays and holidays.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    pub closed: Vec<Weekday>,
    pub holidays: BTreeSet<NaiveDate>,
}

impl Calendar {
    pub fn is_open(&self, d: NaiveDate) -> bool {
        !self.closed.contains(&d.weekday()) && !self.holidays.contains(&d)
    }

    /// `"6,7"` (ISO numbers, Monday = 1) as stored in the settings.
    pub fn parse_weekdays(s: &str) -> Result<Vec<Weekday>, Problem> {
        let mut out = Vec::new();
        for part in s.split([',', ' ']).filter(|p| !p.trim().is_empty()) {
            let n: u32 = part.trim().parse().map_err(|_| Problem::NotANumber)?;
            let w = match n {
                1 => Weekday::Mon,
                2 => Weekday::Tue,
                3 => Weekday::Wed,
                4 => Weekday::Thu,
                5 => Weekday::Fri,
                6 => Weekday::Sat,
                7 => Weekday::Sun,
                _ => return Err(Problem::OutOfRange { min: 1, max: 7 }),
            };
            if !out.contains(&w) {
                out.push(w);
            }
        }
        if out.len() == 7 {
            // A library closed every day cannot lend.
            return Err(Problem::OutOfRange { min: 1, max: 6 });
        }
        out.sort_by_key(|w| w.number_from_monday());
        Ok(out)
    }

    pub fn weekdays_text(days: &[Weekday]) -> String {
        days.iter()
            .map(|w| w.number_from_monday().to_string())
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// The due date of a loan made on `from` for `days` calendar days: the
/// first open day on or after `from + days`. Counting calendar days keeps
/// the period what members expect ("a week"); moving forward off closed
/// days and holidays means nobody is asked to return a book on a day the
/// door is shut. Gives up moving after a year of closed days (bad data).
pub fn due_date(from: NaiveDate, days: i32, cal: &Calendar) -> NaiveDate {
    let mut d = from + chrono::Duration::days(i64::from(days.max(0)));
    for _ in 0..366 {
        if cal.is_open(d) {
            break;
        }
        d = d.succ_opt().unwrap_or(d);
    }
    d
}

/// Open days a loan due on `due` and returned on `on` is overdue. Only
/// open days count: a member cannot return a book on a Sunday or a
/// holiday, so those days are not held against them.
pub fn overdue_open_days(due: NaiveDate, on: NaiveDate, cal: &Calendar) -> i64 {
    if on <= due {
        return 0;
    }
    let mut n = 0;
    let mut d = due.succ_opt().unwrap_or(due);
    while d <= on {
        if cal.is_open(d) {
            n += 1;
        }
        d = match d.succ_opt() {
            Some(x) => x,
            None => break,
        };
    }
    n
}

/// The fine in rupiah: `per_day` × overdue open days, or 0 when fines are off.
pub fn fine(due: NaiveDate, on: NaiveDate, per_day: i64, enabled: bool, cal: &Calendar) -> i64 {
    if !enabled {
        return 0;
    }
    per_day.max(0) * overdue_open_days(due, on, cal)
}

// --------------------------------------------------------------- scan box

/// What a scanned code turned out to be, as the store found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scanned {
    /// A member card of this library.
    Member { id: String, active: bool },
    /// An item of this library; `loaned_to` is the member of its open loan.
    Item {
        status: ItemStatus,
        loaned_to: Option<String>,
    },
    /// Neither a member number nor a barcode of this library.
    Unknown,
}

/// What the person at the desk asked for: a plain scan, or the explicit
/// renew button.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    Scan,
    Renew,
}

/// What the scan box does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Checkout,
    Return,
    Renew,
    /// Show this member; the following items are for them.
    SwitchMember(String),
    Refuse(Refusal),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    UnknownCode,
    /// An available item was scanned before any member card.
    NoMember,
    /// The item is in repair, lost or withdrawn.
    NotAvailable,
    MemberInactive,
    MemberExpired,
    LimitReached,
    /// Renew asked for an item not on loan to the current member.
    NotOnLoanToMember,
    MaxRenewals,
    /// Another member holds a reservation on the item's record.
    HeldForOther,
    /// Another checkout of the same item won the race.
    AlreadyOnLoan,
}

/// The one scan box's decision, from the code and what is on screen.
///
/// A member card switches to that member. An item on loan is returned
/// whoever has it (a plain scan is the fastest return; scanning a borrowed
/// book again right after checkout undoes a mistake), unless the renew
/// button was pressed, which renews a loan of the current member. An
/// available item is checked out to the current member. The member's
/// limits and holds are checked by the checkout itself, in its transaction.
pub fn decide(current_member: Option<&str>, scanned: &Scanned, intent: Intent) -> Decision {
    match scanned {
        Scanned::Unknown => Decision::Refuse(Refusal::UnknownCode),
        Scanned::Member { id, active } => {
            if *active {
                Decision::SwitchMember(id.clone())
            } else {
                Decision::Refuse(Refusal::MemberInactive)
            }
        }
        Scanned::Item { loaned_to, status } => match (intent, loaned_to) {
            (Intent::Renew, Some(m)) if Some(m.as_str()) == current_member => Decision::Renew,
            (Intent::Renew, _) => Decision::Refuse(Refusal::NotOnLoanToMember),
            (Intent::Scan, Some(_)) => Decision::Return,
            (Intent::Scan, None) => match (status, current_member) {
                (ItemStatus::Available, Some(_)) => Decision::Checkout,
                (ItemStatus::Available, None) => Decision::Refuse(Refusal::NoMember),
                _ => Decision::Refuse(Refusal::NotAvailable),
            },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn parses_and_masks() {
        // Magetan (3520 01), born 17-08-1990, a man, sequence 0042.
        let n = Nik::parse("3520 0117 0890 0042").unwrap();
        assert_eq!(n.reveal(), "3520011708900042");
        assert_eq!(n.masked(), "************0042");
        assert_eq!(format!("{n}"), "************0042");
        assert_eq!(format!("{n:?}"), "Nik(************0042)");
        assert_eq!(n.district().unwrap().as_str(), "352001");
        assert_eq!(n.sex(), NikSex::Male);
        assert_eq!(n.birth_date(d(2026, 11, 21)), Some(d(1990, 8, 17)));
    }

    #[test]
    fn women_have_forty_added_to_the_day() {
        let n = Nik::parse("6103045702150001").unwrap();
        assert_eq!(n.sex(), NikSex::Female);
        assert_eq!(n.birth_date(d(2026, 11, 21)), Some(d(2015, 2, 17)));
    }

    #[test]
    fn refuses_bad_shapes() {
        for bad in [
            "",
            "352001170890004",   // 15 digits
            "35200117089000421", // 17 digits
            "3520011708900O42",  // a letter O
            "0520011708900042",  // province 05 does not exist
            "3520013208900042",  // day 32
            "3520011713900042",  // month 13
            "3520011708900000",  // sequence 0000
        ] {
            assert_eq!(Nik::parse(bad), Err(Problem::BadNik), "{bad}");
        }
    }

    #[test]
    fn rejected_values_are_not_echoed() {
        let e = Nik::try_from("3520011708900000".to_string()).unwrap_err();
        assert!(!e.contains("3520"));
    }
}

#[cfg(test)]
mod rule_tests {
    use super::*;
    use crate::regions::Region;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn tree() -> RegionTree {
        let r = |c: &str, n: &str| Region {
            code: RegionCode::parse(c).unwrap(),
            name: n.into(),
            latitude: None,
            longitude: None,
            postal_code: None,
        };
        RegionTree::new(vec![
            r("35", "JAWA TIMUR"),
            r("3520", "KABUPATEN MAGETAN"),
            r("352001", "POncol"),
            r("3520012001", "GONGGANG"),
        ])
        .unwrap()
    }

    #[test]
    fn age_groups_have_documented_bounds() {
        let today = d(2026, 11, 21);
        assert_eq!(AgeGroup::on(d(2014, 11, 22), today), AgeGroup::Anak); // 11
        assert_eq!(AgeGroup::on(d(2013, 11, 22), today), AgeGroup::Anak); // 12, turns 13 tomorrow
        assert_eq!(AgeGroup::on(d(2013, 11, 21), today), AgeGroup::Remaja); // 13 today
        assert_eq!(AgeGroup::on(d(2007, 11, 22), today), AgeGroup::Remaja); // 18
        assert_eq!(AgeGroup::on(d(2007, 11, 21), today), AgeGroup::Dewasa); // 19
        assert_eq!(AgeGroup::on(d(1966, 11, 22), today), AgeGroup::Dewasa); // 59
        assert_eq!(AgeGroup::on(d(1966, 11, 21), today), AgeGroup::Lansia); // 60
    }

    #[test]
    fn member_form_parses_and_collects_problems() {
        let today = d(2026, 11, 21);
        let lib = RegionCode::parse("3520012001").unwrap();
        let f = MemberForm {
            full_name: " Siti Aminah ".into(),
            gender: "perempuan".into(),
            birth_date: "17-08-1990".into(),
            rt: "3".into(),
            rw: "12".into(),
            education: "sma".into(),
            disability: "sensorik_netra".into(),
            nik: "3520 0157 0890 0042".into(),
            ..Default::default()
        };
        let m = MemberDraft::parse(&f, &tree(), Some(&lib), today).unwrap();
        assert_eq!(m.full_name, "Siti Aminah");
        assert_eq!(m.gender, Gender::P);
        assert_eq!(m.birth_date, Some(d(1990, 8, 17)));
        assert_eq!(m.age_group(today), Some(AgeGroup::Dewasa));
        assert_eq!(
            (m.rt.as_deref(), m.rw.as_deref()),
            (Some("003"), Some("012"))
        );
        assert_eq!(m.village_code, Some(lib.clone()));
        assert_eq!(m.member_type.as_str(), "umum");
        assert_eq!(m.disability, Some(Disability::Netra));
        assert_eq!(m.nik.unwrap().masked(), "************0042");

        let bad = MemberForm {
            gender: "x".into(),
            birth_date: "2030-01-01".into(),
            rt: "1234".into(),
            village_code: "3520".into(),
            education: "sd kelas 3".into(),
            nik: "123".into(),
            ..Default::default()
        };
        let e = MemberDraft::parse(&bad, &tree(), Some(&lib), today).unwrap_err();
        let fields: Vec<_> = e.0.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "full_name",
                "gender",
                "birth_date",
                "rt",
                "village_code",
                "education",
                "nik"
            ]
        );
    }

    fn rule(m: &str, c: &str, days: i32) -> LoanRule {
        LoanRule {
            member_type: m.into(),
            collection: c.into(),
            loan_days: days,
            max_loans: 2,
            max_renewals: 1,
            fine_per_day: 500,
        }
    }

    #[test]
    fn most_specific_rule_wins() {
        let rules = vec![
            rule("*", "*", 7),
            rule("*", "referensi", 1),
            rule("pelajar", "*", 14),
            rule("pelajar", "fiksi", 10),
        ];
        assert_eq!(resolve_rule(&rules, "pelajar", "fiksi").loan_days, 10);
        assert_eq!(resolve_rule(&rules, "pelajar", "umum").loan_days, 14);
        // Member type beats collection when both are half matches.
        assert_eq!(resolve_rule(&rules, "pelajar", "referensi").loan_days, 14);
        assert_eq!(resolve_rule(&rules, "umum", "referensi").loan_days, 1);
        assert_eq!(resolve_rule(&rules, "umum", "anak").loan_days, 7);
        assert_eq!(resolve_rule(&[], "umum", "anak"), LoanRule::fallback());
        assert_eq!(
            resolve_rule(&[rule("guru", "*", 30)], "umum", "anak").loan_days,
            7
        );
    }

    #[test]
    fn rule_form_validates() {
        let f = LoanRuleForm {
            member_type: "Pelajar".into(),
            collection: "fiksi".into(),
            loan_days: "14".into(),
            max_loans: "3".into(),
            ..Default::default()
        };
        let r = f.parse().unwrap();
        assert_eq!(
            (r.member_type.as_str(), r.loan_days, r.max_renewals),
            ("pelajar", 14, 0)
        );
        let bad = LoanRuleForm {
            collection: "komik".into(),
            loan_days: "0".into(),
            ..Default::default()
        };
        let fields: Vec<_> = bad.parse().unwrap_err().0.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["collection", "loan_days", "max_loans"]);
    }

    fn cal() -> Calendar {
        Calendar {
            closed: vec![Weekday::Sun],
            // Idul Fitri 2026: Friday 20 and Saturday 21 March.
            holidays: [d(2026, 3, 20), d(2026, 3, 21)].into_iter().collect(),
        }
    }

    #[test]
    fn due_dates_skip_closed_days_and_holidays() {
        // Monday + 7 = Monday: open.
        assert_eq!(due_date(d(2026, 11, 16), 7, &cal()), d(2026, 11, 23));
        // Monday + 6 = Sunday: moves to Monday.
        assert_eq!(due_date(d(2026, 11, 16), 6, &cal()), d(2026, 11, 23));
        // Friday 13 March + 7 = Friday 20 (holiday), Sat 21 (holiday), Sun 22
        // (closed) → Monday 23 March.
        assert_eq!(due_date(d(2026, 3, 13), 7, &cal()), d(2026, 3, 23));
        // Every due date falls on an open day.
        for start in 0..60 {
            let from = d(2026, 3, 1) + chrono::Duration::days(start);
            for days in [1, 3, 7, 14] {
                assert!(cal().is_open(due_date(from, days, &cal())));
            }
        }
    }

    #[test]
    fn fines_count_open_days_only_and_are_off_by_default() {
        // Due Thursday 19 March; returned Monday 23: Fri, Sat holidays, Sun
        // closed, Mon open → 1 day.
        assert_eq!(overdue_open_days(d(2026, 3, 19), d(2026, 3, 23), &cal()), 1);
        assert_eq!(fine(d(2026, 3, 19), d(2026, 3, 23), 500, true, &cal()), 500);
        assert_eq!(fine(d(2026, 3, 19), d(2026, 3, 23), 500, false, &cal()), 0);
        assert_eq!(fine(d(2026, 3, 19), d(2026, 3, 19), 500, true, &cal()), 0);
        // Mon 9 → Sat 14 Nov 2026: Tue–Sat = 5 open days.
        assert_eq!(
            fine(d(2026, 11, 9), d(2026, 11, 14), 1000, true, &cal()),
            5000
        );
    }

    #[test]
    fn weekdays_round_trip() {
        let w = Calendar::parse_weekdays("7, 6").unwrap();
        assert_eq!(w, vec![Weekday::Sat, Weekday::Sun]);
        assert_eq!(Calendar::weekdays_text(&w), "6,7");
        assert_eq!(Calendar::parse_weekdays("").unwrap(), vec![]);
        assert!(Calendar::parse_weekdays("8").is_err());
        assert!(Calendar::parse_weekdays("1,2,3,4,5,6,7").is_err());
    }

    #[test]
    fn scan_decisions() {
        use Decision::*;
        let item = |status, to: Option<&str>| Scanned::Item {
            status,
            loaned_to: to.map(str::to_string),
        };
        let m = Some("m1");
        assert_eq!(
            decide(
                None,
                &Scanned::Member {
                    id: "m1".into(),
                    active: true
                },
                Intent::Scan
            ),
            SwitchMember("m1".into())
        );
        assert_eq!(
            decide(
                m,
                &Scanned::Member {
                    id: "m2".into(),
                    active: false
                },
                Intent::Scan
            ),
            Refuse(Refusal::MemberInactive)
        );
        assert_eq!(
            decide(m, &item(ItemStatus::Available, None), Intent::Scan),
            Checkout
        );
        assert_eq!(
            decide(None, &item(ItemStatus::Available, None), Intent::Scan),
            Refuse(Refusal::NoMember)
        );
        assert_eq!(
            decide(m, &item(ItemStatus::OnLoan, Some("m1")), Intent::Scan),
            Return
        );
        assert_eq!(
            decide(None, &item(ItemStatus::OnLoan, Some("m9")), Intent::Scan),
            Return
        );
        assert_eq!(
            decide(m, &item(ItemStatus::OnLoan, Some("m1")), Intent::Renew),
            Renew
        );
        assert_eq!(
            decide(m, &item(ItemStatus::OnLoan, Some("m9")), Intent::Renew),
            Refuse(Refusal::NotOnLoanToMember)
        );
        assert_eq!(
            decide(m, &item(ItemStatus::InRepair, None), Intent::Scan),
            Refuse(Refusal::NotAvailable)
        );
        assert_eq!(
            decide(m, &Scanned::Unknown, Intent::Scan),
            Refuse(Refusal::UnknownCode)
        );
    }
}
