//! When a registered visitor is e-mailed: once when at most N people are
//! ahead, once when called — per procedure step, so a transfer to the next
//! department starts over. Pure: the caller supplies the ticket's state.

use protocol::TicketState;

use crate::storage::Registration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    /// `people_ahead` ≤ the visitor's threshold (0: next).
    Ahead {
        people_ahead: u32,
    },
    Called,
}

/// The mails due now and the registration as it will be stored.
pub fn due(
    reg: &Registration,
    state: TicketState,
    step: usize,
    people_ahead: u32,
) -> (Option<Due>, Registration) {
    let mut next = reg.clone();
    if step != reg.step {
        next.step = step;
        next.ahead_sent = false;
        next.called_sent = false;
    }
    let due = match state {
        TicketState::Waiting if !next.ahead_sent && people_ahead <= next.ahead => {
            next.ahead_sent = true;
            Some(Due::Ahead { people_ahead })
        }
        TicketState::Called if !next.called_sent => {
            // Called before the threshold was reached (an empty queue, a
            // specific call): the "near" mail is moot now.
            next.called_sent = true;
            next.ahead_sent = true;
            Some(Due::Called)
        }
        _ => None,
    };
    (due, next)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reg(ahead: u32) -> Registration {
        Registration {
            ticket_id: 1,
            email: "a@example.jp".into(),
            ahead,
            lang: "ja".into(),
            step: 0,
            ahead_sent: false,
            called_sent: false,
        }
    }

    #[test]
    fn nothing_while_more_people_are_ahead_than_asked() {
        let (d, next) = due(&reg(3), TicketState::Waiting, 0, 4);
        assert_eq!(d, None);
        assert_eq!(next, reg(3));
    }

    #[test]
    fn near_mail_once_at_the_threshold_then_called_once() {
        let (d, r) = due(&reg(3), TicketState::Waiting, 0, 3);
        assert_eq!(d, Some(Due::Ahead { people_ahead: 3 }));
        let (d, r) = due(&r, TicketState::Waiting, 0, 1);
        assert_eq!(d, None, "the near mail is sent once");
        let (d, r) = due(&r, TicketState::Called, 0, 0);
        assert_eq!(d, Some(Due::Called));
        let (d, _) = due(&r, TicketState::Called, 0, 0);
        assert_eq!(d, None, "a recall sends no second mail");
    }

    #[test]
    fn a_call_before_the_threshold_sends_only_the_called_mail() {
        let (d, r) = due(&reg(1), TicketState::Called, 0, 0);
        assert_eq!(d, Some(Due::Called));
        let (d, _) = due(&r, TicketState::Waiting, 0, 0);
        assert_eq!(
            d, None,
            "back in the queue (no-show undone) at the same step"
        );
    }

    #[test]
    fn the_next_procedure_step_starts_over() {
        let (_, r) = due(&reg(2), TicketState::Waiting, 0, 0);
        let (_, r) = due(&r, TicketState::Called, 0, 0);
        let (d, r) = due(&r, TicketState::Waiting, 1, 5);
        assert_eq!(d, None);
        assert_eq!((r.step, r.ahead_sent, r.called_sent), (1, false, false));
        let (d, _) = due(&r, TicketState::Waiting, 1, 2);
        assert_eq!(d, Some(Due::Ahead { people_ahead: 2 }));
    }

    #[test]
    fn finished_tickets_get_nothing() {
        for s in [
            TicketState::Serving,
            TicketState::Done,
            TicketState::NoShow,
            TicketState::Cancelled,
        ] {
            assert_eq!(due(&reg(3), s, 0, 0).0, None, "{s:?}");
        }
    }
}
