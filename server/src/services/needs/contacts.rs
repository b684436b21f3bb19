//! Contact requests on annonces (expressions of interest): asked, answered, concluded, with
//! a notice to each side at its frequency; and the inbox of the viewer's contacts.

use super::*;
use app::domain::organisation::OrganisationVisibility;
use app::i18n::{t, Key};

/// The viewer's side of a contact (the side asked first, should they speak for both).
fn contact_side(mine: &[String], from: &str, to: &str) -> ContactSide {
    if mine.iter().any(|s| s == to) {
        ContactSide::Recipient
    } else if mine.iter().any(|s| s == from) {
        ContactSide::Asker
    } else {
        ContactSide::Neither
    }
}

/// A contact's recorded status; a value outside the vocabulary (the schema refuses them) is
/// an internal error, never a step taken.
fn contact_status(code: &str) -> Result<ContactStatus, ServiceError> {
    ContactStatus::parse(code)
        .ok_or_else(|| ServiceError::Internal(anyhow::anyhow!("contact status {code:?}")))
}

/// The longest subject of a contact asked from an organisation's page, in characters.
const SUBJECT_MAX: usize = 200;
/// The longest message of a contact request, in characters.
const MESSAGE_MAX: usize = 5_000;

/// A contact request's message, trimmed: required, and bounded.
fn contact_message(message: &str) -> Result<&str, ServiceError> {
    let message = message.trim();
    if message.is_empty() {
        return Err(invalid("message", Problem::MessageRequired));
    }
    if message.chars().count() > MESSAGE_MAX {
        return Err(invalid("message", Problem::TextTooLong));
    }
    Ok(message)
}

impl NeedService {
    async fn side_name(
        &self,
        db: &impl ConnectionTrait,
        kind: &str,
        id: &str,
    ) -> anyhow::Result<Option<String>> {
        #[derive(sea_orm::FromQueryResult)]
        struct N {
            name: String,
        }
        let sql = if PartyKind::Territory.is(kind) {
            "SELECT name FROM territory WHERE id = ?"
        } else {
            "SELECT name FROM organisation WHERE CAST(id AS TEXT) = ?"
        };
        let n: Option<N> = crate::db::fetch_optional(db, sql, vec![id.into()]).await?;
        Ok(n.map(|n| n.name))
    }

    /// Tells a side's people of a step, in their language, at their "matches" frequency.
    #[allow(clippy::too_many_arguments)]
    async fn notify(
        &self,
        txn: &impl ConnectionTrait,
        side: (&str, &str),
        interest: i64,
        step: ContactStatus,
        title: &str,
        other: Option<&str>,
        note: &str,
    ) -> anyhow::Result<Told> {
        // The inbox, opened on this contact (first, and marked).
        let link = self.link(&format!("/mises-en-relation?contact={interest}"));
        let mut told = Told::default();
        for p in
            crate::db::accounts::side_people(txn, side.0, side.1, NotificationKind::Matches).await?
        {
            let lang = Lang::from_tag(&p.lang).unwrap_or_default();
            let who = other.map_or_else(
                || t(lang, Key::MailAnonymousAuthor).to_owned(),
                str::to_owned,
            );
            let what = t(lang, step.mail_key());
            let line = format!("{who} {what} (« {title} »)");
            let mail = templates::contact_step(&p.email, lang, &p.name, &line, note, &link);
            told.0 += u32::from(
                mail::deliver(
                    txn,
                    p.id,
                    Frequency::of_setting(p.frequency.as_deref()),
                    NotificationKind::Matches,
                    &format!("interest-{interest}-{}-{}", step.code(), p.id),
                    &line,
                    &link,
                    &mail,
                )
                .await?,
            );
        }
        Ok(told)
    }

