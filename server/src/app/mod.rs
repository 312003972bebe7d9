//! The application: a city of offices. `App` holds what the city shares
//! (staff accounts and devices, the kiosk limiter, the outbox, the purge)
//! and one `OfficeApp` per office, with that office's floor, write lock
//! and event hub (see `office.rs` for the write path). HTTP handlers and
//! the CLI go through these and nothing else.

use std::sync::Arc;

use chrono::Duration;
use protocol::ErrorCode;

use crate::clock::Clock;
use crate::config::{City, Office};
use crate::error::{Error, Result};
use crate::limiter::Limiter;
use crate::storage::{Store, StoreError};
use crate::tokens;
use crate::vault::{Vault, VaultError};

pub mod accounts;
mod details;
mod forms;
mod mail;
mod office;
mod queue;
mod reports;
mod reservations;
pub use details::{DetailsOnFile, DetailsUse};
pub use mail::PurgeSummary;
pub use office::OfficeApp;
use office::Writer;

/// Who made a change: recorded in the event log's audit column only.
#[derive(Debug, Clone)]
pub enum Actor {
    Visitor,
    /// The server itself (closing the day).
    System,
    Device {
        id: i64,
        name: String,
    },
    Staff {
        username: String,
    },
}

impl Actor {
    fn audit(&self) -> String {
        match self {
            Actor::Visitor => "visitor".into(),
            Actor::System => "system".into(),
            Actor::Device { id, name } => format!("device:{id}:{name}"),
            Actor::Staff { username } => format!("staff:{username}"),
        }
    }

    fn author(&self) -> String {
        match self {
            Actor::Staff { username } => username.clone(),
            other => other.audit(),
        }
    }
}

/// What every office of the city uses alike.
pub(crate) struct Shared {
    accounts: Arc<accounts::Accounts>,
    kiosk_limiter: Arc<Limiter>,
    mail_wake: Arc<tokio::sync::Notify>,
    vault: Arc<Vault>,
}

/// The departments of every office's procedures, in order, once each.
pub fn city_departments(city: &City) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for o in &city.offices {
        for d in o.questionnaire.departments() {
            if !out.contains(&d) {
                out.push(d);
            }
        }
    }
    out
}

