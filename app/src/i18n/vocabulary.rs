//! The interface text of each vocabulary: one exhaustive match per enum, so a new variant
//! without its text does not compile. Stored codes that no longer parse (history written
//! under older vocabularies) are shown as they are.

use super::{t, Key, Lang};
use crate::domain::action_sheet::{
    ContractKind, FunderKind, Indicator, Instrument, Maturity, PorteurKind, SheetAction, SheetRole,
    SheetStatus, SignatoryKind, SupportKind,
};
use crate::domain::claim::{ClaimKind, ClaimStatus};
use crate::domain::contact::ContactStatus;
use crate::domain::exchange::ExchangeFormat;
use crate::domain::exchange::ExchangeStatus;
use crate::domain::governance::Stance;
use crate::domain::matching::FirmSize;
use crate::domain::matching::{tells, MatchScore, Reason};
use crate::domain::need::{NeedKind, NeedVisibility};
use crate::domain::notification::{Frequency, NotificationKind};
use crate::domain::organisation::{OrganisationKind, SiteStatus};
use crate::domain::policy::Role;
use crate::domain::proposal::{ActorRole, Level, Mechanism, ProposalKind, StandsIn};
use crate::domain::theme::{Axis, Theme};
use crate::error::{Conflict, Problem};

impl Role {
    /// The text naming this role.
    pub fn key(self) -> Key {
        match self {
            Role::Member => Key::RoleOrganisationMember,
            Role::Admin => Key::RoleOrganisationAdmin,
            Role::ElectedCoLead => Key::RoleElectedCoLead,
            Role::IndustrialCoLead => Key::RoleIndustrialCoLead,
            Role::ProjectManager => Key::RoleProjectManager,
            Role::TeamMember => Key::RoleTeamMember,
            Role::StateReferent => Key::RoleStateReferent,
            Role::RegionalCouncil => Key::RoleRegionalCouncil,
            Role::RegionalState => Key::RoleRegionalState,
            Role::NationalDelegation => Key::RoleNationalDelegation,
            Role::PlatformAdmin => Key::RolePlatformAdmin,
        }
    }

    /// The text of a stored role code, or the code itself if it names no role.
    pub fn label_of(lang: Lang, code: &str) -> String {
        label_of(lang, code, Role::parse, Role::key)
    }
}

impl Theme {
    /// The text naming this theme.
    pub fn key(self) -> Key {
        match self {
            Theme::Land => Key::ThemeLand,
            Theme::Planning => Key::ThemePlanning,
            Theme::Attractiveness => Key::ThemeAttractiveness,
            Theme::Succession => Key::ThemeSuccession,
            Theme::PublicProcurement => Key::ThemePublicProcurement,
            Theme::Taxation => Key::ThemeTaxation,
            Theme::Skills => Key::ThemeSkills,
            Theme::Housing => Key::ThemeHousing,
            Theme::Mobility => Key::ThemeMobility,
            Theme::LabourLaw => Key::ThemeLabourLaw,
            Theme::Innovation => Key::ThemeInnovation,
            Theme::Energy => Key::ThemeEnergy,
            Theme::EcologicalTransition => Key::ThemeEcologicalTransition,
            Theme::Environment => Key::ThemeEnvironment,
            Theme::Simplification => Key::ThemeSimplification,
            Theme::Other => Key::ThemeOther,
        }
    }

    /// The text of a stored theme code; an empty code (a draft's) reads "theme to be set".
    pub fn label_of(lang: Lang, code: &str) -> String {
        if code.is_empty() {
            return t(lang, Key::ThNone).to_owned();
        }
        label_of(lang, code, Theme::parse, Theme::key)
    }
}

impl Axis {
    /// The text naming this axis.
    pub fn key(self) -> Key {
        match self {
            Axis::Attract => Key::AxisAttract,
            Axis::Recruit => Key::AxisRecruit,
            Axis::Innovate => Key::AxisInnovate,
            Axis::Simplify => Key::AxisSimplify,
        }
    }

    /// The text of a stored axis code.
    pub fn label_of(lang: Lang, code: &str) -> String {
        label_of(lang, code, Axis::parse, Axis::key)
    }
}

