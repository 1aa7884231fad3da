// The HTML report: one self-contained page. Its style and script are compiled in
// (reports/assets) and allowed by hash in a Content-Security-Policy that forbids everything
// else, so even markup that slipped past escaping could neither run nor load anything. The
// page is also well-formed XML, which the tests check.
#include <openssl/sha.h>

#include "bis/reports/formats.h"
#include "escape.h"
#include "report_view.h"

namespace bis::embedded {
extern const std::string_view report_css;
extern const std::string_view report_js;
}  // namespace bis::embedded

namespace bis::reports {
namespace {

using runner::Verdict;

std::string csp_hash(std::string_view text) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  return "'sha256-" +
         base64(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest)) + "'";
}

// Runs in <head>, before the body is parsed: with it the scenarios are collapsed from the
// start, instead of the browser laying out thousands of open ones and then collapsing them.
constexpr std::string_view kHeadScript = "document.documentElement.classList.add('js');";

const std::string& content_security_policy() {
  static const std::string csp = "default-src 'none'; style-src " + csp_hash(embedded::report_css) +
                                 "; script-src " + csp_hash(kHeadScript) + " " +
                                 csp_hash(embedded::report_js) + "; img-src data:";
  return csp;
}

class Html {
 public:
  explicit Html(std::string& out) : out_(out) {}
  Html& raw(std::string_view s) {
    out_ += s;
    return *this;
  }
  Html& text(std::string_view s) {
    append_html(out_, s);
    return *this;
  }
  Html& badge(Verdict v) {
    out_ += "<span class=\"b ";
    out_ += runner::to_string(v);
    out_ += "\">";
    out_ += verdict_label(v);
    out_ += "</span>";
    return *this;
  }
  Html& pre(std::string_view cls, std::string_view s) {
    out_ += "<pre class=\"";
    out_ += cls;
    out_ += "\">";
    append_html(out_, s);
    out_ += "</pre>";
    return *this;
  }

 private:
  std::string& out_;
};

std::string anchor(const runner::SuiteResult& suite, const runner::ScenarioResult& s) {
  return "s-" + suite.id + "--" + s.id;
}

void banner(Html& h, const runner::RunResult& result, const RenderContext& context) {
  const bool ok = result.conformant() && !result.unchecked_fails();
  const auto& t = result.target;
  h.raw("<header class=\"banner ")
      .raw(ok ? "ok" : "ko")
      .raw("\"><h1>")
      .raw(ok ? "Conformant" : "Not conformant")
      .raw("</h1>");
  if (result.unchecked_must().total > 0) {
    h.raw("<p class=\"unchecked\">").text(result.verdict_line()).raw("</p>");
  }
  for (const auto& line : result.not_applicable_lines()) {
    h.raw("<p class=\"muted\">").text(line).raw("</p>");
  }
  h.raw("<div class=\"meta\">Target <b>")
      .text(t.kind)
      .raw("</b> <code>")
      .text(t.base_url)
      .raw("</code>");
  if (!t.implementation.empty()) h.raw(" (").text(t.implementation).raw(")");
  if (!t.protocol_version.empty()) h.raw(", control protocol ").text(t.protocol_version);
  h.raw("<br/>Run <code>")
      .text(result.run_id)
      .raw("</code>, started ")
      .text(iso8601(result.started_at))
      .raw(", took ")
      .text(human_duration(result.duration));
  if (result.strict) h.raw(", strict: warnings fail");
  h.raw(". Report generated ")
      .text(iso8601(context.generated_at))
      .raw(" by bis-conform ")
      .text(result.tool_version)
      .raw(".</div>");
  const runner::Counts sc = result.scenario_counts(), rc = result.requirement_counts();
  h.raw("<table><tr><th></th>");
  for (Verdict v : kVerdicts) h.raw("<th>").badge(v).raw("</th>");
  h.raw("<th>total</th></tr><tr><th>scenarios</th>");
  for (Verdict v : kVerdicts)
    h.raw("<td class=\"n\">").text(std::to_string(count_of(sc, v))).raw("</td>");
  h.raw("<td class=\"n\">")
      .text(std::to_string(sc.total()))
      .raw("</td></tr><tr><th>requirements</th>");
  for (Verdict v : kVerdicts)
    h.raw("<td class=\"n\">").text(std::to_string(count_of(rc, v))).raw("</td>");
  h.raw("<td class=\"n\">").text(std::to_string(rc.total())).raw("</td></tr></table>");
  const Totals tot = totals(result);
  h.raw("<p class=\"last\">")
      .text(std::to_string(tot.passed) + " passed, " + std::to_string(tot.failed) + " failed, " +
            std::to_string(tot.skipped) + " skipped")
      .raw("</p></header>\n");
}

