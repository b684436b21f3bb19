//! The traits the server implements, one per feature: each use case is one method. Server
//! functions, the server's form handlers and its JSON API all call these and never see a
//! database. Provided to Leptos as the `Services` context, and held by the server's
//! `AppState`.

use crate::api::accounts::CurrentUser;
use crate::api::directory::{
    DistrictSummary, OrganisationDetail, Overview, PoleSummary, TerritoryDetail, TerritorySummary,
};
use crate::api::needs::NeedDraft;
use crate::api::network::PracticeDraft;
use crate::api::organisations::{
    DivisionCount, LandSiteDetail, LandSiteList, OrganisationFilter, OrganisationList,
};
use crate::api::proposals::{ProposalDraft, ProposalFilter, ProposalSummary};
use crate::domain::ids::TerritoryId;
use crate::domain::policy::{Role, Scope, TokenScope, Viewer};
use crate::domain::proposal::{Action, Status, StepInput};
use crate::error::FieldError;
use crate::i18n::Lang;
use std::sync::Arc;

mod who;
pub use who::{ClientAddress, SignInRequired, SignedIn, Who};

/// A service failure, with its cause kept server-side.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("conflict: {0:?}")]
    Conflict(crate::error::Conflict),
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    /// Wrong address or password, or an unconfirmed address: one answer for all.
    #[error("not signed in")]
    Unauthenticated,
    /// Too many attempts; retry after this many seconds.
    #[error("too many attempts")]
    RateLimited(u64),
    /// Too much work queued on this server; retry after this many seconds.
    #[error("busy")]
    Busy(u64),
    #[error(transparent)]
    Internal(anyhow::Error),
}

impl From<crate::error::AppError> for ServiceError {
    /// A check of the wire types (a filter's values) failing inside a service.
    fn from(e: crate::error::AppError) -> Self {
        use crate::error::AppError;
        match e {
            AppError::Invalid(fields) => ServiceError::Invalid(fields),
            AppError::NotFound => ServiceError::NotFound,
            AppError::Forbidden => ServiceError::Forbidden,
            AppError::Conflict(c) => ServiceError::Conflict(c),
            AppError::Unauthorized => ServiceError::Unauthenticated,
            AppError::RateLimited(s) => ServiceError::RateLimited(s),
            AppError::Busy(s) => ServiceError::Busy(s),
            other => ServiceError::Internal(anyhow::anyhow!("{other}")),
        }
    }
}

impl From<anyhow::Error> for ServiceError {
    /// A refusal from deep inside a service that is the user's to fix (a text query over the
    /// search limit, raised where the query is built) becomes the field error it is; anything
    /// else is internal.
    fn from(e: anyhow::Error) -> Self {
        match e.downcast_ref::<crate::domain::text::QueryTextError>() {
            Some(refusal) => ServiceError::Invalid(vec![FieldError::new(
                "q",
                crate::error::Problem::QueryTooLong.saying(refusal.message()),
            )]),
            None => ServiceError::Internal(e),
        }
    }
}

