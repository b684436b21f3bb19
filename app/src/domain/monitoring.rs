//! Monitoring and evaluation of the programme (Senate report, recommendation 12): what a
//! scorecard counts, where each record counts, and how the map of a figure is coloured.
//!
//! Where a record counts:
//! - a fiche-action, its amounts and its indicators in its territory;
//! - a contact between firms in the territory of the side that asked (the firm's commune, or
//!   the territory itself when a territory's team asked);
//! - an exchange with a European district in the territory that proposed it;
//! - a simplification proposal in the territory that wrote it.
//!
//! A territory counts in its lead region's totals (the region of its identifier, FAQ 3.4);
//! each other region it spans lists it apart as "interrégional", outside its own totals, so
//! that the regions add up to the nation. Amounts follow the fiches' one disclosure rule
//! (`action_sheet::may_see_amounts` and `action_sheet::total`) at every level, and so does
//! private investment, the one indicator counted in euros.

use super::policy::{Role, Scope as Seat, Viewer};
use super::workflow::vocabulary;

/// The part of the programme a scorecard covers.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scope {
    National,
    /// A region, by its INSEE code.
    Region(String),
    /// A territory, by its identifier (`ti-8422`).
    Territory(String),
}

/// Longest scope text accepted (`territory:` and an identifier).
pub const MAX_SCOPE_CHARS: usize = 40;

impl Scope {
    /// Reads `national`, `region:CODE` or `territory:ti-XXXX`; `None` for anything else.
    pub fn parse(text: &str) -> Option<Scope> {
        if text.len() > MAX_SCOPE_CHARS {
            return None;
        }
        let plain = |s: &str, max: usize| {
            !s.is_empty()
                && s.len() <= max
                && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        };
        match text.split_once(':') {
            None if text == "national" => Some(Scope::National),
            Some(("region", code)) if plain(code, 8) => Some(Scope::Region(code.to_owned())),
            Some(("territory", id)) if id.len() > 3 && id.starts_with("ti-") && plain(id, 16) => {
                Some(Scope::Territory(id.to_owned()))
            }
            _ => None,
        }
    }

    /// The text [`Scope::parse`] reads back.
    pub fn code(&self) -> String {
        match self {
            Scope::National => "national".to_owned(),
            Scope::Region(code) => format!("region:{code}"),
            Scope::Territory(id) => format!("territory:{id}"),
        }
    }

    /// The page that shows this scope's scorecard.
    pub fn href(&self) -> String {
        match self {
            Scope::National => "/suivi".to_owned(),
            Scope::Region(code) => format!("/suivi/regions/{code}"),
            Scope::Territory(id) => format!("/suivi/territoires/{id}"),
        }
    }
}

vocabulary! {
    /// A figure a territory can be compared by, on the map and in the tables.
    Figure {
        Sheets => "fiches",
        Requested => "montants_demandes",
        Committed => "montants_engages",
        Paid => "montants_verses",
        JobsPlanned => "emplois_prevus",
        JobsCreated => "emplois_crees",
        PrivateInvestment => "investissement_prive",
        Hectares => "hectares",
        PeopleTrained => "personnes_formees",
        FirmsSupported => "entreprises_accompagnees",
        ContactsRequested => "contacts_demandes",
        Partnerships => "partenariats_conclus",
        Exchanges => "echanges_realises",
        ProposalsSent => "propositions_envoyees",
        ProposalsAnswered => "propositions_repondues",
    }
}

impl Figure {
    /// Whether it is counted in euros (and may be secret).
    pub fn in_euros(self) -> bool {
        matches!(
            self,
            Figure::Requested | Figure::Committed | Figure::Paid | Figure::PrivateInvestment
        )
    }
}

vocabulary! {
    /// An evaluation of the programme the national delegation opens (Senate rec. 12).
    EvaluationKind {
        MidTerm => "mi_parcours",
        Final => "fin_de_phase",
    }
}

vocabulary! {
    /// Who writes a narrative on an evaluation's scorecard: a territory's binôme (on its
    /// territory's), its Region (on the region's, and on those of the territories it leads).
    NarrativeAuthor {
        Binome => "binome",
        Region => "region",
    }
}