impl Level {
    /// The text naming this level of the programme.
    pub fn key(self) -> Key {
        match self {
            Level::Territory => Key::LvTerritory,
            Level::Region => Key::LvRegion,
            Level::National => Key::LvNational,
        }
    }
}

impl ProposalKind {
    /// The text naming what a proposal puts forward.
    pub fn key(self) -> Key {
        match self {
            ProposalKind::Solution => Key::PkSolution,
            ProposalKind::WorkingGroup => Key::PkWorkingGroup,
            ProposalKind::Lead => Key::PkLead,
            ProposalKind::Experiment => Key::PkExperiment,
        }
    }

    /// The text of a stored proposal kind code.
    pub fn label_of(lang: Lang, code: &str) -> String {
        label_of(lang, code, ProposalKind::parse, ProposalKind::key)
    }
}

impl Stance {
    /// The text naming this opinion.
    pub fn key(self) -> Key {
        match self {
            Stance::Favourable => Key::StanceFavourable,
            Stance::Reserved => Key::StanceReserved,
            Stance::Unfavourable => Key::StanceUnfavourable,
        }
    }

    /// The text of a stored stance code.
    pub fn label_of(lang: Lang, code: &str) -> String {
        label_of(lang, code, Stance::parse, Stance::key)
    }
}

impl StandsIn {
    /// What the timeline says of an approval the État's référent gave in place of the binôme.
    pub fn key(self) -> Key {
        match self {
            StandsIn::Elected => Key::StandsInElected,
            StandsIn::Industrial => Key::StandsInIndustrial,
            StandsIn::Binome => Key::StandsInBinome,
        }
    }

    /// The text of a stored code.
    pub fn label_of(lang: Lang, code: &str) -> String {
        label_of(lang, code, StandsIn::parse, StandsIn::key)
    }
}

impl Mechanism {
    /// The text naming an existing mechanism.
    pub fn key(self) -> Key {
        match self {
            Mechanism::CertificatDeProjet => Key::MeCertificat,
            Mechanism::Rescrit => Key::MeRescrit,
            Mechanism::FranceExperimentation => Key::MeExperimentation,
            Mechanism::DerogationPrefet => Key::MeDerogation,
        }
    }

    /// The text of a stored mechanism code.
    pub fn label_of(lang: Lang, code: &str) -> String {
        label_of(lang, code, Mechanism::parse, Mechanism::key)
    }
}

impl FirmSize {
    /// The text naming a firm size.
    pub fn key(self) -> Key {
        match self {
            FirmSize::Tpe => Key::SizeTpe,
            FirmSize::Pme => Key::SizePme,
            FirmSize::Eti => Key::SizeEti,
        }
    }
}

impl ExchangeFormat {
    /// The text naming the form an exchange takes.
    pub fn key(self) -> Key {
        match self {
            ExchangeFormat::Visit => Key::FmVisit,
            ExchangeFormat::Webinar => Key::FmWebinar,
            ExchangeFormat::Twinning => Key::FmTwinning,
            ExchangeFormat::JointProject => Key::FmJointProject,
        }
    }

    /// The text of a stored format code.
    pub fn label_of(lang: Lang, code: &str) -> String {
        label_of(lang, code, ExchangeFormat::parse, ExchangeFormat::key)
    }
}

impl Conflict {
    /// What the reader is told when a step runs into this.
    pub fn key(self) -> Key {
        match self {
            Conflict::AlreadyAsked => Key::ErrAlreadyAsked,
            Conflict::AlreadyClosed => Key::ErrAlreadyClosed,
            Conflict::AlreadySupported => Key::ErrAlreadySupported,
            Conflict::UndoPeriodOver => Key::ErrUndoPeriodOver,
            Conflict::RegionalOpinionMissing => Key::ErrRegionalOpinionMissing,
            Conflict::AlreadyDecided => Key::ErrAlreadyDecided,
            Conflict::SeatVacant => Key::ErrSeatVacant,
            Conflict::SheetIncomplete => Key::ErrSheetIncomplete,
            Conflict::SignaturesMissing => Key::ErrSignaturesMissing,
            Conflict::ChangedMeanwhile => Key::ErrChangedMeanwhile,
            Conflict::AccountExists => Key::ErrAccountExists,
            Conflict::AlreadyClaimed => Key::ErrAlreadyClaimed,
            Conflict::ClaimPending => Key::ErrClaimPending,
            Conflict::SiretKnown => Key::ErrSiretKnown,
            Conflict::TooManyClaims => Key::ErrTooManyClaims,
            Conflict::AlreadyMember => Key::ErrAlreadyMember,
        }
    }
}

