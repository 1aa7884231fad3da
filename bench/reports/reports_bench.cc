// Writes every report for a large run and compares with baselines measured in the same run:
// serialising the same tree with nlohmann::json (build + dump), and fwrite of the same bytes.
// Usage: reports_bench [SCENARIOS=5000] [REPETITIONS=5] [--check] [--keep DIR]
// --check exits 1 when writing every report takes a second or more (the target);
// --keep DIR leaves the reports in DIR (html_in_browser.sh opens the HTML one).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "bis/reports/formats.h"
#include "bis/reports/reporters.h"
#include "fixture_tree.h"

namespace {

using bis::reports::testing::fixed_now;
using Clock = std::chrono::steady_clock;

// Median wall time of `reps` runs of `f`, in milliseconds.
double median_ms(int reps, const std::function<void()>& f) {
  std::vector<double> t;
  for (int i = 0; i < reps; ++i) {
    const auto start = Clock::now();
    f();
    t.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

nlohmann::json headers_json(const std::vector<bis::runner::Header>& headers) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [n, v] : headers) out.push_back({{"name", n}, {"value", v}});
  return out;
}

// The baseline: the same tree, every field, through nlohmann::json.
std::string nlohmann_dump(const bis::runner::RunResult& r) {
  nlohmann::json suites = nlohmann::json::array();
  for (const auto& suite : r.suites) {
    nlohmann::json scenarios = nlohmann::json::array();
    for (const auto& s : suite.scenarios) {
      nlohmann::json steps = nlohmann::json::array();
      for (const auto& st : s.steps) {
        nlohmann::json exchanges = nlohmann::json::array(), assertions = nlohmann::json::array();
        for (const auto& x : st.exchanges) {
          exchanges.push_back({{"method", x.method},
                               {"url", x.url},
                               {"request_headers", headers_json(x.request_headers)},
                               {"request_body", x.request_body},
                               {"curl", x.curl},
                               {"status", x.status ? nlohmann::json(*x.status) : nlohmann::json()},
                               {"response_headers", headers_json(x.response_headers)},
                               {"response_body", x.response_body},
                               {"error", x.error},
                               {"duration_ms", x.duration.count()}});
        }
        for (const auto& a : st.assertions) {
          assertions.push_back({{"subject", a.subject},
                                {"path", a.path},
                                {"passed", a.passed},
                                {"expected", a.expected},
                                {"actual", a.actual},
                                {"message", a.message},
                                {"file", a.pos.file},
                                {"line", a.pos.line},
                                {"requirements", a.requirements}});
        }
        steps.push_back({{"index", st.index},
                         {"kind", st.kind},
                         {"name", st.name},
                         {"verdict", bis::runner::to_string(st.verdict)},
                         {"error", st.error},
                         {"exchanges", exchanges},
                         {"assertions", assertions}});
      }
      scenarios.push_back({{"id", s.id},
                           {"name", s.name},
                           {"covers", s.covers},
                           {"verdict", bis::runner::to_string(s.verdict)},
                           {"reason", s.reason},
                           {"steps", steps}});
    }
    suites.push_back({{"id", suite.id}, {"file", suite.file}, {"scenarios", scenarios}});
  }
  return nlohmann::json{{"run_id", r.run_id}, {"suites", suites}}.dump(
      2, ' ', false, nlohmann::json::error_handler_t::replace);
}

void write(const std::string& path, const std::string& data) {
  FILE* f = std::fopen(path.c_str(), "wb");
  std::fwrite(data.data(), 1, data.size(), f);
  std::fclose(f);
}

}  // namespace

