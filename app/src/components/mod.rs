//! Reusable views.

mod bar_chart;
mod checklist;
mod confirm;
mod division_chart;
mod error_view;
mod field;
mod flash;
mod frame;
mod france_map;
mod heading;
mod layout;
mod live;
mod pager;
mod quarter_chart;
mod record;
mod refused;
mod suggest;

pub use bar_chart::BarChart;
pub use checklist::{axis_options, theme_options, Checklist};
pub use confirm::{confirm_label, ConfirmStep};
pub use division_chart::DivisionChart;
pub use error_view::ErrorView;
pub use field::{Field, Select};
pub use flash::Flash;
pub use frame::Frame;
pub use france_map::{FranceMap, MapFill};
pub use heading::{send_to, sign_in_href, sign_in_prompt, PageTitle};
pub use layout::Layout;
pub use live::{LiveForm, LIVE};
pub use pager::Pager;
pub use quarter_chart::QuarterChart;
pub use record::{path_id, path_record, when_loaded};
pub use refused::{
    field_problem, refused_here, ticked_or, typed_or, use_refused, FieldProblem, FormScope,
    ProblemSummary, Refused,
};
pub use suggest::Suggest;