impl ContactStatus {
    /// What the other side is told, after the name of who took the step, when a contact
    /// reaches this status.
    pub fn mail_key(self) -> Key {
        match self {
            ContactStatus::Requested => Key::MailContactRequested,
            ContactStatus::Discussion => Key::MailContactAccepted,
            ContactStatus::Declined => Key::MailContactDeclined,
            ContactStatus::Concluded => Key::MailContactConcluded,
            ContactStatus::NotConcluded => Key::MailContactNotConcluded,
        }
    }
}

impl NotificationKind {
    /// The text naming this kind of event on the account page.
    pub fn key(self) -> Key {
        match self {
            NotificationKind::Invitation => Key::NotifInvitation,
            NotificationKind::Matches => Key::NotifMatches,
            NotificationKind::Proposals => Key::NotifProposals,
            NotificationKind::Exchanges => Key::NotifExchanges,
        }
    }
}

impl Frequency {
    /// The text naming this frequency.
    pub fn key(self) -> Key {
        match self {
            Frequency::Immediate => Key::FreqImmediate,
            Frequency::Daily => Key::FreqDaily,
            Frequency::Weekly => Key::FreqWeekly,
            Frequency::Off => Key::FreqOff,
        }
    }
}

impl ActorRole {
    /// The text naming someone's role towards a proposal, as its timeline shows it.
    pub fn key(self) -> Key {
        match self {
            ActorRole::ElectedCoLead => Key::RoleElectedCoLead,
            ActorRole::IndustrialCoLead => Key::RoleIndustrialCoLead,
            ActorRole::ProjectManager => Key::RoleProjectManager,
            ActorRole::TeamMember => Key::RoleTeamMember,
            ActorRole::StateReferent => Key::RoleStateReferent,
            ActorRole::OtherTerritoryTeam => Key::RoleSupportingTerritory,
            ActorRole::RegionalCouncil => Key::RoleRegionalCouncil,
            ActorRole::RegionalState => Key::RoleRegionalState,
            ActorRole::ConcernedRegion => Key::RoleConcernedRegion,
            ActorRole::OtherRegion => Key::RoleOtherRegion,
            ActorRole::NationalDelegation => Key::RoleNationalDelegation,
            ActorRole::OrganisationMember => Key::RoleSupportingFirm,
            ActorRole::Member => Key::RoleMember,
            ActorRole::Anonymous => Key::RoleVisitor,
        }
    }
}

