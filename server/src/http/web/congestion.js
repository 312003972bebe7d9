// Congestion page: every minute, fetch the page again and swap in the new
// figures (no reload: focus and reading position stay where they are).
(() => {
  setInterval(async () => {
    try {
      const r = await fetch(location.href, { cache: "no-store" });
      if (!r.ok) return;
      const doc = new DOMParser().parseFromString(await r.text(), "text/html");
      for (const id of ["congestion", "updated"]) {
        const fresh = doc.getElementById(id);
        if (fresh) document.getElementById(id).replaceWith(fresh);
      }
    } catch (_) { /* try again next minute */ }
  }, 60000);
})();
