//! Integrity checks an administrator (or a test) runs: the audit chain, and
//! the invariants of DESIGN.md "Rules that hold always".

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::store::{self, Store, events::ChainReport};

/// The audit chain, re-computed from the first event.
pub fn verify_audit(store: &Store) -> Result<ChainReport> {
    store.read(|c| store::events::verify(c))
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Finding {
    pub rule: String,
    pub offenders: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CheckReport {
    pub ok: bool,
    pub active_orders: i64,
    pub archived_orders: i64,
    pub findings: Vec<Finding>,
}

/// Every invariant; `ok` when none is broken.
pub fn invariants(store: &Store) -> Result<CheckReport> {
    store.read(|c| {
        use store::invariants as inv;
        let mut findings = vec![
            Finding {
                rule: "reserved_equals_open_lines".into(),
                offenders: inv::reservation_mismatches(c)?,
            },
            Finding {
                rule: "reserved_equals_movements".into(),
                offenders: inv::movement_mismatches(c)?,
            },
            Finding {
                rule: "stock_never_negative".into(),
                offenders: inv::negative_stock(c)?,
            },
            Finding {
                rule: "cancelled_finance_nets_to_zero".into(),
                offenders: inv::unbalanced_cancellations(c)?,
            },
            Finding {
                rule: "total_equals_lines".into(),
                offenders: inv::wrong_totals(c)?,
            },
            Finding {
                rule: "every_status_has_its_event".into(),
                offenders: store::events::orders_without_status_event(c)?,
            },
        ];
        let stats = store::archive::stats(c)?;
        let expected = store::archive::stats_recomputed(c)?;
        findings.push(Finding {
            rule: "archive_summary_equals_archive".into(),
            offenders: if stats == expected {
                Vec::new()
            } else {
                vec![format!(
                    "{} summary rows, {} expected",
                    stats.len(),
                    expected.len()
                )]
            },
        });
        let chain = store::events::verify(c)?;
        findings.push(Finding {
            rule: "audit_chain_intact".into(),
            offenders: chain
                .first_broken_event
                .map(|id| vec![format!("event {id}")])
                .unwrap_or_default(),
        });
        findings.retain(|f| !f.offenders.is_empty());
        Ok(CheckReport {
            ok: findings.is_empty(),
            active_orders: store::orders::count_active(c)?,
            archived_orders: store::orders::count_archived(c)?,
            findings,
        })
    })
}
