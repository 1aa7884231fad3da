// bis-mock as a process, as the runner and app teams start it.
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sys/stat.h>
#include <thread>

#include "child_process.h"
#include "mock_process.h"
#include "raw_client.h"
#include "support/poll.h"

namespace bis::mock {
namespace {

using testing::ChildProcess;
using testing::RawClient;
using testing::status_of;
using testing::remove_state;
using testing::start;
using testing::temp_path;

const std::string kBinary = BIS_MOCK_BINARY;
TEST(ProcessTest, TheFirstStderrLineSaysWhereItListensThenTheBannerNamesTheKeys) {
  ChildProcess p({kBinary, "--port", "0"});
  const int port = start(p);
  ASSERT_GT(port, 0);
  std::string banner;
  for (int i = 0; i < 12; ++i) banner += p.read_line().value_or("") + "\n";
  EXPECT_NE(banner.find("PkShop"), std::string::npos) << banner;
  EXPECT_NE(banner.find("pk_mock_shopify_"), std::string::npos) << banner;
  httplib::Client c("127.0.0.1", port);
  auto r = c.Post("/api/v1/catalog/subscribe",
                  "a=PkShop&email=p%40example.com&variant=44221714951&platform=shopify",
                  "application/x-www-form-urlencoded");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, R"({"email": "p@example.com", "success": true})");
  p.signal(SIGTERM);
  EXPECT_EQ(p.wait(), 0);
}

TEST(ProcessTest, QuietPrintsOnlyTheListeningLine) {
  ChildProcess p({kBinary, "--port", "0", "--quiet"});
  const int port = start(p);
  ASSERT_GT(port, 0);
  httplib::Client c("127.0.0.1", port);
  ASSERT_TRUE(c.Get("/__admin/health"));
  p.signal(SIGINT);
  EXPECT_EQ(p.wait(), 0);
  EXPECT_EQ(p.read_rest(), "");
}

TEST(ProcessTest, SigtermStopsPromptlyEvenWithIdleConnections) {
  ChildProcess p({kBinary, "--port", "0", "--quiet"});
  const int port = start(p);
  httplib::Client c("127.0.0.1", port);
  c.set_keep_alive(true);
  ASSERT_TRUE(c.Get("/__admin/health"));
  const auto t0 = std::chrono::steady_clock::now();
  p.signal(SIGTERM);
  EXPECT_EQ(p.wait(std::chrono::seconds(3)), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(3));
}

TEST(ProcessTest, ABadFixturesFileStopsWithExitCode2AndAPosition) {
  const std::string path = temp_path("bad.yaml");
  std::ofstream(path) << "accounts:\n  - key: Abc123\n    integration: shopfy\n";
  ChildProcess p({kBinary, "--port", "0", "--fixtures", path});
  EXPECT_EQ(
      p.read_line(),
      path +
          ":3:18: accounts[0].integration: unknown integration 'shopfy' (did you mean 'shopify'?)");
  EXPECT_EQ(p.wait(), 2);
  std::filesystem::remove(path);
}

TEST(ProcessTest, AnUnknownDefectIsAUsageError) {
  ChildProcess p({kBinary, "--port", "0", "--defect", "notify-twise"});
  const std::string err = p.read_rest();
  EXPECT_EQ(p.wait(), 2);
  EXPECT_NE(err.find("unknown defect 'notify-twise' (did you mean 'notify-twice'?)"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("racy-duplicates"), std::string::npos) << err;
}

TEST(ProcessTest, BadFlagsAreUsageErrors) {
  ChildProcess p({kBinary, "--port", "70000"});
  EXPECT_EQ(p.wait(), 2);
  ChildProcess q({kBinary, "--log-format", "xml"});
  EXPECT_EQ(q.wait(), 2);
}

TEST(ProcessTest, APortInUseIsARunErrorNotAUsageError) {
  ChildProcess first({kBinary, "--port", "0", "--quiet"});
  const int port = start(first);
  ASSERT_GT(port, 0);
  ChildProcess second({kBinary, "--port", std::to_string(port)});
  const std::string err = second.read_rest();
  EXPECT_EQ(second.wait(), 1);
  EXPECT_NE(err.find("cannot listen on 127.0.0.1:" + std::to_string(port)), std::string::npos)
      << err;
}

TEST(ProcessTest, AnIpv6HostIsPrintedInBrackets) {
  ChildProcess p({kBinary, "--host", "::1", "--port", "0", "--quiet"});
  const auto line = p.read_line();
  ASSERT_TRUE(line);
  if (line->find("cannot listen") != std::string::npos)
    GTEST_SKIP() << "no IPv6 loopback here: " << *line;
  EXPECT_TRUE(std::regex_match(*line, std::regex("bis-mock listening on http://\\[::1\\]:[0-9]+")))
      << *line;
}

// The flags table of docs/mock.md and --help name the same flags: a flag added to one and not
// the other fails here.
TEST(ProcessTest, HelpAndTheDocsNameTheSameFlags) {
  ChildProcess p({"/bin/sh", "-c", "exec \"$0\" --help 1>&2", kBinary});
  const std::string help = p.read_rest();
  EXPECT_EQ(p.wait(), 0);
  std::ifstream docs(std::string(BIS_SOURCE_DIR) + "/docs/mock.md");
  ASSERT_TRUE(docs) << "cannot read docs/mock.md";
  std::set<std::string> documented;
  const std::regex row("^\\| `(--[a-z-]+)");
  bool in_flags = false;
  for (std::string line; std::getline(docs, line);) {
    if (line.rfind("### ", 0) == 0 || line.rfind("## ", 0) == 0) in_flags = line == "### Flags";
    std::smatch m;
    if (!in_flags || !std::regex_search(line, m, row)) continue;
    documented.insert(m[1]);
    // `--version`, `--help`: both names on one row.
    if (line.find("`--help`") != std::string::npos) documented.insert("--help");
  }
  ASSERT_GT(documented.size(), 10u) << "no flags table under '### Flags' in docs/mock.md";
  std::set<std::string> offered;
  const std::regex flag("(^|[ ,])(--[a-z][a-z-]+)");
  for (auto it = std::sregex_iterator(help.begin(), help.end(), flag); it != std::sregex_iterator();
       ++it) {
    offered.insert((*it)[2]);
  }
  for (const std::string& f : documented) EXPECT_TRUE(offered.count(f)) << f << " not in --help";
  for (const std::string& f : offered) EXPECT_TRUE(documented.count(f)) << f << " not in docs/mock.md";
  EXPECT_NE(help.find("8080"), std::string::npos);
  EXPECT_NE(help.find("127.0.0.1"), std::string::npos);
}

TEST(ProcessTest, OutOfRangeHttpLimitsAreUsageErrorsNamingTheFlag) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--max-connections", "0"}, {"--header-timeout", "5"},
        {"--body-timeout", "0s"}, {"--keep-alive", "2d"}, {"--max-headers", "0"},
        {"--max-target", "2MiB"}, {"--max-header-bytes", "0"}}) {
    std::vector<std::string> argv{kBinary, "--port", "0"};
    argv.insert(argv.end(), args.begin(), args.end());
    ChildProcess p(argv);
    const std::string err = p.read_rest();
    EXPECT_EQ(p.wait(), 2) << args[0];
    EXPECT_NE(err.find("bis-mock: " + args[0]), std::string::npos) << err;
  }
}

