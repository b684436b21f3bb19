//! Mail templates, French and English, text and HTML. Every dynamic value is escaped in HTML.

use super::Mail;
use app::i18n::Lang;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// One mail: a greeting, a paragraph, a button link, a closing line.
fn render(
    to: &str,
    lang: Lang,
    kind: &'static str,
    subject: String,
    name: &str,
    body: &str,
    action: &str,
    link: &str,
    note: &str,
) -> Mail {
    let hello = match lang {
        Lang::Fr => format!("Bonjour {name},"),
        Lang::En => format!("Hello {name},"),
    };
    let footer = match lang {
        Lang::Fr => "Maillage, la plateforme des Territoires d'industrie.",
        Lang::En => "Maillage, the platform of the Territoires d'industrie programme.",
    };
    let text = format!("{hello}\n\n{body}\n\n{action} : {link}\n\n{note}\n\n-- \n{footer}\n");
    let html = format!(
        "<!DOCTYPE html><html lang=\"{code}\"><body style=\"font-family:sans-serif;color:#1b1f24\">\
         <p>{hello}</p><p>{body}</p>\
         <p><a href=\"{link}\" style=\"background:#1d4e89;color:#fff;padding:10px 16px;border-radius:4px;text-decoration:none\">{action}</a></p>\
         <p style=\"color:#4a5562\">{note}</p><p style=\"color:#4a5562\">{footer}</p></body></html>",
        code = lang.code(),
        hello = escape(&hello),
        body = escape(body),
        link = escape(link),
        action = escape(action),
        note = escape(note),
        footer = escape(footer),
    );
    Mail {
        to: to.to_owned(),
        lang,
        kind,
        subject,
        text,
        html,
    }
}

/// Confirms an email address after sign-up.
pub fn verify_email(to: &str, lang: Lang, name: &str, link: &str) -> Mail {
    match lang {
        Lang::Fr => render(to, lang, "account", "Confirmez votre adresse sur Maillage".into(), name,
            "Merci de votre inscription. Confirmez votre adresse électronique pour activer votre compte.",
            "Confirmer mon adresse", link, "Ce lien est valable 48 heures. Si vous n'êtes pas à l'origine de cette inscription, ignorez ce message."),
        Lang::En => render(to, lang, "account", "Confirm your address on Maillage".into(), name,
            "Thank you for signing up. Confirm your email address to activate your account.",
            "Confirm my address", link, "This link is valid for 48 hours. If you did not sign up, ignore this message."),
    }
}

/// Signs in without a password.
pub fn magic_link(to: &str, lang: Lang, name: &str, link: &str) -> Mail {
    match lang {
        Lang::Fr => render(
            to,
            lang,
            "account",
            "Votre lien de connexion à Maillage".into(),
            name,
            "Voici votre lien de connexion, à usage unique.",
            "Me connecter",
            link,
            "Ce lien est valable 15 minutes. Si vous ne l'avez pas demandé, ignorez ce message.",
        ),
        Lang::En => render(
            to,
            lang,
            "account",
            "Your Maillage sign-in link".into(),
            name,
            "Here is your single-use sign-in link.",
            "Sign in",
            link,
            "This link is valid for 15 minutes. If you did not ask for it, ignore this message.",
        ),
    }
}

/// Chooses a new password.
pub fn password_reset(to: &str, lang: Lang, name: &str, link: &str) -> Mail {
    match lang {
        Lang::Fr => render(to, lang, "account", "Réinitialiser votre mot de passe Maillage".into(), name,
            "Une réinitialisation de votre mot de passe a été demandée.",
            "Choisir un nouveau mot de passe", link, "Ce lien est valable 1 heure. Si vous ne l'avez pas demandé, ignorez ce message : votre mot de passe ne change pas."),
        Lang::En => render(to, lang, "account", "Reset your Maillage password".into(), name,
            "A reset of your password was requested.",
            "Choose a new password", link, "This link is valid for 1 hour. If you did not ask for it, ignore this message: your password does not change."),
    }
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
    match lang {
        Lang::Fr => render(to, lang, "invitation", format!("{inviter} vous invite sur Maillage"), "",
            &format!("{inviter} vous invite à rejoindre « {scope_label} » sur Maillage en tant que {role_label}."),
            "Accepter l'invitation", link, "Cette invitation est valable 7 jours."),
        Lang::En => render(to, lang, "invitation", format!("{inviter} invites you to Maillage"), "",
            &format!("{inviter} invites you to join \"{scope_label}\" on Maillage as {role_label}."),
            "Accept the invitation", link, "This invitation is valid for 7 days."),
    }
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
