// The debug panel: the request's statements (SQL, parameters, duration,
// cause, caller location) and N+1 warnings, inserted into each HTML page.
// Everything shown is escaped; the panel is for development only.
#include "retort/web/debug_panel.hpp"

#include <chrono>
#include <cstdio>

namespace retort::web {

namespace {

std::string milliseconds(std::chrono::steady_clock::duration d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", std::chrono::duration<double, std::milli>(d).count());
  return buf;
}

std::string params_text(const engine::query_record& q) {
  std::string out;
  for (const auto& v : q.params) out += (out.empty() ? "" : ", ") + v.repr();
  if (q.batch > 1) out += "  (" + std::to_string(q.batch) + " rows)";
  return out;
}

constexpr const char* style =
    "<style>#debug-panel{position:fixed;right:0;bottom:0;max-width:60em;max-height:70vh;overflow:auto;"
    "background:#1e1e2e;color:#e0e0e0;font:12px/1.4 monospace;z-index:9999;border-top-left-radius:6px;"
    "box-shadow:0 0 8px #0006}#debug-panel summary{cursor:pointer;padding:6px 10px;font-weight:bold}"
    "#debug-panel table{border-collapse:collapse;margin:0 10px 10px}#debug-panel td,#debug-panel th{"
    "border-bottom:1px solid #444;padding:3px 6px;text-align:left;vertical-align:top}"
    "#debug-panel .warn{color:#ffb86c;margin:4px 10px}#debug-panel code{white-space:pre-wrap;color:#8be9fd}</style>";

}  // namespace

std::string debug_panel_html(sqlalchemy& db) {
  const auto queries = db.get_recorded_queries();
  const auto warnings = db.n_plus_one_reports();
  std::chrono::steady_clock::duration total{};
  for (const auto& q : queries) total += q.duration;
  std::string out = style;
  out += "<div id=\"debug-panel\"><details id=\"debug-panel-details\"><summary>SQL: " +
         std::to_string(queries.size()) + (queries.size() == 1 ? " statement, " : " statements, ") +
         milliseconds(total) + " ms" + (warnings.empty() ? "" : ", " + std::to_string(warnings.size()) + " N+1") +
         "</summary>";
  for (const auto& w : warnings) out += "<p class=\"warn\">" + html_escape(w.message) + "</p>";
  out += "<table><thead><tr><th>#</th><th>ms</th><th>statement</th><th>cause</th><th>location</th></tr></thead><tbody>";
  std::size_t n = 0;
  for (const auto& q : queries) {
    out += "<tr class=\"debug-statement\"><td>" + std::to_string(++n) + "</td><td>" + milliseconds(q.duration) +
           "</td><td><code>" + html_escape(q.sql) + "</code>";
    if (!q.params.empty()) out += "<br><small>" + html_escape(params_text(q)) + "</small>";
    out += "</td><td>" + html_escape(q.cause) + "</td><td>" + html_escape(q.location) + "</td></tr>";
  }
  out += "</tbody></table></details></div>";
  return out;
}

void enable_debug_panel(web::app& a, sqlalchemy& db) {
  db.record_queries(true);
  a.after_request([&db](request&, response& res) {
    if (!res.content_type.starts_with("text/html")) return;
    const auto panel = debug_panel_html(db);
    const auto at = res.body.rfind("</body>");
    if (at == std::string::npos)
      res.body += panel;
    else
      res.body.insert(at, panel);
  });
}

}  // namespace retort::web