    /// A contact as `viewer` sees it; `need` is its annonce, none for a contact asked from an
    /// organisation's page (whose sides are always named).
    pub(super) async fn interest_view(
        &self,
        viewer: &Viewer,
        i: InterestRow,
        need: Option<&NeedRow>,
    ) -> anyhow::Result<InterestView> {
        let mine = sides(viewer);
        let (from, to) = (
            format!("{}:{}", i.from_kind, i.from_id),
            format!("{}:{}", i.to_kind, i.to_id),
        );
        let author = need.map(author_key).unwrap_or_default();
        let hidden = need.is_some_and(NeedRow::is_anonymous) && !accepted(&i.status);
        let contacts = if accepted(&i.status) {
            let people = |kind: String, id: String| async move {
                crate::db::accounts::side_people(&self.db, &kind, &id, NotificationKind::Matches)
                    .await
                    .map(|list| {
                        list.into_iter()
                            .map(|p| (p.name, p.email))
                            .collect::<Vec<_>>()
                    })
            };
            Some((
                people(i.from_kind.clone(), i.from_id.clone()).await?,
                people(i.to_kind.clone(), i.to_id.clone()).await?,
            ))
        } else {
            None
        };
        let actions = match ContactStatus::parse(&i.status) {
            Some(status) => contact::offered(status, contact_side(&mine, &from, &to))
                .into_iter()
                .map(|a| a.code().to_owned())
                .collect(),
            None => Vec::new(),
        };
        let about = match i.need_id {
            Some(need) => format!("/annonces/{need}"),
            // Asked from an organisation's page: that page.
            None => format!("/organisations/{}", i.to_id),
        };
        Ok(InterestView {
            id: i.id,
            need_id: i.need_id,
            need_title: i.need_title,
            about,
            from_name: if hidden && from == author && !mine.contains(&author) {
                String::new()
            } else {
                i.from_name.unwrap_or_default()
            },
            to_name: if hidden && to == author && !mine.contains(&author) {
                None
            } else {
                i.to_name
            },
            message: i.message,
            status: i.status,
            reason: i.reason,
            created_at: i.created_at,
            answered_at: i.answered_at,
            closed_at: i.closed_at,
            contacts,
            actions,
        })
    }

    pub(super) async fn contact_inbox(
        &self,
        viewer: &Viewer,
    ) -> Result<Vec<InterestView>, ServiceError> {
        let rows = q::interests_of(&self.db, &sides(viewer)).await?;
        let mut out = Vec::new();
        for i in rows {
            let need = match i.need_id {
                Some(id) => Some(self.row(id).await?),
                None => None,
            };
            out.push(self.interest_view(viewer, i, need.as_ref()).await?);
        }
        Ok(out)
    }

    /// Asks for contact: in the name of one of the viewer's organisations on an annonce, or,
    /// from the annonce's author, with a suggested firm (`target`).
    pub(super) async fn ask_contact(
        &self,
        viewer: &Viewer,
        user: &CurrentUser,
        need_id: i64,
        as_organisation: Option<i64>,
        target: Option<i64>,
        message: &str,
    ) -> Result<(i64, Told), ServiceError> {
        let row = self.row(need_id).await?;
        if !visible(viewer, &row) {
            return Err(ServiceError::NotFound);
        }
        if !row.is_open() {
            return Err(invalid("need", Problem::NeedClosed));
        }
        let message = contact_message(message)?;
        let author = author_key(&row);
        let (from, to) = match (target, as_organisation) {
            (Some(firm), _) => {
                let is_firm = crate::db::fetch_count(
                    &self.db,
                    "SELECT COUNT(*) AS n FROM organisation WHERE id = ? AND kind = ?",
                    vec![firm.into(), OrganisationKind::Firm.code().into()],
                )
                .await?
                    == 1;
                if !is_author(viewer, &row) || !is_firm || author == format!("organisation:{firm}")
                {
                    return Err(ServiceError::Forbidden);
                }
                (author.clone(), format!("organisation:{firm}"))
            }
            (None, Some(org)) => {
                let from = format!("organisation:{org}");
                if !sides(viewer).contains(&from) || from == author {
                    return Err(ServiceError::Forbidden);
                }
                (from, author.clone())
            }
            (None, None) => return Err(invalid("as", Problem::OrganisationRequired)),
        };
        let open = q::interests_of_need(&self.db, need_id)
            .await?
            .into_iter()
            .any(|i| {
                format!("{}:{}", i.from_kind, i.from_id) == from
                    && format!("{}:{}", i.to_kind, i.to_id) == to
                    && matches!(
                        ContactStatus::parse(&i.status),
                        Some(ContactStatus::Requested | ContactStatus::Discussion)
                    )
            });
        if open {
            return Err(ServiceError::Conflict(Conflict::AlreadyAsked));
        }
        let (fk, fi) = from.split_once(':').unwrap_or_default();
        let (tk, ti) = to.split_once(':').unwrap_or_default();
        let at = self.clock.now();
        let txn = self.db.begin().await.context("interest transaction")?;
        let about = q::About::Need(need_id);
        let id = q::insert_interest(&txn, about, (fk, fi), (tk, ti), user.id, message, at).await?;
        let sender = if from == author && row.is_anonymous() {
            None
        } else {
            self.side_name(&txn, fk, fi).await?
        };
        let told = self
            .notify(
                &txn,
                (tk, ti),
                id,
                ContactStatus::Requested,
                &row.title,
                sender.as_deref(),
                message,
            )
            .await?;
        txn.commit().await.context("committing an interest")?;
        Ok((id, told))
    }