/// The territorial directory: territories, their members, pôles and districts.
#[async_trait::async_trait]
pub trait Directory: Send + Sync {
    /// Key figures and the national map.
    async fn overview(&self) -> Result<Overview, ServiceError>;
    /// Every territory, ordered by name.
    async fn territories(&self) -> Result<Vec<TerritorySummary>, ServiceError>;
    /// One territory with its members, outline and regional pôles.
    async fn territory(&self, id: &TerritoryId) -> Result<TerritoryDetail, ServiceError>;
    /// One organisation of any kind, if `viewer` may see it (members-only ones are for
    /// signed-in viewers).
    async fn organisation(
        &self,
        id: i64,
        viewer: &crate::domain::policy::Viewer,
    ) -> Result<OrganisationDetail, ServiceError>;
    /// Every pôle de compétitivité.
    async fn poles(&self) -> Result<Vec<PoleSummary>, ServiceError>;
    /// Every European district.
    async fn districts(&self) -> Result<Vec<DistrictSummary>, ServiceError>;
    /// A page of organisations matching a (validated) filter.
    async fn organisations(
        &self,
        filter: &OrganisationFilter,
        viewer: &crate::domain::policy::Viewer,
    ) -> Result<OrganisationList, ServiceError>;
    /// Counts by NAF division of the firms of a territory that `viewer` may see, largest first.
    async fn division_counts(
        &self,
        id: &TerritoryId,
        viewer: &crate::domain::policy::Viewer,
    ) -> Result<Vec<DivisionCount>, ServiceError>;
    /// A page of a territory's land sites, available first.
    async fn land_sites(
        &self,
        id: &TerritoryId,
        page: u64,
        per_page: u64,
    ) -> Result<LandSiteList, ServiceError>;
    /// One land site; its contact organisation only if `viewer` may see it.
    async fn land_site(
        &self,
        id: i64,
        viewer: &crate::domain::policy::Viewer,
    ) -> Result<LandSiteDetail, ServiceError>;
    /// A land site's fields as its form shows them, for those who may write it.
    async fn land_site_row(
        &self,
        viewer: &crate::domain::policy::Viewer,
        id: i64,
    ) -> Result<crate::domain::organisation::SiteRow, ServiceError>;
    /// Creates (`id` none) or rewrites a land site from every field, through the import's
    /// validation, if the policy lets `viewer` write it, both as it was and as it will be;
    /// its id. A site's reference does not change.
    async fn save_land_site(
        &self,
        viewer: &crate::domain::policy::Viewer,
        id: Option<i64>,
        row: &crate::domain::organisation::SiteRow,
    ) -> Result<i64, ServiceError>;
    /// Changes a territory's profile, if the policy lets `viewer` edit it.
    async fn update_territory(
        &self,
        viewer: &crate::domain::policy::Viewer,
        id: &TerritoryId,
        profile: &crate::api::directory::TerritoryProfile,
    ) -> Result<(), ServiceError>;
    /// Changes an organisation's profile, if the policy lets `viewer` edit it.
    async fn update_organisation(
        &self,
        viewer: &crate::domain::policy::Viewer,
        id: i64,
        edit: &crate::api::organisations::OrganisationEdit,
    ) -> Result<(), ServiceError>;
    /// Changes some fields of an organisation's profile (the others keep their value), if
    /// the policy lets `viewer` edit it; the profile as it now is.
    async fn patch_organisation(
        &self,
        viewer: &crate::domain::policy::Viewer,
        id: i64,
        patch: &crate::api::organisations::OrganisationPatch,
    ) -> Result<OrganisationDetail, ServiceError>;
}

/// Search over the whole network.
#[async_trait::async_trait]
pub trait Search: Send + Sync {
    /// Results, facets and distances for validated parameters; `near` is already parsed.
    async fn search(
        &self,
        params: &crate::api::search::SearchParams,
        near: Option<&crate::api::search::Near>,
        viewer: &crate::domain::policy::Viewer,
    ) -> Result<crate::api::search::SearchResults, ServiceError>;
    /// The values to offer while a person types `typed` in a field of `list`: communes for a
    /// place, NAF activities (by the words of their labels) for a list of codes.
    async fn choices(
        &self,
        list: crate::api::search::ChoiceList,
        typed: &str,
    ) -> Result<Vec<crate::api::search::Choice>, ServiceError>;
    /// Names starting like `prefix`, among what `viewer` may see.
    async fn suggest(
        &self,
        prefix: &str,
        viewer: &crate::domain::policy::Viewer,
    ) -> Result<Vec<String>, ServiceError>;
}

/// A request's origin, for rate limits and the audit log.
#[derive(Debug, Clone, Default)]
pub struct Client {
    pub ip: String,
    pub user_agent: String,
}

/// How many people will hear of a step (a mail now, or a line in their next digest), so that
/// the confirmation says who was told, or that nobody could be.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Told(pub u32);

impl Told {
    /// The query parameter the confirmation page reads (`prevenus=N`).
    pub fn query(self) -> String {
        format!("prevenus={}", self.0)
    }
}

/// The hash of the current session's token, placed in request extensions by the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionKey(pub String);

/// People, sessions and tokens.
#[async_trait::async_trait]
pub trait Accounts: Send + Sync {
    /// The account page of a user; `session` marks the current one.
    async fn overview(
        &self,
        user_id: i64,
        session: Option<&SessionKey>,
    ) -> Result<crate::api::accounts::AccountOverview, ServiceError>;
    /// The address a live one-time link of `purpose` was sent to, without using it; `None`
    /// when the link is unknown, used or expired.
    async fn link_address(
        &self,
        token: &str,
        purpose: crate::api::accounts::LinkPurpose,
    ) -> Result<Option<String>, ServiceError>;

    /// Creates an account and sends the confirmation link (which brings its person on to
    /// `next`, when they were going somewhere). An address already registered gets no new
    /// account and the same answer (no enumeration).
    async fn sign_up(
        &self,
        email: &str,
        name: &str,
        password: &str,
        lang: Lang,
        client: &Client,
        next: Option<&crate::domain::ids::ReturnTo>,
    ) -> Result<(), ServiceError>;

