// Phone status page: follows the event stream and re-reads this ticket's
// status on every change, so the page is always what the server says.
(() => {
  const me = document.currentScript;
  const token = me.dataset.token;
  const office = me.dataset.office;
  const T = JSON.parse(document.getElementById("status-texts").textContent);
  const $ = (id) => document.getElementById(id);
  const fmt = (s, vars) => String(s).replace(/\{(\w+)\}/g, (_, k) => vars[k]);
  // Configured names may carry furigana marks (｜漢字《かんじ》): the base only.
  const plain = (s) => String(s).replace(/｜([^｜《]+)《[^》]*》/g, "$1");
  const txt = (l) => plain((l && (l[T.lang] || (T.lang.startsWith("ja") ? l.ja : l.en) || l.ja)) || "");
  const ahead = (n) => (n === 1 ? T["status-ahead-1"] : fmt(T["status-ahead"], { count: n }));
  let last = null;

  function show(s) {
    let head = "", detail = "";
    switch (s.state) {
      case "waiting":
        head = T["status-waiting"];
        detail = s.estimated_wait && s.people_ahead > 0
          ? ahead(s.people_ahead) + "　" + fmt(T["status-wait"], { low: s.estimated_wait.low, high: s.estimated_wait.high })
          : T["status-next"];
        break;
      case "called":
        head = T["status-called"];
        detail = fmt(T["status-go"], { booth: txt(s.booth_label) });
        break;
      case "serving": head = T["status-serving"]; break;
      case "done": head = T["status-done"]; break;
      case "no_show": head = T["status-no-show"]; detail = T["kiosk-ask-staff"]; break;
      case "expired": head = T["status-expired"]; break;
      default: head = T["status-cancelled"];
    }
    $("headline").textContent = head;
    $("detail").textContent = detail;
    $("place").textContent = txt(s.location);
    $("status").className = "card state-" + s.state;
    document.title = s.number + " " + head;
    if (s.state === "called" && last !== "called" && navigator.vibrate) navigator.vibrate([300, 200, 300]);
    last = s.state;
  }

  let timer = null;
  async function refresh() {
    try {
      const r = await fetch("/api/v1/tickets/" + encodeURIComponent(token), { cache: "no-store" });
      if (r.ok) show(await r.json());
    } catch (_) { /* the offline line says it */ }
  }
  const soon = () => { clearTimeout(timer); timer = setTimeout(refresh, 150); };
  const source = new EventSource(`/api/v1/offices/${encodeURIComponent(office)}/events?since=now`);
  source.onopen = () => { $("offline").hidden = true; soon(); };
  source.onerror = () => { $("offline").textContent = T["status-offline"]; $("offline").hidden = false; };
  for (const kind of ["ticket.issued", "ticket.called", "ticket.recalled", "ticket.serving", "ticket.done",
    "ticket.no_show", "ticket.reactivated", "ticket.transferred", "booth.changed"]) {
    source.addEventListener(kind, soon);
  }
})();
