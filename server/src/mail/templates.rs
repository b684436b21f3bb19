//! Mail templates, French and English, text and HTML. Every dynamic value is escaped in HTML.

use super::Mail;
use app::i18n::Lang;

use app::domain::text::escape_html as escape;

/// What a mail says: a greeting, a paragraph, a button link and a note.
struct Content<'a> {
    kind: &'static str,
    subject: String,
    name: &'a str,
    body: &'a str,
    action: &'a str,
    link: &'a str,
    note: &'a str,
}

fn render(to: &str, lang: Lang, c: Content<'_>) -> Mail {
    let hello = match (lang, c.name.is_empty()) {
        (Lang::Fr, false) => format!("Bonjour {},", c.name),
        (Lang::Fr, true) => "Bonjour,".to_owned(),
        (Lang::En, false) => format!("Hello {},", c.name),
        (Lang::En, true) => "Hello,".to_owned(),
    };
    let footer = match lang {
        Lang::Fr => "Maillage, la plateforme des Territoires d'industrie.",
        Lang::En => "Maillage, the platform of the Territoires d'industrie programme.",
    };
    let text = format!(
        "{hello}\n\n{}\n\n{} : {}\n\n{}\n\n-- \n{footer}\n",
        c.body, c.action, c.link, c.note
    );
    let html = format!(
        "<!DOCTYPE html><html lang=\"{code}\"><body style=\"font-family:sans-serif;color:#1b1f24\">\
         <p>{hello}</p><p style=\"white-space:pre-line\">{body}</p>\
         <p><a href=\"{link}\" style=\"background:#1d4e89;color:#fff;padding:10px 16px;border-radius:4px;text-decoration:none\">{action}</a></p>\
         <p style=\"color:#4a5562\">{note}</p><p style=\"color:#4a5562\">{footer}</p></body></html>",
        code = lang.code(),
        hello = escape(&hello),
        body = escape(c.body),
        link = escape(c.link),
        action = escape(c.action),
        note = escape(c.note),
        footer = escape(footer),
    );
    Mail {
        to: to.to_owned(),
        lang,
        kind: c.kind,
        subject: c.subject,
        text,
        html,
    }
}

/// Confirms an email address after sign-up.
pub fn verify_email(to: &str, lang: Lang, name: &str, link: &str) -> Mail {
    let c = match lang {
        Lang::Fr => Content {
            kind: "account",
            subject: "Confirmez votre adresse sur Maillage".into(),
            name,
            body: "Merci de votre inscription. Confirmez votre adresse électronique pour activer votre compte.",
            action: "Confirmer mon adresse",
            link,
            note: "Ce lien est valable 48 heures. Si vous n'êtes pas à l'origine de cette inscription, ignorez ce message.",
        },
        Lang::En => Content {
            kind: "account",
            subject: "Confirm your address on Maillage".into(),
            name,
            body: "Thank you for signing up. Confirm your email address to activate your account.",
            action: "Confirm my address",
            link,
            note: "This link is valid for 48 hours. If you did not sign up, ignore this message.",
        },
    };
    render(to, lang, c)
}

/// Tells the owner of an address that already has an account that someone tried to sign up
/// with it (the person who tried is told only what every sign-up is told).
pub fn sign_up_attempted(to: &str, lang: Lang, name: &str, link: &str) -> Mail {
    let c = match lang {
        Lang::Fr => Content {
            kind: "account",
            subject: "Quelqu'un a tenté de créer un compte Maillage à votre adresse".into(),
            name,
            body: "Une inscription à Maillage vient d'être demandée avec votre adresse électronique, qui a déjà un compte. Aucun compte n'a été créé et votre mot de passe ne change pas.",
            action: "Mot de passe oublié ?",
            link,
            note: "Si c'était vous, connectez-vous avec votre mot de passe ou choisissez-en un nouveau avec ce lien. Sinon, ignorez ce message.",
        },
        Lang::En => Content {
            kind: "account",
            subject: "Someone tried to create a Maillage account with your address".into(),
            name,
            body: "A sign-up to Maillage was just requested with your email address, which already has an account. No account was created and your password does not change.",
            action: "Forgot your password?",
            link,
            note: "If it was you, sign in with your password or choose a new one with this link. Otherwise, ignore this message.",
        },
    };
    render(to, lang, c)
}