    /// Confirms an address from its link and opens a session.
    ///
    /// The page of the link asks for a password, which becomes the account's: the one chosen
    /// at sign-up or a new one. Whoever clicks a confirmation link therefore never validates
    /// a password chosen by someone else (a stranger who signed up first with their address).
    async fn verify_email(
        &self,
        token: &str,
        password: &str,
        client: &Client,
    ) -> Result<String, ServiceError>;

    /// Password sign-in; returns a new session token.
    ///
    /// The attempt is counted before the password is hashed, per (account, client) and, for
    /// a client that has never signed in to this account, per client: see `pause_after`.
    /// Nothing locks an account: its owner, from another client, signs in meanwhile.
    async fn sign_in(
        &self,
        email: &str,
        password: &str,
        client: &Client,
    ) -> Result<String, ServiceError>;

    /// Sends a one-time sign-in link (on to `next`, if given) if the address has an account.
    /// `Ok(false)` when rate-limited.
    async fn request_magic_link(
        &self,
        email: &str,
        client: &Client,
        next: Option<&crate::domain::ids::ReturnTo>,
    ) -> Result<bool, ServiceError>;

    /// Sends a password reset link if the address has an account. `Ok(false)` when rate-limited.
    async fn request_password_reset(
        &self,
        email: &str,
        client: &Client,
    ) -> Result<bool, ServiceError>;

    /// Signs in with a magic link (and confirms the address, which it proves).
    async fn use_magic_link(&self, token: &str, client: &Client) -> Result<String, ServiceError>;

    /// Sets a new password from a reset link: every other session and every API token ends.
    async fn reset_password(
        &self,
        token: &str,
        password: &str,
        client: &Client,
    ) -> Result<String, ServiceError>;

    /// Ends one session.
    async fn sign_out(&self, session_hash: &str) -> Result<(), ServiceError>;

    /// Ends every session of a user and revokes their API tokens.
    async fn sign_out_everywhere(&self, user_id: i64, client: &Client)
        -> Result<u64, ServiceError>;

    /// The viewer and user of a session token hash.
    async fn identify_session(
        &self,
        hash: &str,
    ) -> Result<Option<(Viewer, CurrentUser)>, ServiceError>;

    /// The viewer of a live API token (bearer), and what the token may do.
    async fn identify_api_token(
        &self,
        token: &str,
    ) -> Result<Option<(Viewer, CurrentUser, TokenScope)>, ServiceError>;

    /// Whether a user's name is shown to anonymous visitors on the pages of the territories
    /// and committees where they have a role.
    async fn set_name_public(
        &self,
        viewer: &Viewer,
        user_id: i64,
        public: bool,
    ) -> Result<(), ServiceError>;

    /// Changes a user's name and language.
    async fn update_profile(
        &self,
        viewer: &Viewer,
        user_id: i64,
        name: &str,
        lang: Lang,
    ) -> Result<(), ServiceError>;

    /// Creates an API token with a scope, valid `days` days; the secret is returned once and
    /// stored hashed.
    async fn create_api_token(
        &self,
        viewer: &Viewer,
        user_id: i64,
        name: &str,
        scope: TokenScope,
        days: i64,
    ) -> Result<String, ServiceError>;

    /// Revokes one of a user's API tokens.
    async fn revoke_api_token(
        &self,
        viewer: &Viewer,
        user_id: i64,
        token_id: i64,
    ) -> Result<(), ServiceError>;

    /// Sets how often a person hears about a kind of event.
    async fn set_notifications(
        &self,
        viewer: &Viewer,
        user_id: i64,
        choices: &[(String, String)],
    ) -> Result<(), ServiceError>;

    /// Invites someone by email into a scope with a role.
    async fn invite(
        &self,
        viewer: &Viewer,
        inviter: &CurrentUser,
        email: &str,
        scope: Scope,
        role: Role,
    ) -> Result<(), ServiceError>;

    /// Takes a role back from someone; allowed to whoever may grant it (`policy::GRANTS`).
    async fn remove_membership(
        &self,
        viewer: &Viewer,
        actor: &CurrentUser,
        user_id: i64,
        scope: Scope,
        role: Role,
    ) -> Result<(), ServiceError>;

    /// Revokes a pending invitation; allowed to whoever may grant its role.
    async fn revoke_invitation(
        &self,
        viewer: &Viewer,
        actor: &CurrentUser,
        email: &str,
        scope: Scope,
        role: Role,
    ) -> Result<(), ServiceError>;

    /// Accepts an invitation: creates the account if needed, adds the membership, signs in.
    async fn accept_invitation(
        &self,
        token: &str,
        name: &str,
        password: &str,
        client: &Client,
    ) -> Result<String, ServiceError>;
}

