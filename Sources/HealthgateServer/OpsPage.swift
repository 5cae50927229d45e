/// The operations page (`GET /` on the operations port) and its script (`GET /ops.js`): one HTML page, served from
/// the binary (nothing fetched from elsewhere at run time), that renders `GET /status` and refreshes itself every
/// five seconds. The script only ever sets `textContent`, so nothing in the status can become markup.
enum OpsPage {
    static let html = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>healthgate operations</title>
        <style>
        body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }
        h1 { font-size: 1.4em; margin: 0 0 .2em; } h2 { font-size: 1.1em; margin: 1.4em 0 .4em; }
        table { border-collapse: collapse; } th, td { border: 1px solid #ccc; padding: .25em .6em; text-align: left; }
        th { background: #f3f3f3; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
        .open { color: #b00020; font-weight: bold; } .closed { color: #1b5e20; }
        .warn { color: #8a5a00; } .muted { color: #777; } code { font-size: .95em; }
        </style>
        </head>
        <body>
        <h1>healthgate <span id="home"></span></h1>
        <p class="muted">Read-only; refreshes every 5 s from <a href="/status"><code>/status</code></a>. As of <span id="now">…</span>. <span id="error" class="open"></span></p>
        <noscript><p class="open">This page needs JavaScript; <a href="/status">/status</a> has the same data as JSON.</p></noscript>
        <h2>Cities</h2>
        <table id="cities">
        <thead><tr><th>city</th><th>region</th><th>kind</th><th>endpoint</th><th>certificate expires</th><th>breaker</th>
        <th>last success</th><th>last failure</th><th>calls (5 min)</th><th>error rate</th><th>p50 ms</th><th>p99 ms</th>
        <th>cache hit ratio</th></tr></thead>
        <tbody></tbody>
        </table>
        <h2>Audit trail</h2>
        <table id="audit"><tbody>
        <tr><th>sequence</th><td id="audit-sequence" class="num"></td></tr>
        <tr><th>last signed head</th><td id="audit-signed"></td></tr>
        <tr><th>signed</th><td id="audit-age"></td></tr>
        <tr><th>witness file</th><td id="audit-witness"></td></tr>
        </tbody></table>
        <h2>Configuration</h2>
        <table id="configuration"><tbody>
        <tr><th>file</th><td id="config-path"></td></tr>
        <tr><th>sha256</th><td><code id="config-sha256"></code></td></tr>
        <tr><th>loaded (file time)</th><td id="config-loaded"></td></tr>
        <tr><th>warnings</th><td id="config-warnings"></td></tr>
        </tbody></table>
        <h2>Recent reloads</h2>
        <table id="reloads"><thead><tr><th>time</th><th>outcome</th><th>notes</th></tr></thead><tbody></tbody></table>
        <script src="/ops.js"></script>
        </body>
        </html>

        """

    static let script = """
        "use strict";
        function text(id, value) { document.getElementById(id).textContent = value; }
        function cell(row, value, cls) {
          const td = document.createElement("td");
          td.textContent = value == null ? "–" : String(value);
          if (cls) td.className = cls;
          row.appendChild(td);
          return td;
        }
        function percent(x) { return x == null ? "–" : (100 * x).toFixed(1) + " %"; }
        function ms(x) { return x == null ? "–" : x.toFixed(1); }
        function render(s) {
          text("home", "gateway of " + s.home);
          text("now", s.now);
          text("error", "");
          const body = document.querySelector("#cities tbody");
          body.replaceChildren();
          for (const c of s.cities) {
            const row = document.createElement("tr");
            row.dataset.city = c.name;
            cell(row, c.name);
            cell(row, c.region);
            cell(row, c.kind + (c.qrPrefix ? " " + c.qrPrefix : ""));
            cell(row, c.baseURL);
            cell(row, c.certificateExpires ? c.certificateExpires + " (" + c.certificateDaysLeft + " days)" : null,
                 c.certificateDaysLeft != null && c.certificateDaysLeft < 30 ? "warn" : "");
            cell(row, c.breaker, c.breaker);
            cell(row, c.lastSuccess);
            cell(row, c.lastFailure ? c.lastFailure + " (" + c.lastFailureReason + ")" : null, c.lastFailure ? "warn" : "");
            cell(row, c.calls5m + " (" + c.failures5m + " failed)", "num");
            cell(row, percent(c.errorRate5m), "num");
            cell(row, ms(c.p50Ms), "num");
            cell(row, ms(c.p99Ms), "num");
            cell(row, c.cacheHitRatio5m == null ? "–" : percent(c.cacheHitRatio5m) + " of " + c.cacheLookups5m, "num");
            body.appendChild(row);
          }
          if (s.audit) {
            text("audit-sequence", s.audit.sequence);
            text("audit-signed", s.audit.lastSignedSequence == null ? "none yet" : "record " + s.audit.lastSignedSequence);
            text("audit-age", s.audit.lastSignedAt ? s.audit.lastSignedAt + " (" + s.audit.lastSignedAgeSeconds + " s ago)" : "–");
            text("audit-witness", s.audit.witnessFile + (s.audit.witnessFileExists ? "" : " (not written yet)"));
          } else {
            text("audit-sequence", "the audit trail cannot be read");
          }
          text("config-path", s.configuration.path);
          text("config-sha256", s.configuration.sha256);
          text("config-loaded", s.configuration.loadedAt);
          text("config-warnings", s.configuration.warnings.length ? s.configuration.warnings.join("; ") : "none");
          const reloads = document.querySelector("#reloads tbody");
          reloads.replaceChildren();
          for (const r of s.reloads.slice().reverse()) {
            const row = document.createElement("tr");
            cell(row, r.time);
            cell(row, r.outcome, r.outcome === "applied" ? "" : "warn");
            cell(row, r.notes.join("; "));
            reloads.appendChild(row);
          }
          if (!s.reloads.length) { const row = document.createElement("tr"); cell(row, "none since start"); reloads.appendChild(row); }
          document.body.dataset.loaded = "true";
        }
        async function refresh() {
          try {
            const response = await fetch("/status", { cache: "no-store" });
            if (!response.ok) throw new Error("HTTP " + response.status);
            render(await response.json());
          } catch (e) {
            text("error", "status unavailable: " + e.message);
          }
        }
        refresh();
        setInterval(refresh, 5000);

        """
}