void filter(Html& h, const runner::RunResult& result) {
  const runner::Counts sc = result.scenario_counts();
  h.raw("<nav class=\"filter\" aria-label=\"Filter by verdict\">Show ");
  for (Verdict v : kVerdicts) {
    h.raw("<label><input type=\"checkbox\" checked=\"checked\" data-v=\"")
        .raw(runner::to_string(v))
        .raw("\"/> ")
        .badge(v)
        .raw(" ")
        .text(std::to_string(count_of(sc, v)))
        .raw("</label>");
  }
  h.raw(
      "<button type=\"button\" id=\"open-broken\">Expand failures</button>"
      "<button type=\"button\" id=\"close-all\">Collapse all</button></nav>\n");
}

void scenario_links(Html& h, const std::vector<std::string>& keys) {
  for (size_t i = 0; i < keys.size(); ++i) {
    const std::string& key = keys[i];
    const size_t slash = key.find('/');
    std::string id =
        slash == std::string::npos ? key : key.substr(0, slash) + "--" + key.substr(slash + 1);
    h.raw(i ? ", " : "").raw("<a href=\"#s-").text(id).raw("\">").text(key).raw("</a>");
  }
}

void matrix_head(Html& h, std::string_view last) {
  h.raw("<table><thead><tr><th>Requirement</th><th>Level</th><th>Verdict</th>");
  for (Verdict v : kVerdicts) h.raw("<th>").badge(v).raw("</th>");
  h.raw("<th>").text(last).raw("</th></tr></thead><tbody>\n");
}

// One matrix row; `scenarios` are the keys to link under the sentence.
void requirement_row(Html& h, const runner::RequirementResult& r, const runner::Counts& c,
                     const std::vector<std::string>& scenarios) {
  h.raw("<tr class=\"f-")
      .raw(runner::to_string(r.verdict))
      .raw("\" id=\"r-")
      .text(r.id)
      .raw("\"><td><code>")
      .text(r.id)
      .raw("</code></td><td>")
      .raw(runner::to_string(r.level))
      .raw("</td><td>")
      .badge(r.verdict);
  if (!r.reason.empty()) h.raw("<br/><span class=\"muted\">").text(r.reason).raw("</span>");
  h.raw("</td>");
  for (Verdict v : kVerdicts)
    h.raw("<td class=\"n\">").text(std::to_string(count_of(c, v))).raw("</td>");
  // A stated rule is a quote; an inferred one is our statement, with why it is inferred.
  if (r.inferred) {
    h.raw("<td>").text(r.text).raw(" <span class=\"muted\">inferred: ").text(r.inference).raw(
        "</span>");
  } else {
    h.raw("<td><q>").text(r.text).raw("</q>");
  }
  if (!r.source.empty()) h.raw(" <span class=\"muted\">(").text(r.source).raw(")</span>");
  if (!scenarios.empty()) h.raw("<br/>");
  scenario_links(h, scenarios);
  h.raw("</td></tr>\n");
}

std::vector<std::string> keys(const BrokenRequirement& b) {
  std::vector<std::string> out;
  for (const auto& s : b.scenarios) out.push_back(scenario_key(*s.suite, *s.scenario));
  return out;
}