/// Simplification proposals: the workflow, support, queues and figures.
#[async_trait::async_trait]
pub trait Proposals: Send + Sync {
    /// The public list (no drafts), filtered and paged.
    async fn list(
        &self,
        filter: &crate::api::proposals::ProposalFilter,
        viewer: &crate::domain::policy::Viewer,
    ) -> Result<crate::api::proposals::ProposalList, ServiceError>;
    /// One proposal with its timeline, supporters and the viewer's possible actions.
    async fn detail(
        &self,
        id: i64,
        viewer: &crate::domain::policy::Viewer,
    ) -> Result<crate::api::proposals::ProposalDetail, ServiceError>;
    /// What awaits the viewer at each of their levels.
    async fn queue(
        &self,
        viewer: &crate::domain::policy::Viewer,
        sort: crate::api::proposals::ProposalSort,
    ) -> Result<crate::api::proposals::Queue, ServiceError>;
    /// Counts, medians and shares for the dashboard.
    async fn dashboard(&self) -> Result<crate::api::proposals::Dashboard, ServiceError>;
    /// Public proposals whose text is close to `text`.
    async fn similar(
        &self,
        text: &str,
        exclude: Option<i64>,
        limit: usize,
    ) -> Result<Vec<crate::api::proposals::ProposalLink>, ServiceError>;

    /// Every proposal matching a filter (no paging), in the filter's order.
    async fn filtered(&self, filter: &ProposalFilter)
        -> Result<Vec<ProposalSummary>, ServiceError>;

    /// The same proposals with their text, answer and days per level, for a spreadsheet.
    async fn sheet(
        &self,
        filter: &ProposalFilter,
    ) -> Result<Vec<crate::api::proposals::ProposalSheetRow>, ServiceError>;

    /// Creates a draft for one of the viewer's territories; returns its id.
    async fn create(
        &self,
        viewer: &Viewer,
        user: &CurrentUser,
        draft: ProposalDraft,
    ) -> Result<i64, ServiceError>;

    /// Changes the text of a draft or of a proposal returned for information.
    async fn update(
        &self,
        viewer: &Viewer,
        id: i64,
        draft: ProposalDraft,
    ) -> Result<(), ServiceError>;

    /// Takes one workflow step; returns the new status.
    async fn step(
        &self,
        viewer: &Viewer,
        user: &CurrentUser,
        id: i64,
        action: Action,
        input: StepInput,
    ) -> Result<(Status, Told), ServiceError>;

    /// The proposal `target` that `id` would be merged into, for the page that asks before
    /// merging; the same checks as the merge itself, and nothing written.
    async fn merge_target(
        &self,
        viewer: &Viewer,
        id: i64,
        target: i64,
    ) -> Result<crate::api::proposals::ProposalLink, ServiceError>;

    /// Supports a proposal in the name of a territory team or a firm, with a testimony.
    async fn support(
        &self,
        viewer: &Viewer,
        user: &CurrentUser,
        id: i64,
        as_scope: &Scope,
        testimony: &str,
    ) -> Result<(), ServiceError>;
}

/// The European network: partner suggestions, best practices, exchanges.
#[async_trait::async_trait]
pub trait Network: Send + Sync {
    /// Districts and territories ranked for a territory.
    async fn territory_partners(
        &self,
        id: &str,
        viewer: &crate::domain::policy::Viewer,
        lang: crate::i18n::Lang,
    ) -> Result<crate::api::network::Partners, ServiceError>;
    /// French territories ranked for a district.
    async fn district_partners(
        &self,
        id: i64,
        lang: crate::i18n::Lang,
    ) -> Result<crate::api::network::Partners, ServiceError>;
    /// Practices, filtered and paged.
    async fn practices(
        &self,
        filter: &crate::api::network::PracticeFilter,
    ) -> Result<crate::api::network::PracticeList, ServiceError>;
    /// One practice.
    async fn practice(
        &self,
        id: i64,
        viewer: &crate::domain::policy::Viewer,
    ) -> Result<crate::api::network::PracticeDetail, ServiceError>;
    /// The exchanges the viewer's territories and districts take part in.
    async fn exchanges(
        &self,
        viewer: &crate::domain::policy::Viewer,
    ) -> Result<Vec<crate::api::network::ExchangeView>, ServiceError>;
    /// One exchange, for its two sides only.
    async fn exchange(
        &self,
        id: i64,
        viewer: &crate::domain::policy::Viewer,
    ) -> Result<crate::api::network::ExchangeView, ServiceError>;

    /// Publishes a practice in the name of a territory or district the writer speaks for.
    async fn create_practice(
        &self,
        viewer: &Viewer,
        user: &CurrentUser,
        draft: PracticeDraft,
    ) -> Result<i64, ServiceError>;