impl Problem {
    /// What the reader is told about this problem.
    pub fn key(self) -> Key {
        match self {
            Problem::ActionsRequired => Key::ErrActionsRequired,
            Problem::AreaInvalid => Key::ErrAreaInvalid,
            Problem::AuthorInvalid => Key::ErrAuthorInvalid,
            Problem::AuthorNotYours => Key::ErrAuthorNotYours,
            Problem::AxisInvalid => Key::ErrAxisInvalid,
            Problem::ChallengeInvalid => Key::ErrChallengeInvalid,
            Problem::CalendarDateInvalid => Key::ErrCalendarDateInvalid,
            Problem::CommentRequired => Key::ErrCommentRequired,
            Problem::SupportRequired => Key::ErrSupportRequired,
            Problem::AvenantUnknown => Key::ErrAvenantUnknown,
            Problem::CommuneInvalid => Key::ErrCommuneInvalid,
            Problem::CommuneUnknown => Key::ErrCommuneUnknown,
            Problem::CountryInvalid => Key::ErrCountryInvalid,
            Problem::DateInvalid => Key::ErrDateInvalid,
            Problem::DaysInvalid => Key::ErrDaysInvalid,
            Problem::DivisionsInvalid => Key::ErrDivisionsInvalid,
            Problem::EmailInvalid => Key::ErrEmailInvalid,
            Problem::FormInvalid => Key::ErrFormInvalid,
            Problem::FormatInvalid | Problem::PartnerInvalid => Key::ErrPartnerInvalid,
            Problem::ItemTooLong => Key::ErrItemTooLong,
            Problem::KindInvalid => Key::ErrKindInvalid,
            Problem::LangInvalid | Problem::LanguageInvalid => Key::ErrLangInvalid,
            Problem::LinkInvalid => Key::ErrLinkInvalid,
            Problem::ListTooLong => Key::ErrListTooLong,
            Problem::MechanismRequired => Key::ErrMechanismRequired,
            Problem::StanceRequired => Key::ErrStanceRequired,
            Problem::MessageRequired => Key::ErrMessageRequired,
            Problem::NafInvalid => Key::ErrNafInvalid,
            Problem::SiretInvalid => Key::ErrSiretInvalid,
            Problem::SiretUnknown => Key::ErrSiretUnknown,
            Problem::SiteAreaInvalid => Key::ErrSiteAreaInvalid,
            Problem::SiteNotYours => Key::ErrSiteNotYours,
            Problem::SiteStatusInvalid => Key::ErrSiteStatusInvalid,
            Problem::NameRequired => Key::ErrNameRequired,
            Problem::NeedClosed => Key::ErrNeedClosed,
            Problem::NumberInvalid => Key::ErrNumberInvalid,
            Problem::NutsInvalid => Key::ErrNutsInvalid,
            Problem::OrganisationRequired => Key::ErrOrganisationRequired,
            Problem::OutOfRange => Key::ErrOutOfRange,
            Problem::OutcomeRequired => Key::ErrOutcomeRequired,
            Problem::ParameterUnknown => Key::ErrParameterUnknown,
            Problem::PasswordTooLong => Key::ErrPasswordLong,
            Problem::PasswordTooShort => Key::ErrPasswordShort,
            Problem::PracticeInvalid => Key::ErrPracticeInvalid,
            Problem::PriceOrder => Key::ErrPriceOrder,
            Problem::ProblemRequired => Key::ErrIncomplete,
            Problem::QueryTooLong => Key::ErrQueryTooLong,
            Problem::RadiusInvalid => Key::ErrRadiusInvalid,
            Problem::RateLimited => Key::ErrRateLimited,
            Problem::ReasonRequired => Key::ErrReasonRequired,
            Problem::ReferenceInvalid => Key::ErrReferenceInvalid,
            Problem::ReferenceTaken => Key::ErrReferenceTaken,
            Problem::SizeInvalid => Key::ErrSizeInvalid,
            Problem::TargetRequired => Key::ErrTargetRequired,
            Problem::TerritoryNotYours => Key::ErrTerritoryNotYours,
            Problem::TestimonyRequired => Key::ErrTestimonyRequired,
            Problem::TextInvalid => Key::ErrTextInvalid,
            Problem::TextTooLong => Key::ErrTextTooLong,
            Problem::ThemeInvalid => Key::ErrThemeInvalid,
            Problem::TitleTooLong => Key::ErrTitleTooLong,
            Problem::TitleTooShort => Key::ErrTitleTooShort,
            Problem::ValueInvalid => Key::ErrValueInvalid,
            Problem::ValueUnknown => Key::ErrValueUnknown,
            Problem::VisibilityInvalid => Key::ErrVisibilityInvalid,
        }
    }
}

impl ContactStatus {
    /// The text naming where a contact is.
    pub fn key(self) -> Key {
        match self {
            ContactStatus::Requested => Key::IsRequested,
            ContactStatus::Discussion => Key::IsDiscussion,
            ContactStatus::Declined => Key::IsDeclined,
            ContactStatus::Concluded => Key::IsConcluded,
            ContactStatus::NotConcluded => Key::IsNotConcluded,
        }
    }
}

