//! Clusters and their members, as `/clusters` and an organisation's page show them
//! (`domain::cluster` holds the rule).

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A cluster in the list of `/clusters`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterSummary {
    pub id: i64,
    pub name: String,
    pub commune: Option<String>,
    pub territory: Option<(String, String)>,
    /// Confirmed members.
    pub members: u64,
    pub is_demo: bool,
}

/// One side of a membership, as the other side's page lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberView {
    /// The organisation on the other side (the member on a cluster's page, the cluster on a
    /// member's).
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub commune: Option<String>,
    /// `proposed`, `confirmed`, `declined` or `ended`.
    pub status: String,
    /// The steps the reader may take (`confirm`, `decline`, `end`).
    pub actions: Vec<String>,
}

/// An organisation's memberships, as its page shows them to the reader: a cluster's members
/// (confirmed ones to all; proposed, declined and ended ones to its admins), the clusters an
/// organisation belongs to (and, to its admins, those waiting for its confirmation).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Memberships {
    pub members: Vec<MemberView>,
    pub clusters: Vec<MemberView>,
    /// Whether the reader administers this cluster (and so names members).
    pub names_members: bool,
}

/// Every cluster, with its confirmed members counted, by name.
#[server]
pub async fn list_clusters() -> Result<Vec<ClusterSummary>, AppError> {
    let viewer = crate::ports::Who::current().viewer;
    Ok(crate::ports::services()?.claims.clusters(&viewer).await?)
}

/// An organisation's memberships for its page.
#[server]
pub async fn get_memberships(organisation: i64) -> Result<Memberships, AppError> {
    let viewer = crate::ports::Who::current().viewer;
    Ok(crate::ports::services()?
        .claims
        .memberships(&viewer, organisation)
        .await?)
}
