//! The programme's four axes and its one list of themes.
//!
//! Simplification proposals, best practices, the challenges a territory or a district
//! declares, and the fiches-actions to come all speak of the same subjects, so they share
//! one list: a proposal on housing rules and a practice on housing are found together. Each
//! theme sits under the axis it belongs to (DOMAIN: attirer, recruter, innover, simplifier).

use super::workflow::vocabulary;

vocabulary! {
    /// The programme's four axes. The codes are the programme's own French words.
    Axis {
        /// Attract investment, land, relocations.
        Attract => "attirer",
        /// Skills, training, housing, mobility.
        Recruit => "recruter",
        /// Innovation and the ecological transition.
        Innovate => "innover",
        /// Cut red tape.
        Simplify => "simplifier",
    }
}

vocabulary! {
    /// The one list of themes, in the order forms show them (grouped by axis).
    Theme {
        /// Industrial land, brownfields (foncier, friches).
        Land => "land",
        /// Town planning and development (urbanisme).
        Planning => "planning",
        Attractiveness => "attractiveness",
        /// Handing a firm on to a successor (transmission d'entreprises).
        Succession => "succession",
        PublicProcurement => "public_procurement",
        Taxation => "taxation",
        /// Skills, recruitment and training.
        Skills => "skills",
        Housing => "housing",
        Mobility => "mobility",
        LabourLaw => "labour_law",
        Innovation => "innovation",
        Energy => "energy",
        /// The ecological transition, industrial ecology included.
        EcologicalTransition => "ecological_transition",
        /// Environmental rules and authorisations.
        Environment => "environment",
        /// Administrative simplification in general.
        Simplification => "simplification",
        Other => "other",
    }
}

/// Codes of the three lists this one replaced, with the theme each now is: the proposals'
/// French codes and the practices' `industrial_ecology`. The other old codes (`skills`,
/// `land`, `housing`...) are unchanged. Addresses saved before the change keep working.
pub const FORMER_CODES: [(&str, Theme); 10] = [
    ("foncier", Theme::Land),
    ("urbanisme", Theme::Planning),
    ("environnement", Theme::Environment),
    ("energie", Theme::Energy),
    ("droit_du_travail", Theme::LabourLaw),
    ("formation", Theme::Skills),
    ("commande_publique", Theme::PublicProcurement),
    ("fiscalite", Theme::Taxation),
    ("autre", Theme::Other),
    ("industrial_ecology", Theme::EcologicalTransition),
];

impl Theme {
    /// The axis this theme belongs to.
    pub const fn axis(self) -> Axis {
        match self {
            Theme::Land
            | Theme::Planning
            | Theme::Attractiveness
            | Theme::Succession
            | Theme::PublicProcurement
            | Theme::Taxation => Axis::Attract,
            Theme::Skills | Theme::Housing | Theme::Mobility | Theme::LabourLaw => Axis::Recruit,
            Theme::Innovation
            | Theme::Energy
            | Theme::EcologicalTransition
            | Theme::Environment => Axis::Innovate,
            Theme::Simplification | Theme::Other => Axis::Simplify,
        }
    }

    /// A theme from its code or from a code of the lists it replaced.
    pub fn parse_lenient(code: &str) -> Option<Theme> {
        Theme::parse(code).or_else(|| {
            FORMER_CODES
                .iter()
                .find(|(old, _)| *old == code)
                .map(|(_, theme)| *theme)
        })
    }

    /// A theme code from a page's address as it is written now: an address saved under a
    /// former code still filters by its theme. Anything else is kept, for the filter's checks
    /// to name. (The JSON API takes only the current codes, as its document says.)
    pub fn current_code(code: String) -> String {
        match Theme::parse_lenient(&code) {
            Some(theme) => theme.code().to_owned(),
            None => code,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_axis_has_themes_and_the_list_is_grouped_by_axis() {
        for axis in Axis::ALL {
            assert!(Theme::ALL.iter().any(|t| t.axis() == *axis), "{axis:?}");
        }
        let axes: Vec<Axis> = Theme::ALL.iter().map(|t| t.axis()).collect();
        let mut grouped = axes.clone();
        grouped.dedup();
        assert_eq!(
            grouped,
            Axis::ALL,
            "themes of one axis stand together, in axis order"
        );
    }

    #[test]
    fn former_codes_still_name_their_theme() {
        assert_eq!(Theme::parse_lenient("foncier"), Some(Theme::Land));
        assert_eq!(
            Theme::parse_lenient("industrial_ecology"),
            Some(Theme::EcologicalTransition)
        );
        assert_eq!(Theme::parse_lenient("housing"), Some(Theme::Housing));
        assert_eq!(Theme::parse_lenient("weather"), None);
        assert_eq!(Theme::current_code("fiscalite".into()), "taxation");
        assert_eq!(Theme::current_code("weather".into()), "weather");
        for (old, _) in FORMER_CODES {
            assert_eq!(Theme::parse(old), None, "{old} is not a current code");
        }
    }
}