impl ClaimStatus {
    /// The text naming where a claim is.
    pub fn key(self) -> Key {
        match self {
            ClaimStatus::Pending => Key::ClaimIsPending,
            ClaimStatus::Approved => Key::ClaimIsApproved,
            ClaimStatus::Refused => Key::ClaimIsRefused,
            ClaimStatus::Withdrawn => Key::ClaimIsWithdrawn,
        }
    }
}

impl ClaimKind {
    /// The text naming what a claim asks.
    pub fn key(self) -> Key {
        match self {
            ClaimKind::Claim => Key::ClaimKindClaim,
            ClaimKind::Creation => Key::ClaimKindCreation,
        }
    }
}

impl OrganisationKind {
    /// The text naming this kind of organisation.
    pub fn key(self) -> Key {
        match self {
            OrganisationKind::Firm => Key::KindFirm,
            OrganisationKind::Cluster => Key::KindCluster,
            OrganisationKind::Pole => Key::KindPole,
            OrganisationKind::District => Key::KindDistrict,
            OrganisationKind::Operator => Key::KindOperator,
        }
    }
}

impl SiteStatus {
    /// The text naming a land site's availability.
    pub fn key(self) -> Key {
        match self {
            SiteStatus::Available => Key::StatusAvailable,
            SiteStatus::UnderOption => Key::StatusUnderOption,
            SiteStatus::Sold => Key::StatusSold,
        }
    }
}

impl NeedKind {
    /// The text naming this kind of annonce.
    pub fn key(self) -> Key {
        match self {
            NeedKind::Supplier => Key::NkSupplier,
            NeedKind::Capacity => Key::NkCapacity,
            NeedKind::Skills => Key::NkSkills,
            NeedKind::Land => Key::NkLand,
            NeedKind::Partnership => Key::NkPartnership,
            NeedKind::Technology => Key::NkTechnology,
        }
    }
}

impl NeedVisibility {
    /// The text naming who may read an annonce.
    pub fn key(self) -> Key {
        match self {
            NeedVisibility::Public => Key::NvPublic,
            NeedVisibility::Members => Key::NvMembers,
            NeedVisibility::Anonymous => Key::NvAnonymous,
        }
    }
}

impl ExchangeStatus {
    /// The text naming where an exchange is.
    pub fn key(self) -> Key {
        match self {
            ExchangeStatus::Proposed => Key::ExProposed,
            ExchangeStatus::Accepted => Key::ExAccepted,
            ExchangeStatus::Declined => Key::ExDeclined,
            ExchangeStatus::Completed => Key::ExCompleted,
        }
    }
}

/// A reason of a match in words, in `lang`.
pub fn reason_text(lang: Lang, reason: &Reason) -> String {
    let code = |key: Key, code: &str| format!("{} {code}", t(lang, key));
    match reason {
        Reason::Words(words) | Reason::Certifications(words) => words.join(", "),
        Reason::SameActivity(c) => code(Key::WhySameActivity, c),
        Reason::SameClass(c) => code(Key::WhySameClass, c),
        Reason::SameGroup(c) => code(Key::WhySameGroup, c),
        Reason::SameDivision(c) => code(Key::WhySameDivision, c),
        Reason::Supplies { division, buyer } => format!(
            "{}{} {buyer}",
            code(Key::WhyDivision, division),
            t(lang, Key::WhySupplierOf)
        ),
        Reason::Distance(km) => format!("{km} km"),
        Reason::SameTerritory => t(lang, Key::WhySameTerritory).to_owned(),
        Reason::SameRegion => t(lang, Key::WhySameRegion).to_owned(),
        Reason::NoCertificationRequired => t(lang, Key::WhyNoCertification).to_owned(),
        Reason::Size(Some(size)) => size.to_uppercase(),
        Reason::Size(None) => t(lang, Key::WhySizeUnknown).to_owned(),
        Reason::Area(ha) => format!("{ha} ha"),
        Reason::Turnkey => t(lang, Key::WhyTurnkey).to_owned(),
        Reason::UnderOption => t(lang, Key::WhyUnderOption).to_owned(),
    }
}

