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