int main(int argc, char** argv) {
  size_t scenarios = 5000;
  int reps = 5;
  bool check = false;
  std::string keep;
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--check") == 0) {
      check = true;
    } else if (std::strcmp(argv[i], "--keep") == 0 && i + 1 < argc) {
      keep = argv[++i];
    } else {
      positional.push_back(argv[i]);
    }
  }
  if (positional.size() > 0) scenarios = std::stoul(positional[0]);
  if (positional.size() > 1) reps = std::max(1, std::stoi(positional[1]));

  const auto tree = bis::reports::testing::large_tree(scenarios);
  const auto dir = !keep.empty() ? std::filesystem::path(keep)
                                 : std::filesystem::temp_directory_path() /
                                       ("bis-reports-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const bis::reports::RenderContext ctx{fixed_now()};

  std::printf("reports_bench: %zu scenarios, median of %d runs\n\n", scenarios, reps);
  std::printf("%-34s %10s %12s\n", "what", "ms", "bytes");

  size_t total_bytes = 0;
  struct Format {
    const char* name;
    std::string (*render)(const bis::runner::RunResult&, const bis::reports::RenderContext&);
  };
  for (const Format& f :
       {Format{"junit", bis::reports::render_junit}, Format{"json", bis::reports::render_json},
        Format{"html", bis::reports::render_html},
        Format{"markdown", bis::reports::render_markdown}}) {
    size_t bytes = 0;
    const double ms = median_ms(reps, [&] {
      const std::string doc = f.render(tree, ctx);
      bytes = doc.size();
      write((dir / f.name).string(), doc);
    });
    total_bytes += bytes;
    std::printf("render + write %-19s %10.1f %12zu\n", f.name, ms, bytes);
  }

  // The console alone (its plain lines and final report), redaction of the tree included.
  size_t console_bytes = 0;
  const double console_ms = median_ms(reps, [&] {
    std::ostringstream console;
    bis::reports::ReportOptions o;
    o.console = &console;
    o.terminal = false;
    o.color = bis::reports::ColorMode::kNever;
    auto reporters = bis::reports::make_reporters({{"console", ""}}, o);
    bis::runner::RunHeader header{tree.run_id, tree.target, scenarios, tree.strict};
    for (auto& r : *reporters) r->run_started(header);
    for (const auto& suite : tree.suites) {
      for (const auto& s : suite.scenarios) {
        for (auto& r : *reporters) r->scenario_finished(suite, s);
      }
    }
    std::string error;
    (*reporters)[0]->run_finished(tree, error);
    console_bytes = console.str().size();
  });
  std::printf("%-34s %10.1f %12zu\n", "console, with redaction of the tree", console_ms,
              console_bytes);

  // The real path: every reporter at once, redaction included (once, shared).
  const double all_ms = median_ms(reps, [&] {
    std::ostringstream console;
    bis::reports::ReportOptions o;
    o.console = &console;
    o.terminal = false;
    o.color = bis::reports::ColorMode::kNever;
    o.clock = [] { return fixed_now(); };
    auto reporters = bis::reports::make_reporters({{"console", ""},
                                                   {"junit", (dir / "r.xml").string()},
                                                   {"json", (dir / "r.json").string()},
                                                   {"html", (dir / "r.html").string()},
                                                   {"markdown", (dir / "r.md").string()}},
                                                  o);
    bis::runner::RunHeader header{tree.run_id, tree.target, scenarios, tree.strict};
    for (auto& r : *reporters) r->run_started(header);
    for (const auto& suite : tree.suites) {
      for (const auto& s : suite.scenarios) {
        for (auto& r : *reporters) r->scenario_finished(suite, s);
      }
    }
    for (auto& r : *reporters) {
      std::string error;
      if (!r->run_finished(tree, error)) std::fprintf(stderr, "%s\n", error.c_str());
    }
  });

  std::string dumped;
  const double nlohmann_ms = median_ms(reps, [&] {
    dumped = nlohmann_dump(tree);
    write((dir / "nlohmann.json").string(), dumped);
  });
  const std::string blob(total_bytes + console_bytes, 'x');
  const double fwrite_ms = median_ms(reps, [&] { write((dir / "blob").string(), blob); });

  std::printf("\n%-34s %10.1f %12zu\n", "ALL REPORTERS (make_reporters)", all_ms,
              total_bytes + console_bytes);
  std::printf("%-34s %10.1f %12zu\n", "baseline: nlohmann build + dump", nlohmann_ms,
              dumped.size());
  std::printf("%-34s %10.1f %12zu\n", "baseline: fwrite of the same bytes", fwrite_ms, blob.size());
  std::printf("\nall reporters / nlohmann dump of the tree: %.2fx\n", all_ms / nlohmann_ms);
  std::printf("all reporters / fwrite of the same bytes:  %.1fx\n", all_ms / fwrite_ms);
  std::printf("target: every report in under 1000 ms: %s\n", all_ms < 1000 ? "met" : "MISSED");

  if (keep.empty()) std::filesystem::remove_all(dir);
  return check && all_ms >= 1000 ? 1 : 0;
}