    /// Organisations the viewer may ask in the name of, to contact `organisation` from its
    /// page: those they speak for, the organisation itself left out.
    pub(super) async fn names_to_ask_as(
        &self,
        viewer: &Viewer,
        organisation: i64,
    ) -> Result<Vec<(i64, String)>, ServiceError> {
        let ids: Vec<i64> = viewer
            .organisations_spoken_for()
            .into_iter()
            .filter(|o| *o != organisation)
            .collect();
        let mut names: Vec<(i64, String)> = q::firms_by_id(&self.db, &ids)
            .await?
            .into_iter()
            .map(|f| (f.id, f.name))
            .collect();
        names.sort_by(|a, b| a.1.cmp(&b.1));
        Ok(names)
    }

    /// Asks for contact from an organisation's page, outside any annonce: in the name of one
    /// of the viewer's organisations, with a subject and a message.
    pub(super) async fn ask_organisation(
        &self,
        viewer: &Viewer,
        user: &CurrentUser,
        organisation: i64,
        as_organisation: Option<i64>,
        subject: &str,
        message: &str,
    ) -> Result<(i64, Told), ServiceError> {
        #[derive(sea_orm::FromQueryResult)]
        struct Target {
            kind: String,
            visibility: String,
        }
        let target: Target = crate::db::fetch_optional(
            &self.db,
            "SELECT kind, visibility FROM organisation WHERE id = ?",
            vec![organisation.into()],
        )
        .await?
        .ok_or(ServiceError::NotFound)?;
        let members_only = OrganisationVisibility::Members.is(&target.visibility);
        if members_only && !viewer.signed_in() {
            return Err(ServiceError::NotFound);
        }
        // A district is reached by an exchange between territories, not by a contact.
        if !OrganisationKind::parse(&target.kind).is_some_and(OrganisationKind::takes_contacts) {
            return Err(ServiceError::Forbidden);
        }
        let mut problems = Vec::new();
        let subject = subject.trim();
        match subject.chars().count() {
            0..=2 => problems.push(FieldError::new("subject", Problem::TitleTooShort)),
            n if n > SUBJECT_MAX => {
                problems.push(FieldError::new("subject", Problem::TitleTooLong))
            }
            _ => {}
        }
        let message = match contact_message(message) {
            Ok(m) => m,
            Err(ServiceError::Invalid(mut p)) => {
                problems.append(&mut p);
                ""
            }
            Err(e) => return Err(e),
        };
        let Some(from) = as_organisation else {
            problems.push(FieldError::new("as", Problem::OrganisationRequired));
            return Err(ServiceError::Invalid(problems));
        };
        if !problems.is_empty() {
            return Err(ServiceError::Invalid(problems));
        }
        let from_key = format!("organisation:{from}");
        if !sides(viewer).contains(&from_key) || from == organisation {
            return Err(ServiceError::Forbidden);
        }
        let (fi, ti) = (from.to_string(), organisation.to_string());
        let (from_side, to_side) = (("organisation", fi.as_str()), ("organisation", ti.as_str()));
        let open = q::direct_interests(&self.db, from_side, to_side)
            .await?
            .into_iter()
            .any(|i| {
                matches!(
                    ContactStatus::parse(&i.status),
                    Some(ContactStatus::Requested | ContactStatus::Discussion)
                )
            });
        if open {
            return Err(ServiceError::Conflict(Conflict::AlreadyAsked));
        }
        let at = self.clock.now();
        let txn = self.db.begin().await.context("interest transaction")?;
        let about = q::About::Subject(subject);
        let id = q::insert_interest(&txn, about, from_side, to_side, user.id, message, at).await?;
        let sender = self.side_name(&txn, from_side.0, from_side.1).await?;
        let told = self
            .notify(
                &txn,
                to_side,
                id,
                ContactStatus::Requested,
                subject,
                sender.as_deref(),
                message,
            )
            .await?;
        txn.commit().await.context("committing an interest")?;
        Ok((id, told))
    }