    /// Proposes an exchange from one of the viewer's territories.
    async fn propose_exchange(
        &self,
        viewer: &Viewer,
        user: &CurrentUser,
        draft: &crate::api::network::ExchangeDraft,
    ) -> Result<(i64, Told), ServiceError>;

    /// Accepts or declines (with a reason) an exchange proposed to the viewer's side.
    async fn answer_exchange(
        &self,
        viewer: &Viewer,
        id: i64,
        accept: bool,
        reason: &str,
    ) -> Result<Told, ServiceError>;

    /// Records how an accepted exchange went: dates, participants, outcome.
    async fn report_exchange(
        &self,
        viewer: &Viewer,
        id: i64,
        report: &crate::api::network::ExchangeReport,
    ) -> Result<(), ServiceError>;

    /// A district's challenges and contact, written by its managers (its organisation's
    /// administrators).
    async fn update_district_profile(
        &self,
        viewer: &Viewer,
        id: i64,
        challenges: &[String],
        contact_name: &str,
        contact_email: &str,
    ) -> Result<(), ServiceError>;

    /// A platform administrator opens a European district's profile and invites its manager
    /// (who becomes its administrator on accepting), in one transaction: both or neither.
    async fn create_district(
        &self,
        viewer: &Viewer,
        user: &CurrentUser,
        draft: &crate::api::network::DistrictDraft,
    ) -> Result<i64, ServiceError>;
}

/// Needs and offers, their matches, and expressions of interest.
#[async_trait::async_trait]
pub trait Needs: Send + Sync {
    /// Annonces the viewer may see, filtered (anonymous authors hidden).
    async fn list(
        &self,
        filter: &crate::api::needs::NeedFilter,
        viewer: &crate::domain::policy::Viewer,
    ) -> Result<Vec<crate::api::needs::NeedSummary>, ServiceError>;
    /// One annonce.
    async fn need(
        &self,
        id: i64,
        viewer: &crate::domain::policy::Viewer,
    ) -> Result<crate::api::needs::NeedView, ServiceError>;
    /// Firms suggested for an annonce, best first (its author's side only).
    async fn matches(
        &self,
        id: i64,
        viewer: &crate::domain::policy::Viewer,
        limit: usize,
        lang: Lang,
    ) -> Result<Vec<crate::api::needs::MatchView>, ServiceError>;
    /// Land sites suggested for a land need (its author's side only).
    async fn land_matches(
        &self,
        id: i64,
        viewer: &crate::domain::policy::Viewer,
        lang: Lang,
    ) -> Result<Vec<crate::api::needs::LandMatchView>, ServiceError>;
    /// For an offer (capacity, technology): the open needs it could answer, best first (its
    /// author's side only; empty for a need).
    async fn needs_for_offer(
        &self,
        id: i64,
        viewer: &crate::domain::policy::Viewer,
        lang: Lang,
    ) -> Result<Vec<crate::api::needs::NeedForFirm>, ServiceError>;
    /// Open annonces the viewer's firms could answer, best first.
    async fn for_viewer(
        &self,
        viewer: &crate::domain::policy::Viewer,
        lang: Lang,
    ) -> Result<Vec<crate::api::needs::NeedForFirm>, ServiceError>;
    /// A territory's industries and the supplier divisions missing or thin around it.
    async fn filieres(
        &self,
        territory: &str,
        radius_km: f64,
        viewer: &crate::domain::policy::Viewer,
    ) -> Result<crate::api::needs::Filieres, ServiceError>;
    /// The viewer's expressions of interest, sent and received.
    async fn inbox(
        &self,
        viewer: &crate::domain::policy::Viewer,
    ) -> Result<Vec<crate::api::needs::InterestView>, ServiceError>;

    /// Publishes an annonce; returns its id.
    async fn create(
        &self,
        viewer: &Viewer,
        user: &CurrentUser,
        draft: &NeedDraft,
    ) -> Result<i64, ServiceError>;

    /// Changes an annonce's text (its author's side only).
    async fn update(&self, viewer: &Viewer, id: i64, draft: &NeedDraft)
        -> Result<(), ServiceError>;

    /// Closes an annonce (its author's side only).
    async fn close(&self, viewer: &Viewer, id: i64) -> Result<(), ServiceError>;

    /// Asks for contact: in the name of one of the viewer's organisations on an annonce, or,
    /// from the annonce's author, with a suggested firm (`target`).
    async fn ask(
        &self,
        viewer: &Viewer,
        user: &CurrentUser,
        need_id: i64,
        as_organisation: Option<i64>,
        target: Option<i64>,
        message: &str,
    ) -> Result<(i64, Told), ServiceError>;

    /// The organisations the viewer may ask in the name of, to contact `organisation` from
    /// its page (those they speak for, that one left out), by name.
    async fn contact_as(
        &self,
        viewer: &Viewer,
        organisation: i64,
    ) -> Result<Vec<(i64, String)>, ServiceError>;

