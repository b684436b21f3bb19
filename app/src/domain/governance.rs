//! The programme's bodies and the words they decide with (FAQ 3.2-3.6, 4.6): the opinions a
//! region or a committee gives on an item awaiting it.

crate::domain::workflow::vocabulary! {
    /// An opinion on an item: what a concerned region, the lead region or a committee records
    /// before the decision (FAQ 4.3: every region concerned takes part; 4.6: the comité de
    /// projet local gives its opinion on a fiche-action).
    Stance {
        Favourable => "favourable",
        /// Favourable with reservations.
        Reserved => "reserved",
        Unfavourable => "unfavourable",
    }
}