    /// Accepts or declines (with a reason) a request addressed to the viewer's side.
    pub(super) async fn answer_contact(
        &self,
        viewer: &Viewer,
        user: &CurrentUser,
        id: i64,
        accept: bool,
        reason: &str,
    ) -> Result<Told, ServiceError> {
        let i = q::interest(&self.db, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let mine = sides(viewer);
        let side = contact_side(
            &mine,
            &format!("{}:{}", i.from_kind, i.from_id),
            &format!("{}:{}", i.to_kind, i.to_id),
        );
        let action = if accept {
            ContactAction::Accept
        } else {
            ContactAction::Decline
        };
        let reason = reason.trim();
        let from_status = contact_status(&i.status)?;
        let to = match contact::decide(from_status, side, action, reason) {
            Ok(to) => to,
            Err(ContactRefusal::NotAllowed) => return Err(ServiceError::Forbidden),
            Err(ContactRefusal::Missing(ContactRequirement::Reason)) => {
                return Err(invalid("reason", Problem::ReasonRequired))
            }
        };
        let row = match i.need_id {
            Some(need) => Some(self.row(need).await?),
            None => None,
        };
        if row.as_ref().is_some_and(|r| !r.is_open()) {
            return Err(invalid("need", Problem::NeedClosed));
        }
        let txn = self.db.begin().await.context("interest transaction")?;
        if !q::set_interest_status(
            &txn,
            id,
            from_status.code(),
            to.code(),
            reason,
            user.id,
            self.clock.now(),
        )
        .await?
        {
            return Err(ServiceError::Conflict(Conflict::ChangedMeanwhile));
        }
        // An anonymous author declining stays anonymous; accepting reveals them.
        let anonymous_author = row.as_ref().is_some_and(|row| {
            row.is_anonymous() && format!("{}:{}", i.to_kind, i.to_id) == author_key(row)
        });
        let name = if anonymous_author && !accept {
            None
        } else {
            i.to_name.clone()
        };
        let told = self
            .notify(
                &txn,
                (&i.from_kind, &i.from_id),
                id,
                to,
                &i.need_title,
                name.as_deref(),
                reason,
            )
            .await?;
        txn.commit().await.context("committing an interest")?;
        Ok(told)
    }

    /// Records how an accepted contact ended: partnership concluded or not.
    pub(super) async fn conclude_contact(
        &self,
        viewer: &Viewer,
        user: &CurrentUser,
        id: i64,
        concluded: bool,
    ) -> Result<Told, ServiceError> {
        let i = q::interest(&self.db, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let mine = sides(viewer);
        let (from, to) = (
            format!("{}:{}", i.from_kind, i.from_id),
            format!("{}:{}", i.to_kind, i.to_id),
        );
        let action = if concluded {
            ContactAction::Concluded
        } else {
            ContactAction::NotConcluded
        };
        let from_status = contact_status(&i.status)?;
        let status = match contact::decide(from_status, contact_side(&mine, &from, &to), action, "")
        {
            Ok(status) => status,
            Err(_) => return Err(ServiceError::Forbidden),
        };
        let txn = self.db.begin().await.context("interest transaction")?;
        if !q::set_interest_status(
            &txn,
            id,
            from_status.code(),
            status.code(),
            "",
            user.id,
            self.clock.now(),
        )
        .await?
        {
            return Err(ServiceError::Conflict(Conflict::ChangedMeanwhile));
        }
        let (other, me) = if mine.contains(&from) {
            ((i.to_kind.as_str(), i.to_id.as_str()), i.from_name.clone())
        } else {
            (
                (i.from_kind.as_str(), i.from_id.as_str()),
                i.to_name.clone(),
            )
        };
        let told = self
            .notify(&txn, other, id, status, &i.need_title, me.as_deref(), "")
            .await?;
        txn.commit().await.context("committing an interest")?;
        Ok(told)
    }
}