// Each HTTP limit of docs/mock.md's table is a flag, and the flag moves the limit.
TEST(ProcessTest, TheHttpLimitsAreFlags) {
  ChildProcess p({kBinary, "--port", "0", "--quiet", "--max-connections", "1", "--header-timeout",
                  "300ms", "--keep-alive", "300ms", "--max-target", "64", "--max-headers", "3",
                  "--max-header-bytes", "200"});
  const int port = start(p);
  ASSERT_GT(port, 0);
  const std::string health = "GET /__admin/health HTTP/1.1\r\nHost: x\r\n\r\n";
  {
    // One connection served (its answer read, so it is counted), the next one is over the cap.
    RawClient held(port);
    ASSERT_TRUE(held.send(health));
    ASSERT_EQ(status_of(held.answer()), 200);
    RawClient over(port);
    ASSERT_TRUE(over.send(health));
    const std::string a = over.answer();
    EXPECT_EQ(status_of(a), 503) << a;
    EXPECT_NE(a.find("Retry-After: "), std::string::npos) << a;
    // The held connection is closed after 300 ms idle (--keep-alive), within the client's 5 s.
    EXPECT_TRUE(held.closed_by_server());
  }
  auto one = [&](const std::string& request) {
    for (int attempt = 0; attempt < 100; ++attempt) {
      RawClient c(port);
      c.send(request);
      const std::string a = c.answer();
      // The previous connection may still hold the one place for a moment after it closed.
      if (status_of(a) != 503) return a;
    }
    return std::string("still 503 after 100 attempts");
  };
  EXPECT_EQ(status_of(one("GET /__admin/health?" + std::string(80, 'a') +
                          " HTTP/1.1\r\nHost: x\r\n\r\n")),
            414);
  EXPECT_EQ(status_of(one("GET /__admin/health HTTP/1.1\r\nHost: x\r\nA: 1\r\nB: 2\r\nC: "
                          "3\r\n\r\n")),
            431);
  EXPECT_EQ(status_of(one("GET /__admin/health HTTP/1.1\r\nHost: x\r\nA: " +
                          std::string(250, 'v') + "\r\n\r\n")),
            431);
  // Headers started and never finished: 408 after --header-timeout (300 ms, not 10 s; the
  // client gives up at 5 s).
  const auto begun = std::chrono::steady_clock::now();
  const std::string late = one("GET /__admin/health HTTP/1.1\r\nHost: x\r\n");
  EXPECT_EQ(status_of(late), 408) << late;
  EXPECT_GE(std::chrono::steady_clock::now() - begun, std::chrono::milliseconds(300));
}

