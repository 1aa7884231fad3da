// bis-conform: runs conformance suites against a target (docs/runner.md). The only place
// that composes the runner with the reporters; exit codes: 0 conformant, 1 not conformant
// (or uncovered requirements with --check-coverage), 2 bad usage, bad suite or profile file,
// or a report that could not be written, 3 target unreachable, 4 conformant but a MUST
// requirement of the run not checked under --require-all.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <future>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "bis/common/text.h"
#include "bis/reports/reporters.h"
#include "bis/runner/duration.h"
#include "bis/runner/requirements.h"
#include "bis/runner/run.h"
#include "bis/runner/suite_set.h"
#include "bis/runner/target_connect.h"

namespace {

namespace runner = bis::runner;

constexpr int kConformant = 0, kNotConformant = 1, kUsage = 2, kUnreachable = 3, kUnchecked = 4;

struct Options {
  std::vector<std::string> suites;
  std::string requirements;
  // run
  runner::ConnectOptions connect;
  std::string ca_file;
  bool insecure = false;
  std::vector<std::string> headers;
  std::vector<std::string> reports;
  std::string color = "auto";
  bool no_progress = false;
  runner::RunOptions run;
  runner::Selection selection;
  std::string timeout = "10s", scenario_timeout = "60s", mock_start_timeout = "10s";
  std::string settle;  // empty: the target's own settle window
  bool list = false;
  bool quiet = false;
  // requirements
  bool check_coverage = false;
  std::string format = "text";
};

void print_errors(const std::vector<bis::SourceError>& errors) {
  for (const auto& e : errors) std::cerr << e.to_string() << "\n";
}

// The suite files and the catalogue, or an exit code after printing why.
struct Loaded {
  std::vector<runner::Suite> suites;
  std::optional<runner::Catalogue> catalogue;
  std::string catalogue_path;
  size_t files = 0;
};

std::optional<Loaded> load(const Options& o, bool need_catalogue) {
  std::vector<std::string> args = o.suites;
  if (args.empty()) {
    auto dir = runner::default_suites_dir();
    if (!dir) {
      std::cerr
          << "bis-conform: no suites given and no suites/ directory found (looked in ./suites, the "
             "installed share/bis-conformance/suites and the source tree)\n";
      return std::nullopt;
    }
    args.push_back(*dir);
  }
  auto files = runner::suite_files(args);
  if (!files) {
    std::cerr << "bis-conform: " << files.error() << "\n";
    return std::nullopt;
  }
  Loaded loaded;
  loaded.files = files->suites.size();
  const auto catalogue_path = runner::find_catalogue(o.requirements, *files);
  if (!catalogue_path) {
    std::cerr << "bis-conform: " << catalogue_path.error() << "\n";
    return std::nullopt;
  }
  if (*catalogue_path) {
    auto c = runner::Catalogue::load_file(**catalogue_path);
    if (!c) {
      print_errors(c.error());
      return std::nullopt;
    }
    loaded.catalogue = std::move(*c);
    loaded.catalogue_path = **catalogue_path;
  } else if (need_catalogue) {
    std::cerr << "bis-conform: no requirement catalogue found (requirements.yaml beside the "
                 "suites); pass "
                 "--requirements FILE\n";
    return std::nullopt;
  }
  auto set = runner::load_suites(files->suites, loaded.catalogue ? &*loaded.catalogue : nullptr);
  if (!set.errors.empty()) {
    print_errors(set.errors);
    std::cerr << set.errors.size() << (set.errors.size() == 1 ? " error" : " errors")
              << " in suite files\n";
    return std::nullopt;
  }
  loaded.suites = std::move(set.suites);
  return loaded;
}

int lint(const Options& o) {
  auto loaded = load(o, true);
  if (!loaded) return kUsage;
  size_t scenarios = 0;
  for (const auto& s : loaded->suites) scenarios += s.scenarios.size();
  std::cerr << "lint: " << loaded->files << (loaded->files == 1 ? " suite file, " : " suite files, ") << scenarios << " scenarios, "
            << loaded->catalogue->requirements().size() << " requirements ("
            << loaded->catalogue_path << "): OK\n";
  return kConformant;
}

int requirements(const Options& o) {
  auto loaded = load(o, true);
  if (!loaded) return kUsage;
  std::map<std::string, std::vector<std::string>> covering;
  for (const auto& suite : loaded->suites) {
    for (const auto& sc : suite.scenarios) {
      std::set<std::string> ids(sc.covers.begin(), sc.covers.end());
      for (const auto& st : sc.steps) ids.insert(st.covers.begin(), st.covers.end());
      for (const auto& id : ids) covering[id].push_back(suite.id + "/" + sc.id);
    }
  }
  size_t uncovered = 0;
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : loaded->catalogue->requirements()) {
    const auto& list = covering[r.id];
    uncovered += list.empty();
    if (o.format == "json") {
      out.push_back({{"id", r.id},
                     {"level", runner::to_string(r.level)},
                     {"text", r.text},
                     {"source", r.source},
                     {"inferred", r.inferred},
                     {"level_reason", r.level_reason},
                     {"scenarios", list}});
      continue;
    }
    std::cout << r.id << "  " << runner::to_string(r.level) << (r.inferred ? " (inferred)" : "")
              << "  ";
    if (list.empty()) {
      std::cout << "UNCOVERED";
    } else {
      std::cout << list.size() << (list.size() == 1 ? " scenario: " : " scenarios: ");
      for (size_t i = 0; i < list.size(); ++i) std::cout << (i ? ", " : "") << list[i];
    }
    std::cout << "\n    " << r.text << "\n";
  }
  const size_t total = loaded->catalogue->requirements().size();
  if (o.format == "json") {
    std::cout << out.dump(2) << "\n";
  } else {
    std::cout << total << " requirements, " << total - uncovered << " covered, " << uncovered
              << " uncovered\n";
  }
  if (o.check_coverage && uncovered > 0) {
    std::cerr << "bis-conform: " << uncovered << " requirement"
              << (uncovered == 1 ? " has" : "s have") << " no covering scenario\n";
    return kNotConformant;
  }
  return kConformant;
}

