//! The one error type that crosses the wire, with field errors a form can show.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// Defines [`Problem`]: each variant with the code it travels as (in a form's address, in
/// JSON). Its text is `Problem::key` (an exhaustive match in `i18n/vocabulary.rs`), so a
/// problem without a French and an English label does not compile.
macro_rules! problems {
    ($($variant:ident => $code:literal,)*) => {
        /// What is wrong with one input field: the one list every validator draws from.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Problem { $($variant),* }

        impl Problem {
            /// Every problem, for completeness tests.
            pub const ALL: &'static [Problem] = &[$(Problem::$variant),*];

            pub fn code(self) -> &'static str {
                match self { $(Problem::$variant => $code),* }
            }

            pub fn parse(code: &str) -> Option<Problem> {
                match code { $($code => Some(Problem::$variant),)* _ => None }
            }
        }
    };
}

problems! {
    ActionsRequired => "actions_required",
    AreaInvalid => "area_invalid",
    AuthorInvalid => "author_invalid",
    AuthorNotYours => "author_not_yours",
    AxisInvalid => "axis_invalid",
    ChallengeInvalid => "challenge_invalid",
    CalendarDateInvalid => "calendar_date_invalid",
    CommentRequired => "comment_required",
    CommuneInvalid => "commune_invalid",
    CommuneUnknown => "commune_unknown",
    CountryInvalid => "country_invalid",
    DateInvalid => "date_invalid",
    DaysInvalid => "days_invalid",
    DivisionsInvalid => "divisions_invalid",
    EmailInvalid => "email_invalid",
    FormInvalid => "form_invalid",
    FormatInvalid => "format_invalid",
    ItemTooLong => "item_too_long",
    KindInvalid => "kind_invalid",
    LangInvalid => "lang_invalid",
    LanguageInvalid => "language_invalid",
    LinkInvalid => "link_invalid",
    ListTooLong => "list_too_long",
    MechanismRequired => "mechanism_required",
    MessageRequired => "message_required",
    NafInvalid => "naf_invalid",
    NameRequired => "name_required",
    NeedClosed => "need_closed",
    NumberInvalid => "number_invalid",
    NutsInvalid => "nuts_invalid",
    OrganisationRequired => "organisation_required",
    OutOfRange => "out_of_range",
    OutcomeRequired => "outcome_required",
    ParameterUnknown => "parameter_unknown",
    PartnerInvalid => "partner_invalid",
    PasswordTooLong => "password_too_long",
    PasswordTooShort => "password_too_short",
    PracticeInvalid => "practice_invalid",
    PriceOrder => "price_order",
    ProblemRequired => "problem_required",
    QueryTooLong => "query_too_long",
    RadiusInvalid => "radius_invalid",
    RateLimited => "rate_limited",
    ReferenceInvalid => "reference_invalid",
    ReferenceTaken => "reference_taken",
    ReasonRequired => "reason_required",
    SiretInvalid => "siret_invalid",
    SiretUnknown => "siret_unknown",
    SiteAreaInvalid => "site_area_invalid",
    SiteNotYours => "site_not_yours",
    SiteStatusInvalid => "site_status_invalid",
    StanceRequired => "stance_required",
    SupportRequired => "support_required",
    AvenantUnknown => "avenant_unknown",
    SizeInvalid => "size_invalid",
    TargetRequired => "target_required",
    TerritoryNotYours => "territory_not_yours",
    TestimonyRequired => "testimony_required",
    TextInvalid => "text_invalid",
    TextTooLong => "text_too_long",
    ThemeInvalid => "theme_invalid",
    TitleTooLong => "title_too_long",
    TitleTooShort => "title_too_short",
    ValueInvalid => "value_invalid",
    ValueUnknown => "value_unknown",
    VisibilityInvalid => "visibility_invalid",
}

impl Problem {
    /// This problem, told more precisely (in English, for API clients).
    pub fn saying(self, detail: impl Into<String>) -> Said {
        Said {
            problem: self,
            detail: Some(detail.into()),
        }
    }
}

impl Serialize for Problem {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Problem {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = String::deserialize(d)?;
        Problem::parse(&code)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown problem {code:?}")))
    }
}

/// A problem, with or without a precise English account of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Said {
    pub problem: Problem,
    pub detail: Option<String>,
}

impl From<Problem> for Said {
    fn from(problem: Problem) -> Said {
        Said {
            problem,
            detail: None,
        }
    }
}

/// A problem attached to one input field. `message` is what API clients read: the precise
/// account when there is one, else the problem's code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub problem: Problem,
    pub message: String,
    /// What the person may have meant, as `(value to send, label to show)`: the communes
    /// near an unknown place's spelling.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suggestions: Vec<(String, String)>,
}

impl FieldError {
    /// The same problem, with what the person may have meant.
    pub fn suggesting(mut self, suggestions: Vec<(String, String)>) -> FieldError {
        self.suggestions = suggestions;
        self
    }

