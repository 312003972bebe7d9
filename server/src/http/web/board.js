// Live web board: the server renders the first state; this keeps it
// current from the event stream (EventSource resumes with Last-Event-ID by
// itself) and refreshes waits and booths from /api/v1/board.
(() => {
  const T = JSON.parse(document.getElementById("texts").textContent);
  let snap = JSON.parse(document.getElementById("snapshot").textContent);
  const $ = (id) => document.getElementById(id);
  const ja = (l) => (l && (l.ja || l.en)) || "";
  const en = (l) => (l && (l.en || l.ja)) || "";
  const fmt = (s, vars) => s.replace(/\{(\w+)\}/g, (_, k) => vars[k]);
  // Elements are built with textContent only: no text is ever parsed as
  // HTML, so nothing here depends on remembering to escape.
  const el = (tag, cls, ...children) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    for (const c of children) e.append(c);
    return e;
  };

  function render() {
    const latest = snap.recent_calls[0];
    $("number").textContent = latest ? latest.number : "—";
    $("booth").replaceChildren(...(latest
      ? [fmt(T.go_to_ja, { booth: ja(latest.booth_label) }), el("br"), fmt(T.go_to_en, { booth: en(latest.booth_label) })]
      : [T.no_calls]));
    $("calls").replaceChildren(...snap.recent_calls.slice(1).map((c) =>
      el("li", "", el("span", "n", c.number), el("span", "", ja(c.booth_label)))));
    $("services").replaceChildren(...snap.services.map((w) => {
      const wait = w.waiting === 0 ? T.no_wait : fmt(T.wait, { minutes: w.estimated_wait.minutes });
      // The lamp is decided by the server from the office's thresholds.
      return el("div", `card ${w.lamp}`,
        el("div", "name", T.names[w.service] || w.service),
        el("div", "count", fmt(T.waiting, { count: w.waiting })),
        el("div", "", wait));
    }));
    $("booths").replaceChildren(...snap.booths.map((b) =>
      el("div", `booth ${b.state}`, el("b", "", ja(b.label)), el("span", "", `${T.states[b.state]} ${b.current_number || ""}`))));
  }

  let refreshTimer = null;
  function refresh() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(async () => {
      try {
        const r = await fetch(`/api/v1/offices/${encodeURIComponent(T.office)}/board`, { cache: "no-store" });
        if (r.ok) { snap = await r.json(); render(); }
      } catch (_) { /* the stream's reconnect mark tells the story */ }
    }, 200);
  }

  function flash() {
    const now = $("now");
    now.classList.remove("flash");
    void now.offsetWidth; // restart the animation
    now.classList.add("flash");
  }

  // The office's time, wherever the phone is.
  const clockFormat = new Intl.DateTimeFormat("ja-JP", { timeZone: T.time_zone, year: "numeric", month: "long", day: "numeric", hour: "2-digit", minute: "2-digit" });
  function clock() {
    $("clock").textContent = clockFormat.format(new Date());
    setTimeout(clock, 60000 - (Date.now() % 60000) + 20);
  }
  clock();

  const source = new EventSource(`/api/v1/offices/${encodeURIComponent(T.office)}/events?since=${snap.last_event_id}`);
  source.onopen = () => { $("status").hidden = true; };
  source.onerror = () => { $("status").hidden = false; };
  const onCall = (e) => {
    const ev = JSON.parse(e.data);
    const booth = snap.booths.find((b) => b.id === ev.data.booth) || { label: { ja: ev.data.booth } };
    snap.recent_calls = [{ number: ev.data.number, booth: ev.data.booth, booth_label: booth.label, location: booth.location, called_at: ev.at, call_count: ev.data.call_count }]
      .concat(snap.recent_calls.filter((c) => c.number !== ev.data.number)).slice(0, 8);
    snap.last_event_id = ev.id;
    render();
    flash();
    refresh();
  };
  source.addEventListener("ticket.called", onCall);
  source.addEventListener("ticket.recalled", onCall);
  for (const kind of ["ticket.issued", "ticket.serving", "ticket.done", "ticket.no_show", "ticket.reactivated", "ticket.transferred", "ticket.expired", "booth.changed"]) {
    source.addEventListener(kind, refresh);
  }
})();