/// Bounds of an evaluation's title and of a narrative.
pub const MAX_EVALUATION_TITLE: usize = 200;
pub const MAX_NARRATIVE: usize = 20_000;

/// Who may open an evaluation: the national delegation.
pub fn may_open_evaluation(viewer: &Viewer) -> bool {
    viewer.signed_in()
        && viewer
            .memberships
            .iter()
            .any(|m| m.scope == Seat::National && m.role == Role::NationalDelegation)
}

/// The narratives `viewer` may write on the scorecard of `scope` (whose lead region is
/// `lead_region` for a territory).
pub fn narrative_authors(
    viewer: &Viewer,
    scope: &Scope,
    lead_region: &str,
) -> Vec<NarrativeAuthor> {
    if !viewer.signed_in() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for m in &viewer.memberships {
        let author = match (scope, &m.scope, m.role) {
            (
                Scope::Territory(id),
                Seat::Territory(t),
                Role::ElectedCoLead | Role::IndustrialCoLead,
            ) if id == t => NarrativeAuthor::Binome,
            (Scope::Territory(_), Seat::Region(code), Role::RegionalCouncil)
                if code == lead_region =>
            {
                NarrativeAuthor::Region
            }
            (Scope::Region(r), Seat::Region(code), Role::RegionalCouncil) if r == code => {
                NarrativeAuthor::Region
            }
            _ => continue,
        };
        if !out.contains(&author) {
            out.push(author);
        }
    }
    out
}

/// Who reports each quarter on the actions they support in the territories: an operator (an
/// organisation of the platform of kind `operator`) or a Region.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Reporter {
    Operator(i64),
    Region(String),
}

impl Reporter {
    /// Reads `organisation:ID` or `region:CODE`.
    pub fn parse(text: &str) -> Option<Reporter> {
        match text.split_once(':')? {
            ("organisation", id) => id.parse().ok().filter(|n| *n > 0).map(Reporter::Operator),
            ("region", code)
                if (1..=3).contains(&code.len()) && code.chars().all(|c| c.is_ascii_digit()) =>
            {
                Some(Reporter::Region(code.to_owned()))
            }
            _ => None,
        }
    }

    pub fn code(&self) -> String {
        match self {
            Reporter::Operator(id) => format!("organisation:{id}"),
            Reporter::Region(code) => format!("region:{code}"),
        }
    }
}

/// Whether `viewer` may report for `reporter`: a member of the operator, the Region's council.
pub fn may_report(viewer: &Viewer, reporter: &Reporter) -> bool {
    viewer.signed_in()
        && viewer
            .memberships
            .iter()
            .any(|m| match (reporter, &m.scope, m.role) {
                (Reporter::Operator(id), Seat::Organisation(o), Role::Member | Role::Admin) => {
                    id == o
                }
                (Reporter::Region(code), Seat::Region(r), Role::RegionalCouncil) => code == r,
                _ => false,
            })
}

/// A calendar quarter, `2026-T3` (July to September 2026).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quarter {
    pub year: i32,
    /// 1 to 4.
    pub number: u8,
}

/// Days after a quarter's end by which its report is due.
pub const REPORT_DUE_DAYS: i64 = 30;
/// Days before that deadline when the reporters who have not reported are reminded.
pub const REPORT_REMINDER_DAYS: i64 = 7;
/// Bounds of a report.
pub const MAX_REPORT_LINES: usize = 500;
pub const MAX_REPORT_ACTION: usize = 300;

impl Quarter {
    pub fn parse(text: &str) -> Option<Quarter> {
        let (year, q) = text.split_once("-T")?;
        let year: i32 = year.parse().ok().filter(|y| (2000..=2099).contains(y))?;
        let number: u8 = q.parse().ok().filter(|n| (1..=4).contains(n))?;
        (text.len() == 7).then_some(Quarter { year, number })
    }

    pub fn code(self) -> String {
        format!("{}-T{}", self.year, self.number)
    }

    /// The quarter holding the Unix time `at`.
    pub fn of(at: i64) -> Quarter {
        let date = super::text::iso_date(at);
        let year = date.get(0..4).and_then(|y| y.parse().ok()).unwrap_or(2000);
        let month: u8 = date.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(1);
        Quarter {
            year,
            number: (month - 1) / 3 + 1,
        }
    }

