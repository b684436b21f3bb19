//! Mail through a real SMTP server (aiosmtpd, started here): links work, and with the server
//! down nothing is lost; once it is back every pending mail arrives exactly once.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::helpers::{spawn_app_with, Backend, TestApp};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// An SMTP sink storing every message in a Maildir.
struct Sink {
    child: Child,
    maildir: PathBuf,
}

impl Sink {
    fn start(port: u16, maildir: &Path) -> Sink {
        let child = Command::new("/usr/bin/python3")
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{port}"),
                "-c",
                "aiosmtpd.handlers.Mailbox",
            ])
            .arg(maildir)
            .spawn()
            .expect("python3-aiosmtpd is installed (make test installs it)");
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "SMTP sink did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Sink {
            child,
            maildir: maildir.to_path_buf(),
        }
    }

    fn messages(&self) -> Vec<String> {
        let mut out = Vec::new();
        for sub in ["new", "cur"] {
            if let Ok(dir) = std::fs::read_dir(self.maildir.join(sub)) {
                for entry in dir.flatten() {
                    out.push(std::fs::read_to_string(entry.path()).unwrap_or_default());
                }
            }
        }
        out
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Decodes quoted-printable soft breaks and escapes (enough to read links).
fn unquote(s: &str) -> String {
    let s = s.replace("=\r\n", "").replace("=\n", "");
    let mut out = Vec::new();
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn token_in(message: &str, path: &str) -> Option<String> {
    let text = unquote(message);
    let marker = format!("{path}?token=");
    let i = text.find(&marker)?;
    Some(
        text[i + marker.len()..]
            .chars()
            .take_while(|c| c.is_ascii_hexdigit())
            .collect(),
    )
}

async fn sign_up(app: &TestApp, email: &str) {
    let r = app
        .client
        .post(app.url("/auth/inscription"))
        .header("Origin", app.address.clone())
        .form(&[
            ("email", email),
            ("name", "Test"),
            ("password", "une phrase de passe longue"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
}

async fn wait_for(what: &str, mut done: impl AsyncFnMut() -> bool) {
    let started = Instant::now();
    while !done().await {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn smtp_delivery_survives_an_outage_and_sends_each_mail_once() {
    let port = free_port();
    let dir = tempfile::tempdir().unwrap();
    let app = spawn_app_with(Backend::Sqlite, Some(format!("smtp://127.0.0.1:{port}"))).await;

    // The SMTP server is down: mails wait in the outbox, each tried at least once.
    for i in 0..3 {
        sign_up(&app, &format!("user{i}@example.fr")).await;
    }
    wait_for("failed attempts", async || {
        app.count("SELECT COUNT(*) FROM outbox WHERE attempts >= 1 AND sent_at IS NULL")
            .await
            == 3
    })
    .await;
    assert!(
        app.count("SELECT COUNT(*) FROM outbox WHERE last_error IS NOT NULL")
            .await
            == 3
    );

    // It comes back: everything pending goes out, exactly once.
    let sink = Sink::start(port, &dir.path().join("mail"));
    server::mail::dispatcher::retry_now(&app.db).await.unwrap();
    wait_for("delivery", async || {
        app.count("SELECT COUNT(*) FROM outbox WHERE sent_at IS NOT NULL")
            .await
            == 3
    })
    .await;
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    let messages = sink.messages();
    assert_eq!(messages.len(), 3, "each mail exactly once");
    let ids: HashSet<String> = messages
        .iter()
        .filter_map(|m| {
            m.lines()
                .find(|l| l.to_ascii_lowercase().starts_with("message-id:"))
                .map(str::to_owned)
        })
        .collect();
    assert_eq!(ids.len(), 3);

    // The link in a delivered mail works.
    let message = messages
        .iter()
        .find(|m| m.contains("user1@example.fr"))
        .unwrap();
    let token = token_in(message, "/verifier").expect("a confirmation link");
    let r = app
        .client
        .post(app.url("/auth/verifier"))
        .header("Origin", app.address.clone())
        .form(&[
            ("token", token.as_str()),
            ("password", "une phrase de passe longue"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/compte?verifie=1");

    // A magic link and an invitation arrive too, in the recipient's language, and work.
    app.client
        .post(app.url("/auth/lien-magique"))
        .header("Origin", app.address.clone())
        .form(&[("email", "user1@example.fr")])
        .send()
        .await
        .unwrap();
    wait_for("the magic link", async || {
        sink.messages()
            .iter()
            .any(|m| token_in(m, "/lien").is_some())
    })
    .await;
    let magic = sink
        .messages()
        .into_iter()
        .find_map(|m| token_in(&m, "/lien"))
        .unwrap();
    let r = app
        .client
        .post(app.url("/auth/lien"))
        .header("Origin", app.address.clone())
        .form(&[("token", magic.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/compte");
    let cookie = r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();

    // user1 becomes admin of a pôle and invites a newcomer.
    let pole = app
        .count("SELECT id FROM organisation WHERE name = 'Polymeris'")
        .await;
    let user = app
        .count("SELECT id FROM user_account WHERE email = 'user1@example.fr'")
        .await;
    server::db::accounts::add_membership(
        &app.db,
        user,
        "organisation",
        &pole.to_string(),
        "admin",
        app.clock.now(),
    )
    .await
    .unwrap();
    let r = app
        .client
        .post(app.url("/compte/invitations"))
        .header("Origin", app.address.clone())
        .header("Cookie", cookie)
        .form(&[
            ("email", "new@example.fr"),
            ("scope_kind", "organisation"),
            ("scope_id", &pole.to_string()),
            ("role", "member"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/compte?invitation=envoyee");
    wait_for("the invitation", async || {
        sink.messages()
            .iter()
            .any(|m| token_in(m, "/invitation").is_some())
    })
    .await;
    let invitation = sink
        .messages()
        .into_iter()
        .find(|m| token_in(m, "/invitation").is_some())
        .unwrap();
    assert!(
        unquote(&invitation).contains("vous invite"),
        "French by default"
    );
    let token = token_in(&invitation, "/invitation").unwrap();
    let r = app
        .client
        .post(app.url("/auth/invitation"))
        .header("Origin", app.address.clone())
        .form(&[
            ("token", token.as_str()),
            ("name", "Nouvelle"),
            ("password", "une phrase de passe longue"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/compte?invitation=1");
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) FROM membership m JOIN user_account u ON u.id = m.user_id WHERE u.email = 'new@example.fr' AND m.scope_id = '{pole}' AND m.role = 'member'")).await,
        1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL")
            .await,
        0
    );
    assert_eq!(
        sink.messages().len() as i64,
        app.count("SELECT COUNT(*) FROM outbox").await,
        "still exactly once each"
    );
}