/// Why the application could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Storage(#[from] StoreError),
    #[error(transparent)]
    DetailsKey(#[from] VaultError),
    #[error(transparent)]
    Forms(#[from] crate::forms::FormError),
    #[error("{0}")]
    Directory(String),
}

pub struct App {
    pub city: City,
    /// What holds for every office — the public URL, `[security]`,
    /// `[mail]`, `[privacy]` — as the first office carries it (the city
    /// file says them once for all, see `config::City`).
    pub settings: Office,
    /// The database, seen from the first office (city-wide tables need no
    /// office).
    pub store: Store,
    pub clock: Clock,
    /// Staff accounts, sessions and devices (HTTP and CLI alike).
    pub accounts: Arc<accounts::Accounts>,
    pub kiosk_limiter: Arc<Limiter>,
    /// Wakes the outbox worker when a mail is queued.
    pub mail_wake: Arc<tokio::sync::Notify>,
    /// Seals and opens the family's details.
    pub vault: Arc<Vault>,
    offices: Vec<Arc<OfficeApp>>,
}

impl App {
    /// Ready to serve: the database answers within 2 s and has every
    /// migration (`/readyz`).
    pub async fn ready(&self) -> Result<()> {
        const WITHIN: std::time::Duration = std::time::Duration::from_secs(2);
        match tokio::time::timeout(WITHIN, self.store.readiness()).await {
            Ok(answer) => Ok(answer?),
            Err(_) => Err(crate::storage::StoreError::NotReady(format!(
                "the database did not answer within {} s",
                WITHIN.as_secs()
            ))
            .into()),
        }
    }

    /// The city's offices with their floors read from the database; a
    /// database of one office from before becomes the first office
    /// (`Store::adopt_offices`). A details key other than the one the
    /// database's details were sealed with is refused here, at start.
    pub async fn new(
        city: City,
        store: Store,
        clock: Clock,
        vault: Vault,
    ) -> std::result::Result<App, StartError> {
        let check = match store.details_key_check().await? {
            Some(check) => check,
            None => store.keep_details_key_check(&vault.check_value()?).await?,
        };
        vault.verify(&check)?;
        let vault = Arc::new(vault);
        let ids: Vec<String> = city.offices.iter().map(|o| o.id.clone()).collect();
        store.adopt_offices(&ids).await?;
        let settings = city.first().clone();
        let store = store.at_office(&settings.id);
        let sec = &settings.security;
        let directory = match &settings.directory {
            Some(d) => {
                Some(crate::directory::Directory::new(d.clone()).map_err(StartError::Directory)?)
            }
            None => None,
        };
        let shared = Shared {
            accounts: Arc::new(
                accounts::Accounts::new(
                    store.clone(),
                    ids,
                    city_departments(&city),
                    clock.clone(),
                    settings.time_zone,
                    sec,
                )
                .with_directory(directory),
            ),
            kiosk_limiter: Arc::new(Limiter::new(
                sec.kiosk_requests_per_minute,
                Duration::minutes(1),
                &store,
            )),
            mail_wake: Arc::new(tokio::sync::Notify::new()),
            vault: vault.clone(),
        };
        let mut offices = Vec::with_capacity(city.offices.len());
        for office in &city.offices {
            offices.push(Arc::new(
                OfficeApp::new(office.clone(), &store, clock.clone(), &shared).await?,
            ));
        }
        Ok(App {
            city,
            settings,
            store,
            clock,
            accounts: shared.accounts,
            kiosk_limiter: shared.kiosk_limiter,
            mail_wake: shared.mail_wake,
            vault,
            offices,
        })
    }

    /// The offices, in the city file's order.
    pub fn offices(&self) -> &[Arc<OfficeApp>] {
        &self.offices
    }

    /// The office with this id (404 `unknown_office`).
    pub fn office(&self, id: &str) -> Result<&Arc<OfficeApp>> {
        self.offices
            .iter()
            .find(|o| o.office.id == id)
            .ok_or_else(|| Error::not_found(ErrorCode::UnknownOffice, "no office has this id"))
    }

    /// The city's first office (where a one-office server's data went).
    pub fn first_office(&self) -> &Arc<OfficeApp> {
        // `City` never holds no office (its parser refuses that).
        &self.offices[0]
    }

    /// The office a reservation token's booking belongs to (reservation
    /// links and codes carry no office).
    pub async fn office_of_reservation(&self, token: &str) -> Result<&Arc<OfficeApp>> {
        let unknown = || {
            Error::not_found(
                ErrorCode::UnknownReservation,
                "no reservation has this code",
            )
        };
        if !tokens::looks_like_token(token) {
            return Err(unknown());
        }
        let r = self
            .store
            .reservation_by_token_hash(&tokens::hash(token))
            .await?
            .ok_or_else(unknown)?;
        self.office(&r.office).map_err(|_| unknown())
    }

    /// The office that issued the ticket with this status token.
    pub async fn office_of_ticket(&self, status_token: &str) -> Result<&Arc<OfficeApp>> {
        let unknown =
            || Error::not_found(ErrorCode::UnknownTicket, "no ticket has this status code");
        if !tokens::looks_like_token(status_token) {
            return Err(unknown());
        }
        let office = self
            .store
            .office_of_status_token(status_token)
            .await?
            .ok_or_else(unknown)?;
        self.office(&office).map_err(|_| unknown())
    }

    /// After another server's change (PostgreSQL's notification, or a
    /// periodic look) at `office` (None: look at every office).
    pub async fn refresh(&self, office: Option<&str>) -> Result<()> {
        for o in &self.offices {
            if office.is_none_or(|id| id == o.office.id) {
                o.refresh().await?;
            }
        }
        Ok(())
    }

    /// Each office as `GET /api/v1/offices` shows it, now.
    pub fn offices_info(&self) -> Vec<protocol::OfficeInfo> {
        let now = self.clock.now();
        self.offices
            .iter()
            .map(|o| office_info(&o.office, now))
            .collect()
    }

    /// The whole city's congestion: each office's, and where each
    /// procedure offered at several offices is shortest now.
    pub async fn congestion(&self) -> Result<protocol::CityCongestion> {
        let now = self.clock.now();
        let mut offices = Vec::with_capacity(self.offices.len());
        for o in &self.offices {
            offices.push(protocol::OfficeCongestion {
                office: office_info(&o.office, now),
                congestion: o.congestion().await?,
            });
        }
        Ok(protocol::CityCongestion {
            updated_at: now.with_timezone(&self.settings.time_zone).fixed_offset(),
            shortest: crate::rules::city::shortest_waits(&offices),
            offices,
        })
    }

    /// Erases personal data past the city's retention, now (see
    /// `OfficeApp::purge`: the records of every office go at once).
    pub async fn purge(&self, mail_dir: Option<&std::path::Path>) -> Result<PurgeSummary> {
        self.first_office().purge(mail_dir).await
    }

    /// Today's purge, if no server has done it yet.
    pub async fn daily_purge(&self, mail_dir: &std::path::Path) -> Result<Option<PurgeSummary>> {
        self.first_office().daily_purge(mail_dir).await
    }
}

/// An office's id, names, address and today's hours at `now`.
pub fn office_info(office: &Office, now: chrono::DateTime<chrono::Utc>) -> protocol::OfficeInfo {
    let (hours, open_now) = office.open_at(now);
    protocol::OfficeInfo {
        id: office.id.clone(),
        name: office.name.clone(),
        address: office.address.clone(),
        hours_today: hours.map(|(from, to)| protocol::OpeningHours {
            opens: from.format("%H:%M").to_string(),
            closes: to.format("%H:%M").to_string(),
        }),
        open_now,
    }
}