/// Signs in without a password.
pub fn magic_link(to: &str, lang: Lang, name: &str, link: &str) -> Mail {
    let c = match lang {
        Lang::Fr => Content {
            kind: "account",
            subject: "Votre lien de connexion à Maillage".into(),
            name,
            body: "Voici votre lien de connexion, à usage unique.",
            action: "Me connecter",
            link,
            note:
                "Ce lien est valable 15 minutes. Si vous ne l'avez pas demandé, ignorez ce message.",
        },
        Lang::En => Content {
            kind: "account",
            subject: "Your Maillage sign-in link".into(),
            name,
            body: "Here is your single-use sign-in link.",
            action: "Sign in",
            link,
            note:
                "This link is valid for 15 minutes. If you did not ask for it, ignore this message.",
        },
    };
    render(to, lang, c)
}

/// Chooses a new password.
pub fn password_reset(to: &str, lang: Lang, name: &str, link: &str) -> Mail {
    let c = match lang {
        Lang::Fr => Content {
            kind: "account",
            subject: "Réinitialiser votre mot de passe Maillage".into(),
            name,
            body: "Une réinitialisation de votre mot de passe a été demandée.",
            action: "Choisir un nouveau mot de passe",
            link,
            note: "Ce lien est valable 1 heure. Si vous ne l'avez pas demandé, ignorez ce message : votre mot de passe ne change pas.",
        },
        Lang::En => Content {
            kind: "account",
            subject: "Reset your Maillage password".into(),
            name,
            body: "A reset of your password was requested.",
            action: "Choose a new password",
            link,
            note: "This link is valid for 1 hour. If you did not ask for it, ignore this message: your password does not change.",
        },
    };
    render(to, lang, c)
}

/// Joins an organisation or a territory team.
pub fn invitation(
    to: &str,
    lang: Lang,
    inviter: &str,
    scope_label: &str,
    role_label: &str,
    link: &str,
) -> Mail {
    let body = match lang {
        Lang::Fr => format!("{inviter} vous invite à rejoindre « {scope_label} » sur Maillage en tant que {role_label}."),
        Lang::En => format!("{inviter} invites you to join \"{scope_label}\" on Maillage as {role_label}."),
    };
    let c = match lang {
        Lang::Fr => Content {
            kind: "invitation",
            subject: format!("{inviter} vous invite sur Maillage"),
            name: "",
            body: &body,
            action: "Accepter l'invitation",
            link,
            note: "Cette invitation est valable 7 jours.",
        },
        Lang::En => Content {
            kind: "invitation",
            subject: format!("{inviter} invites you to Maillage"),
            name: "",
            body: &body,
            action: "Accept the invitation",
            link,
            note: "This invitation is valid for 7 days.",
        },
    };
    render(to, lang, c)
}

