//! People, their roles and their reach.
//!
//! Reach is the one rule every feature asks: *may this actor see or change
//! that record?* An officer's reach is a subtree of the region tree; a
//! facilitator's is the set of libraries assigned to them; a library's
//! manager and staff reach one library. Features describe their records by a
//! [`Place`] (region code and optional library) and ask [`Actor::reaches`].

use crate::field::{Collector, Invalid, Problem, optional_email, optional_phone, required_text};
use crate::ids::{LibraryId, UserId};
use crate::libraries::choice_enum;
use crate::regions::{Level, RegionCode};
use serde::{Deserialize, Serialize};

choice_enum!(
    /// What a user is, which decides what they may do.
    Role {
        National = "national",
        Province = "province",
        District = "district",
        Facilitator = "facilitator",
        Manager = "manager",
        Staff = "staff",
    }
);

impl Role {
    /// Officers administer a region; the others work with libraries.
    pub fn is_officer(self) -> bool {
        matches!(self, Role::National | Role::Province | Role::District)
    }

    /// Which roles this role may create and administer (always also bounded
    /// by reach). Officers may add colleagues at their own level; a manager
    /// adds the staff and volunteers of their library.
    pub fn may_manage(self, other: Role) -> bool {
        use Role::*;
        match self {
            National => true,
            Province => matches!(other, Province | District | Facilitator | Manager | Staff),
            District => matches!(other, District | Facilitator | Manager | Staff),
            Manager => matches!(other, Staff),
            Facilitator | Staff => false,
        }
    }

    /// The region level a user of this role is anchored at, if any.
    pub fn region_level(self) -> Option<Level> {
        match self {
            Role::Province => Some(Level::Province),
            Role::District => Some(Level::Regency),
            _ => None,
        }
    }
}

/// A login name: 3–32 characters of `a-z 0-9 . _ -`, stored lower-case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Username(String);

impl Username {
    pub fn parse(s: &str) -> Result<Username, Problem> {
        let t = s.trim().to_lowercase();
        let ok = (3..=32).contains(&t.len())
            && t.bytes().all(|b| {
                b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-')
            })
            && t.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric());
        if ok {
            Ok(Username(t))
        } else {
            Err(Problem::BadUsername)
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
impl TryFrom<String> for Username {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Username::parse(&s).map_err(|_| format!("bad username: {s:?}"))
    }
}
impl From<Username> for String {
    fn from(u: Username) -> String {
        u.0
    }
}

/// A new password that meets the policy. Never logged, never serialised.
pub struct NewPassword(String);

impl NewPassword {
    pub const MIN: usize = 10;
    pub const MAX: usize = 128;

    /// Length is what protects a password; composition rules just produce
    /// "Password1!". We ask for 10+ characters and refuse the username.
    pub fn parse(s: &str, username: &str) -> Result<NewPassword, Problem> {
        let n = s.chars().count();
        if n < Self::MIN {
            return Err(Problem::PasswordTooShort { min: Self::MIN });
        }
        if n > Self::MAX {
            return Err(Problem::PasswordTooLong { max: Self::MAX });
        }
        if s.trim().eq_ignore_ascii_case(username.trim()) {
            return Err(Problem::PasswordSameAsUsername);
        }
        Ok(NewPassword(s.to_string()))
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

/// Where a user belongs. Its shape depends on the role, so a district
/// officer without a regency cannot exist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Home {
    Nation,
    Region {
        code: RegionCode,
    },
    Library {
        library_id: LibraryId,
        village_code: RegionCode,
    },
}

/// Where a record lives, for reach checks: its region, and its library when
/// it belongs to one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place<'a> {
    pub region: &'a RegionCode,
    pub library: Option<LibraryId>,
}

/// The signed-in user, as every rule sees them.
#[derive(Debug, Clone, Serialize)]
pub struct Actor {
    pub id: UserId,
    pub username: String,
    pub full_name: String,
    pub role: Role,
    pub home: Home,
    /// Facilitators only: the libraries assigned to them.
    pub assigned: Vec<LibraryId>,
}

/// Reach as a filter a query can apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    Everything,
    /// Everything whose region code lies in this subtree.
    Region(RegionCode),
    /// Only these libraries (and records that belong to them).
    Libraries(Vec<LibraryId>),
}