// What is wrong first: the broken requirements (fail, warn, error) with every scenario that
// broke them; then the others, folded in one <details> (it works without the script).
void matrix(Html& h, const runner::RunResult& result) {
  const auto cover = coverage(result);
  const auto counts = [&](const std::string& id) {
    const auto it = cover.find(id);
    return it == cover.end() ? runner::Counts{} : it->second;
  };
  const auto broken = broken_requirements(result);
  if (!broken.empty()) {
    h.raw("<section id=\"broken\"><h2>Broken requirements</h2>\n");
    bool table = false;
    for (const auto& b : broken) {
      if (b.requirement == nullptr) continue;
      if (!table) matrix_head(h, "Sentence and the scenarios that broke it");
      table = true;
      requirement_row(h, *b.requirement, counts(b.id), keys(b));
    }
    if (table) h.raw("</tbody></table>\n");
    for (const auto& b : broken) {
      if (b.requirement != nullptr) continue;
      h.raw("<p>").badge(b.verdict).raw(" ");
      if (b.id.empty()) {
        h.text(b.verdict == Verdict::kError ? "Could not run" : "Failures naming no requirement");
      } else {
        h.raw("<code>").text(b.id).raw("</code> (not in the catalogue)");
      }
      h.raw(": ");
      scenario_links(h, keys(b));
      h.raw("</p>\n");
    }
    h.raw("</section>\n");
  }
  h.raw("<section id=\"matrix\">");
  if (result.requirements.empty()) {
    h.raw("<h2>Requirement matrix</h2><p>No requirement catalogue in this run.</p></section>\n");
    return;
  }
  runner::Counts rest;
  for (const auto& r : result.requirements) {
    if (r.verdict == Verdict::kPass || r.verdict == Verdict::kNotApplicable) rest.add(r.verdict);
  }
  h.raw("<details><summary>")
      .text(std::to_string(rest.total()) + " requirements not broken: " +
            std::to_string(rest.pass) + " pass, " + std::to_string(rest.not_applicable) +
            " not applicable")
      .raw("</summary>\n");
  matrix_head(h, "Sentence and scenarios");
  for (const auto& r : result.requirements) {
    if (r.verdict == Verdict::kPass || r.verdict == Verdict::kNotApplicable)
      requirement_row(h, r, counts(r.id), r.scenarios);
  }
  h.raw("</tbody></table></details></section>\n");
}

std::string headers_text(const std::vector<runner::Header>& headers) {
  std::string s;
  for (const auto& [name, value] : headers) s += name + ": " + value + "\n";
  return s;
}

// The request as curl (it holds method, URL, headers and body) and the answer; their labels
// come from the style sheet, which keeps the page's element count down.
void exchange(Html& h, const runner::Exchange& x) {
  h.raw("<div class=\"x\">");
  std::string request = x.curl;
  if (request.empty()) {
    request = x.method + " " + x.url + "\n" + headers_text(x.request_headers);
    if (!x.request_body.empty()) request += "\n" + x.request_body;
  }
  if (x.request_body_truncated) request += "\n[body truncated]";
  h.pre("rq", request);
  if (x.status) {
    std::string answer = std::to_string(*x.status) + "  (" + human_duration(x.duration) + ")\n" +
                         headers_text(x.response_headers);
    if (!x.response_body.empty()) answer += "\n" + x.response_body;
    if (x.response_body_truncated) answer += "\n[body truncated]";
    h.pre("rs", answer);
  } else {
    h.pre("rs ko", "no answer: " + x.error);
  }
  h.raw("</div>");
}

// Requirement ids, each a link to its row of the matrix, separated by commas.
void requirement_links(Html& h, const std::vector<std::string>& ids) {
  for (size_t i = 0; i < ids.size(); ++i) {
    h.raw(i ? ", " : "").raw("<a href=\"#r-").text(ids[i]).raw("\">").text(ids[i]).raw("</a>");
  }
}

void assertion(Html& h, const runner::Assertion& a) {
  h.raw(a.passed ? "<li class=\"ok\">" : "<li class=\"ko\">").text(a.where());
  if (!a.message.empty()) h.raw(": ").text(a.message);
  if (!a.requirements.empty()) {
    h.raw(" <span class=\"muted\">[");
    requirement_links(h, a.requirements);
    h.raw("]</span>");
  }
  if (!a.passed) {
    h.pre("exp", "expected: " + a.expected + "\nactual:   " + a.actual);
    if (!a.pos.file.empty()) h.raw("<span class=\"muted\">").text(a.pos.to_string()).raw("</span>");
  }
  h.raw("</li>");
}