    /// Asks `organisation` for contact from its page, outside any annonce: in the name of one
    /// of the viewer's organisations (`as_organisation`), with a subject and a message.
    async fn contact_organisation(
        &self,
        viewer: &Viewer,
        user: &CurrentUser,
        organisation: i64,
        as_organisation: Option<i64>,
        subject: &str,
        message: &str,
    ) -> Result<(i64, Told), ServiceError>;

    /// Accepts or declines (with a reason) a request addressed to the viewer's side.
    async fn answer(
        &self,
        viewer: &Viewer,
        user: &CurrentUser,
        id: i64,
        accept: bool,
        reason: &str,
    ) -> Result<Told, ServiceError>;

    /// Records how an accepted contact ended: partnership concluded or not.
    async fn conclude(
        &self,
        viewer: &Viewer,
        user: &CurrentUser,
        id: i64,
        concluded: bool,
    ) -> Result<Told, ServiceError>;
}

/// Getting onto the platform: claiming an organisation, or asking for one to be created, and
/// the decisions on those requests (`domain::claim`).
#[async_trait::async_trait]
pub trait Claims: Send + Sync {
    /// Organisations the viewer may be looking for, by SIRET, SIREN or name.
    async fn find(
        &self,
        viewer: &Viewer,
        query: &str,
    ) -> Result<Vec<crate::api::claims::Candidate>, ServiceError>;

    /// Asks to represent `organisation`; approved at once when the person's verified address
    /// is at the organisation's own domain, otherwise sent to those who decide.
    async fn claim(
        &self,
        viewer: &Viewer,
        user: &CurrentUser,
        organisation: i64,
        request: &crate::api::claims::ClaimRequest,
    ) -> Result<crate::api::claims::ClaimOutcome, ServiceError>;

    /// Asks for an organisation the platform does not hold to be created, pending until
    /// approved.
    async fn create(
        &self,
        viewer: &Viewer,
        user: &CurrentUser,
        request: &crate::api::claims::CreationRequest,
    ) -> Result<crate::api::claims::ClaimOutcome, ServiceError>;

    /// The claims the viewer decides, and their own.
    async fn queue(&self, viewer: &Viewer) -> Result<crate::api::claims::ClaimQueue, ServiceError>;

    /// Approves, refuses (with a reason) or withdraws a claim.
    async fn decide(
        &self,
        viewer: &Viewer,
        claim: i64,
        decision: &crate::api::claims::ClaimDecision,
    ) -> Result<crate::api::claims::ClaimOutcome, ServiceError>;

    /// Whether an organisation has an admin (an unclaimed one shows a badge and takes no
    /// edits), and the viewer's own pending claim of it.
    async fn claim_state(
        &self,
        viewer: &Viewer,
        organisation: i64,
    ) -> Result<(bool, Option<String>), ServiceError>;

    /// Every cluster the viewer may see, with its confirmed members counted.
    async fn clusters(
        &self,
        viewer: &Viewer,
    ) -> Result<Vec<crate::api::clusters::ClusterSummary>, ServiceError>;

    /// An organisation's members (a cluster) and the clusters it belongs to, as the viewer
    /// may see them.
    async fn memberships(
        &self,
        viewer: &Viewer,
        organisation: i64,
    ) -> Result<crate::api::clusters::Memberships, ServiceError>;

    /// A cluster's admin names the organisation of this SIRET as a member; its admins are
    /// told and confirm. How many people were told.
    async fn propose_member(
        &self,
        viewer: &Viewer,
        cluster: i64,
        siret: &str,
    ) -> Result<u32, ServiceError>;

    /// A step of the membership of `member` in `cluster` (`domain::cluster::TRANSITIONS`).
    async fn answer_member(
        &self,
        viewer: &Viewer,
        cluster: i64,
        member: i64,
        action: crate::domain::cluster::MemberAction,
    ) -> Result<u32, ServiceError>;
}

/// Everything the UI's server functions may call, provided as Leptos context.
/// What a committee's runner adds as a member: a person of the platform (by address), an
/// organisation of the platform (by id), or an institution by its name.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct MemberInput {
    pub email: String,
    pub organisation_id: String,
    pub label: String,
    pub function: String,
}

/// What a session's runner records on one item.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct DecisionInput {
    pub item_kind: String,
    pub item_id: i64,
    pub stance: String,
    pub comment: String,
    /// For a fiche at the regional committee: `retain`, `rework` or `reject`.
    pub outcome: String,
    /// For a fiche retained: `financial`, `engineering` or `both`.
    pub support: String,
}