    pub fn new(field: impl Into<String>, said: impl Into<Said>) -> FieldError {
        let said = said.into();
        FieldError {
            suggestions: Vec::new(),
            field: field.into(),
            message: said
                .detail
                .unwrap_or_else(|| said.problem.code().to_owned()),
            problem: said.problem,
        }
    }
}

crate::domain::workflow::vocabulary! {
    /// What a step ran into: the record is not, or no longer, in a state that allows it.
    Conflict {
        /// A contact on this annonce is already open between the same sides.
        AlreadyAsked => "already_asked",
        /// The annonce is already closed.
        AlreadyClosed => "already_closed",
        /// This side already supports the proposal (directly or through a merged one).
        AlreadySupported => "already_supported",
        /// The merge is older than the period in which it may be undone.
        UndoPeriodOver => "undo_period_over",
        /// Someone else took a step first: the record changed since the page was read.
        ChangedMeanwhile => "changed_meanwhile",
        /// An account already holds this address.
        AccountExists => "account_exists",
        /// The organisation has admins already: they invite, nobody claims it.
        AlreadyClaimed => "already_claimed",
        /// This person already waits for a decision on this organisation.
        ClaimPending => "claim_pending",
        /// The platform already holds an organisation with this SIRET: claim it instead.
        SiretKnown => "siret_known",
        /// The person has as many requests waiting as allowed (`domain::claim::PENDING_MAX`).
        TooManyClaims => "too_many_claims",
        /// The cluster already names this organisation (proposed or confirmed).
        AlreadyMember => "already_member",
        /// Escalating needs the lead region's recorded opinion first.
        RegionalOpinionMissing => "regional_opinion_missing",
        /// The session decided on this item already.
        AlreadyDecided => "already_decided",
        /// Nobody holds this role in the territory yet.
        SeatVacant => "seat_vacant",
        /// A fiche lacks what it needs to be presented (title, description, a financial line).
        SheetIncomplete => "sheet_incomplete",
        /// Both seats of the binôme must co-sign a fiche before it is presented.
        SignaturesMissing => "signatures_missing",
    }
}

impl Conflict {
    /// The JSON API's message for it.
    pub fn message(self) -> &'static str {
        match self {
            Conflict::AlreadyAsked => "a contact between these sides is already open",
            Conflict::AlreadyClosed => "the annonce is already closed",
            Conflict::AlreadySupported => "this side already supports the proposal",
            Conflict::UndoPeriodOver => "the merge is too old to be undone",
            Conflict::AlreadyDecided => "this session decided on the item already",
            Conflict::SeatVacant => "nobody holds this role in the territory yet",
            Conflict::SheetIncomplete => {
                "the fiche needs a title, a description and a line in its financial plan"
            }
            Conflict::SignaturesMissing => "both seats of the binôme must co-sign the fiche first",
            Conflict::RegionalOpinionMissing => {
                "the lead region's opinion must be recorded before escalating"
            }
            Conflict::ChangedMeanwhile => "the record changed meanwhile; read it again",
            Conflict::AccountExists => "an account already holds this address",
            Conflict::AlreadyClaimed => {
                "the organisation has admins already: ask them to invite you"
            }
            Conflict::ClaimPending => {
                "you already asked for this organisation; wait for the decision"
            }
            Conflict::SiretKnown => {
                "an organisation with this SIRET is already on the platform: claim it"
            }
            Conflict::TooManyClaims => {
                "you have 5 requests waiting already: wait for their decision"
            }
            Conflict::AlreadyMember => "the cluster already names this organisation",
        }
    }
}

/// What the browser learns about a failure: never internals. Services fail with
/// `ports::ServiceError`, converted here once (`From`); each surface then renders this one
/// type: a page (`ErrorView`), a form's redirect (`code`), the JSON API (`server::http::api`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("conflict: {0:?}")]
    Conflict(Conflict),
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    /// Not signed in, or credentials refused.
    #[error("not signed in")]
    Unauthorized,
    /// Too many attempts: retry after this many seconds.
    #[error("too many attempts")]
    RateLimited(u64),
    /// The server is saturated: retry after this many seconds.
    #[error("busy")]
    Busy(u64),
    #[error("internal error")]
    Internal,
    /// The request did not reach the server or its answer could not be read.
    #[error("transport: {0}")]
    Transport(String),
}

