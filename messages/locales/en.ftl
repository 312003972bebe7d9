office-demo-note = A fictional city hall for demonstration
board-now-calling = Now calling
board-recent = Recent calls
board-services = Waiting
board-waiting = { $count ->
    [one] 1 waiting
   *[other] { $count } waiting
}
board-wait = about { $minutes } min
board-wait-none = no wait
board-booths = Counters
booth-open = Open
booth-paused = Paused
booth-closed = Closed
board-reconnecting = Reconnecting…
board-no-calls = We call you by number. Please take a seat.
board-go-to = to { $booth }
board-guidance = We call you by number, never by name, on screen and by voice.
announce-call = Number { $number }, please go to { $booth }.
announce-recall = Calling again: number { $number }, please go to { $booth }.
kiosk-title = Reception
kiosk-welcome-scan = Please hold your reservation QR code to the reader
kiosk-welcome-scan-hint = Show the QR code from your confirmation e-mail or phone to the reader below
kiosk-welcome-walkin = No reservation? Touch here
kiosk-language-button = 日本語
kiosk-checking = Checking…
kiosk-retrying = Waiting for the reception system. Please wait a moment…
kiosk-offline-banner = Not connected to the reception system. Please ask a member of staff
kiosk-walkin-title = Choose your procedures (one or more)
kiosk-reservation-only-tag = By reservation
kiosk-priority = Priority (pregnant, elderly or disabled visitors)
kiosk-confirm = Get a ticket
kiosk-back = Back
kiosk-ticket-your-number = Your number
kiosk-ticket-procedures = Procedures
kiosk-ticket-where = Please wait at { $place }
kiosk-ticket-ahead = { $count ->
    [one] 1 person ahead
   *[other] { $count } people ahead
}
kiosk-ticket-wait = Estimated wait { $low }–{ $high } min
kiosk-ticket-no-wait = You will be called shortly
kiosk-ticket-phone = Scan with your phone to follow your turn
kiosk-ticket-called = Your number will be shown on screen and announced
kiosk-ticket-done = Close
kiosk-ticket-print-failed = The ticket could not be printed. Please note your number
kiosk-ask-staff = Please ask a member of staff
kiosk-error-title = We could not check you in
kiosk-error-unknown_code = We cannot find a reservation for this QR code
kiosk-error-malformed_code = The code could not be read. Please hold it to the reader again
kiosk-error-cancelled = This reservation has been cancelled
kiosk-error-too_early = It is too early to check in. Please scan again shortly before your time
kiosk-error-too_late = The time of your reservation has passed
kiosk-error-wrong_day = This reservation is for another day
kiosk-error-already_used = This reservation has already been used
kiosk-error-reservation_only = This procedure is by reservation only
kiosk-error-office_closed = Reception is closed now
kiosk-error-unauthorized = This kiosk is not registered
kiosk-error-offline = No ticket could be issued: the reception system cannot be reached
kiosk-error-other = This cannot be done at this kiosk
kiosk-retry = Try again
kiosk-start-over = Start over
kiosk-select-one = Please choose at least one procedure
