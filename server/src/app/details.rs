//! The family's details for staff: shown only to the clerks of the
//! departments the family's checklist sends them to, every view written
//! to the audit log before the details leave the server.

use chrono::{Duration, NaiveDate, TimeZone};
use protocol::{DetailsAuditEntry, ErrorCode, StaffDetails};

use super::{App, OfficeApp};
use crate::app::accounts::sees_details_of;
use crate::error::{Error, Result};
use crate::rules::details::FieldProblem;
use crate::storage::ReservationRow;

/// What a clerk does with a family's details, as the audit log says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DetailsUse {
    View,
    Print,
}

impl DetailsUse {
    pub fn as_str(self) -> &'static str {
        match self {
            DetailsUse::View => "view",
            DetailsUse::Print => "print",
        }
    }
}

impl OfficeApp {
    /// The departments a family's checklist sends it to, in checklist
    /// order, once each.
    pub(super) fn family_departments(&self, r: &ReservationRow) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for p in self
            .checklist_for(&r.service, r.answers.as_ref())
            .unwrap_or_default()
        {
            if !out.contains(&p.department) {
                out.push(p.department);
            }
        }
        out
    }

    /// Of a family's departments (its checklist's), those of the clerk:
    /// 403 `wrong_department` when there are none.
    pub(super) fn departments_of_clerk(
        &self,
        r: &ReservationRow,
        departments: &[String],
    ) -> Result<Vec<String>> {
        let family = self.family_departments(r);
        let mine: Vec<String> = family
            .iter()
            .filter(|d| sees_details_of(departments, d))
            .cloned()
            .collect();
        if mine.is_empty() {
            return Err(Error::forbidden(
                ErrorCode::WrongDepartment,
                format!(
                    "this family's checklist names none of your departments (it names: {})",
                    family.join(", ")
                ),
            ));
        }
        Ok(mine)
    }

    /// One family's details for a clerk of `departments`: 403
    /// `wrong_department` unless the family's checklist names one of them.
    /// The use is in the audit log before the details are returned.
    pub async fn staff_details(
        &self,
        username: &str,
        departments: &[String],
        reservation_id: i64,
        how: DetailsUse,
    ) -> Result<StaffDetails> {
        let r = self.reservation_row(reservation_id).await?;
        let mine = self.departments_of_clerk(&r, departments)?;
        let details = self.open_details(&r)?;
        self.store
            .audit_details(username, reservation_id, how.as_str(), self.clock.now())
            .await?;
        Ok(StaffDetails {
            reservation_id,
            departments: mine,
            details,
        })
    }
}

/// What the family's reservation page says of its details: which
/// groups are given (never the values) and whether they may still change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetailsOnFile {
    pub receipt: protocol::DetailsReceipt,
    /// The booking's procedure takes details at all (おくやみ).
    pub takes_details: bool,
    /// Booked and before the visit day: the family may change them.
    pub changeable: bool,
}

fn receipt_of(given: &protocol::FamilyDetails, until: NaiveDate) -> protocol::DetailsReceipt {
    protocol::DetailsReceipt {
        deceased: given.deceased.is_some(),
        applicant: given.applicant.is_some(),
        refund_account: given.refund_account.is_some(),
        changeable_until: until,
    }
}

impl OfficeApp {
    /// The last day the family may change its details: the day before
    /// the visit (on the day the clerk does).
    fn details_until(&self, r: &ReservationRow) -> NaiveDate {
        crate::rules::booking::local_day(&self.office, r.start) - Duration::days(1)
    }

    /// Past `details_until`: the family's change is refused.
    fn details_closed(&self, r: &ReservationRow) -> bool {
        crate::rules::booking::local_day(&self.office, self.clock.now()) > self.details_until(r)
    }

