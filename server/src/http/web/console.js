// Staff console: the server renders the shells; this script talks to the
// staff JSON API (session cookie + X-CSRF-Token) and stays live over SSE.
(() => {
  const $ = (id) => document.getElementById(id);
  const T = JSON.parse($("texts").textContent);
  const page = document.body.dataset.page;
  const csrfMeta = document.querySelector('meta[name="csrf-token"]');
  const csrf = csrfMeta ? csrfMeta.content : "";
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
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
        $("users").tBodies[0].innerHTML = users.map((u) => `<tr data-user="${esc(u.username)}"><td>${esc(u.username)}</td><td>${esc(u.role)}</td><td>${esc(u.active ? T.active : T.inactive)}</td>` +
          `<td class="b">${u.active && u.username !== T.me ? `<button type="button" class="deactivate" data-user="${esc(u.username)}">${esc(T.deactivate)}</button>` : ""}</td></tr>`).join("");
        $("devices").tBodies[0].innerHTML = devices.map((d) => `<tr data-device="${d.id}"><td>${d.id}</td><td>${esc(d.name)}</td><td>${esc(d.role)}</td><td>${esc(d.active ? T.active : T.inactive)}</td>` +
          `<td class="b">${d.active ? `<button type="button" class="revoke" data-device="${d.id}">${esc(T.revoke)}</button>` : ""}</td></tr>`).join("");
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
      const done = await run("POST", "/api/v1/admin/users", { username: $("new-username").value, password: $("new-password").value, role: $("new-role").value });
      $("new-password").value = "";
      if (done) $("new-username").value = "";
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
      try { list = await api("GET", "/api/v1/staff/reservations?date=" + day); } catch (err) { say(fmt(T.error, { reason: err.message })); return; }
      const services = Object.keys(T.names);
      const html = services.map((sid) => {
        const mine = list.filter((r) => r.service === sid);
        const rows = mine.length ? mine.map((r) => {
          const booked = r.state === "booked";
          const actions = booked
            ? `<button type="button" class="checkin" data-id="${r.id}" ${isToday ? "" : "disabled"}>${esc(T.checkin)}</button>` +
              `<details data-id="${r.id}" data-service="${esc(sid)}"><summary>${esc(T.change)}</summary><div class="stack">` +
              `<label for="reason-${r.id}">${esc(T.reason)}</label><input id="reason-${r.id}" class="reason" maxlength="500">` +
              `<button type="button" class="cancel warn" data-id="${r.id}">${esc(T.cancel)}</button>` +
              `<label for="move-${r.id}">${esc(T["move-to"])}</label><select id="move-${r.id}" class="move-to"></select>` +
              `<button type="button" class="move" data-id="${r.id}">${esc(T.move)}</button></div></details>`
            : "";
          return `<tr data-id="${r.id}"><td>${esc(time(r.start))}</td><td class="n">${esc(String(r.id).padStart(6, "0"))}</td><td>${esc(r.name || "—")}</td><td>${esc(r.phone || r.email || "—")}</td>` +
            `<td class="state-cell">${esc(T["state-" + r.state] || r.state)}</td><td>${esc(r.ticket_number || "")}</td><td>${esc(r.change_reason || "")}</td><td class="b">${actions}</td></tr>`;
        }).join("") : `<tr><td class="muted">${esc(T.none)}</td></tr>`;
        return `<section class="card"><h2>${esc(T.names[sid])}</h2><table id="res-${esc(sid)}"><thead><tr><th scope="col">${esc(T.time)}</th><th scope="col">${esc(T.number)}</th><th scope="col">${esc(T.name)}</th><th scope="col">${esc(T.contact)}</th>` +
          `<th scope="col">${esc(T.state)}</th><th scope="col">${esc(T.ticket)}</th><th scope="col">${esc(T.reason)}</th><th scope="col"><span class="sr-only">${esc(T.change)}</span></th></tr></thead><tbody>${rows}</tbody></table></section>`;
      }).join("");
      $("reservations").innerHTML = html;
    }
    const box = $("reservations");
    box.addEventListener("toggle", async (e) => {
      const d = e.target;
      if (!(d instanceof HTMLDetailsElement) || !d.open) return;
      const sel = d.querySelector("select.move-to");
      if (sel.options.length) return;
      try {
        const slots = await api("GET", `/api/v1/slots?service=${encodeURIComponent(d.dataset.service)}&from=${day}&to=${addDays(day, 14)}`);
        sel.innerHTML = slots.filter((s) => s.available > 0).map((s) => `<option value="${esc(s.start)}">${esc(s.start.slice(0, 10) + " " + time(s.start))}</option>`).join("");
      } catch (err) { say(fmt(T.error, { reason: err.message })); }
    }, true);
    box.addEventListener("click", async (e) => {
      const b = e.target.closest("button");
      if (!b || !b.dataset.id) return;
      const id = b.dataset.id;
      say("");
      try {
        if (b.classList.contains("checkin")) {
          const t = await api("POST", `/api/v1/staff/reservations/${id}/checkin`);
          say(fmt(T["checked-in"], { number: t.number }));
        } else if (b.classList.contains("cancel")) {
          await api("POST", `/api/v1/staff/reservations/${id}/cancel`, { reason: $("reason-" + id).value });
        } else if (b.classList.contains("move")) {
          await api("POST", `/api/v1/staff/reservations/${id}/move`, { start: $("move-" + id).value, reason: $("reason-" + id).value });
        } else return;
      } catch (err) {
        say(fmt(T.error, { reason: err.message }));
        return;
      }
      await show();
    });
    const source = new EventSource("/api/v1/events?since=now");
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
      queue = await api("GET", "/api/v1/staff/queue");
      offset = Date.parse(queue.now) - Date.now();
      const day = queue.now.slice(0, 10);
      if (day !== reservationsDay) {
        const [list, prep] = await Promise.all([
          api("GET", "/api/v1/staff/reservations?date=" + day),
          api("GET", "/api/v1/staff/prep?date=" + day),
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
    const steps = t.services.map((s, i) => `<li class="${i === t.step ? "now" : ""}">${esc(name(s))}</li>`).join("");
    const tags = `<span class="tag">${esc(T["source-" + t.source])}</span>` +
      (t.priority ? `<span class="tag priority">${esc(T.priority)}</span>` : "") +
      `<span class="tag">${esc(T["state-" + t.state])}</span>`;
    const waited = fmt(T.waited, { minutes: minutesSince(t.issued_at) });
    const calls = t.call_count ? " · " + fmt(T.calls, { count: t.call_count }) : "";
    let html = `<div class="number" id="current-number">${esc(t.number)}</div><div>${tags}</div>` +
      `<ol class="steps">${steps}</ol><div class="muted">${esc(waited)}${esc(calls)}</div>`;
    html += `<h3>${esc(T.notes)}</h3>`;
    html += t.notes.length
      ? `<ul class="notes" id="notes">${t.notes.map((n) => `<li>${esc(n.at.slice(11, 16))} ${esc(name(n.service))}${n.booth ? " (" + esc(boothName(n.booth)) + ")" : ""}: ${esc(n.text)}</li>`).join("")}</ul>`
      : `<p class="muted" id="notes">${esc(T["no-notes"])}</p>`;
    const todo = t.reservation_id != null ? checklists.get(t.reservation_id) : null;
    if (todo && todo.length) {
      const lang = document.body.dataset.lang;
      const txt = (l) => (l && (l[lang] || l.ja)) || "";
      html += `<h3>${esc(T.checklist)}</h3><ul class="notes" id="checklist">` +
        todo.map((p) => `<li>${esc(txt(p.title))} — ${esc(p.department)}${p.at_original_department ? ` <span class="tag priority">${esc(T["at-department"])}</span>` : ""}</li>`).join("") + "</ul>";
    }
    const r = t.reservation_id != null ? reservations.get(t.reservation_id) : null;
    if (r && r.answers && Object.keys(r.answers).length) {
      html += `<h3>${esc(T.answers)}</h3><dl class="answers">` +
        Object.entries(r.answers).map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(typeof v === "string" ? v : JSON.stringify(v))}</dd>`).join("") + "</dl>";
    }
    return html;
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
    $("current-body").innerHTML = t ? ticketSummary(t) : `<p class="muted">${esc(T.nobody)}</p>`;
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
    sel.innerHTML = options.map((s) => `<option value="${esc(s)}">${esc(name(s))}</option>`).join("");
    if (options.includes(chosen)) sel.value = chosen;

    const mine = (x) => b.services.includes(x.current_service);
    const est = new Map(queue.services.map((w) => [w.service, w.estimated_wait.minutes]));
    const waiting = queue.tickets.filter((x) => x.state === "waiting" && mine(x));
    $("waiting").tBodies[0].innerHTML = waiting.length
      ? waiting.map((x) => `<tr data-number="${esc(x.number)}"><td class="n">${esc(x.number)}</td><td>${esc(x.services.map(name).join("・"))}${x.priority ? ` <span class="tag priority">${esc(T.priority)}</span>` : ""}<div class="muted">${esc(fmt(T.waited, { minutes: minutesSince(x.issued_at) }))} · ${esc(fmt(T["est-wait"], { minutes: est.get(x.current_service) || 0 }))}</div></td>` +
        `<td class="b"><button type="button" class="call-this" data-ticket="${x.id}" ${b.state !== "open" || t ? "disabled" : ""}>${esc(T["call-this"])}</button></td></tr>`).join("")
      : `<tr><td class="muted">${esc(T.none)}</td></tr>`;
    const gone = queue.tickets.filter((x) => x.state === "no_show" && mine(x));
    $("no-shows").tBodies[0].innerHTML = gone.length
      ? gone.map((x) => `<tr data-number="${esc(x.number)}"><td class="n">${esc(x.number)}</td><td>${esc(x.services.map(name).join("・"))}</td>` +
        `<td class="b"><button type="button" class="reactivate" data-ticket="${x.id}">${esc(T.reactivate)}</button></td></tr>`).join("")
      : `<tr><td class="muted">${esc(T.none)}</td></tr>`;
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
  const boothPath = (what) => `/api/v1/staff/booths/${encodeURIComponent(boothId)}/${what}`;
  const ticketPath = (what) => { const t = current(); return t ? `/api/v1/staff/tickets/${t.id}/${what}` : null; };
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
    if (b) act("POST", `/api/v1/staff/tickets/${b.dataset.ticket}/reactivate`);
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
  const source = new EventSource("/api/v1/events?since=now");
  source.onopen = () => { $("offline").hidden = true; soon(); };
  source.onerror = () => { $("offline").hidden = false; };
  for (const kind of ["ticket.issued", "ticket.called", "ticket.recalled", "ticket.serving", "ticket.done", "ticket.no_show",
    "ticket.reactivated", "ticket.transferred", "booth.changed", "reservation.changed"]) {
    source.addEventListener(kind, soon);
  }
  // Waited minutes move with the clock.
  setInterval(() => { if (queue) render(); }, 30000);
  load();
})();
