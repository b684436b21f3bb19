//! Identifiers with their validation: a value of these types is always well-formed.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Why an identifier was refused, in words a user can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("expected {expected}, got {got:?}")]
    Format { expected: &'static str, got: String },
    #[error("the check digit is wrong (Luhn key)")]
    CheckDigit,
}

fn digits_only(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_digit())
}

/// The Luhn checksum used by SIREN and SIRET.
fn luhn_ok(s: &str) -> bool {
    let sum: u32 = s
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let dd = d * 2;
                if dd > 9 {
                    dd - 9
                } else {
                    dd
                }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// The digit that, appended to `digits`, makes a valid Luhn number (SIREN and SIRET keys).
pub fn luhn_check_digit(digits: &str) -> u32 {
    (0..10)
        .find(|d| luhn_ok(&format!("{digits}{d}")))
        .unwrap_or(0)
}

/// A Territoire d'industrie identifier, `ti-RRnn` (RR = INSEE region code).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TerritoryId(String);

impl TerritoryId {
    pub fn parse(s: &str) -> Result<Self, IdError> {
        let s = s.trim();
        match s.strip_prefix("ti-") {
            Some(rest) if digits_only(rest, 4) => Ok(TerritoryId(s.to_owned())),
            _ => Err(IdError::Format {
                expected: "ti- followed by 4 digits",
                got: s.to_owned(),
            }),
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The INSEE code of the territory's region.
    pub fn region_code(&self) -> &str {
        &self.0[3..5]
    }
}

impl fmt::Display for TerritoryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A SIREN: 9 digits with a Luhn check digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Siren(String);

impl Siren {
    pub fn parse(s: &str) -> Result<Self, IdError> {
        let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        if !digits_only(&s, 9) {
            return Err(IdError::Format {
                expected: "9 digits",
                got: s,
            });
        }
        if !luhn_ok(&s) {
            return Err(IdError::CheckDigit);
        }
        Ok(Siren(s))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// La Poste's SIREN: its establishments' SIRETs follow a different key (sum divisible by 5).
const LA_POSTE_SIREN: &str = "356000000";

/// A SIRET: SIREN + 5-digit establishment number, with a Luhn check digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Siret(String);

impl Siret {
    pub fn parse(s: &str) -> Result<Self, IdError> {
        let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        if !digits_only(&s, 14) {
            return Err(IdError::Format {
                expected: "14 digits",
                got: s,
            });
        }
        let valid = if s.starts_with(LA_POSTE_SIREN) {
            s.bytes().map(|b| u32::from(b - b'0')).sum::<u32>() % 5 == 0
        } else {
            luhn_ok(&s)
        };
        if !valid {
            return Err(IdError::CheckDigit);
        }
        Ok(Siret(s))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn siren(&self) -> &str {
        &self.0[..9]
    }
}

impl fmt::Display for Siret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An INSEE commune code: 5 characters, digits except Corsica's `2A`/`2B`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct InseeCode(String);

impl InseeCode {
    pub fn parse(s: &str) -> Result<Self, IdError> {
        let s = s.trim().to_ascii_uppercase();
        let ok = s.len() == 5
            && (s.bytes().all(|b| b.is_ascii_digit())
                || ((s.starts_with("2A") || s.starts_with("2B"))
                    && s[2..].bytes().all(|b| b.is_ascii_digit())));
        if ok {
            Ok(InseeCode(s))
        } else {
            Err(IdError::Format {
                expected: "a 5-character INSEE commune code",
                got: s,
            })
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A NAF rev. 2 sub-class code, `NN.NNL` (e.g. `25.62B`); the well-formed shape only, its
/// existence is checked against the reference table.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct NafCode(String);

impl NafCode {
    pub fn parse(s: &str) -> Result<Self, IdError> {
        let raw = s.trim().to_ascii_uppercase();
        // Accept the common unpunctuated form `2562B`.
        // ASCII only: a byte offset inside a two-byte letter would split it.
        let s = if raw.len() == 5 && raw.is_ascii() && !raw.contains('.') {
            format!("{}.{}", &raw[..2], &raw[2..])
        } else {
            raw
        };
        let b = s.as_bytes();
        let ok = b.len() == 6
            && b[0].is_ascii_digit()
            && b[1].is_ascii_digit()
            && b[2] == b'.'
            && b[3].is_ascii_digit()
            && b[4].is_ascii_digit()
            && b[5].is_ascii_uppercase();
        if ok {
            Ok(NafCode(s))
        } else {
            Err(IdError::Format {
                expected: "a NAF sub-class such as 25.62B",
                got: s,
            })
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The two-digit division (`25` for `25.62B`).
    pub fn division(&self) -> &str {
        &self.0[..2]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn siret_with_valid_luhn_key_is_accepted() {
        // SIRET of the INSEE head office, a published example.
        assert!(Siret::parse("12002701600563").is_ok());
        assert_eq!(
            Siret::parse("120 027 016 00563").map(|s| s.siren().to_owned()),
            Ok("120027016".into())
        );
    }

    #[test]
    fn siret_with_wrong_key_or_shape_is_refused() {
        assert_eq!(Siret::parse("12002701600564"), Err(IdError::CheckDigit));
        assert!(matches!(
            Siret::parse("1200270160056"),
            Err(IdError::Format { .. })
        ));
        assert!(matches!(
            Siret::parse("1200270160056A"),
            Err(IdError::Format { .. })
        ));
    }

    #[test]
    fn la_poste_sirets_use_their_own_key() {
        // 356000000 + 00048: digit sum 3+5+6+4+8 = 26 -> not divisible by 5.
        assert_eq!(Siret::parse("35600000000048"), Err(IdError::CheckDigit));
        // 3+5+6+4+7 = 25.
        assert!(Siret::parse("35600000000047").is_ok());
    }

    #[test]
    fn siren_checks_its_key() {
        assert!(Siren::parse("120027016").is_ok());
        assert_eq!(Siren::parse("120027017"), Err(IdError::CheckDigit));
    }

    #[test]
    fn territory_ids_have_a_region_prefix() {
        let id = TerritoryId::parse("ti-8422").map(|t| t.region_code().to_owned());
        assert_eq!(id, Ok("84".to_owned()));
        assert!(TerritoryId::parse("ti-84").is_err());
        assert!(TerritoryId::parse("8422").is_err());
    }

    #[test]
    fn insee_codes_accept_corsica() {
        assert!(InseeCode::parse("2A004").is_ok());
        assert!(InseeCode::parse("74081").is_ok());
        assert!(InseeCode::parse("7408").is_err());
        assert!(InseeCode::parse("2C004").is_err());
    }

    #[test]
    fn naf_codes_are_normalised() {
        assert_eq!(
            NafCode::parse("2562b").map(|n| n.as_str().to_owned()),
            Ok("25.62B".into())
        );
        assert_eq!(
            NafCode::parse("25.62B").map(|n| n.division().to_owned()),
            Ok("25".into())
        );
        assert!(NafCode::parse("25.6B").is_err());
    }
}

/// An email address, trimmed and lowercased; the shape only (`local@domain.tld`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    pub fn parse(s: &str) -> Result<Self, IdError> {
        let s = s.trim().to_lowercase();
        let ok = s.len() <= 254
            && !s.contains(char::is_whitespace)
            && s.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            });
        if ok {
            Ok(Email(s))
        } else {
            Err(IdError::Format {
                expected: "an email address",
                got: s,
            })
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod email_tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse(" Zoe@Example.FR ").map(|e| e.as_str().to_owned()),
            Ok("zoe@example.fr".into())
        );
        for bad in [
            "",
            "zoe",
            "zoe@",
            "@example.fr",
            "zoe@example",
            "zoe@@example.fr",
            "zo e@example.fr",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }
}

/// Where a person was going when they were asked to sign in (`?suite=`): a path of this site,
/// with its query, taken back to after the password, the e-mailed link or the address
/// verification. Never another site (`//host`, `/\host`, a scheme), never a sign-in page
/// itself, never the API; bounded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnTo(String);

/// The longest `?suite=` kept, in bytes.
pub const MAX_RETURN_TO_BYTES: usize = 1_000;

impl ReturnTo {
    /// The path, or `None` for anything that is not plainly one of this site's pages.
    pub fn parse(s: &str) -> Option<ReturnTo> {
        let s = s.trim();
        let ok = s.len() <= MAX_RETURN_TO_BYTES
            && s.starts_with('/')
            && !s.starts_with("//")
            && !s.contains('\\')
            && !s.chars().any(|c| c.is_control() || c.is_whitespace())
            && ![
                "/connexion",
                "/inscription",
                "/lien",
                "/verifier",
                "/reinitialiser",
                "/mot-de-passe-oublie",
                "/auth/",
                "/api/",
            ]
            .iter()
            .any(|p| s.starts_with(p));
        ok.then(|| ReturnTo(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `?suite=` (or `&suite=` after `sep`) with this path encoded, to carry it on.
    pub fn query(&self, sep: char) -> String {
        format!("{sep}suite={}", crate::api::search::encode(&self.0))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod return_to_tests {
    use super::*;

    #[test]
    fn only_this_sites_pages_are_returned_to() {
        for good in ["/mises-en-relation", "/annonces/12?x=1&y=2", "/"] {
            assert_eq!(ReturnTo::parse(good).map(|r| r.0), Some(good.to_owned()));
        }
        for bad in [
            "",
            "https://evil.example/",
            "//evil.example",
            "/\\evil.example",
            "javascript:alert(1)",
            "/connexion?suite=/x",
            "/auth/connexion",
            "/api/v1/needs",
            "/a b",
            "/a\nb",
        ] {
            assert_eq!(ReturnTo::parse(bad), None, "{bad:?}");
        }
        assert_eq!(ReturnTo::parse(&format!("/{}", "a".repeat(1_000))), None);
        assert_eq!(
            ReturnTo::parse("/annonces/1?a=b").unwrap().query('?'),
            "?suite=%2Fannonces%2F1%3Fa%3Db"
        );
    }
}