TEST(ProcessTest, KillNineRightAfterASuccessLosesNothing) {
  const std::string state = temp_path("state.db");
  remove_state(state);
  {
    ChildProcess p({kBinary, "--port", "0", "--quiet", "--state", state});
    const int port = start(p);
    ASSERT_GT(port, 0);
    httplib::Client c("127.0.0.1", port);
    auto r = c.Post("/api/v1/catalog/subscribe",
                    "a=PkShop&email=Durable%40example.com&variant=44221714950&platform=shopify",
                    "application/x-www-form-urlencoded");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200);
    p.signal(SIGKILL);
    EXPECT_EQ(p.wait(), 128 + SIGKILL);
  }
  ChildProcess p({kBinary, "--port", "0", "--quiet", "--state", state});
  const int port = start(p);
  ASSERT_GT(port, 0);
  httplib::Client c("127.0.0.1", port);
  auto subs =
      nlohmann::json::parse(c.Get("/__admin/subscriptions?email=durable@example.com")->body);
  auto events = nlohmann::json::parse(c.Get("/__admin/events?email=durable@example.com")->body);
  EXPECT_EQ(subs["count"], 1);
  EXPECT_EQ(subs["items"][0]["email"], "Durable@example.com");
  EXPECT_EQ(events["count"], 1);
  p.signal(SIGTERM);
  EXPECT_EQ(p.wait(), 0);
  remove_state(state);
}

// The banner counts what a state file holds in words that agree with the number.
TEST(ProcessTest, TheBannerCountsTheStateInSingularAndPlural) {
  const std::string state = temp_path("banner.db");
  remove_state(state);
  const auto state_line = [](ChildProcess& p) {
    for (int i = 0; i < 12; ++i) {
      const std::string line = p.read_line().value_or("");
      if (line.find("  state ") == 0) return line;
    }
    return std::string("<no state line>");
  };
  {
    ChildProcess p({kBinary, "--port", "0", "--state", state});
    const int port = start(p);
    ASSERT_GT(port, 0);
    EXPECT_NE(state_line(p).find(
                  "(0 active subscriptions, 0 events, 0 notifications, 0 list members)"),
              std::string::npos);
    httplib::Client c("127.0.0.1", port);
    auto r = c.Post("/api/v1/catalog/subscribe",
                    "a=PkShop&email=one%40example.com&variant=44221714950&platform=shopify",
                    "application/x-www-form-urlencoded");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200);
    p.signal(SIGTERM);
    EXPECT_EQ(p.wait(), 0);
  }
  ChildProcess p({kBinary, "--port", "0", "--state", state});
  ASSERT_GT(start(p), 0);
  const std::string line = state_line(p);
  EXPECT_NE(line.find("(1 active subscription, 1 event, 0 notifications, 0 list members)"),
            std::string::npos)
      << line;
  p.signal(SIGTERM);
  EXPECT_EQ(p.wait(), 0);
  remove_state(state);
}