impl Actor {
    pub fn reach(&self) -> Reach {
        match (&self.home, self.role) {
            (_, Role::Facilitator) => Reach::Libraries(self.assigned.clone()),
            (Home::Nation, _) => Reach::Everything,
            (Home::Region { code }, _) => Reach::Region(code.clone()),
            (Home::Library { library_id, .. }, _) => Reach::Libraries(vec![*library_id]),
        }
    }

    /// May this actor see a record at `place`?
    pub fn reaches(&self, place: &Place<'_>) -> bool {
        match self.reach() {
            Reach::Everything => true,
            Reach::Region(r) => place.region.is_within(&r),
            Reach::Libraries(ids) => place.library.is_some_and(|l| ids.contains(&l)),
        }
    }

    /// May this actor see a region-level record (not tied to one library),
    /// such as a region's figures? Library-bound users may not.
    pub fn reaches_region(&self, region: &RegionCode) -> bool {
        match self.reach() {
            Reach::Everything => true,
            Reach::Region(r) => region.is_within(&r),
            Reach::Libraries(_) => false,
        }
    }

    /// May this actor change a library's registry entry? Officers within
    /// reach; a manager for their own library.
    pub fn may_edit_library(&self, place: &Place<'_>) -> bool {
        match self.role {
            Role::National | Role::Province | Role::District => self.reaches(place),
            Role::Manager => self.reaches(place),
            Role::Facilitator | Role::Staff => false,
        }
    }

    /// May this actor add libraries to the registry, deactivate or reactivate
    /// them, and change their TPBIS participation? Officers only.
    pub fn may_register_library(&self, place: &Place<'_>) -> bool {
        self.role.is_officer() && self.reaches(place)
    }

    /// May this actor create or administer a user with this role and home?
    pub fn may_manage_user(&self, role: Role, home: &Home) -> bool {
        if !self.role.may_manage(role) {
            return false;
        }
        match home {
            Home::Nation => matches!(self.home, Home::Nation),
            Home::Region { code } => self.reaches_region(code),
            Home::Library {
                library_id,
                village_code,
            } => self.reaches(&Place {
                region: village_code,
                library: Some(*library_id),
            }),
        }
    }

    /// The library this actor works in, for managers and staff.
    pub fn own_library(&self) -> Option<LibraryId> {
        match (&self.home, self.role) {
            (Home::Library { library_id, .. }, Role::Manager | Role::Staff) => Some(*library_id),
            _ => None,
        }
    }

    /// May this actor do a library's daily work: catalogue and items,
    /// members, circulation, guest book, stock-taking? Only that library's
    /// own manager and staff: officers and facilitators read figures, they do
    /// not run a village's counter.
    pub fn may_work_in(&self, library: LibraryId) -> bool {
        self.own_library() == Some(library)
    }

    /// May this actor see the people behind a library's daily work: members,
    /// their loans, named visitors, NIK? The same people who serve them and
    /// nobody else; everyone in reach sees only counts.
    pub fn may_see_patrons(&self, library: LibraryId) -> bool {
        self.may_work_in(library)
    }

    /// May this actor read a library's catalogue, items and daily figures
    /// (counts, not people)? Anyone whose reach includes the library.
    pub fn may_read_library(&self, place: &Place<'_>) -> bool {
        self.reaches(place)
    }

    /// May this actor read the audit trail (filtered to reach)?
    pub fn may_read_audit(&self) -> bool {
        matches!(
            self.role,
            Role::National | Role::Province | Role::District | Role::Manager
        )
    }
}

/// A user-administration form as typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserForm {
    pub username: String,
    pub full_name: String,
    pub email: String,
    pub phone: String,
    pub role: String,
    pub region_code: String,
    pub library_id: String,
    pub password: String,
    pub password_confirm: String,
}

/// A new or changed user, parsed. The home's existence (region in the tree,
/// library in the registry) is checked by the caller, who has the data.
#[derive(Debug)]
pub struct UserDraft {
    pub username: Username,
    pub full_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub role: Role,
    pub region_code: Option<RegionCode>,
    pub library_id: Option<LibraryId>,
}

