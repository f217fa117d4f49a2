//! The limits the core enforces on what people type, in one place, so that
//! a window can say them before the core refuses (never a second copy of the
//! numbers in the UI).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Limits {
    /// Notes on a cancel, a rejection or a hand-over, and the message to
    /// the customer.
    pub note: usize,
    /// An order's own notes.
    pub order_notes: usize,
    pub order_lines: usize,
    pub customer_name: usize,
    pub customer_code: usize,
    pub contact: usize,
    pub phone: usize,
    pub email: usize,
    pub sku: usize,
    pub product_name: usize,
    pub unit: usize,
    pub stock_reason: usize,
    pub password_min: usize,
    pub password_max: usize,
}

pub fn limits() -> Limits {
    Limits {
        note: crate::cancel::NOTE_MAX.min(crate::reassign::NOTE_MAX),
        order_notes: crate::entry::NOTES_MAX,
        order_lines: crate::entry::LINES_MAX,
        customer_name: crate::customers::NAME_MAX,
        customer_code: crate::customers::CODE_MAX,
        contact: crate::customers::CONTACT_MAX,
        phone: crate::customers::PHONE_MAX,
        email: crate::customers::EMAIL_MAX,
        sku: crate::products::SKU_MAX,
        product_name: crate::products::NAME_MAX,
        unit: crate::products::UNIT_MAX,
        stock_reason: crate::products::REASON_MAX,
        password_min: crate::auth::MIN_PASSWORD,
        password_max: crate::auth::MAX_PASSWORD,
    }
}