/// Governance: a territory's seats and committees, the committees' members, sessions and
/// decisions (`domain::governance`). A decision on a proposal is also the region's opinion in
/// the proposal's workflow, taken through its one door in the same transaction.
#[async_trait::async_trait]
pub trait Governance: Send + Sync {
    async fn territory(
        &self,
        viewer: &Viewer,
        territory: &str,
    ) -> Result<crate::api::governance::TerritoryGovernance, ServiceError>;

    async fn committee(
        &self,
        viewer: &Viewer,
        id: i64,
    ) -> Result<crate::api::governance::CommitteeDetail, ServiceError>;

    async fn session(
        &self,
        viewer: &Viewer,
        id: i64,
    ) -> Result<crate::api::governance::SessionDetail, ServiceError>;

    /// Plans a session on `held_on` (`YYYY-MM-DD`); returns its id.
    async fn plan_session(
        &self,
        viewer: &Viewer,
        user: &CurrentUser,
        committee: i64,
        held_on: &str,
        place: &str,
    ) -> Result<i64, ServiceError>;

    async fn add_member(
        &self,
        viewer: &Viewer,
        committee: i64,
        member: &MemberInput,
    ) -> Result<(), ServiceError>;

    async fn remove_member(
        &self,
        viewer: &Viewer,
        committee: i64,
        member: i64,
    ) -> Result<(), ServiceError>;

    /// Sends a message to the holders of a seat of a territory (a role mailbox: their
    /// addresses stay private); returns how many were told.
    async fn write_to_seat(
        &self,
        viewer: &Viewer,
        user: &CurrentUser,
        territory: &str,
        role: &str,
        message: &str,
    ) -> Result<Told, ServiceError>;

    /// Records the session's decision on one item of its agenda.
    async fn decide(
        &self,
        viewer: &Viewer,
        user: &CurrentUser,
        session: i64,
        decision: &DecisionInput,
    ) -> Result<Told, ServiceError>;
}

/// Fiches-actions and the territory's contract (`domain::action_sheet`): written by the
/// territory's team, co-signed by its binôme, reviewed by its committees, inscribed by
/// avenant, followed. Every read applies the one disclosure rule for a firm's amounts.
#[async_trait::async_trait]
pub trait ActionSheets: Send + Sync {
    async fn list(
        &self,
        viewer: &Viewer,
        filter: &crate::api::action_sheets::SheetFilter,
    ) -> Result<crate::api::action_sheets::SheetList, ServiceError>;

    async fn plan(
        &self,
        viewer: &Viewer,
        territory: &str,
    ) -> Result<crate::api::action_sheets::ActionPlan, ServiceError>;

    async fn detail(
        &self,
        viewer: &Viewer,
        id: i64,
    ) -> Result<crate::api::action_sheets::SheetDetail, ServiceError>;

    async fn choices(
        &self,
        viewer: &Viewer,
        territory: &str,
    ) -> Result<crate::api::action_sheets::SheetChoices, ServiceError>;

    async fn create(
        &self,
        viewer: &Viewer,
        user: &CurrentUser,
        draft: &crate::api::action_sheets::SheetDraft,
    ) -> Result<i64, ServiceError>;

    async fn update(
        &self,
        viewer: &Viewer,
        user: &CurrentUser,
        id: i64,
        patch: &crate::api::action_sheets::SheetPatch,
    ) -> Result<(), ServiceError>;

    async fn add_line(
        &self,
        viewer: &Viewer,
        user: &CurrentUser,
        id: i64,
        line: &crate::api::action_sheets::LineDraft,
    ) -> Result<(), ServiceError>;

    /// Replaces one line (what was committed and paid, as it becomes known).
    async fn update_line(
        &self,
        viewer: &Viewer,
        user: &CurrentUser,
        id: i64,
        line_id: i64,
        line: &crate::api::action_sheets::LineDraft,
    ) -> Result<(), ServiceError>;

    async fn remove_line(
        &self,
        viewer: &Viewer,
        user: &CurrentUser,
        id: i64,
        line_id: i64,
    ) -> Result<(), ServiceError>;

    async fn add_indicator(
        &self,
        viewer: &Viewer,
        user: &CurrentUser,
        id: i64,
        indicator: &crate::api::action_sheets::IndicatorDraft,
    ) -> Result<(), ServiceError>;

    /// Records a dated value (`YYYY-MM-DD`) of one indicator of the fiche.
    async fn record_value(
        &self,
        viewer: &Viewer,
        user: &CurrentUser,
        id: i64,
        indicator: i64,
        measured_on: &str,
        value: f64,
    ) -> Result<(), ServiceError>;

