//! What the board shows, as plain data: the last snapshot, the calls in
//! order and which one is highlighted. Pure: no Bevy, no network, no clock
//! (callers pass `now` in seconds), so it is tested directly.

use protocol::{BoardCall, BoardSnapshot, BoothState, Event, EventKind, Localized};

/// A call to announce (chime, then voice).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Announcement {
    pub number: String,
    pub booth_label: Localized,
    pub recall: bool,
    /// The visitor's own language, when it is neither Japanese nor English.
    pub language: Option<String>,
}

/// What applying an event asks of the app.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Applied {
    pub announcement: Option<Announcement>,
    /// Waiting counts or estimates may have changed: fetch a new snapshot.
    pub refresh: bool,
    /// Something visible changed: redraw.
    pub redraw: bool,
}

#[derive(Debug, Default)]
pub struct BoardModel {
    pub snapshot: Option<BoardSnapshot>,
    /// Most recent first.
    pub calls: Vec<BoardCall>,
    pub last_event_id: i64,
    pub connected: bool,
    /// Number highlighted (flashing) and until when (seconds).
    pub highlight: Option<(String, f64)>,
    pub history_len: usize,
    /// Service names by id (from `/api/v1/services`).
    pub service_names: std::collections::HashMap<String, Localized>,
}

impl BoardModel {
    pub fn new(history_len: usize) -> BoardModel {
        BoardModel {
            history_len,
            ..BoardModel::default()
        }
    }

    /// A snapshot. The first one sets the calls and the stream position;
    /// later ones (refreshes) only bring waits and booth states: calls come
    /// from the event stream alone, so a call made while the stream was
    /// down is still announced when it is replayed, not silently absorbed.
    /// Returns whether anything shown changed (an idle refresh that brings
    /// the same waits costs no redraw).
    pub fn apply_snapshot(&mut self, snapshot: BoardSnapshot) -> bool {
        let changed = match &self.snapshot {
            None => true,
            Some(old) => {
                old.services != snapshot.services
                    || old.booths != snapshot.booths
                    || old.office != snapshot.office
            }
        };
        if self.snapshot.is_none() {
            self.calls = snapshot.recent_calls.clone();
            self.calls.truncate(self.history_len);
            self.last_event_id = self.last_event_id.max(snapshot.last_event_id);
        }
        self.snapshot = Some(snapshot);
        changed
    }

    fn booth_info(&self, booth: &str) -> (Localized, Localized) {
        self.snapshot
            .as_ref()
            .and_then(|s| s.booths.iter().find(|b| b.id == booth))
            .map(|b| (b.label.clone(), b.location.clone()))
            .unwrap_or_else(|| {
                let mut l = Localized::new();
                l.insert("ja".into(), booth.to_string());
                (l.clone(), Localized::new())
            })
    }

    fn set_booth(
        &mut self,
        booth: &str,
        state: Option<BoothState>,
        current: Option<Option<String>>,
    ) {
        if let Some(s) = self.snapshot.as_mut()
            && let Some(b) = s.booths.iter_mut().find(|b| b.id == booth)
        {
            if let Some(state) = state {
                b.state = state;
            }
            if let Some(current) = current {
                b.current_number = current;
            }
        }
    }

    /// Applies one event, at most once (ids at or below the last are skipped).
    pub fn apply_event(&mut self, e: &Event, now: f64, flash_secs: f64) -> Applied {
        if e.id <= self.last_event_id {
            return Applied::default();
        }
        self.last_event_id = e.id;
        let d = &e.data;
        match e.kind {
            EventKind::TicketCalled | EventKind::TicketRecalled => {
                let (Some(number), Some(booth)) = (d.number.clone(), d.booth.clone()) else {
                    return Applied::default();
                };
                let (label, location) = self.booth_info(&booth);
                self.calls.retain(|c| c.number != number);
                self.calls.insert(
                    0,
                    BoardCall {
                        number: number.clone(),
                        booth: booth.clone(),
                        booth_label: label.clone(),
                        location,
                        called_at: e.at,
                        call_count: d.call_count.unwrap_or(1),
                    },
                );
                self.calls.truncate(self.history_len);
                self.set_booth(&booth, None, Some(Some(number.clone())));
                self.highlight = Some((number.clone(), now + flash_secs));
                Applied {
                    announcement: Some(Announcement {
                        number,
                        booth_label: label,
                        recall: e.kind == EventKind::TicketRecalled,
                        language: d.language.clone(),
                    }),
                    refresh: true,
                    redraw: true,
                }
            }
            EventKind::BoothChanged => {
                let state = d.state.as_deref().and_then(BoothState::parse);
                if let Some(booth) = &d.booth {
                    self.set_booth(booth, state, None);
                }
                Applied {
                    announcement: None,
                    refresh: true,
                    redraw: true,
                }
            }
            EventKind::TicketDone
            | EventKind::TicketNoShow
            | EventKind::TicketTransferred
            | EventKind::TicketExpired => {
                if let Some(booth) = &d.booth {
                    self.set_booth(booth, None, Some(None));
                }
                Applied {
                    announcement: None,
                    refresh: true,
                    redraw: true,
                }
            }
            EventKind::TicketIssued | EventKind::TicketServing | EventKind::TicketReactivated => {
                Applied {
                    announcement: None,
                    refresh: true,
                    redraw: false,
                }
            }
            EventKind::ReservationChanged => Applied::default(),
        }
    }