    /// Midnight UTC of its first day.
    pub fn start(self) -> i64 {
        let month = (self.number - 1) * 3 + 1;
        super::text::from_iso_date(&format!("{:04}-{month:02}-01", self.year)).unwrap_or(0)
    }

    pub fn next(self) -> Quarter {
        if self.number == 4 {
            Quarter {
                year: self.year + 1,
                number: 1,
            }
        } else {
            Quarter {
                number: self.number + 1,
                ..self
            }
        }
    }

    pub fn previous(self) -> Quarter {
        if self.number == 1 {
            Quarter {
                year: self.year - 1,
                number: 4,
            }
        } else {
            Quarter {
                number: self.number - 1,
                ..self
            }
        }
    }

    /// When its report is due: [`REPORT_DUE_DAYS`] after its end.
    pub fn deadline(self) -> i64 {
        self.next().start() + REPORT_DUE_DAYS * DAY
    }
}

/// A period of dates, each bound included; either may be open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Period {
    /// Unix time of the first day's midnight (UTC).
    pub from: Option<i64>,
    /// Unix time of the last day's midnight (UTC); the whole day counts.
    pub to: Option<i64>,
}

const DAY: i64 = 86_400;

impl Period {
    /// Whether something dated `at` falls in the period.
    pub fn contains(self, at: i64) -> bool {
        self.from.is_none_or(|f| at >= f) && self.to.is_none_or(|t| at < t + DAY)
    }

    /// Whether something dated `at`, if dated at all, falls in the period: an undated record
    /// counts only in a period open at both ends.
    pub fn holds(self, at: Option<i64>) -> bool {
        match at {
            Some(at) => self.contains(at),
            None => self.from.is_none() && self.to.is_none(),
        }
    }

    /// The instant figures are read at: the end of the last day, or `now`.
    pub fn end(self, now: i64) -> i64 {
        self.to.map_or(now, |t| (t + DAY - 1).min(now))
    }
}

/// Number of colour classes on a map.
pub const CLASSES: usize = 5;

/// The upper bounds of the map's classes for `values`: class 0 holds the zeros, classes 1 to
/// 4 split the positive values at rounded quartiles (so that one large territory does not
/// leave the others in one colour); the bounds rise strictly and the last is the largest value.
pub fn breaks(values: &[f64]) -> Vec<f64> {
    let mut positive: Vec<f64> = values
        .iter()
        .copied()
        .filter(|v| v.is_finite() && *v > 0.0)
        .collect();
    if positive.is_empty() {
        return vec![0.0];
    }
    positive.sort_by(f64::total_cmp);
    let max = positive[positive.len() - 1];
    let mut out = vec![0.0];
    for q in 1..CLASSES - 1 {
        let at = positive[(positive.len() * q / (CLASSES - 1)).min(positive.len() - 1)];
        let bound = round_nicely(at);
        if bound > out[out.len() - 1] && bound < max {
            out.push(bound);
        }
    }
    out.push(max);
    out
}

/// The class of `value` among `breaks` (see [`breaks`]): the first bound it does not exceed.
pub fn class_of(value: f64, breaks: &[f64]) -> usize {
    breaks
        .iter()
        .position(|b| value <= *b)
        .unwrap_or(breaks.len().saturating_sub(1))
}

