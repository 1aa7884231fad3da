// bis-mock: the mock Back in Stock API. Reads the command line, loads fixtures and state,
// serves until SIGINT/SIGTERM. Exit codes: 0 stopped cleanly, 1 could not listen or run,
// 2 bad usage, bad fixtures or unusable state file (message on stderr, file:line:col first).
#include <pthread.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include "bis/common/duration.h"
#include "bis/common/fixtures.h"
#include "bis/mock/clock.h"
#include "bis/mock/defects.h"
#include "bis/mock/fixtures_loader.h"
#include "bis/mock/request_log.h"
#include "bis/mock/server.h"
#include "bis/mock/service.h"
#include "bis/mock/state_store.h"
#include "bis/mock/variations.h"

#ifndef BIS_VERSION
#define BIS_VERSION "0.0.0"
#endif

namespace {

using namespace bis::mock;

constexpr int kUsageError = 2;
constexpr int kRunError = 1;

struct Flags {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string fixtures;
  std::string state;
  std::vector<std::string> defects;
  std::vector<std::string> variations;
  std::vector<std::string> faults;
  std::string log_format = "text";
  size_t journal_size = 1000;
  uint64_t max_body = 64 * 1024;
  uint64_t journal_bytes = bis::mock::kDefaultJournalBytes;
  std::string admin_token;
  // The HTTP layer's limits (docs/mock.md, "HTTP layer: what enforces what").
  uint64_t max_connections = 4096;
  std::string header_timeout = "10s";
  std::string body_timeout = "30s";
  std::string keep_alive = "5s";
  uint64_t max_target = 8 * 1024;
  uint64_t max_header_bytes = 64 * 1024;
  uint64_t max_headers = 100;
  bool quiet = false;
  bool no_rate_limits = false;
  bool list_defects = false;
  bool list_variations = false;
  bool print_fixtures = false;
};

void fail(const std::string& message) { std::fprintf(stderr, "%s\n", message.c_str()); }

// A flag's duration in milliseconds: at least 1 ms and at most a day, or a usage message.
bis::Expected<int, std::string> flag_ms(std::string_view flag, const std::string& text) {
  auto d = bis::parse_duration(text);
  if (!d) return bis::Unexpected("bis-mock: " + std::string(flag) + ": " + d.error());
  if (d->count() < 1 || d->count() > 24 * 3600 * 1000)
    return bis::Unexpected("bis-mock: " + std::string(flag) + " must be between 1ms and 24h, got '" +
                           text + "'");
  return static_cast<int>(d->count());
}

// The HTTP layer's limits from the flags, or the first flag that is out of range.
bis::Expected<ServerOptions, std::string> http_limits(const Flags& flags, ServerOptions o) {
  struct Count {
    const char* flag;
    uint64_t value;
    size_t& into;
    uint64_t max;
  };
  for (const Count& c : {Count{"--max-connections", flags.max_connections, o.max_connections, 100000},
                         Count{"--max-target", flags.max_target, o.max_target, 1 << 20},
                         Count{"--max-header-bytes", flags.max_header_bytes, o.max_header_bytes,
                               16 << 20},
                         Count{"--max-headers", flags.max_headers, o.max_headers, 10000}}) {
    if (c.value < 1 || c.value > c.max)
      return bis::Unexpected("bis-mock: " + std::string(c.flag) + " must be between 1 and " +
                             std::to_string(c.max) + ", got " + std::to_string(c.value));
    c.into = static_cast<size_t>(c.value);
  }
  struct Timeout {
    const char* flag;
    const std::string& text;
    int& into_ms;
  };
  for (const Timeout& t : {Timeout{"--header-timeout", flags.header_timeout, o.header_timeout_ms},
                           Timeout{"--body-timeout", flags.body_timeout, o.body_timeout_ms},
                           Timeout{"--keep-alive", flags.keep_alive, o.keep_alive_ms}}) {
    auto ms = flag_ms(t.flag, t.text);
    if (!ms) return bis::Unexpected(ms.error());
    t.into_ms = *ms;
  }
  return o;
}

std::string flow_text(const bis::fixtures::Account& a) {
  if (!a.flow) return "no flow";
  std::string s = a.flow->enabled ? "flow on" : "flow off";
  s += " (threshold " + std::to_string(a.flow->threshold);
  if (a.flow->batch_size > 0) {
    s += ", batches of " + std::to_string(a.flow->batch_size) + " every " +
         std::to_string(a.flow->batch_interval_seconds) + "s";
  }
  return s + ")";
}

// "1 event", "0 events", "2 events".
std::string counted(size_t n, const char* noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

// What a person starting bis-mock needs: where it listens, the accounts and keys to use.
void print_banner(RequestLog& log, const Server& server, const Service& service, const Flags& flags,
                  const std::vector<std::string>& notices) {
  const bis::fixtures::Fixtures f = service.fixtures();
  const ServiceStats st = service.stats();
  const std::vector<std::string> defects = service.defects().names();
  if (log.format() == LogFormat::kJson) {
    nlohmann::json j = bis::fixtures::to_json(f);
    j["event"] = "started";
    j["url"] = server.url();
    j["dashboard"] = server.url() + "/__admin/ui";
    j["state"] = service.store_description();
    j["defects"] = defects;
    j["variations"] = service.variations().names();
    j["notices"] = notices;
    j["faults"] = flags.faults;
    std::fprintf(stderr, "%s\n", j.dump().c_str());
    return;
  }
  std::string out;
  out += "  fixtures  " +
         (flags.fixtures.empty() ? std::string("built-in defaults") : flags.fixtures) + " (" +
         std::to_string(f.accounts.size()) + " accounts)\n";
  out += "  state     " + service.store_description();
  if (!flags.state.empty()) {
    out += " (" + counted(st.subscriptions, "active subscription") + ", " +
           counted(st.events, "event") + ", " + counted(st.notifications, "notification") + ", " +
           counted(st.members, "list member") + ")";
  }
  out += "\n  admin     " + server.url() + "/__admin" +
         (flags.admin_token.empty() ? " (loopback clients only)" : " (token required)") + "\n";
  // The token is not printed: logs travel (CI artifacts); the page asks for it, or takes it
  // from the address's fragment, which the browser never sends.
  out += "  dashboard " + server.url() + "/__admin/ui" +
         (flags.admin_token.empty() ? "" : "#token=<your --admin-token>") + "\n";
  std::string d;
  for (const std::string& name : defects) d += (d.empty() ? "" : ", ") + name;
  out += "  defects   " +
         (d.empty() ? std::string("none") : d + "  (deliberately NOT conformant)") + "\n";
  std::string v;
  for (const std::string& name : service.variations().names()) v += (v.empty() ? "" : ", ") + name;
  out += "  variations " + (v.empty() ? std::string("none") : v + "  (permitted: still conformant)") +
         "\n";
  if (!flags.faults.empty()) {
    out += "  faults    ";
    for (size_t i = 0; i < flags.faults.size(); ++i)
      out += (i ? ", " : "") + flags.faults[i];
    out += "  (GET /__admin/faults)\n";
  }
  out += "  accounts  key     integration                       flow / private key\n";
  for (const auto& a : f.accounts) {
    char line[512];
    std::snprintf(line, sizeof line, "            %-7s %-33s %s\n", a.key.c_str(),
                  std::string(bis::fixtures::to_string(a.integration)).c_str(),
                  flow_text(a).c_str());
    out += line;
    out += "                    private key " +
           (a.private_key.empty() ? std::string("-") : a.private_key) + "\n";
    std::string vs;
    for (const auto& v : a.variants)
      vs += (vs.empty() ? "" : ", ") + v.id + " (" + std::to_string(v.inventory) + ")";
    if (!vs.empty()) out += "                    variants " + vs + "\n";
    std::string ls;
    for (const auto& l : a.lists)
      ls += (ls.empty() ? "" : ", ") + l.id +
            (l.double_opt_in ? " (double opt-in)" : " (single opt-in)");
    if (!ls.empty()) out += "                    lists " + ls + "\n";
  }
  for (const std::string& n : notices) out += "  note: " + n + "\n";
  if (!f.accounts.empty() && !f.accounts.front().variants.empty()) {
    const auto& a = f.accounts.front();
    const auto platform = bis::fixtures::platform_for(a.integration);
    out += "  try       curl -s " + server.url() + "/api/v1/catalog/subscribe --data 'a=" + a.key +
           "&email=you@example.com&variant=" + a.variants.front().id +
           "&platform=" + std::string(platform.value_or("shopify")) + "'\n";
  }
  std::fputs(out.c_str(), stderr);
  std::fflush(stderr);
}

void print_defects() {
  for (const DefectInfo& d : all_defects()) {
    std::printf("%-32s %s (breaks: %s; operator: %s)\n", std::string(d.name).c_str(),
                std::string(d.effect).c_str(), std::string(d.family).c_str(),
                std::string(to_string(d.op)).c_str());
  }
}

void print_variations() {
  for (const VariationInfo& v : all_variations()) {
    std::printf("%-26s %s (allowed: %s)\n", std::string(v.name).c_str(),
                std::string(v.effect).c_str(), std::string(v.why).c_str());
  }
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  CLI::App app{
      "bis-mock " BIS_VERSION
      ": a mock of the Back in Stock subscribe API (POST /api/v1/catalog/subscribe) with the "
      "control protocol under /__admin. Starts with built-in fixtures; prints where it listens "
      "and the test accounts' keys on stderr.",
      "bis-mock"};
  app.get_formatter()->column_width(34);
  app.add_option("--host", flags.host, "Address to listen on")->capture_default_str();
  app.add_option("--port", flags.port, "Port to listen on; 0 picks a free port (printed on stderr)")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  app.add_option("--fixtures", flags.fixtures,
                 "YAML fixtures replacing the built-in ones (docs/fixtures.md)")
      ->type_name("FILE");
  app.add_option(
         "--state", flags.state,
         "Keep subscriptions, events, notifications, list members and catalog changes in this "
         "SQLite file; a restart resumes from it")
      ->type_name("FILE");
  app.add_option(
         "--defect", flags.defects,
         "Switch on a deliberate deviation from the API (repeatable; --list-defects names them)")
      ->type_name("NAME");
  app.add_flag("--list-defects", flags.list_defects, "Print the defect catalogue and exit");
  app.add_option("--variation", flags.variations,
                 "Switch on a behaviour the API allows but the mock does not do by default "
                 "(repeatable; --list-variations names them)")
      ->type_name("NAME");
  app.add_option("--fault", flags.faults,
                 "Inject a fault into the served API from the start (repeatable), e.g. "
                 "latency=50ms, status=503,times=2, rate_limit=2, reset=after, empty, "
                 "truncate=10, slow_body=100,path=/api/*; see docs/control-protocol.md")
      ->type_name("SPEC");
  app.add_flag("--list-variations", flags.list_variations,
               "Print the permitted variations and exit");
  app.add_flag("--print-fixtures", flags.print_fixtures,
               "Print the built-in fixtures (YAML) and exit");
  app.add_option("--log-format", flags.log_format,
                 "Request log on stderr: text or json (one object a line)")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json"}));
  app.add_option("--journal-size", flags.journal_size,
                 "Requests kept in the journal (GET /__admin/requests); 0 keeps none")
      ->capture_default_str();
  app.add_option("--journal-bytes", flags.journal_bytes,
                 "Memory the journal may hold, all entries together (e.g. 32MiB); each stored "
                 "header block or body is cut at 64 KiB (or a 16th of this), marked with its size")
      ->capture_default_str()
      ->transform(CLI::AsSizeValue(false));
  app.add_option("--max-body", flags.max_body,
                 "Largest request body accepted by the served API (e.g. 65536, 64KiB, 1MiB)")
      ->capture_default_str()
      ->transform(CLI::AsSizeValue(false));
  app.add_option(
         "--admin-token", flags.admin_token,
         "Open the control surface to any address, for requests carrying X-Admin-Token: T or "
         "Authorization: Bearer T (default: loopback clients only, no token)")
      ->type_name("T");
  app.add_option("--max-connections", flags.max_connections,
                 "Connections served at once; one more is answered 503 with Retry-After and closed")
      ->capture_default_str();
  app.add_option("--header-timeout", flags.header_timeout,
                 "Time from a request's first byte to the end of its headers, in all (408 after)")
      ->capture_default_str()
      ->type_name("DURATION");
  app.add_option("--body-timeout", flags.body_timeout,
                 "Time from the end of a request's headers to the end of its body (408 after)")
      ->capture_default_str()
      ->type_name("DURATION");
  app.add_option("--keep-alive", flags.keep_alive,
                 "An idle keep-alive connection is closed after this")
      ->capture_default_str()
      ->type_name("DURATION");
  app.add_option("--max-target", flags.max_target,
                 "Longest request target (path and query) in bytes (414 over it); accepts units")
      ->capture_default_str()
      ->transform(CLI::AsSizeValue(false));
  app.add_option("--max-header-bytes", flags.max_header_bytes,
                 "Header (and trailer) lines of one request, bytes in all (431 over it)")
      ->capture_default_str()
      ->transform(CLI::AsSizeValue(false));
  app.add_option("--max-headers", flags.max_headers,
                 "Header (and trailer) lines of one request, counted (431 over it)")
      ->capture_default_str();
  app.add_flag("--no-rate-limits", flags.no_rate_limits,
               "Serve every request: no 429, no RateLimit-* headers (default: per account and "
               "endpoint class, 350/s burst and 3500/min steady, or the account's rate_limits)");
  app.add_flag("--quiet", flags.quiet,
               "Print only the 'bis-mock listening on URL' line, no banner, no request log");
  app.set_version_flag("--version", "bis-mock " BIS_VERSION);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kUsageError;
  }
  if (flags.list_defects) {
    print_defects();
    return 0;
  }
  if (flags.list_variations) {
    print_variations();
    return 0;
  }
  if (flags.print_fixtures) {
    std::fwrite(default_fixtures_yaml().data(), 1, default_fixtures_yaml().size(), stdout);
    return 0;
  }
  auto defects = Defects::parse(flags.defects);
  if (!defects) {
    fail("bis-mock: " + defects.error() + "\nRun with --help for more information.");
    return kUsageError;
  }
  auto variations = Variations::parse(flags.variations);
  if (!variations) {
    fail("bis-mock: " + variations.error() + "\nRun with --help for more information.");
    return kUsageError;
  }
  std::vector<Fault> faults;
  for (const std::string& spec : flags.faults) {
    auto fault = parse_fault_spec(spec);
    if (!fault) {
      fail("bis-mock: " + fault.error());
      return kUsageError;
    }
    faults.push_back(std::move(*fault));
  }
  if (flags.max_body == 0) {
    fail("bis-mock: --max-body must be at least 1 byte");
    return kUsageError;
  }
  auto limits = http_limits(flags, ServerOptions{});
  if (!limits) {
    fail(limits.error() + "\nRun with --help for more information.");
    return kUsageError;
  }

  auto fixtures =
      flags.fixtures.empty() ? load_default_fixtures() : load_fixtures_file(flags.fixtures);
  if (!fixtures) {
    fail(fixtures.error().to_string());
    return kUsageError;
  }
  std::unique_ptr<StateStore> store = make_memory_store();
  if (!flags.state.empty()) {
    auto opened = open_sqlite_store(flags.state);
    if (!opened) {
      fail(opened.error());
      return kUsageError;
    }
    store = std::move(*opened);
  }
  SystemClock clock;
  ServiceOptions service_options;
  service_options.defects = *defects;
  service_options.variations = *variations;
  service_options.clock = &clock;
  auto service = Service::create(std::move(*fixtures), std::move(store), service_options);
  if (!service) {
    fail(service.error());
    return kUsageError;
  }

  // Signals are taken synchronously by this thread; every other thread inherits the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  RequestLog log(stderr, flags.log_format == "json" ? LogFormat::kJson : LogFormat::kText,
                 flags.quiet);
  ServerOptions server_options = *limits;
  server_options.host = flags.host;
  server_options.port = flags.port;
  server_options.max_body = static_cast<size_t>(flags.max_body);
  server_options.journal_bytes = static_cast<size_t>(flags.journal_bytes);
  server_options.journal_size = flags.journal_size;
  server_options.admin_token = flags.admin_token;
  server_options.faults = std::move(faults);
  server_options.rate_limits = !flags.no_rate_limits;
  Server server(**service, server_options, &log);
  auto port = server.start();
  if (!port) {
    fail("bis-mock: " + port.error());
    return kRunError;
  }
  // The first line on stderr: a parent process waits for exactly this.
  std::fprintf(stderr, "bis-mock listening on %s\n", server.url().c_str());
  std::fflush(stderr);
  if (!flags.quiet) print_banner(log, server, **service, flags, (*service)->notices());
  log.start();

  int signal = 0;
  sigwait(&stop_signals, &signal);
  server.stop();
  if (!flags.quiet)
    log.message(std::string("bis-mock stopped (") + (signal == SIGINT ? "SIGINT" : "SIGTERM") +
                ")");
  return 0;
}
