//! Reusable views.

mod error_view;
mod france_map;
mod layout;

pub use error_view::ErrorView;
pub use france_map::FranceMap;
pub use layout::Layout;