    /// The family completes or corrects its details with its token,
    /// until the day before the visit (409 `details_closed` on the day,
    /// `already_checked_in` / `cancelled` once it is not booked). The
    /// whole set is replaced; an empty one erases them. The answer says
    /// which groups are given, never the values.
    pub async fn correct_details(
        &self,
        token: &str,
        details: &protocol::FamilyDetails,
    ) -> Result<protocol::DetailsReceipt> {
        let r = self.reservation_by_token(token).await?;
        self.replace_details(&r, details).await
    }

    /// The reservation page's change: the fields given replace theirs,
    /// blank ones keep what the family gave before (it never sees them
    /// again). Every problem of the result is answered (`Ok(Err)`), for
    /// the page to show by its field; otherwise as `correct_details`.
    pub async fn amend_details(
        &self,
        token: &str,
        details: &protocol::FamilyDetails,
    ) -> Result<std::result::Result<protocol::DetailsReceipt, Vec<FieldProblem>>> {
        let r = self.reservation_by_token(token).await?;
        let merged = crate::rules::details::overlay(&self.open_details(&r)?, details);
        if let Err(problems) = self.check_details(&r.service, r.answers.as_ref(), &merged) {
            return Ok(Err(problems));
        }
        self.replace_details(&r, &merged).await.map(Ok)
    }

    /// Which groups of details a booking holds, for its reservation page.
    pub async fn details_on_file(&self, token: &str) -> Result<DetailsOnFile> {
        let r = self.reservation_by_token(token).await?;
        let until = self.details_until(&r);
        let takes_details = self
            .office
            .service(&r.service)
            .is_some_and(|s| s.questionnaire);
        Ok(DetailsOnFile {
            receipt: receipt_of(&self.open_details(&r)?, until),
            takes_details,
            changeable: takes_details
                && r.state == protocol::ReservationState::Booked
                && !self.details_closed(&r),
        })
    }

    async fn replace_details(
        &self,
        r: &ReservationRow,
        details: &protocol::FamilyDetails,
    ) -> Result<protocol::DetailsReceipt> {
        let service = self.office.service(&r.service).ok_or_else(|| {
            Error::not_found(ErrorCode::UnknownService, "the booking's procedure is gone")
        })?;
        let until = self.details_until(r);
        match r.state {
            protocol::ReservationState::Booked => {}
            protocol::ReservationState::Cancelled => {
                return Err(Error::conflict(
                    ErrorCode::Cancelled,
                    "this booking was cancelled",
                ));
            }
            _ => {
                return Err(Error::conflict(
                    ErrorCode::AlreadyCheckedIn,
                    "this booking was checked in: please tell the clerk",
                ));
            }
        }
        let (sealed, given) = self
            .sealed_details(service, r.answers.as_ref(), Some(details))?
            .map_or((None, protocol::FamilyDetails::default()), |(s, d)| {
                (Some(s), d.into_inner())
            });
        if self.details_closed(r) {
            return Err(Error::conflict(
                ErrorCode::DetailsClosed,
                format!("details can be changed until {until}; please tell the clerk on the day"),
            ));
        }
        if !self
            .store
            .set_reservation_details(r.id, sealed.as_deref(), self.clock.now())
            .await?
        {
            return Err(Error::conflict(
                ErrorCode::AlreadyCheckedIn,
                "this booking is no longer booked",
            ));
        }
        Ok(receipt_of(&given, until))
    }
}

impl App {
    /// The audit log of the family's details on one day (in the city's
    /// time zone), every office.
    pub async fn details_audit(&self, day: NaiveDate) -> Result<Vec<DetailsAuditEntry>> {
        let tz = self.settings.time_zone;
        let start = |d: NaiveDate| {
            tz.from_local_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default())
                .earliest()
                .map(|t| t.with_timezone(&chrono::Utc))
                .unwrap_or_default()
        };
        let rows = self
            .store
            .details_audit(start(day), start(day + Duration::days(1)))
            .await?;
        Ok(rows
            .into_iter()
            .map(|a| DetailsAuditEntry {
                at: a.at.with_timezone(&tz).fixed_offset(),
                username: a.username,
                office: a.office,
                reservation_id: a.reservation_id,
                action: a.action,
            })
            .collect())
    }
}
