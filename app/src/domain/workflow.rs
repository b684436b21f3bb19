//! What the workflows of the domain share: each is a table of transitions in code, written
//! once more for people in `docs/`, and a test reads the document back to check that the two
//! agree (proposals, contacts between firms, exchanges between territories and districts).

/// A documented table's rows: (action, from, who, to, requires), each list as codes.
pub type DocumentedRow = (String, Vec<String>, Vec<String>, String, Vec<String>);

/// Reads the rows of the table between `<!-- {name}:begin -->` and `<!-- {name}:end -->`,
/// whose columns are action, from, who, to and requires.
pub fn documented_rows(markdown: &str, name: &str) -> Vec<DocumentedRow> {
    let list = |cell: &str| -> Vec<String> {
        cell.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    };
    markdown
        .split(&format!("<!-- {name}:begin -->"))
        .nth(1)
        .and_then(|rest| rest.split(&format!("<!-- {name}:end -->")).next())
        .unwrap_or_default()
        .lines()
        .filter(|l| l.starts_with('|') && !l.starts_with("|---") && !l.starts_with("| action"))
        .filter_map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split('|').map(str::trim).collect();
            match cells.as_slice() {
                [action, from, who, to, requires] => Some((
                    (*action).to_owned(),
                    list(from),
                    list(who),
                    (*to).to_owned(),
                    list(requires),
                )),
                _ => None,
            }
        })
        .collect()
}

/// A value with a stored code: every vocabulary.
pub trait Coded: Copy + PartialEq + 'static {
    fn code(self) -> &'static str;
}

/// One row of a workflow table: `action` takes a record from one of `from` to `to`, for
/// whoever holds one of `who`, given `requires`.
#[derive(Debug, Clone, Copy)]
pub struct Transition<S: 'static, A, W: 'static, R: 'static> {
    pub action: A,
    pub from: &'static [S],
    pub who: &'static [W],
    pub to: S,
    pub requires: &'static [R],
}

/// The row that lets `who` take `action` in `status`, if any.
pub fn allowed<S: Coded, A: Coded, W: Coded, R: Coded>(
    table: &'static [Transition<S, A, W, R>],
    status: S,
    who: W,
    action: A,
) -> Option<&'static Transition<S, A, W, R>> {
    table
        .iter()
        .find(|t| t.action == action && t.from.contains(&status) && t.who.contains(&who))
}

/// The actions of `actions` that `who` may take in `status`, in that order.
pub fn offered<S: Coded, A: Coded, W: Coded, R: Coded>(
    table: &'static [Transition<S, A, W, R>],
    actions: &[A],
    status: S,
    who: W,
) -> Vec<A> {
    actions
        .iter()
        .copied()
        .filter(|a| allowed(table, status, who, *a).is_some())
        .collect()
}

/// A table as the rows its document holds, for the agreement tests.
pub fn as_documented<S: Coded, A: Coded, W: Coded, R: Coded>(
    table: &[Transition<S, A, W, R>],
) -> Vec<DocumentedRow> {
    let codes = |list: &[_]| {
        list.iter()
            .map(|c: &_| Coded::code(*c).to_owned())
            .collect()
    };
    table
        .iter()
        .map(|t| {
            (
                t.action.code().to_owned(),
                t.from.iter().map(|s| s.code().to_owned()).collect(),
                t.who.iter().map(|w| w.code().to_owned()).collect(),
                t.to.code().to_owned(),
                codes(t.requires),
            )
        })
        .collect()
}

/// Defines a vocabulary enum: its variants with their codes, `ALL`, `code` and `parse`.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $code:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name { $($(#[$vmeta])* $variant),* }

        impl $name {
            /// Every value, in their natural order.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The code it is stored and sent as (a `const fn`, so static SQL can be built
            /// from it with `concatcp!`).
            pub const fn code(self) -> &'static str {
                match self { $($name::$variant => $code),* }
            }

            pub fn parse(code: &str) -> Option<$name> {
                match code { $($code => Some($name::$variant),)* _ => None }
            }

            /// Whether a stored code is this value.
            pub fn is(self, code: &str) -> bool {
                self.code() == code
            }
        }

        /// In the OpenAPI document: a string, one of the codes.
        #[cfg(feature = "ssr")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($code),*]))
                    .into()
            }
        }

        #[cfg(feature = "ssr")]
        impl utoipa::ToSchema for $name {}

        impl $crate::domain::workflow::Coded for $name {
            fn code(self) -> &'static str {
                $name::code(self)
            }
        }
    };
}
pub(crate) use vocabulary;