/// `v` rounded to two significant digits, up (so a quartile value stays in its class).
fn round_nicely(v: f64) -> f64 {
    if v <= 0.0 || !v.is_finite() {
        return 0.0;
    }
    let magnitude = 10f64.powi(v.log10().floor() as i32 - 1);
    (v / magnitude).ceil() * magnitude
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn scopes_read_back_what_they_write_and_refuse_the_rest() {
        for s in [
            Scope::National,
            Scope::Region("84".into()),
            Scope::Territory("ti-8422".into()),
        ] {
            assert_eq!(Scope::parse(&s.code()), Some(s));
        }
        for bad in [
            "",
            "nation",
            "region:",
            "region:8'4",
            "territory:8422",
            "territory:ti-84 22",
            "territory:ti-",
            &format!("region:{}", "8".repeat(50)),
        ] {
            assert_eq!(Scope::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn the_binome_writes_on_its_territory_and_the_region_on_its_own() {
        use crate::domain::policy::Membership;
        let as_ = |scope: Seat, role: Role| Viewer {
            user_id: Some(1),
            memberships: vec![Membership { scope, role }],
        };
        let arve = Scope::Territory("ti-8422".into());
        let elected = as_(Seat::Territory("ti-8422".into()), Role::ElectedCoLead);
        assert_eq!(
            narrative_authors(&elected, &arve, "84"),
            [NarrativeAuthor::Binome]
        );
        assert!(narrative_authors(&elected, &Scope::Territory("ti-8413".into()), "84").is_empty());
        let chef = as_(Seat::Territory("ti-8422".into()), Role::ProjectManager);
        assert!(narrative_authors(&chef, &arve, "84").is_empty());
        let region = as_(Seat::Region("84".into()), Role::RegionalCouncil);
        assert_eq!(
            narrative_authors(&region, &arve, "84"),
            [NarrativeAuthor::Region]
        );
        assert_eq!(
            narrative_authors(&region, &Scope::Region("84".into()), ""),
            [NarrativeAuthor::Region]
        );
        assert!(narrative_authors(&region, &arve, "27").is_empty());
        assert!(narrative_authors(&region, &Scope::National, "").is_empty());
        assert!(may_open_evaluation(&as_(
            Seat::National,
            Role::NationalDelegation
        )));
        assert!(!may_open_evaluation(&region));
        assert!(!may_open_evaluation(&Viewer::anonymous()));
    }

    #[test]
    fn quarters_read_back_and_fall_due_a_month_after_their_end() {
        let q = Quarter::parse("2026-T4").unwrap();
        assert_eq!(q.code(), "2026-T4");
        assert_eq!(q.next().code(), "2027-T1");
        assert_eq!(q.next().previous(), q);
        assert_eq!(crate::domain::text::iso_date(q.start()), "2026-10-01");
        assert_eq!(crate::domain::text::iso_date(q.deadline()), "2027-01-31");
        assert_eq!(Quarter::of(q.start() + 40 * DAY), q);
        for bad in [
            "2026-T5", "2026-T0", "2026T1", "26-T1", "2026-T12", "1999-T1",
        ] {
            assert_eq!(Quarter::parse(bad), None, "{bad}");
        }
        assert_eq!(
            Reporter::parse("organisation:12"),
            Some(Reporter::Operator(12))
        );
        assert_eq!(Reporter::parse("region:84").unwrap().code(), "region:84");
        for bad in [
            "organisation:0",
            "organisation:x",
            "region:8a",
            "state:84",
            "84",
        ] {
            assert_eq!(Reporter::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_period_includes_its_last_day_and_undated_records_only_when_open() {
        let day = |d: i64| d * DAY;
        let p = Period {
            from: Some(day(10)),
            to: Some(day(20)),
        };
        assert!(!p.contains(day(10) - 1));
        assert!(p.contains(day(10)));
        assert!(p.contains(day(21) - 1));
        assert!(!p.contains(day(21)));
        assert!(!p.holds(None));
        assert!(Period::default().holds(None));
        assert_eq!(p.end(day(100)), day(21) - 1);
        assert_eq!(p.end(day(15)), day(15));
    }

    #[test]
    fn map_classes_keep_zeros_apart_and_end_at_the_largest_value() {
        let values: Vec<f64> = vec![0.0, 0.0, 1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 21.0, 340.0];
        let b = breaks(&values);
        assert_eq!(b[0], 0.0);
        assert_eq!(*b.last().unwrap(), 340.0);
        assert!(b.windows(2).all(|w| w[0] < w[1]), "{b:?}");
        assert!(b.len() <= CLASSES);
        assert_eq!(class_of(0.0, &b), 0);
        assert_eq!(class_of(340.0, &b), b.len() - 1);
        assert!(class_of(1.0, &b) >= 1);
        // One class per distinct value at most; nothing positive gives one class.
        assert_eq!(breaks(&[0.0, 0.0]), vec![0.0]);
        assert_eq!(breaks(&[4.0, 4.0, 4.0]), vec![0.0, 4.0]);
    }
}
