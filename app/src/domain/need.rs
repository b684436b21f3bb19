//! The vocabularies of an annonce (a need or an offer): its kind, who may read it, and
//! whether it is still open.

use super::workflow::vocabulary;

vocabulary! {
    /// What an annonce is about. `Capacity` and `Technology` are offers, the rest needs.
    NeedKind {
        Supplier => "supplier",
        Capacity => "capacity",
        Skills => "skills",
        Land => "land",
        Partnership => "partnership",
        Technology => "technology",
    }
}

impl NeedKind {
    /// Whether it offers something (a capacity, a technology) rather than asks.
    pub fn is_offer(self) -> bool {
        matches!(self, NeedKind::Capacity | NeedKind::Technology)
    }
}

vocabulary! {
    /// Who may read an annonce: everyone, signed-in members, or members without the
    /// author's identity until the author accepts a contact.
    NeedVisibility {
        Public => "public",
        Members => "members",
        Anonymous => "anonymous",
    }
}

vocabulary! {
    /// Whether an annonce still takes answers.
    NeedStatus {
        Open => "open",
        Closed => "closed",
    }
}