int run(Options& o) {
  for (auto [flag, text, out] :
       {std::tuple<const char*, const std::string*, runner::Duration*>{"--timeout", &o.timeout,
                                                                       &o.run.request_timeout},
        {"--scenario-timeout", &o.scenario_timeout, &o.run.scenario_timeout},
        {"--mock-start-timeout", &o.mock_start_timeout, &o.connect.mock_start_timeout}}) {
    auto d = runner::parse_duration(*text);
    if (!d || d->count() <= 0) {
      std::cerr << "bis-conform: " << flag << ": " << (d ? "must be positive" : d.error()) << "\n";
      return kUsage;
    }
    *out = *d;
  }
  if (!o.settle.empty()) {
    auto d = runner::parse_duration(o.settle);
    if (!d || d->count() < 0) {
      std::cerr << "bis-conform: --settle: " << (d ? "must not be negative" : d.error()) << "\n";
      return kUsage;
    }
    o.connect.settle = *d;
  }
  o.connect.timeout = o.run.request_timeout;
  for (const auto& h : o.headers) {
    const size_t colon = h.find(':');
    if (colon == std::string::npos || colon == 0) {
      std::cerr << "bis-conform: --header '" << h << "': expected 'Name: value'\n";
      return kUsage;
    }
    std::string value = h.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    o.connect.headers.emplace_back(h.substr(0, colon), value);
  }
  o.connect.tls.ca_file = o.ca_file;
  o.connect.tls.insecure = o.insecure;
  o.connect.tls_set = o.insecure || !o.ca_file.empty();

  // The suites load while the target is reached (the bundled mock starts, health and fixtures
  // are read): against a far target both take round trips or process start-up, and neither
  // needs the other. The bundled mock is started on this thread, because it is stopped when
  // the thread that started it ends (PR_SET_PDEATHSIG), and the suites load on another. A URL
  // or profile target is reached on another thread instead, so that a bad suite exits at once
  // rather than after an unreachable target's connect timeout.
  if (o.run.run_id.empty()) o.run.run_id = runner::new_run_id();
  o.connect.run_id = o.run.run_id;
  o.connect.connections =
      std::max<size_t>(o.run.jobs ? o.run.jobs : runner::default_jobs(), 1) + 1;
  std::optional<decltype(runner::connect_target(o.connect))> connected;
  std::optional<Loaded> loaded;
  if (o.list) {
    loaded = load(o, true);
  } else if (o.connect.target == "mock") {
    auto loading = std::async(std::launch::async, [&o] { return load(o, true); });
    connected.emplace(runner::connect_target(o.connect));
    loaded = loading.get();
  } else {
    auto reaching =
        std::async(std::launch::async, [&o] { return runner::connect_target(o.connect); });
    loaded = load(o, true);
    if (!loaded) {
      // The errors are printed; the target may still be waiting out its timeout, and the
      // future's destructor would wait for it: nothing else is left to do or to flush.
      std::cout.flush();
      std::_Exit(kUsage);
    }
    connected.emplace(reaching.get());
  }
  if (!loaded) return kUsage;
  size_t selected = 0;
  for (const auto& suite : loaded->suites) {
    for (const auto& sc : suite.scenarios) {
      if (!o.selection.selects(suite, sc)) continue;
      ++selected;
      if (o.list)
        std::cout << suite.id << "/" << sc.id << (sc.name.empty() ? "" : "  " + sc.name) << "\n";
    }
  }
  if (selected == 0) {
    std::cerr << "bis-conform: no scenario matches the filters\n";
    for (const auto& line : runner::empty_selection_hints(loaded->suites, o.selection))
      std::cerr << "  " << line << "\n";
    return kUsage;
  }
  if (o.list) return kConformant;

  std::vector<bis::reports::ReportSpec> specs;
  bool console = false, stdout_taken = false;
  for (const auto& r : o.reports) {
    auto spec = bis::reports::parse_report_spec(r);
    if (!spec) {
      std::cerr << "bis-conform: --report " << r << ": " << spec.error() << "\n";
      return kUsage;
    }
    console = console || spec->format == "console";
    stdout_taken = stdout_taken || spec->path.empty() || spec->path == "-";
    specs.push_back(*spec);
  }
  // The console summary is shown whatever else is written, so a CI log never ends a failed run
  // with nothing; on standard error when a report already writes to standard output.
  if (!console && !o.quiet) specs.push_back({"console", "", stdout_taken});
  bis::reports::ReportOptions report_options;
  report_options.color = o.color == "always"  ? bis::reports::ColorMode::kAlways
                         : o.color == "never" ? bis::reports::ColorMode::kNever
                                              : bis::reports::ColorMode::kAuto;
  report_options.progress = !o.no_progress;
  auto reporters = bis::reports::make_reporters(specs, report_options);
  if (!reporters) {
    std::cerr << "bis-conform: " << reporters.error() << "\n";
    return kUsage;
  }

  if (!*connected) {
    std::cerr << "bis-conform: " << connected->error().message << "\n";
    return connected->error().exit_code;
  }
  runner::ListenerList listeners;
  for (auto& r : *reporters) listeners.add(r.get());
  runner::RunResult result = runner::run(loaded->suites, o.selection, *loaded->catalogue,
                                         (**connected)->target, o.run, listeners);
  (**connected).reset();  // stops the bundled mock before reporting

  std::string report_error;
  const bool reported = listeners.run_finished(result, report_error);
  size_t retried = 0;
  for (const auto& s : result.suites) {
    for (const auto& sc : s.scenarios) {
      for (const auto& st : sc.steps) {
        for (const auto& n : st.notes) retried += n.rfind("429", 0) == 0;
      }
    }
  }
  if (retried)
    std::cerr << "note: the target answered 429 Too Many Requests " << retried
              << " time(s); see the steps' notes\n";
  if (!reported) {
    std::cerr << "bis-conform: " << report_error << "\n";
    return kUsage;
  }
  if (!result.conformant()) return kNotConformant;
  return result.unchecked_fails() ? kUnchecked : kConformant;
}

