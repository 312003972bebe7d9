// Staff console: the server renders the shells; this script talks to the
// staff JSON API (session cookie + X-CSRF-Token) and stays live over SSE.
(() => {
  const $ = (id) => document.getElementById(id);
  const T = JSON.parse($("texts").textContent);
  const page = document.body.dataset.page;
  // The office the page is about: its API lives under /api/v1/offices/{office}.
  const API = "/api/v1/offices/" + encodeURIComponent(document.body.dataset.office || "");
  const csrfMeta = document.querySelector('meta[name="csrf-token"]');
  const csrf = csrfMeta ? csrfMeta.content : "";
  // Elements are built, never parsed from strings: text goes in as text
  // (textContent), so no escaping depends on remembering it.
  //   h("td", { class: "n", dataset: { id: 1 } }, "B001", h("span", {}, "…"))
  const h = (tag, attrs, ...children) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "dataset") Object.assign(e.dataset, v);
      else if (k === "class") e.className = v;
      else e.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children.flat(Infinity)) if (c !== null && c !== undefined && c !== false) e.append(c);
    return e;
  };
  const muted = (text) => h("tr", {}, h("td", { class: "muted" }, text));
  const fmt = (s, vars) => String(s).replace(/\{(\w+)\}/g, (_, k) => vars[k]);

  function say(text) {
    const m = $("message");
    m.textContent = text;
    m.hidden = !text;
  }

  async function api(method, path, body) {
    const r = await fetch(path, {
      method,
      credentials: "same-origin",
      headers: { "content-type": "application/json", "x-csrf-token": csrf },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (r.status === 401 && page !== "login") {
      location.href = "/staff/login?next=" + encodeURIComponent(location.pathname);
      throw new Error("unauthorized");
    }
    const data = r.status === 204 ? null : await r.json().catch(() => null);
    if (!r.ok) {
      const err = new Error((data && data.error && data.error.code) || String(r.status));
      err.status = r.status;
      throw err;
    }
    return data;
  }

  // ------------------------------------------------------------ login
  if (page === "login") {
    $("login").addEventListener("submit", async (e) => {
      e.preventDefault();
      say("");
      try {
        await api("POST", "/api/v1/session", { username: $("username").value, password: $("password").value });
        location.href = document.body.dataset.next || "/staff";
      } catch (err) {
        say(err.status === 429 ? T.login_locked : err.status === 401 ? T.login_failed : fmt(T.error, { reason: err.message }));
        $("password").value = "";
        $("password").focus();
      }
    });
    return;
  }
  // ------------------------------------------------------------ admin
  if (page === "admin") {
    async function lists() {
      try {
        const [users, devices] = await Promise.all([api("GET", "/api/v1/admin/users"), api("GET", "/api/v1/admin/devices")]);
        $("users").tBodies[0].replaceChildren(...users.map((u) => h("tr", { dataset: { user: u.username } },
          h("td", {}, u.username), h("td", {}, u.role), h("td", {}, (u.offices || []).join(", ")),
          h("td", { class: "departments" }, (u.departments || []).join(", ")), h("td", {}, u.active ? T.active : T.inactive),
          h("td", { class: "b" }, u.active && u.username !== T.me
            ? h("button", { type: "button", class: "deactivate", dataset: { user: u.username } }, T.deactivate) : null))));
        $("devices").tBodies[0].replaceChildren(...devices.map((d) => h("tr", { dataset: { device: d.id } },
          h("td", {}, String(d.id)), h("td", {}, d.name), h("td", {}, d.role), h("td", {}, d.active ? T.active : T.inactive),
          h("td", { class: "b" }, d.active
            ? h("button", { type: "button", class: "revoke", dataset: { device: d.id } }, T.revoke) : null))));
      } catch (err) {
        if (err.message !== "unauthorized") say(fmt(T.error, { reason: err.message }));
      }
    }
    async function run(method, path, body) {
      say("");
      try { return await api(method, path, body); } catch (err) { say(fmt(T.error, { reason: err.message })); return null; } finally { await lists(); }
    }
    $("users").addEventListener("click", (e) => {
      const b = e.target.closest("button.deactivate");
      if (b) run("POST", `/api/v1/admin/users/${encodeURIComponent(b.dataset.user)}/deactivate`);
    });
    $("devices").addEventListener("click", (e) => {
      const b = e.target.closest("button.revoke");
      if (b) run("POST", `/api/v1/admin/devices/${b.dataset.device}/revoke`);
    });
    $("user-form").addEventListener("submit", async (e) => {
      e.preventDefault();
      const checked = (name) => [...document.querySelectorAll(`#user-form input[name=${name}]:checked`)].map((i) => i.value);
      const done = await run("POST", "/api/v1/admin/users", {
        username: $("new-username").value, password: $("new-password").value, role: $("new-role").value,
        offices: checked("office"), departments: checked("department"),
      });
      $("new-password").value = "";
      if (done) {
        $("new-username").value = "";
        document.querySelectorAll("#new-departments input:checked").forEach((i) => { i.checked = false; });
      }
    });
    $("device-form").addEventListener("submit", async (e) => {
      e.preventDefault();
      const made = await run("POST", "/api/v1/admin/devices", { name: $("new-device").value, role: $("new-device-role").value });
      if (made) {
        $("token").textContent = made.token;
        $("new-token").hidden = false;
        $("new-device").value = "";
      }
    });
    lists();
    return;
  }
  // ------------------------------------------------------------ reservations
  if (page === "reservations") {
    const day = document.body.dataset.date;
    const isToday = day === document.body.dataset.today;
    const time = (iso) => iso.slice(11, 16);
    const addDays = (d, n) => { const t = new Date(d + "T00:00:00Z"); t.setUTCDate(t.getUTCDate() + n); return t.toISOString().slice(0, 10); };
    async function show() {
      let list;
      try { list = await api("GET", API + "/staff/reservations?date=" + day); } catch (err) { say(fmt(T.error, { reason: err.message })); return; }
      const services = Object.keys(T.names);
      const actions = (r, sid) => r.state !== "booked" ? [] : [
        h("button", { type: "button", class: "checkin", dataset: { id: r.id }, disabled: !isToday }, T.checkin),
        h("details", { dataset: { id: r.id, service: sid } }, h("summary", {}, T.change), h("div", { class: "stack" },
          h("label", { for: `reason-${r.id}` }, T.reason), h("input", { id: `reason-${r.id}`, class: "reason", maxlength: 500 }),
          h("button", { type: "button", class: "cancel warn", dataset: { id: r.id } }, T.cancel),
          h("label", { for: `move-${r.id}` }, T["move-to"]), h("select", { id: `move-${r.id}`, class: "move-to" }),
          h("button", { type: "button", class: "move", dataset: { id: r.id } }, T.move))),
      ];
      const row = (r, sid) => h("tr", { dataset: { id: r.id } },
        h("td", {}, time(r.start)), h("td", { class: "n" }, String(r.id).padStart(6, "0")), h("td", {}, r.name || "—"),
        h("td", {}, r.phone || r.email || "—"), h("td", { class: "state-cell" }, T["state-" + r.state] || r.state),
        h("td", {}, r.ticket_number || ""), h("td", {}, r.change_reason || ""), h("td", { class: "b" }, actions(r, sid)));
      const heads = [T.time, T.number, T.name, T.contact, T.state, T.ticket, T.reason].map((t) => h("th", { scope: "col" }, t));
      $("reservations").replaceChildren(...services.map((sid) => {
        const mine = list.filter((r) => r.service === sid);
        return h("section", { class: "card" }, h("h2", {}, T.names[sid]), h("table", { id: `res-${sid}` },
          h("thead", {}, h("tr", {}, heads.map((th) => th.cloneNode(true)), h("th", { scope: "col" }, h("span", { class: "sr-only" }, T.change)))),
          h("tbody", {}, mine.length ? mine.map((r) => row(r, sid)) : muted(T.none))));
      }));
    }
    const box = $("reservations");
    box.addEventListener("toggle", async (e) => {
      const d = e.target;
      if (!(d instanceof HTMLDetailsElement) || !d.open) return;
      const sel = d.querySelector("select.move-to");
      if (sel.options.length) return;
      try {
        const slots = await api("GET", `${API}/slots?service=${encodeURIComponent(d.dataset.service)}&from=${day}&to=${addDays(day, 14)}`);
        sel.replaceChildren(...slots.filter((s) => s.bookable).map((s) => h("option", { value: s.start }, s.start.slice(0, 10) + " " + time(s.start))));
      } catch (err) { say(fmt(T.error, { reason: err.message })); }
    }, true);
    box.addEventListener("click", async (e) => {
      const b = e.target.closest("button");
      if (!b || !b.dataset.id) return;
      const id = b.dataset.id;
      say("");
      try {
        if (b.classList.contains("checkin")) {
          const t = await api("POST", `${API}/staff/reservations/${id}/checkin`);
          say(fmt(T["checked-in"], { number: t.number }));
        } else if (b.classList.contains("cancel")) {
          await api("POST", `${API}/staff/reservations/${id}/cancel`, { reason: $("reason-" + id).value });
        } else if (b.classList.contains("move")) {
          await api("POST", `${API}/staff/reservations/${id}/move`, { start: $("move-" + id).value, reason: $("reason-" + id).value });
        } else return;
      } catch (err) {
        say(fmt(T.error, { reason: err.message }));
        return;
      }
      await show();
    });
    const source = new EventSource(API + "/events?since=now");
    source.addEventListener("reservation.changed", () => show());
    source.onerror = () => { $("offline").hidden = false; };
    source.onopen = () => { $("offline").hidden = true; };
    show();
    return;
  }
  if (page !== "booth") return;

  // ------------------------------------------------------------ booth
  const boothId = document.body.dataset.booth;
  let queue = null;
  let offset = 0; // server clock − this PC's clock, in ms
  let reservations = new Map();
  let checklists = new Map();
  let reservationsDay = "";
  const name = (id) => T.names[id] || id;
  const boothName = (id) => { const b = queue && queue.booths.find((x) => x.id === id); return b ? (b.label[document.body.dataset.lang] || b.label.ja || id) : id; };
  const minutesSince = (iso) => Math.max(0, Math.floor((Date.now() + offset - Date.parse(iso)) / 60000));

  async function load() {
    try {
      queue = await api("GET", API + "/staff/queue");
      offset = Date.parse(queue.now) - Date.now();
      const day = queue.now.slice(0, 10);
      if (day !== reservationsDay) {
        const [list, prep] = await Promise.all([
          api("GET", API + "/staff/reservations?date=" + day),
          api("GET", API + "/staff/prep?date=" + day),
        ]);
        reservations = new Map(list.map((r) => [r.id, r]));
        checklists = new Map(prep.items.map((i) => [i.reservation.id, i.procedures]));
        reservationsDay = day;
      }
      render();
    } catch (err) {
      if (err.message !== "unauthorized") say(fmt(T.error, { reason: err.message }));
    }
  }

  const current = () => queue && queue.tickets.find((t) => t.booth === boothId && (t.state === "called" || t.state === "serving"));
  const booth = () => queue && queue.booths.find((b) => b.id === boothId);

  function ticketSummary(t) {
    const lang = document.body.dataset.lang;
    const txt = (l) => (l && (l[lang] || l.ja)) || "";
    const calls = t.call_count ? " · " + fmt(T.calls, { count: t.call_count }) : "";
    const out = [
      h("div", { class: "number", id: "current-number" }, t.number),
      h("div", {}, h("span", { class: "tag" }, T["source-" + t.source]),
        t.priority ? h("span", { class: "tag priority" }, T.priority) : null,
        h("span", { class: "tag" }, T["state-" + t.state])),
      h("ol", { class: "steps" }, t.services.map((s, i) => h("li", { class: i === t.step ? "now" : "" }, name(s)))),
      h("div", { class: "muted" }, fmt(T.waited, { minutes: minutesSince(t.issued_at) }) + calls),
      h("h3", {}, T.notes),
      t.notes.length
        ? h("ul", { class: "notes", id: "notes" }, t.notes.map((n) =>
          h("li", {}, `${n.at.slice(11, 16)} ${name(n.service)}${n.booth ? " (" + boothName(n.booth) + ")" : ""}: ${n.text}`)))
        : h("p", { class: "muted", id: "notes" }, T["no-notes"]),
    ];
    const todo = t.reservation_id != null ? checklists.get(t.reservation_id) : null;
    if (todo && todo.length) {
      out.push(h("h3", {}, T.checklist), h("ul", { class: "notes", id: "checklist" }, todo.map((p) =>
        h("li", {}, `${txt(p.title)} — ${p.department}`, p.at_original_department ? [" ", h("span", { class: "tag priority" }, T["at-department"])] : null))));
      // The family's forms (for a clerk of one of its departments) and its
      // take-home summary, printed at the end of the visit.
      const base = `${API}/staff/reservations/${t.reservation_id}`;
      const mine = todo.some((p) => T.departments.includes(p.department));
      out.push(h("p", { class: "row", id: "prints" },
        mine ? h("a", { class: "button", id: "print-forms", href: base + "/forms", target: "_blank" }, T["forms-family"]) : null,
        h("a", { class: "button", id: "print-summary", href: base + "/summary.pdf", target: "_blank" }, T.summary)));
    }
    const r = t.reservation_id != null ? reservations.get(t.reservation_id) : null;
    if (r && r.answers && Object.keys(r.answers).length) {
      out.push(h("h3", {}, T.answers), h("dl", { class: "answers" }, Object.entries(r.answers).map(([k, v]) =>
        [h("dt", {}, k), h("dd", {}, typeof v === "string" ? v : JSON.stringify(v))])));
    }
    return out;
  }

  function render() {
    const b = booth();
    if (!b) return;
    const st = $("booth-state");
    st.textContent = T["booth-" + b.state];
    st.className = "state " + b.state;
    $("open").disabled = b.state === "open";
    $("pause").disabled = b.state !== "open";
    $("close").disabled = b.state === "closed";
    const t = current();
    $("current-body").replaceChildren(...(t ? ticketSummary(t) : [h("p", { class: "muted" }, T.nobody)]));
    $("call-next").disabled = b.state !== "open" || !!t;
    $("recall").disabled = !t || t.state !== "called";
    $("start").disabled = !t || t.state !== "called";
    $("complete").disabled = !t;
    $("no-show").disabled = !t || t.state !== "called";
    $("transfer").disabled = !t;
    $("add-note").disabled = !t;
    const sel = $("transfer-service");
    const options = Object.keys(T.names).filter((s) => !t || s !== t.current_service);
    const chosen = sel.value;
    sel.replaceChildren(...options.map((s) => h("option", { value: s }, name(s))));
    if (options.includes(chosen)) sel.value = chosen;

    const mine = (x) => b.services.includes(x.current_service);
    const est = new Map(queue.services.map((w) => [w.service, w.estimated_wait.minutes]));
    const waiting = queue.tickets.filter((x) => x.state === "waiting" && mine(x));
    const procedures = (x) => x.services.map(name).join("・");
    $("waiting").tBodies[0].replaceChildren(...(waiting.length ? waiting.map((x) => h("tr", { dataset: { number: x.number } },
      h("td", { class: "n" }, x.number),
      h("td", {}, procedures(x), x.priority ? [" ", h("span", { class: "tag priority" }, T.priority)] : null,
        h("div", { class: "muted" }, `${fmt(T.waited, { minutes: minutesSince(x.issued_at) })} · ${fmt(T["est-wait"], { minutes: est.get(x.current_service) || 0 })}`)),
      h("td", { class: "b" }, h("button", { type: "button", class: "call-this", dataset: { ticket: x.id }, disabled: b.state !== "open" || !!t }, T["call-this"]))))
      : [muted(T.none)]));
    const gone = queue.tickets.filter((x) => x.state === "no_show" && mine(x));
    $("no-shows").tBodies[0].replaceChildren(...(gone.length ? gone.map((x) => h("tr", { dataset: { number: x.number } },
      h("td", { class: "n" }, x.number), h("td", {}, procedures(x)),
      h("td", { class: "b" }, h("button", { type: "button", class: "reactivate", dataset: { ticket: x.id } }, T.reactivate))))
      : [muted(T.none)]));
  }

  // One action at a time; the screen follows the server's answer.
  let busy = false;
  async function act(method, path, body) {
    if (busy) return;
    busy = true;
    say("");
    try {
      await api(method, path, body);
    } catch (err) {
      if (err.message !== "unauthorized") say(fmt(T.error, { reason: err.message }));
    } finally {
      busy = false;
      await load();
    }
  }
  const boothPath = (what) => `${API}/staff/booths/${encodeURIComponent(boothId)}/${what}`;
  const ticketPath = (what) => { const t = current(); return t ? `${API}/staff/tickets/${t.id}/${what}` : null; };
  const onTicket = (what) => () => { const p = ticketPath(what); if (p) act("POST", p); };

  $("open").addEventListener("click", () => act("POST", boothPath("open")));
  $("pause").addEventListener("click", () => act("POST", boothPath("pause")));
  $("close").addEventListener("click", () => act("POST", boothPath("close")));
  $("call-next").addEventListener("click", () => act("POST", boothPath("call-next")));
  $("recall").addEventListener("click", onTicket("recall"));
  $("start").addEventListener("click", onTicket("start"));
  $("complete").addEventListener("click", onTicket("complete"));
  $("no-show").addEventListener("click", onTicket("no-show"));
  $("waiting").addEventListener("click", (e) => {
    const b = e.target.closest("button.call-this");
    if (b) act("POST", boothPath("call"), { ticket: Number(b.dataset.ticket) });
  });
  $("no-shows").addEventListener("click", (e) => {
    const b = e.target.closest("button.reactivate");
    if (b) act("POST", `${API}/staff/tickets/${b.dataset.ticket}/reactivate`);
  });
  $("transfer-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const p = ticketPath("transfer");
    if (!p) return;
    const note = $("transfer-note").value.trim();
    await act("POST", p, { service: $("transfer-service").value, note: note || null });
    $("transfer-note").value = "";
  });
  $("note-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const p = ticketPath("notes");
    const text = $("note").value.trim();
    if (!p || !text) return;
    await act("POST", p, { text });
    $("note").value = "";
  });

  // Keyboard shortcuts, except while typing.
  const keys = { n: "call-next", r: "recall", s: "start", c: "complete", x: "no-show" };
  document.addEventListener("keydown", (e) => {
    if (e.ctrlKey || e.altKey || e.metaKey || e.target.closest("input, textarea, select")) return;
    const id = keys[e.key.toLowerCase()];
    if (id && !$(id).disabled) {
      e.preventDefault();
      $(id).click();
    }
  });

  // Live: any event reloads the queue (debounced).
  let timer = null;
  const soon = () => { clearTimeout(timer); timer = setTimeout(load, 100); };
  const source = new EventSource(API + "/events?since=now");
  source.onopen = () => { $("offline").hidden = true; soon(); };
  source.onerror = () => { $("offline").hidden = false; };
  for (const kind of ["ticket.issued", "ticket.called", "ticket.recalled", "ticket.serving", "ticket.done", "ticket.no_show",
    "ticket.reactivated", "ticket.transferred", "ticket.expired", "booth.changed", "reservation.changed"]) {
    source.addEventListener(kind, soon);
  }
  // Waited minutes move with the clock.
  setInterval(() => { if (queue) render(); }, 30000);
  load();
})();