impl UserDraft {
    /// Parses the parts of a user that do not depend on stored data.
    pub fn parse(f: &UserForm) -> Result<UserDraft, Invalid> {
        let mut c = Collector::default();
        let username = c.take("username", Username::parse(&f.username));
        let full_name = c.take("full_name", required_text(&f.full_name, 120));
        let email = c.take("email", optional_email(&f.email));
        let phone = c.take("phone", optional_phone(&f.phone));
        let role = c.take(
            "role",
            required_text(&f.role, 20).and_then(|r| Role::parse(&r)),
        );
        let region_code = c.take(
            "region_code",
            match crate::field::optional(&f.region_code) {
                None => Ok(None),
                Some(s) => RegionCode::parse(s).map(Some),
            },
        );
        let library_id = c.take(
            "library_id",
            match crate::field::optional(&f.library_id) {
                None => Ok(None),
                Some(s) => LibraryId::parse(s).map(Some),
            },
        );
        // The home must fit the role.
        if let (Some(role), Some(region), Some(library)) = (role, &region_code, &library_id) {
            match role {
                Role::National => {
                    if region.is_some() {
                        c.errors.push("region_code", Problem::NotAllowedHere);
                    }
                    if library.is_some() {
                        c.errors.push("library_id", Problem::NotAllowedHere);
                    }
                }
                Role::Province | Role::District | Role::Facilitator => {
                    match (region, role.region_level()) {
                        (None, _) => c.errors.push("region_code", Problem::Required),
                        (Some(r), Some(level)) if r.level() != level => c
                            .errors
                            .push("region_code", Problem::WrongRegionLevel { expected: level }),
                        _ => {}
                    }
                    if library.is_some() {
                        c.errors.push("library_id", Problem::NotAllowedHere);
                    }
                }
                Role::Manager | Role::Staff => {
                    if library.is_none() {
                        c.errors.push("library_id", Problem::Required);
                    }
                }
            }
        }
        let draft = (|| {
            Some(UserDraft {
                username: username?,
                full_name: full_name?,
                email: email?,
                phone: phone?,
                role: role?,
                // Library users take their region from the library.
                region_code: if matches!(role?, Role::Manager | Role::Staff | Role::National) {
                    None
                } else {
                    region_code.clone()?
                },
                library_id: library_id?,
            })
        })();
        match draft {
            Some(d) if c.errors.is_empty() => Ok(d),
            _ => Err(c.errors),
        }
    }
}