    /// Takes a step of the workflow (outside a committee session: the Region's recorded
    /// agreement, or the porteur's progress).
    async fn step(
        &self,
        viewer: &Viewer,
        user: &CurrentUser,
        id: i64,
        step: &crate::api::action_sheets::SheetStep,
    ) -> Result<Told, ServiceError>;

    async fn contract(
        &self,
        viewer: &Viewer,
        territory: &str,
    ) -> Result<crate::api::action_sheets::ContractView, ServiceError>;

    /// Adds the next avenant to a territory's contract; returns its number.
    async fn add_avenant(
        &self,
        viewer: &Viewer,
        user: &CurrentUser,
        territory: &str,
        title: &str,
        signed_on: &str,
    ) -> Result<i64, ServiceError>;

    /// Sets the contract's kind (`contrat_cadre` or `protocole`), title and signing date
    /// (`YYYY-MM-DD`, or empty while unsigned).
    async fn set_contract(
        &self,
        viewer: &Viewer,
        territory: &str,
        kind: &str,
        title: &str,
        signed_on: &str,
    ) -> Result<(), ServiceError>;

    async fn add_signatory(
        &self,
        viewer: &Viewer,
        territory: &str,
        kind: &str,
        reference: &str,
        function: &str,
    ) -> Result<(), ServiceError>;

    /// Every fiche the filter selects, as the reader may see them (the exports).
    async fn export(
        &self,
        viewer: &Viewer,
        filter: &crate::api::action_sheets::SheetFilter,
    ) -> Result<Vec<crate::api::action_sheets::SheetSummary>, ServiceError>;
}

/// The programme's monitoring (`domain::monitoring`): scorecards computed from the records,
/// as their reader may see them.
#[async_trait::async_trait]
pub trait Monitoring: Send + Sync {
    async fn scorecard(
        &self,
        viewer: &Viewer,
        query: &crate::api::monitoring::ScorecardQuery,
    ) -> Result<crate::api::monitoring::Scorecard, ServiceError>;

    async fn evaluations(
        &self,
        viewer: &Viewer,
    ) -> Result<crate::api::monitoring::Evaluations, ServiceError>;

    /// Opens an evaluation (the national delegation): every scorecard is frozen as of
    /// `taken_on` (`YYYY-MM-DD`, not after today), complete and public; returns its id.
    async fn open_evaluation(
        &self,
        viewer: &Viewer,
        kind: &str,
        title: &str,
        taken_on: &str,
    ) -> Result<i64, ServiceError>;

    async fn evaluation(
        &self,
        viewer: &Viewer,
        id: i64,
        scope: &str,
    ) -> Result<crate::api::monitoring::EvaluationView, ServiceError>;

    /// Writes (or rewrites) the reader's narrative on one scorecard of an evaluation.
    async fn write_narrative(
        &self,
        viewer: &Viewer,
        id: i64,
        scope: &str,
        author: &str,
        body: &str,
    ) -> Result<(), ServiceError>;

    /// Records a quarterly report (replacing the reporter's report of that quarter); returns
    /// its id.
    async fn submit_report(
        &self,
        viewer: &Viewer,
        draft: &crate::api::monitoring::ReportDraft,
    ) -> Result<i64, ServiceError>;

    /// Adds one line to the reporter's report of a quarter (the form).
    async fn add_report_line(
        &self,
        viewer: &Viewer,
        reporter: &str,
        quarter: &str,
        line: &crate::api::monitoring::ReportLineDraft,
    ) -> Result<i64, ServiceError>;

    async fn reports(
        &self,
        viewer: &Viewer,
    ) -> Result<crate::api::monitoring::ReportsView, ServiceError>;

    /// Every frozen scorecard of an evaluation, as the reader may see them.
    async fn evaluation_cards(
        &self,
        viewer: &Viewer,
        id: i64,
    ) -> Result<Vec<crate::api::monitoring::Scorecard>, ServiceError>;
}

#[derive(Clone)]
pub struct Services {
    pub directory: Arc<dyn Directory>,
    pub search: Arc<dyn Search>,
    pub accounts: Arc<dyn Accounts>,
    pub proposals: Arc<dyn Proposals>,
    pub network: Arc<dyn Network>,
    pub needs: Arc<dyn Needs>,
    pub claims: Arc<dyn Claims>,
    pub governance: Arc<dyn Governance>,
    pub action_sheets: Arc<dyn ActionSheets>,
    pub monitoring: Arc<dyn Monitoring>,
}

/// The services from context; a missing context is a wiring bug reported as internal.
pub fn services() -> Result<Services, crate::error::AppError> {
    leptos::prelude::use_context::<Services>().ok_or_else(|| {
        tracing::error!("Services missing from the Leptos context");
        crate::error::AppError::Internal
    })
}