    /// Whether a call is still flashing at `now`.
    pub fn flashing(&self, now: f64) -> Option<&str> {
        self.highlight
            .as_ref()
            .filter(|(_, until)| now < *until)
            .map(|(n, _)| n.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::{Booth, EventData};

    fn label(s: &str) -> Localized {
        [("ja".to_string(), s.to_string())].into_iter().collect()
    }

    fn snapshot(last: i64) -> BoardSnapshot {
        BoardSnapshot {
            office: label("テスト市役所"),
            recent_calls: vec![],
            services: vec![],
            booths: vec![Booth {
                id: "3".into(),
                label: label("3番窓口"),
                location: label("1階"),
                services: vec!["shomei".into()],
                state: BoothState::Open,
                current_number: None,
            }],
            last_event_id: last,
        }
    }

    fn call(id: i64, kind: EventKind, number: &str, count: u32) -> Event {
        Event {
            id,
            kind,
            at: chrono::DateTime::parse_from_rfc3339("2026-12-01T10:00:00+09:00").expect("time"),
            data: EventData {
                number: Some(number.into()),
                booth: Some("3".into()),
                call_count: Some(count),
                ..EventData::default()
            },
        }
    }

    #[test]
    fn a_call_goes_on_top_flashes_and_is_announced_once() {
        let mut m = BoardModel::new(5);
        m.apply_snapshot(snapshot(10));
        let a = m.apply_event(&call(11, EventKind::TicketCalled, "B001", 1), 0.0, 8.0);
        let ann = a.announcement.expect("announced");
        assert_eq!((ann.number.as_str(), ann.recall), ("B001", false));
        assert_eq!(
            ann.booth_label.get("ja").map(String::as_str),
            Some("3番窓口")
        );
        assert_eq!(m.flashing(1.0), Some("B001"));
        assert_eq!(m.flashing(9.0), None);
        assert_eq!(
            m.apply_event(&call(11, EventKind::TicketCalled, "B001", 1), 1.0, 8.0),
            Applied::default(),
            "same id again: nothing"
        );
        m.apply_event(&call(12, EventKind::TicketCalled, "B002", 1), 2.0, 8.0);
        let numbers: Vec<&str> = m.calls.iter().map(|c| c.number.as_str()).collect();
        assert_eq!(numbers, ["B002", "B001"]);
        let booth = &m.snapshot.as_ref().expect("snapshot").booths[0];
        assert_eq!(booth.current_number.as_deref(), Some("B002"));
    }

    #[test]
    fn a_recall_moves_the_number_back_to_the_top_and_says_so() {
        let mut m = BoardModel::new(5);
        m.apply_snapshot(snapshot(0));
        m.apply_event(&call(1, EventKind::TicketCalled, "B001", 1), 0.0, 8.0);
        m.apply_event(&call(2, EventKind::TicketCalled, "B002", 1), 0.0, 8.0);
        let a = m.apply_event(&call(3, EventKind::TicketRecalled, "B001", 2), 20.0, 8.0);
        assert!(a.announcement.expect("announced").recall);
        assert_eq!(m.calls[0].number, "B001");
        assert_eq!(m.calls[0].call_count, 2);
        assert_eq!(m.calls.len(), 2, "no duplicate line");
        assert_eq!(m.flashing(21.0), Some("B001"));
    }

    #[test]
    fn history_is_bounded_and_an_older_snapshot_keeps_newer_calls() {
        let mut m = BoardModel::new(3);
        m.apply_snapshot(snapshot(0));
        for i in 1..=5 {
            m.apply_event(
                &call(i, EventKind::TicketCalled, &format!("B00{i}"), 1),
                0.0,
                8.0,
            );
        }
        assert_eq!(m.calls.len(), 3);
        m.apply_snapshot(snapshot(2));
        assert_eq!(
            m.calls[0].number, "B005",
            "a stale snapshot does not roll calls back"
        );
        assert_eq!(m.last_event_id, 5);
    }

    #[test]
    fn a_newer_snapshot_does_not_swallow_calls_the_stream_will_replay() {
        let mut m = BoardModel::new(5);
        m.apply_snapshot(snapshot(1));
        // The stream was down while event 2 (a call) happened; a refresh
        // arrives first, then the replay.
        assert!(
            !m.apply_snapshot(snapshot(2)),
            "same waits and booths: nothing to redraw"
        );
        let a = m.apply_event(&call(2, EventKind::TicketCalled, "B007", 1), 0.0, 8.0);
        assert!(a.announcement.is_some(), "still announced");
        assert_eq!(m.calls[0].number, "B007");
    }

    #[test]
    fn booth_changes_update_the_grid() {
        let mut m = BoardModel::new(3);
        m.apply_snapshot(snapshot(0));
        let e = Event {
            id: 1,
            kind: EventKind::BoothChanged,
            at: chrono::DateTime::parse_from_rfc3339("2026-12-01T10:00:00+09:00").expect("time"),
            data: EventData {
                booth: Some("3".into()),
                state: Some("paused".into()),
                ..EventData::default()
            },
        };
        assert!(m.apply_event(&e, 0.0, 8.0).redraw);
        assert_eq!(
            m.snapshot.as_ref().expect("s").booths[0].state,
            BoothState::Paused
        );
    }
}