// Killed between the batches of a restock, the mock keeps the inventory and flow changes and
// sends the waiting batch after the restart, once.
TEST(ProcessTest, KillNineBetweenBatchesLosesNeitherTheCatalogNorTheWaitingBatch) {
  const std::string state = temp_path("batches.db");
  remove_state(state);
  const auto json_of = [](const httplib::Result& r) {
    EXPECT_TRUE(r && r->status == 200) << (r ? r->body : "no answer");
    return r ? nlohmann::json::parse(r->body, nullptr, false) : nlohmann::json();
  };
  {
    ChildProcess p({kBinary, "--port", "0", "--quiet", "--state", state});
    const int port = start(p);
    ASSERT_GT(port, 0);
    httplib::Client c("127.0.0.1", port);
    json_of(c.Put("/__admin/accounts/PkShop/flow",
                  R"({"enabled": true, "threshold": 1, "batch_size": 1, "batch_interval_seconds": 1})",
                  "application/json"));
    json_of(c.Put("/__admin/accounts/PkShop/variants/kill-v", R"({"inventory": 0})",
                  "application/json"));
    for (const char* email : {"first%40example.com", "second%40example.com"}) {
      auto r = c.Post("/api/v1/catalog/subscribe",
                      std::string("a=PkShop&variant=kill-v&platform=shopify&email=") + email,
                      "application/x-www-form-urlencoded");
      ASSERT_TRUE(r && r->status == 200);
    }
    const auto restock = json_of(c.Put("/__admin/accounts/PkShop/variants/kill-v",
                                       R"({"inventory": 10})", "application/json"));
    ASSERT_EQ(restock["notified"], 1);
    ASSERT_EQ(restock["queued"], 1);
    p.signal(SIGKILL);
    EXPECT_EQ(p.wait(), 128 + SIGKILL);
  }
  ChildProcess p({kBinary, "--port", "0", "--quiet", "--state", state});
  const int port = start(p);
  ASSERT_GT(port, 0);
  httplib::Client c("127.0.0.1", port);
  EXPECT_EQ(json_of(c.Get("/__admin/accounts/PkShop/variants/kill-v"))["inventory"], 10);
  EXPECT_EQ(json_of(c.Get("/__admin/accounts/PkShop/flow"))["flow"]["batch_size"], 1);
  // The second batch was due a second after the restock: wait for it (bounded).
  nlohmann::json sent;
  bis::testing::poll_until([&] {
    sent = json_of(c.Get("/__admin/notifications?variant=kill-v"));
    return sent["count"] == 2;
  });
  ASSERT_EQ(sent["count"], 2) << sent.dump();
  EXPECT_EQ(sent["items"][0]["batch"], 1);
  EXPECT_EQ(sent["items"][1]["batch"], 2);
  EXPECT_EQ(json_of(c.Get("/__admin/subscriptions?variant=kill-v"))["count"], 0);
  EXPECT_EQ(json_of(c.Get("/__admin/health"))["counts"]["pending_batches"], 0);
  p.signal(SIGTERM);
  EXPECT_EQ(p.wait(), 0);
  remove_state(state);
}

TEST(ProcessTest, AStateFileOfAnotherKindIsRefused) {
  const std::string path = temp_path("not-state.txt");
  std::ofstream(path)
      << "hello, this is not a database file at all, just some text that is long enough\n";
  ChildProcess p({kBinary, "--port", "0", "--state", path});
  const std::string err = p.read_rest();
  EXPECT_EQ(p.wait(), 2);
  EXPECT_NE(err.find(path), std::string::npos) << err;
  std::filesystem::remove(path);
}

// Whatever the path, bis-mock says why it cannot read it and exits 2: never an uncaught
// stream exception (exit 134), never a wait on a FIFO.
TEST(ProcessTest, UnreadableFixturesExitTwoWithTheReason) {
  const std::string dir = temp_path("fixtures-dir");
  std::filesystem::create_directories(dir);
  const std::string fifo = temp_path("fixtures.fifo");
  std::filesystem::remove(fifo);
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  const std::string binary = temp_path("fixtures.bin");
  std::ofstream(binary, std::ios::binary) << std::string("\x7f" "ELF\0\0\x01", 7);
  const std::pair<std::string, std::string> cases[] = {
      {dir + "/", "is a directory"},
      {temp_path("nope.yaml"), "no such file"},
      {fifo, "is a FIFO, not a regular file"},
      {binary, "a binary file"}};
  for (const auto& [path, reason] : cases) {
    ChildProcess p({kBinary, "--port", "0", "--fixtures", path});
    const std::string err = p.read_rest();
    EXPECT_EQ(p.wait(), 2) << path << ": " << err;
    EXPECT_NE(err.find(path + ": cannot read file: " + reason), std::string::npos) << err;
    EXPECT_EQ(err.find("terminate"), std::string::npos) << err;
  }
  std::filesystem::remove_all(dir);
  std::filesystem::remove(fifo);
  std::filesystem::remove(binary);
}

TEST(ProcessTest, AStateFileInAMissingDirectorySaysSoOnce) {
  const std::string missing = temp_path("no-such-dir");
  std::filesystem::remove_all(missing);
  ChildProcess p({kBinary, "--port", "0", "--state", missing + "/state.db"});
  const std::string err = p.read_rest();
  EXPECT_EQ(p.wait(), 2);
  EXPECT_NE(err.find("cannot open the state file: the directory " + missing + " does not exist"),
            std::string::npos)
      << err;
  EXPECT_EQ(err.find("cannot cannot"), std::string::npos) << err;
  EXPECT_FALSE(std::filesystem::exists(missing));
}

TEST(ProcessTest, AStateFileThatIsADirectoryIsRefused) {
  const std::string dir = temp_path("state-dir");
  std::filesystem::create_directories(dir);
  ChildProcess p({kBinary, "--port", "0", "--state", dir});
  const std::string err = p.read_rest();
  EXPECT_EQ(p.wait(), 2);
  EXPECT_NE(err.find(dir + ": cannot open the state file: is a directory"), std::string::npos)
      << err;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace bis::mock