// A repeatable option takes one value per occurrence, so `--tag a suites/x.yaml` keeps the
// suite a positional argument (CLI11's vectors are greedy by default).
CLI::Option* repeatable(CLI::Option* option) {
  return option->expected(1)->allow_extra_args(false)->multi_option_policy(
      CLI::MultiOptionPolicy::TakeAll);
}

void add_suite_options(CLI::App& app, Options& o, const char* what) {
  app.add_option("suites", o.suites, what);
  app.add_option("--requirements", o.requirements,
                 "Requirement catalogue (default: requirements.yaml beside the suites)");
}

// After CLI11's "argument was not expected": "did you mean" for each unknown --option of the
// command given, as every other bis-conform error has.
void suggest_options(CLI::App& app, const std::vector<std::string>& args) {
  const auto parsed = app.get_subcommands();
  if (parsed.empty()) return;
  const CLI::App* command = parsed.front();
  std::vector<std::string> names;
  for (const CLI::Option* opt : command->get_options()) {
    for (const auto& l : opt->get_lnames()) names.push_back("--" + l);
  }
  for (size_t i = 2; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.rfind("--", 0) != 0 || a == "--") continue;
    const std::string name = a.substr(0, a.find('='));
    if (std::find(names.begin(), names.end(), name) != names.end()) continue;
    const std::string guess = bis::closest_match(name, names);
    if (!guess.empty()) std::cerr << name << ": did you mean '" << guess << "'?\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  // `bis-conform [SUITES...] [options]` means `bis-conform run ...`.
  std::vector<std::string> args(argv, argv + argc);
  const bool explicit_command =
      argc > 1 && (args[1] == "run" || args[1] == "lint" || args[1] == "requirements" ||
                   args[1] == "-h" || args[1] == "--help" || args[1] == "--version");
  if (!explicit_command) args.insert(args.begin() + 1, "run");

  Options o;
  CLI::App app{"bis-conform: conformance suites for the Back in Stock subscribe API",
               "bis-conform"};
  app.set_version_flag("--version", std::string(runner::tool_version()));
  app.require_subcommand(1);

  CLI::App* run_cmd =
      app.add_subcommand("run", "Run suites against a target (the default command)");
  add_suite_options(*run_cmd, o, "Suite files or directories (default: the project's suites/)");
  run_cmd->add_option("-t,--target", o.connect.target,
                      "mock (default), a URL of a mock-like target, or a target profile file");
  run_cmd->add_option(
      "--mock-exe", o.connect.mock_exe,
      "The bis-mock to start for --target mock (default: next to bis-conform, else PATH)");
  run_cmd->add_option("--mock-start-timeout", o.mock_start_timeout,
                      "How long bis-mock may take to start (default 10s)");
  repeatable(run_cmd->add_option(
      "--mock-arg", o.connect.mock_args,
      "Extra argument for bis-mock (repeatable), e.g. --mock-arg=--defect=NAME"));
  run_cmd->add_option("--ca-file", o.ca_file, "CA bundle to verify an https target with")
      ->check(CLI::ExistingFile);
  run_cmd->add_flag("--insecure", o.insecure, "Do not verify the https target's certificate");
  repeatable(run_cmd->add_option("-H,--header", o.headers,
                                 "Extra header for every API request, 'Name: value' (repeatable)"));
  run_cmd
      ->add_option("--admin-token", o.connect.admin_token, "Control-protocol token of a URL target")
      ->envname("BIS_ADMIN_TOKEN");
  repeatable(
      run_cmd->add_option("-r,--report", o.reports, "FORMAT[:PATH] (repeatable; default console)"));
  run_cmd->add_option("--color", o.color, "auto, always or never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  run_cmd->add_flag("--no-progress", o.no_progress, "No live progress line");
  run_cmd->add_flag("-q,--quiet", o.quiet,
                    "No console output unless a --report console asks for it (the other "
                    "reports, errors and the exit code are unchanged)");
  run_cmd
      ->add_option("-j,--jobs", o.run.jobs, "Scenarios run at once (default: 32, or the number of cores if more)")
      ->check(CLI::Range(1, 1024));
  repeatable(run_cmd->add_option("--tag", o.selection.tags,
                                 "Only scenarios with this tag (repeatable: any of them)"));
  repeatable(run_cmd->add_option("--skip-tag", o.selection.skip_tags,
                                 "Leave out scenarios with this tag (repeatable)"));
  repeatable(run_cmd->add_option("--requirement", o.selection.requirements,
                                 "Only scenarios covering this requirement ID (glob; repeatable)"));
  repeatable(run_cmd->add_option(
      "-s,--scenario", o.selection.scenarios,
      "Only scenarios whose suite/id, id or name matches this glob (repeatable)"));
  run_cmd->add_flag("--list", o.list, "List the selected scenarios and exit");
  run_cmd->add_flag("--fail-fast", o.run.fail_fast,
                    "Start no new scenario after one fails or errors");
  run_cmd->add_flag("--strict", o.run.strict, "A warning (a SHOULD broken) fails the run");
  run_cmd->add_flag("--require-all", o.run.require_all,
                    "A MUST requirement of the run left unchecked (not applicable, error) fails "
                    "the run with exit code 4");
  run_cmd->add_option("--timeout", o.timeout, "Timeout of every request (default 10s)");
  run_cmd->add_option("--settle", o.settle,
                      "How long absence checks (`consistently: true`) watch, whatever the target "
                      "(default: 0 for the bundled mock and targets offering `settle`, a "
                      "profile's timing.settle, else 2s)");
  run_cmd->add_option("--scenario-timeout", o.scenario_timeout,
                      "Deadline of a scenario unless it sets its own (default 60s)");
  run_cmd
      ->add_option("--max-rps", o.run.max_rps,
                   "Cap on requests per second to the API (default: none)")
      ->check(CLI::PositiveNumber);
  run_cmd->add_option("--run-id", o.run.run_id,
                      "Run id (default: random); part of every generated email");

  run_cmd->footer(
      "Exit codes: 0 conformant; 1 not conformant (a fail or error, or a warning under --strict);\n"
      "2 bad usage, suite, profile or report; 3 target unreachable; 4 conformant but a MUST\n"
      "requirement of the run was not checked, under --require-all.");

  CLI::App* lint_cmd = app.add_subcommand("lint", "Check suite files without running them");
  add_suite_options(*lint_cmd, o, "Suite files or directories (default: the project's suites/)");

  CLI::App* req_cmd = app.add_subcommand(
      "requirements", "List the requirement catalogue with the scenarios covering each");
  add_suite_options(*req_cmd, o, "Suite files or directories (default: the project's suites/)");
  req_cmd->add_flag("--check-coverage", o.check_coverage,
                    "Exit 1 if a requirement has no covering scenario");
  req_cmd->add_option("--format", o.format, "text or json")->check(CLI::IsMember({"text", "json"}));

  std::vector<const char*> cargs;
  for (const auto& a : args) cargs.push_back(a.c_str());
  try {
    app.parse(static_cast<int>(cargs.size()), cargs.data());
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr) suggest_options(app, args);
    return code == 0 ? kConformant : kUsage;
  }
  if (run_cmd->parsed()) return run(o);
  if (lint_cmd->parsed()) return lint(o);
  return requirements(o);
}