impl AppError {
    /// The HTTP status this error is served with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::NotFound => 404,
            AppError::Forbidden => 403,
            AppError::Conflict(_) => 409,
            AppError::Invalid(_) => 400,
            AppError::Unauthorized => 401,
            AppError::RateLimited(_) => 429,
            AppError::Busy(_) => 503,
            AppError::Internal | AppError::Transport(_) => 500,
        }
    }

    /// The short code a form's page reads back from its address (`?erreur=CODE`) to say what
    /// went wrong: the first field problem, else the kind of failure.
    pub fn code(&self) -> String {
        match self {
            AppError::Invalid(fields) => fields
                .first()
                .map_or("invalid", |f| f.problem.code())
                .into(),
            AppError::NotFound => "not_found".into(),
            AppError::Forbidden => "forbidden".into(),
            AppError::Conflict(_) => "conflict".into(),
            AppError::Unauthorized => "credentials".into(),
            AppError::RateLimited(_) => "rate_limited".into(),
            AppError::Busy(_) => "busy".into(),
            AppError::Internal | AppError::Transport(_) => "internal".into(),
        }
    }

    /// What a form's redirect carries back for its page to say: `erreur=CODE`, and for a
    /// conflict which one (`erreur=conflict&conflit=already_closed`).
    pub fn query(&self) -> String {
        match self {
            AppError::Conflict(c) => format!("erreur=conflict&conflit={}", c.code()),
            other => format!("erreur={}", other.code()),
        }
    }

    /// The same error, with the response of the server function or page being rendered set
    /// to its status (a refused filter answers 400, not the 500 of a failed function).
    #[cfg(feature = "ssr")]
    pub fn served(self) -> Self {
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            if let Ok(status) = http::StatusCode::from_u16(self.status()) {
                response.set_status(status);
            }
        }
        self
    }

    /// A single-field validation error.
    pub fn invalid(field: &str, said: impl Into<Said>) -> Self {
        AppError::Invalid(vec![FieldError::new(field, said)])
    }
}

/// The `q` field problem of a text query over the search limit, if any: what every filter's
/// `validate` says about its `q` (the search layer refuses the same text in the same words).
pub fn query_problem(q: &str) -> Option<FieldError> {
    crate::domain::text::bounded_query(q)
        .err()
        .map(|e| FieldError::new("q", Problem::QueryTooLong.saying(e.message())))
}

/// The deepest page a list serves: far beyond any real reading, well inside every integer.
pub const MAX_PAGE: u64 = 10_000;

/// `value` when nothing was found wrong with it, else every problem found, in one refusal.
pub fn unless_invalid<T>(value: T, errors: Vec<FieldError>) -> Result<T, AppError> {
    if errors.is_empty() {
        Ok(value)
    } else {
        Err(AppError::Invalid(errors))
    }
}

/// Reads an address pair into a list's page (`page`) or page size (`per_page`); an empty value
/// keeps the default. Returns whether the pair was one of the two.
pub fn read_paging(
    (name, value): (&str, &str),
    page: &mut u64,
    per_page: &mut u64,
    errors: &mut Vec<FieldError>,
) -> bool {
    let (slot, expected) = match name {
        "page" => (page, "expected a page number from 1"),
        "per_page" => (per_page, "expected a number from 1 to 100"),
        _ => return false,
    };
    if !value.is_empty() {
        match value.parse::<u64>() {
            Ok(n) => *slot = n,
            Err(_) => errors.push(FieldError::new(name, Problem::OutOfRange.saying(expected))),
        }
    }
    true
}

/// The problems of a page number (`1..=MAX_PAGE`) and a page size (`1..=max_per_page`).
pub fn paging_problems(page: u64, per_page: u64, max_per_page: u64) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if !(1..=MAX_PAGE).contains(&page) {
        errors.push(FieldError::new(
            "page",
            Problem::OutOfRange.saying(format!("expected a page number from 1 to {MAX_PAGE}")),
        ));
    }
    if !(1..=max_per_page).contains(&per_page) {
        errors.push(FieldError::new(
            "per_page",
            Problem::OutOfRange.saying(format!("expected a number from 1 to {max_per_page}")),
        ));
    }
    errors
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}

#[cfg(feature = "ssr")]
impl From<crate::ports::ServiceError> for AppError {
    fn from(e: crate::ports::ServiceError) -> Self {
        use crate::ports::ServiceError as S;
        let error = match e {
            S::NotFound => AppError::NotFound,
            S::Forbidden => AppError::Forbidden,
            S::Conflict(m) => AppError::Conflict(m),
            S::Invalid(fields) => AppError::Invalid(fields),
            S::Unauthenticated => AppError::Unauthorized,
            S::RateLimited(seconds) => AppError::RateLimited(seconds),
            S::Busy(seconds) => AppError::Busy(seconds),
            S::Internal(cause) => {
                tracing::error!(error = ?cause, "internal error");
                AppError::Internal
            }
        };
        error.served()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_redirect_says_which_conflict() {
        assert_eq!(
            AppError::Conflict(Conflict::AlreadyClosed).query(),
            "erreur=conflict&conflit=already_closed"
        );
        assert_eq!(AppError::NotFound.query(), "erreur=not_found");
        for c in Conflict::ALL {
            assert_eq!(Conflict::parse(c.code()), Some(*c));
            assert!(!c.message().is_empty());
        }
    }
}