/// Optional free text fields shared by profile edits.
pub fn parse_profile(
    full_name: &str,
    email: &str,
    phone: &str,
) -> Result<(String, Option<String>, Option<String>), Invalid> {
    let mut c = Collector::default();
    let n = c.take("full_name", required_text(full_name, 120));
    let e = c.take("email", optional_email(email));
    let p = c.take("phone", optional_phone(phone));
    match (n, e, p) {
        (Some(n), Some(e), Some(p)) if c.errors.is_empty() => Ok((n, e, p)),
        _ => Err(c.errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rc(s: &str) -> RegionCode {
        RegionCode::parse(s).unwrap()
    }

    fn actor(role: Role, home: Home) -> Actor {
        Actor {
            id: UserId::new(),
            username: "u".into(),
            full_name: "U".into(),
            role,
            home,
            assigned: vec![],
        }
    }

    #[test]
    fn usernames() {
        assert_eq!(
            Username::parse(" Sari.Dewi ").unwrap().as_str(),
            "sari.dewi"
        );
        for bad in ["ab", "-abc", "sari dewi", "sári", &"x".repeat(33)] {
            assert!(Username::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords() {
        assert!(NewPassword::parse("panjang sekali", "sari").is_ok());
        assert_eq!(
            NewPassword::parse("pendek", "sari").err(),
            Some(Problem::PasswordTooShort { min: 10 })
        );
        assert_eq!(
            NewPassword::parse("sari.dewi1", "sari.dewi1").err(),
            Some(Problem::PasswordSameAsUsername)
        );
        assert_eq!(
            format!("{:?}", NewPassword::parse("rahasia-sekali", "x").unwrap()),
            "NewPassword(***)"
        );
    }

    #[test]
    fn reach_by_role() {
        let magetan_lib = LibraryId::new();
        let other_lib = LibraryId::new();
        let v_magetan = rc("3520012001");
        let v_sanggau = rc("6105092007");
        let at_magetan = Place {
            region: &v_magetan,
            library: Some(magetan_lib),
        };
        let at_sanggau = Place {
            region: &v_sanggau,
            library: Some(other_lib),
        };

        let nat = actor(Role::National, Home::Nation);
        let prov = actor(Role::Province, Home::Region { code: rc("35") });
        let dist = actor(Role::District, Home::Region { code: rc("3520") });
        let mut fac = actor(Role::Facilitator, Home::Region { code: rc("3520") });
        fac.assigned = vec![magetan_lib];
        let mgr = actor(
            Role::Manager,
            Home::Library {
                library_id: magetan_lib,
                village_code: v_magetan.clone(),
            },
        );

        for a in [&nat, &prov, &dist, &fac, &mgr] {
            assert!(a.reaches(&at_magetan), "{:?}", a.role);
        }
        for a in [&prov, &dist, &fac, &mgr] {
            assert!(!a.reaches(&at_sanggau), "{:?}", a.role);
        }
        assert!(nat.reaches(&at_sanggau));
        // A facilitator reaches assigned libraries, not the whole district.
        let unassigned = Place {
            region: &v_magetan,
            library: Some(other_lib),
        };
        assert!(!fac.reaches(&unassigned));
        assert!(dist.reaches(&unassigned));
        // Region-level records are for officers.
        assert!(dist.reaches_region(&rc("3520")));
        assert!(!dist.reaches_region(&rc("35")));
        assert!(!mgr.reaches_region(&rc("3520012001")));
        // Editing.
        assert!(mgr.may_edit_library(&at_magetan));
        let lib = at_magetan.library.unwrap();
        assert!(mgr.may_work_in(lib) && mgr.may_see_patrons(lib));
        assert!(!dist.may_work_in(lib) && !dist.may_see_patrons(lib));
        assert!(!fac.may_see_patrons(lib));
        assert!(dist.may_read_library(&at_magetan) && !dist.may_read_library(&at_sanggau));
        assert!(!mgr.may_register_library(&at_magetan));
        assert!(!fac.may_edit_library(&at_magetan));
        assert!(dist.may_register_library(&at_magetan));
    }

    #[test]
    fn user_administration_stays_within_reach_and_rank() {
        let lib = LibraryId::new();
        let v = rc("3520012001");
        let dist = actor(Role::District, Home::Region { code: rc("3520") });
        let mgr = actor(
            Role::Manager,
            Home::Library {
                library_id: lib,
                village_code: v.clone(),
            },
        );
        assert!(dist.may_manage_user(
            Role::Manager,
            &Home::Library {
                library_id: lib,
                village_code: v.clone()
            }
        ));
        assert!(dist.may_manage_user(Role::District, &Home::Region { code: rc("3520") }));
        assert!(!dist.may_manage_user(Role::District, &Home::Region { code: rc("3521") }));
        assert!(!dist.may_manage_user(Role::Province, &Home::Region { code: rc("35") }));
        assert!(!dist.may_manage_user(Role::National, &Home::Nation));
        assert!(mgr.may_manage_user(
            Role::Staff,
            &Home::Library {
                library_id: lib,
                village_code: v.clone()
            }
        ));
        assert!(!mgr.may_manage_user(
            Role::Manager,
            &Home::Library {
                library_id: lib,
                village_code: v.clone()
            }
        ));
        let other = LibraryId::new();
        assert!(!mgr.may_manage_user(
            Role::Staff,
            &Home::Library {
                library_id: other,
                village_code: v
            }
        ));
    }

    #[test]
    fn user_form_home_must_fit_role() {
        let base = UserForm {
            username: "budi".into(),
            full_name: "Budi".into(),
            role: "district".into(),
            region_code: "35".into(),
            ..Default::default()
        };
        let e = UserDraft::parse(&base).unwrap_err();
        assert_eq!(e.0[0].field, "region_code");
        assert_eq!(
            e.0[0].problem,
            Problem::WrongRegionLevel {
                expected: Level::Regency
            }
        );
        let ok = UserDraft::parse(&UserForm {
            region_code: "3520".into(),
            ..base.clone()
        })
        .unwrap();
        assert_eq!(ok.region_code, Some(rc("3520")));
        let e = UserDraft::parse(&UserForm {
            role: "staff".into(),
            region_code: "".into(),
            ..base.clone()
        })
        .unwrap_err();
        assert_eq!(e.0[0].field, "library_id");
        let e = UserDraft::parse(&UserForm {
            role: "national".into(),
            ..base
        })
        .unwrap_err();
        assert_eq!(e.0[0].problem, Problem::NotAllowedHere);
    }
}