void step(Html& h, const runner::StepResult& st) {
  h.raw("<li>")
      .badge(st.verdict)
      .raw(" <b>")
      .text(st.kind)
      .raw(st.cleanup ? " (finally)</b> " : "</b> ")
      .text(st.name)
      .raw(" <span class=\"muted\">")
      .text(st.pos.to_string())
      .raw(", ")
      .text(human_duration(st.duration));
  if (st.attempts > 1) h.raw(", ").text(std::to_string(st.attempts)).raw(" attempts");
  h.raw("</span>");
  if (!st.error.empty()) h.raw("<div class=\"why\">").text(st.error).raw("</div>");
  for (const auto& x : st.exchanges) exchange(h, x);
  if (!st.assertions.empty()) {
    h.raw("<ul class=\"as\">");
    for (const auto& a : st.assertions) assertion(h, a);
    h.raw("</ul>");
  }
  h.raw("</li>");
}

// A collapsible scenario. Not <details>: browsers give each one a shadow tree, which makes a
// page of thousands of them slow to open; the script collapses these (without it they stay
// open, readable and printable).
void scenario(Html& h, const runner::SuiteResult& suite, const runner::ScenarioResult& s) {
  h.raw("<div class=\"s f-")
      .raw(runner::to_string(s.verdict))
      .raw("\" id=\"")
      .text(anchor(suite, s))
      .raw("\"><div class=\"h\" role=\"button\" tabindex=\"0\" aria-expanded=\"false\">")
      .badge(s.verdict)
      .raw(" <code>")
      .text(scenario_key(suite, s))
      .raw("</code> ")
      .text(s.name)
      .raw(" <span class=\"muted\">")
      .text(human_duration(s.duration))
      .raw("</span></div><div class=\"sb\">");
  if (!s.reason.empty()) h.raw("<p class=\"why\">").text(s.reason).raw("</p>");
  if (!s.description.empty()) h.raw("<p>").text(s.description).raw("</p>");
  h.raw("<p class=\"muted\">").text(s.pos.to_string()).raw(" \xC2\xB7 covers ");
  requirement_links(h, s.covers);
  if (!s.capabilities.empty()) {
    std::string caps;
    for (const auto& c : s.capabilities) caps += (caps.empty() ? "" : ", ") + c;
    h.raw(" \xC2\xB7 requires ").text(caps);
  }
  h.raw("</p>");
  if (!s.steps.empty()) {
    h.raw("<ol class=\"steps\">");
    for (const auto& st : s.steps) step(h, st);
    h.raw("</ol>");
  }
  h.raw("</div></div>\n");
}

}  // namespace

std::string render_html(const runner::RunResult& result, const RenderContext& context) {
  std::string out;
  out.reserve(1 << 16);
  Html h(out);
  h.raw(
       "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>\n"
       "<meta http-equiv=\"Content-Security-Policy\" content=\"")
      .text(content_security_policy())
      .raw(
          "\"/>\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<title>")
      .text(result.conformant() && !result.unchecked_fails() ? "Conformant" : "Not conformant")
      .raw(": Back in Stock conformance, ")
      .text(result.target.base_url)
      .raw("</title>\n<style>")
      .raw(embedded::report_css)
      .raw("</style>\n<script>")
      .raw(kHeadScript)
      .raw("</script>\n</head><body>\n");
  banner(h, result, context);
  filter(h, result);
  matrix(h, result);
  h.raw("<section id=\"scenarios\"><h2>Scenarios</h2>\n");
  for (const auto& suite : result.suites) {
    h.raw("<h3>")
        .text(suite.name.empty() ? suite.id : suite.name)
        .raw(" <span class=\"muted\">")
        .text(suite.id)
        .raw(", ")
        .text(suite.file)
        .raw("</span></h3>\n");
    for (const auto& s : suite.scenarios) scenario(h, suite, s);
  }
  h.raw("</section>\n<footer>Generated ")
      .text(iso8601(context.generated_at))
      .raw(" by bis-conform ")
      .text(result.tool_version)
      .raw("</footer>\n<script>")
      .raw(embedded::report_js)
      .raw("</script>\n</body></html>\n");
  return out;
}

}  // namespace bis::reports