/// The fixed wording of one kind of event mail: (subject prefix, button, footnote) in French
/// and in English.
struct Wording {
    kind: &'static str,
    fr: (&'static str, &'static str, &'static str),
    en: (&'static str, &'static str, &'static str),
}

/// An event mail: "prefix: subject line" as subject, the body line then the person's note.
#[allow(clippy::too_many_arguments)]
fn event(
    to: &str,
    lang: Lang,
    name: &str,
    w: &Wording,
    subject: &str,
    line: &str,
    note: &str,
    link: &str,
) -> Mail {
    let body = if note.trim().is_empty() {
        format!("{line}.")
    } else {
        format!("{line}.\n\n{note}")
    };
    let (prefix, action, footnote) = match lang {
        Lang::Fr => w.fr,
        Lang::En => w.en,
    };
    render(
        to,
        lang,
        Content {
            kind: w.kind,
            subject: format!("{prefix}{}{subject}", app::i18n::colon(lang)),
            name,
            body: &body,
            action,
            link,
            note: footnote,
        },
    )
}

const PROPOSAL: Wording = Wording {
    kind: "proposals",
    fr: ("Demande de simplification", "Voir la demande", "Vous recevez ce message parce que vous suivez cette demande. Réglez vos notifications depuis votre compte."),
    en: ("Simplification proposal", "See the proposal", "You receive this message because you follow this proposal. Change your notifications from your account."),
};

const EXCHANGE: Wording = Wording {
    kind: "exchange",
    fr: (
        "Échange",
        "Voir l'échange",
        "Vous recevez ce message parce que vous représentez l'une des parties de cet échange.",
    ),
    en: (
        "Exchange",
        "See the exchange",
        "You receive this message because you represent one of the parties to this exchange.",
    ),
};

const CONTACT: Wording = Wording {
    kind: "matches",
    fr: ("Mise en relation", "Voir mes mises en relation", "Vous recevez ce message pour votre organisation. Réglez vos notifications depuis votre compte."),
    en: ("Contact", "See my contacts", "You receive this message for your organisation. Change your notifications from your account."),
};

const CLAIM: Wording = Wording {
    kind: "invitation",
    fr: (
        "Revendication",
        "Voir la demande",
        "Vous recevez ce message parce que vous avez fait cette demande ou que vous en décidez. Réglez vos notifications depuis votre compte.",
    ),
    en: (
        "Claim",
        "See the request",
        "You receive this message because you made this request or decide on it. Change your notifications from your account.",
    ),
};

/// A claim of an organisation was made, or decided.
pub fn claim_step(to: &str, lang: Lang, name: &str, line: &str, note: &str, link: &str) -> Mail {
    event(to, lang, name, &CLAIM, line, line, note, link)
}

const MEMBER: Wording = Wording {
    kind: "invitation",
    fr: (
        "Membre d'un cluster",
        "Voir la page de l'organisation",
        "Vous recevez ce message parce que vous représentez cette organisation. Réglez vos notifications depuis votre compte.",
    ),
    en: (
        "Cluster membership",
        "See the organisation's page",
        "You receive this message because you represent this organisation. Change your notifications from your account.",
    ),
};

/// A cluster named an organisation as member, or a membership was confirmed or ended.
pub fn member_step(to: &str, lang: Lang, name: &str, line: &str, link: &str) -> Mail {
    event(to, lang, name, &MEMBER, line, line, "", link)
}

/// A simplification proposal moved: who did what, with their comment.
pub fn proposal_step(
    to: &str,
    lang: Lang,
    name: &str,
    title: &str,
    line: &str,
    comment: &str,
    link: &str,
) -> Mail {
    let body = format!("« {title} »{}{line}", app::i18n::colon(lang));
    event(to, lang, name, &PROPOSAL, line, &body, comment, link)
}

/// An exchange between territories or districts moved on.
pub fn exchange_step(to: &str, lang: Lang, name: &str, line: &str, note: &str, link: &str) -> Mail {
    event(to, lang, name, &EXCHANGE, line, line, note, link)
}

/// A contact between organisations about an annonce moved on.
pub fn contact_step(to: &str, lang: Lang, name: &str, line: &str, note: &str, link: &str) -> Mail {
    event(to, lang, name, &CONTACT, line, line, note, link)
}

/// The daily or weekly summary of notices kept for a person.
pub fn digest(to: &str, lang: Lang, name: &str, lines: &[String], link: &str) -> Mail {
    let body = lines
        .iter()
        .map(|l| format!("- {l}"))
        .collect::<Vec<_>>()
        .join("\n");
    let c = match lang {
        Lang::Fr => Content {
            kind: "digest",
            subject: format!("Maillage : {} nouveauté(s)", lines.len()),
            name,
            body: &body,
            action: "Ouvrir Maillage",
            link,
            note: "Ce récapitulatif suit la fréquence choisie dans votre compte.",
        },
        Lang::En => Content {
            kind: "digest",
            subject: format!("Maillage: {} update(s)", lines.len()),
            name,
            body: &body,
            action: "Open Maillage",
            link,
            note: "This summary follows the frequency chosen in your account.",
        },
    };
    render(to, lang, c)
}

const SEAT: Wording = Wording {
    kind: "invitation",
    fr: (
        "Message pour votre rôle",
        "Voir la page du territoire",
        "Vous recevez ce message parce que vous tenez ce rôle dans le territoire. Maillage ne montre pas votre adresse : répondez directement à l'expéditeur.",
    ),
    en: (
        "Message for your role",
        "See the territory's page",
        "You receive this message because you hold this role in the territory. Maillage does not show your address: answer the sender directly.",
    ),
};

/// Someone wrote to a seat of a territory through its page (the sender's name and address are
/// in the message, for an answer).
pub fn seat_message(
    to: &str,
    lang: Lang,
    name: &str,
    territory: &str,
    sender: (&str, &str),
    message: &str,
    link: &str,
) -> Mail {
    let line = match lang {
        Lang::Fr => format!(
            "{} ({}) vous écrit au sujet de {territory}",
            sender.0, sender.1
        ),
        Lang::En => format!(
            "{} ({}) writes to you about {territory}",
            sender.0, sender.1
        ),
    };
    event(to, lang, name, &SEAT, territory, &line, message, link)
}

const SHEET: Wording = Wording {
    kind: "proposals",
    fr: (
        "Fiche-action",
        "Voir la fiche-action",
        "Vous recevez ce message parce que vous portez, suivez ou examinez cette fiche-action.",
    ),
    en: (
        "Fiche-action",
        "See the fiche-action",
        "You receive this message because you carry, follow or review this fiche-action.",
    ),
};

/// A fiche-action moved on, or its quarterly check is due.
pub fn sheet_step(
    to: &str,
    lang: Lang,
    name: &str,
    title: &str,
    line: &str,
    comment: &str,
    link: &str,
) -> Mail {
    let body = format!("« {title} »{}{line}", app::i18n::colon(lang));
    event(to, lang, name, &SHEET, title, &body, comment, link)
}

const REPORT: Wording = Wording {
    kind: "proposals",
    fr: (
        "Rapport trimestriel",
        "Déclarer les actions du trimestre",
        "Vous recevez ce message parce que vous déclarez pour cet opérateur ou cette Région.",
    ),
    en: (
        "Quarterly report",
        "Report the quarter's actions",
        "You receive this message because you report for this operator or Region.",
    ),
};

/// A quarterly report is due soon and has not been received.
pub fn report_reminder(
    to: &str,
    lang: Lang,
    name: &str,
    (reporter, quarter): (&str, &str),
    due: &str,
    link: &str,
) -> Mail {
    let line = format!(
        "{reporter}, {quarter}{}{} {due}",
        app::i18n::colon(lang),
        app::i18n::t(lang, app::i18n::Key::MailReportReminder)
    );
    event(to, lang, name, &REPORT, quarter, &line, "", link)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mails_follow_the_recipient_language_and_escape_html() {
        let fr = magic_link(
            "a@b.fr",
            Lang::Fr,
            "Zoé <script>",
            "https://m.example/lien?token=x&y=1",
        );
        assert!(fr.subject.contains("connexion"));
        assert!(fr.text.contains("https://m.example/lien?token=x&y=1"));
        assert!(fr.html.contains("Zoé &lt;script&gt;"));
        assert!(fr.html.contains("token=x&amp;y=1"));
        let en = magic_link("a@b.fr", Lang::En, "Zoé", "https://m.example/l");
        assert!(en.subject.contains("sign-in"));
        assert!(en.html.starts_with("<!DOCTYPE html><html lang=\"en\""));
    }
}