/// Tells each factor of a match in `lang` (its `detail`) and returns "why this match": the
/// factors worth reading, strongest first.
pub fn explain_match(lang: Lang, m: &mut MatchScore) -> String {
    for f in &mut m.factors {
        f.detail = reason_text(lang, &f.reason);
    }
    m.factors
        .iter()
        .filter(|f| tells(f))
        .map(|f| f.detail.clone())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reasons told in `lang`, joined.
pub fn explain_reasons(lang: Lang, reasons: &[Reason]) -> String {
    reasons
        .iter()
        .map(|r| reason_text(lang, r))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The text of a stored code of a vocabulary, or the code itself if it names nothing (the
/// schema admits no such value; shown rather than hidden should one appear).
pub fn label_of<T: Copy>(
    lang: Lang,
    code: &str,
    parse: fn(&str) -> Option<T>,
    key: fn(T) -> Key,
) -> String {
    parse(code)
        .map(|v| t(lang, key(v)).to_owned())
        .unwrap_or_else(|| code.to_owned())
}

// Fiches-actions (`domain::action_sheet`).

impl SheetStatus {
    /// The text naming this code.
    pub fn key(self) -> Key {
        match self {
            SheetStatus::Draft => Key::SheetDraft,
            SheetStatus::LocalReview => Key::SheetLocalReview,
            SheetStatus::RegionalReview => Key::SheetRegionalReview,
            SheetStatus::ToRework => Key::SheetToRework,
            SheetStatus::NotRetained => Key::SheetNotRetained,
            SheetStatus::Retained => Key::SheetRetained,
            SheetStatus::Inscribed => Key::SheetInscribed,
            SheetStatus::InProgress => Key::SheetInProgress,
            SheetStatus::Late => Key::SheetLate,
            SheetStatus::Paused => Key::SheetPaused,
            SheetStatus::Blocked => Key::SheetBlocked,
            SheetStatus::Abandoned => Key::SheetAbandoned,
            SheetStatus::Completed => Key::SheetCompleted,
        }
    }

    /// The text of a stored code.
    pub fn label_of(lang: Lang, code: &str) -> String {
        label_of(lang, code, SheetStatus::parse, SheetStatus::key)
    }
}

impl SheetAction {
    /// The text naming this code.
    pub fn key(self) -> Key {
        match self {
            SheetAction::Cosign => Key::SheetActCosign,
            SheetAction::PresentLocal => Key::SheetActPresentLocal,
            SheetAction::LocalOpinion => Key::SheetActLocalOpinion,
            SheetAction::Retain => Key::SheetActRetain,
            SheetAction::Rework => Key::SheetActRework,
            SheetAction::Reject => Key::SheetActReject,
            SheetAction::Inscribe => Key::SheetActInscribe,
            SheetAction::MarkInProgress => Key::SheetActInProgress,
            SheetAction::MarkLate => Key::SheetActLate,
            SheetAction::MarkPaused => Key::SheetActPaused,
            SheetAction::MarkBlocked => Key::SheetActBlocked,
            SheetAction::Abandon => Key::SheetActAbandon,
            SheetAction::Complete => Key::SheetActComplete,
        }
    }

    /// The text of a stored code.
    pub fn label_of(lang: Lang, code: &str) -> String {
        label_of(lang, code, SheetAction::parse, SheetAction::key)
    }
}

impl SheetRole {
    /// The text naming this code.
    pub fn key(self) -> Key {
        match self {
            SheetRole::CoLead => Key::SheetRoleCoLead,
            SheetRole::ProjectManager => Key::SheetRoleProjectManager,
            SheetRole::TeamMember => Key::SheetRoleTeamMember,
            SheetRole::Porteur => Key::SheetRolePorteur,
            SheetRole::LocalCommittee => Key::SheetRoleLocalCommittee,
            SheetRole::RegionalCommittee => Key::SheetRoleRegionalCommittee,
            SheetRole::Other => Key::SheetRoleOther,
        }
    }

    /// The text of a stored code.
    pub fn label_of(lang: Lang, code: &str) -> String {
        label_of(lang, code, SheetRole::parse, SheetRole::key)
    }
}

impl SupportKind {
    /// The text naming this code.
    pub fn key(self) -> Key {
        match self {
            SupportKind::Financial => Key::SupportFinancial,
            SupportKind::Engineering => Key::SupportEngineering,
            SupportKind::Both => Key::SupportBoth,
        }
    }

    /// The text of a stored code.
    pub fn label_of(lang: Lang, code: &str) -> String {
        label_of(lang, code, SupportKind::parse, SupportKind::key)
    }
}

impl Maturity {
    /// The text naming this code.
    pub fn key(self) -> Key {
        match self {
            Maturity::Idea => Key::MaturityIdea,
            Maturity::Study => Key::MaturityStudy,
            Maturity::Operation => Key::MaturityOperation,
        }
    }

    /// The text of a stored code.
    pub fn label_of(lang: Lang, code: &str) -> String {
        label_of(lang, code, Maturity::parse, Maturity::key)
    }
}

impl Instrument {
    /// The text naming this code.
    pub fn key(self) -> Key {
        match self {
            Instrument::Detr => Key::InstrDetr,
            Instrument::Dsil => Key::InstrDsil,
            Instrument::Fnadt => Key::InstrFnadt,
            Instrument::FondsVert => Key::InstrFondsVert,
            Instrument::Region => Key::InstrRegion,
            Instrument::BanqueDesTerritoires => Key::InstrBdt,
            Instrument::Bpifrance => Key::InstrBpifrance,
            Instrument::Ademe => Key::InstrAdeme,
            Instrument::Epci => Key::InstrEpci,
            Instrument::OwnFunds => Key::InstrOwnFunds,
            Instrument::Europe => Key::InstrEurope,
            Instrument::Other => Key::InstrOther,
        }
    }

    /// The text of a stored code.
    pub fn label_of(lang: Lang, code: &str) -> String {
        label_of(lang, code, Instrument::parse, Instrument::key)
    }
}

impl crate::domain::monitoring::EvaluationKind {
    /// The text naming this kind.
    pub fn key(self) -> Key {
        match self {
            crate::domain::monitoring::EvaluationKind::MidTerm => Key::EvMidTerm,
            crate::domain::monitoring::EvaluationKind::Final => Key::EvFinal,
        }
    }

    /// The text of a stored code.
    pub fn label_of(lang: Lang, code: &str) -> String {
        label_of(lang, code, Self::parse, Self::key)
    }
}

impl crate::domain::monitoring::NarrativeAuthor {
    /// The text naming this author's narrative.
    pub fn key(self) -> Key {
        match self {
            crate::domain::monitoring::NarrativeAuthor::Binome => Key::NarrativeBinome,
            crate::domain::monitoring::NarrativeAuthor::Region => Key::NarrativeRegion,
        }
    }

    /// The text of a stored code.
    pub fn label_of(lang: Lang, code: &str) -> String {
        label_of(lang, code, Self::parse, Self::key)
    }
}

impl crate::domain::monitoring::Figure {
    /// The text naming this figure.
    pub fn key(self) -> Key {
        use crate::domain::monitoring::Figure;
        match self {
            Figure::Sheets => Key::ActionSheets,
            Figure::Requested => Key::FigRequested,
            Figure::Committed => Key::FigCommitted,
            Figure::Paid => Key::FigPaid,
            Figure::JobsPlanned => Key::IndJobsPlanned,
            Figure::JobsCreated => Key::IndJobsCreated,
            Figure::PrivateInvestment => Key::IndPrivateInvestment,
            Figure::Hectares => Key::IndHectares,
            Figure::PeopleTrained => Key::IndPeopleTrained,
            Figure::FirmsSupported => Key::IndFirmsSupported,
            Figure::ContactsRequested => Key::FigContactsRequested,
            Figure::Partnerships => Key::FigPartnerships,
            Figure::Exchanges => Key::FigExchanges,
            Figure::ProposalsSent => Key::FigProposalsSent,
            Figure::ProposalsAnswered => Key::FigProposalsAnswered,
        }
    }
}

impl Indicator {
    /// The text naming this code.
    pub fn key(self) -> Key {
        match self {
            Indicator::JobsPlanned => Key::IndJobsPlanned,
            Indicator::JobsCreated => Key::IndJobsCreated,
            Indicator::PrivateInvestment => Key::IndPrivateInvestment,
            Indicator::Hectares => Key::IndHectares,
            Indicator::PeopleTrained => Key::IndPeopleTrained,
            Indicator::FirmsSupported => Key::IndFirmsSupported,
        }
    }

    /// The text of a stored code.
    pub fn label_of(lang: Lang, code: &str) -> String {
        label_of(lang, code, Indicator::parse, Indicator::key)
    }
}

impl PorteurKind {
    /// The text naming this code.
    pub fn key(self) -> Key {
        match self {
            PorteurKind::Organisation => Key::PorteurOrganisation,
            PorteurKind::Epci => Key::PorteurEpci,
            PorteurKind::Territory => Key::PorteurTerritory,
        }
    }

    /// The text of a stored code.
    pub fn label_of(lang: Lang, code: &str) -> String {
        label_of(lang, code, PorteurKind::parse, PorteurKind::key)
    }
}

impl FunderKind {
    /// The text naming this code.
    pub fn key(self) -> Key {
        match self {
            FunderKind::Organisation => Key::FunderOrganisation,
            FunderKind::Region => Key::FunderRegion,
            FunderKind::State => Key::FunderState,
            FunderKind::Epci => Key::FunderEpci,
            FunderKind::Porteur => Key::FunderPorteur,
        }
    }

    /// The text of a stored code.
    pub fn label_of(lang: Lang, code: &str) -> String {
        label_of(lang, code, FunderKind::parse, FunderKind::key)
    }
}

impl ContractKind {
    /// The text naming this code.
    pub fn key(self) -> Key {
        match self {
            ContractKind::Framework => Key::ContractFramework,
            ContractKind::Protocol => Key::ContractProtocol,
        }
    }

    /// The text of a stored code.
    pub fn label_of(lang: Lang, code: &str) -> String {
        label_of(lang, code, ContractKind::parse, ContractKind::key)
    }
}

impl SignatoryKind {
    /// The text naming this code.
    pub fn key(self) -> Key {
        match self {
            SignatoryKind::Epci => Key::SignatoryEpci,
            SignatoryKind::Region => Key::SignatoryRegion,
            SignatoryKind::State => Key::SignatoryState,
            SignatoryKind::Organisation => Key::SignatoryOrganisation,
        }
    }

    /// The text of a stored code.
    pub fn label_of(lang: Lang, code: &str) -> String {
        label_of(lang, code, SignatoryKind::parse, SignatoryKind::key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_problem_has_its_own_french_and_english_text() {
        for problem in Problem::ALL {
            assert_eq!(Problem::parse(problem.code()), Some(*problem));
            let (fr, en) = problem.key().texts();
            assert!(
                !fr.trim().is_empty() && !en.trim().is_empty(),
                "{problem:?}"
            );
            // A label, never the code shown as text.
            assert!(fr != problem.code() && en != problem.code(), "{problem:?}");
        }
        // The two that used to share one message no longer do (see below for reasons).
        assert_ne!(Problem::TitleTooShort.key(), Problem::TitleTooLong.key());
    }

    #[test]
    fn a_match_is_explained_in_each_language_from_the_same_reasons() {
        use crate::domain::matching::{score, FirmTerms, NeedTerms};
        let need = NeedTerms {
            naf: vec!["25.62B".into()],
            radius_km: 50.0,
            territory: Some("ti-8422".into()),
            ..Default::default()
        };
        let firm = FirmTerms {
            naf_code: Some("25.62A".into()),
            distance_km: Some(12.4),
            territory: Some("ti-8422".into()),
            ..Default::default()
        };
        let (mut fr, mut en) = (score(&need, &firm), score(&need, &firm));
        let (fr, en) = (
            explain_match(Lang::Fr, &mut fr),
            explain_match(Lang::En, &mut en),
        );
        assert_eq!(
            fr,
            "même classe NAF 25.62, 12 km, même Territoire d'industrie"
        );
        assert_eq!(
            en,
            "same NAF class 25.62, 12 km, same Territoire d'industrie"
        );
    }
}
