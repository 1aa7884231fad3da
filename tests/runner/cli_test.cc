// bis-conform as a user runs it: exit codes, output, lint, requirements, the bundled mock's
// lifecycle (with a fake bis-mock), default suites.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>

#include "bis/runner/process.h"
#include "run_fixture.h"
#include "support/poll.h"
#include "test_server.h"

namespace bis::testing {
namespace {

constexpr const char* kPassing = R"(suite: cli
scenarios:
  - id: subscribes
    covers: [R-MUST]
    steps:
      - request:
          endpoint: subscribe
          form: {a: "{{ target.key }}", email: "{{ unique_email }}", variant: "{{ target.variants.in_stock }}", platform: "{{ target.platform }}"}
        expect: {status: 200}
      - observe: {what: events, email: "{{ unique_email }}"}
        eventually: {timeout: 20s}
        expect: {count: 1}
  - id: text
    covers: [R-MUST-2]
    steps:
      - request: {method: GET, path: /text}
        expect: {status: 200, body: plain words here, headers: {X-Custom: hello}}
)";

constexpr const char* kFailing = R"(suite: cli-fail
scenarios:
  - id: wrong-status
    covers: [R-MUST]
    steps:
      - request: {method: GET, path: /text}
        expect: {status: 201}
)";

struct Cli {
  TempDir dir;
  Cli() { dir.write("suites/requirements.yaml", kCatalogue); }
  runner::CommandResult run(const std::string& args, const std::string& cwd = "",
                            const std::vector<std::pair<std::string, std::string>>& env = {}) {
    return runner::run_shell(std::string(BIS_CONFORM_EXE) + " " + args, env, "",
                             runner::Duration(60000), cwd.empty() ? dir.path() : cwd);
  }
};

std::string last_line(const std::string& out) {
  std::string s = out;
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return s.substr(s.rfind('\n') + 1);
}

bool process_gone(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string pid_field, comm, state;
  if (!(stat >> pid_field >> comm >> state)) return true;
  return state == "Z";
}

using bis::testing::poll_until;

bool wait_gone(pid_t pid) {
  return poll_until([pid] { return process_gone(pid); }, std::chrono::seconds(10));
}

// The pid the fake mock writes once it listens (0 if it never does).
pid_t read_pid(const std::string& file) {
  pid_t pid = 0;
  poll_until(
      [&] {
        std::ifstream in(file);
        return static_cast<bool>(in >> pid) && pid > 0;
      },
      std::chrono::seconds(20));
  return pid > 0 ? pid : 0;
}

TEST(CliTest, ConformantTargetExitsZeroAndEndsWithTheSummaryLine) {
  TestServer server;
  Cli cli;
  cli.dir.write("suites/cli.yaml", kPassing);
  auto r = cli.run("--target " + server.url() + " --no-progress suites/cli.yaml");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(last_line(r.out), "2 passed, 0 failed, 0 skipped") << r.out;
}

TEST(CliTest, NonConformantTargetExitsOne) {
  TestServer server;
  Cli cli;
  cli.dir.write("suites/fail.yaml", kFailing);
  auto r = cli.run("run -t " + server.url() + " suites/fail.yaml");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(last_line(r.out), "0 passed, 1 failed, 0 skipped") << r.out;
}

// The gate (issue 9, section 5): a MUST requirement that a selected scenario covers but that
// could not be checked (the target lacks `list-api`) never yields a plain CONFORMANT, and
// --require-all makes it exit 4. A filtered run counts only what it selected.
TEST(CliTest, AnUncheckedMustIsCountedAndFailsTheRunUnderRequireAll) {
  TestServer server;
  Cli cli;
  cli.dir.write("suites/gate.yaml", R"(suite: gate
scenarios:
  - id: text
    covers: [R-MUST]
    steps:
      - request: {method: GET, path: /text}
        expect: {status: 200}
  - id: restock
    covers: [R-MUST-2]
    requires: [list-api]
    steps:
      - request: {method: GET, path: /text}
        expect: {status: 200}
)");
  auto r = cli.run("--target " + server.url() + " --no-progress suites/gate.yaml");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("CONFORMANT, but 1 MUST requirement not checked: 1 not applicable (the "
                       "target lacks capability 'list-api')"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("capability 'list-api' not offered: 1 scenario not applicable (gate/restock)"),
            std::string::npos)
      << r.out;
  r = cli.run("--target " + server.url() + " --no-progress --require-all suites/gate.yaml");
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_NE(r.out.find("NOT CONFORMANT: 1 MUST requirement not checked (--require-all)"),
            std::string::npos)
      << r.out;
  // Filtered to what the target can check: nothing unchecked is in the run.
  r = cli.run("--target " + server.url() +
              " --no-progress --require-all --requirement R-MUST suites/gate.yaml");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("\nCONFORMANT\n"), std::string::npos) << r.out;
}

TEST(CliTest, BadSuiteFilesAndBadUsageExitTwoWithPositions) {
  TestServer server;
  Cli cli;
  cli.dir.write("suites/typo.yaml",
                "suite: typo\nscenarios:\n  - id: a\n    covers: [R-MUST]\n    stpes: []\n");
  auto r = cli.run("-t " + server.url() + " suites/typo.yaml");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(
      r.err.find("suites/typo.yaml:5:5: unknown key 'stpes' in a scenario (did you mean 'steps'?)"),
      std::string::npos)
      << r.err;
  cli.dir.write("suites/unknown-req.yaml",
                "suite: u\nscenarios:\n  - id: a\n    covers: [R-MUTS]\n    steps: [{request: "
                "{path: /x}}]\n");
  auto lint = cli.run("lint suites/unknown-req.yaml");
  EXPECT_EQ(lint.exit_code, 2);
  EXPECT_NE(
      lint.err.find(
          "suites/unknown-req.yaml:4:13: unknown requirement 'R-MUTS' (did you mean 'R-MUST'?)"),
      std::string::npos)
      << lint.err;
  EXPECT_EQ(cli.run("--no-such-flag").exit_code, 2);
  EXPECT_EQ(cli.run("--timeout 5 -t " + server.url() + " suites/unknown-req.yaml").exit_code, 2);
  auto settle = cli.run("--settle soon -t " + server.url() + " suites/unknown-req.yaml");
  EXPECT_EQ(settle.exit_code, 2);
  EXPECT_NE(settle.err.find("--settle: expected a duration like 250ms"), std::string::npos)
      << settle.err;
  cli.dir.write("suites/fail.yaml", kFailing);
  auto none = cli.run("-t " + server.url() + " --tag nothing-has-it suites/fail.yaml");
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("no scenario matches the filters"), std::string::npos);
}

// A bad suite does not wait for the target: against one that accepts connections and never
// answers (a listening socket nobody accepts from), exit 2 comes at once, not after the
// request timeout the health call would wait out.
TEST(CliTest, ABadSuiteExitsAtOnceEvenWhileTheTargetIsStillBeingReached) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(fd, 16), 0);
  socklen_t len = sizeof addr;
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const std::string silent = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  Cli cli;
  cli.dir.write("suites/typo.yaml",
                "suite: typo\nscenarios:\n  - id: a\n    covers: [R-MUST]\n    stpes: []\n");
  const auto start = std::chrono::steady_clock::now();
  auto r = cli.run("--timeout 45s -t " + silent + " suites/typo.yaml");
  const auto waited = std::chrono::steady_clock::now() - start;
  close(fd);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("suites/typo.yaml:5:5: unknown key 'stpes'"), std::string::npos) << r.err;
  EXPECT_LT(waited, std::chrono::seconds(30)) << "waited for the target's request timeout";
}

// An unreadable suite file or profile says why, exit 2, through the same reader as bis-mock's
// fixtures.
TEST(CliTest, UnreadableSuitesAndProfilesSayWhy) {
  Cli cli;
  cli.dir.write("suites/ok.yaml", kPassing);
  auto missing = cli.run("lint suites/nope.yaml");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("suites/nope.yaml: cannot read file: no such file"), std::string::npos)
      << missing.err;
  cli.dir.write("suites/binary.yaml", std::string("suite: b\n\0\0", 12));
  auto binary = cli.run("lint suites/binary.yaml");
  EXPECT_EQ(binary.exit_code, 2);
  EXPECT_NE(binary.err.find("suites/binary.yaml: cannot read file: a binary file"),
            std::string::npos)
      << binary.err;
  auto profile = cli.run("run --target ./nope.yaml suites/ok.yaml");
  EXPECT_EQ(profile.exit_code, 2);
  EXPECT_NE(profile.err.find("--target ./nope.yaml: cannot read the target profile: no such file"),
            std::string::npos)
      << profile.err;
  auto dir = cli.run("run --target suites/ suites/ok.yaml");
  EXPECT_EQ(dir.exit_code, 2);
  EXPECT_NE(dir.err.find("is a directory"), std::string::npos) << dir.err;
}

// Parallel scenarios share the target: two that restock the same listed variant would see
// each other's messages, so lint refuses it, across suite files too.
TEST(CliTest, LintRefusesTwoScenariosRestockingTheSameListedVariant) {
  Cli cli;
  const std::string scenario = R"(
  - id: ID
    covers: [R-MUST]
    vars: {v: "{{ target.variants.restockable[INDEX] }}"}
    steps:
      - control: {action: set_inventory, variant: "{{ v }}", inventory: 10}
)";
  auto make = [&](const std::string& id, const std::string& index) {
    std::string s = scenario;
    s.replace(s.find("ID"), 2, id);
    s.replace(s.find("INDEX"), 5, index);
    return s;
  };
  cli.dir.write("suites/one.yaml", "suite: one\nscenarios:" + make("a", "0") + make("b", "1"));
  EXPECT_EQ(cli.run("lint suites/one.yaml").exit_code, 0);
  cli.dir.write("suites/two.yaml", "suite: two\nscenarios:" + make("c", "1"));
  auto lint = cli.run("lint suites/one.yaml suites/two.yaml");
  EXPECT_EQ(lint.exit_code, 2);
  EXPECT_NE(lint.err.find("suites/two.yaml:3:5: two/c uses target.variants.restockable[1], as "
                          "one/b does (suites/one.yaml:"),
            std::string::npos)
      << lint.err;
  EXPECT_NE(lint.err.find("give each scenario a variant of its own"), std::string::npos);
}

TEST(CliTest, UnreachableTargetExitsThree) {
  std::string url;
  {
    TestServer gone;
    url = gone.url();
  }
  Cli cli;
  cli.dir.write("suites/fail.yaml", kFailing);
  auto r = cli.run("-t " + url + " suites/fail.yaml");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("target unreachable"), std::string::npos) << r.err;
}

TEST(CliTest, LintAcceptsGoodSuitesAndRequirementsListsCoverage) {
  Cli cli;
  cli.dir.write("suites/cli.yaml", kPassing);
  auto lint = cli.run("lint");  // default: ./suites
  EXPECT_EQ(lint.exit_code, 0) << lint.err;
  EXPECT_NE(lint.err.find("1 suite file, 2 scenarios, 3 requirements"), std::string::npos)
      << lint.err;
  auto req = cli.run("requirements");
  EXPECT_EQ(req.exit_code, 0) << req.err;
  EXPECT_NE(req.out.find("R-MUST  MUST  1 scenario: cli/subscribes"), std::string::npos) << req.out;
  EXPECT_NE(req.out.find("R-SHOULD  SHOULD (inferred)  UNCOVERED"), std::string::npos) << req.out;
  EXPECT_EQ(last_line(req.out), "3 requirements, 2 covered, 1 uncovered");
  EXPECT_EQ(cli.run("requirements --check-coverage").exit_code, 1);
  auto json = cli.run("requirements --format json");
  const auto parsed = nlohmann::json::parse(json.out);
  EXPECT_EQ(parsed[0]["scenarios"], nlohmann::json({"cli/subscribes"}));
}

TEST(CliTest, BundledMockIsStartedUsedAndStopped) {
  Cli cli;
  cli.dir.write("suites/cli.yaml", kPassing);
  const std::string pid_file = cli.dir.path() + "/mock.pid";
  const std::string seen_file = cli.dir.path() + "/seen.txt";
  auto r = cli.run(std::string("--mock-exe ") + FAKE_BIS_MOCK_EXE +
                   " --mock-arg=--pid-file=" + pid_file + " --mock-arg=--seen-file=" + seen_file);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(last_line(r.out), "2 passed, 0 failed, 0 skipped");
  const pid_t mock = read_pid(pid_file);
  ASSERT_GT(mock, 0);
  EXPECT_TRUE(process_gone(mock));  // stopped and reaped before bis-conform exited
  // Its health is read once: the answer that says it is up is also the one connected with
  // (against a far target, a round trip less).
  std::ifstream seen(seen_file);
  size_t healths = 0, lines = 0;
  for (std::string line; std::getline(seen, line); ++lines) healths += line == "/__admin/health";
  EXPECT_GT(lines, 0u) << "the mock wrote no " << seen_file;
  EXPECT_EQ(healths, 1u);
}

TEST(CliTest, AMockThatCannotStartIsExitThreeWithWhatItSaid) {
  Cli cli;
  cli.dir.write("suites/cli.yaml", kPassing);
  auto early = cli.run(std::string("--mock-exe ") + FAKE_BIS_MOCK_EXE + " --mock-arg=--exit-early");
  EXPECT_EQ(early.exit_code, 3);
  EXPECT_NE(early.err.find("refusing to start (--exit-early)"), std::string::npos) << early.err;
  const std::string pid_file = cli.dir.path() + "/silent.pid";
  auto silent = cli.run(std::string("--mock-exe ") + FAKE_BIS_MOCK_EXE +
                        " --mock-arg=--silent --mock-arg=--pid-file=" + pid_file +
                        " --mock-start-timeout 300ms");
  EXPECT_EQ(silent.exit_code, 3);
  EXPECT_NE(silent.err.find("no line starting with 'bis-mock listening on '"), std::string::npos)
      << silent.err;
  const pid_t mock = read_pid(pid_file);
  ASSERT_GT(mock, 0);
  EXPECT_TRUE(wait_gone(mock));
  auto missing = cli.run("--mock-exe /nonexistent/bis-mock");
  EXPECT_EQ(missing.exit_code, 3);
}

TEST(CliTest, InterruptingBisConformStopsTheMock) {
  Cli cli;
  cli.dir.write("suites/cli.yaml", kPassing);
  const std::string pid_file = cli.dir.path() + "/mock.pid";
  // Events arrive after 30s: the run is still polling when interrupted.
  auto child = runner::ChildProcess::spawn(
      BIS_CONFORM_EXE, {"--mock-exe", FAKE_BIS_MOCK_EXE, "--mock-arg=--pid-file=" + pid_file,
                        "--mock-arg=--event-delay-ms=30000", cli.dir.path() + "/suites/cli.yaml"});
  ASSERT_TRUE(child);
  const pid_t mock = read_pid(pid_file);
  ASSERT_GT(mock, 0);
  kill((*child)->pid(), SIGINT);
  EXPECT_TRUE(poll_until([&] { return !(*child)->running(); }, std::chrono::seconds(10)));
  EXPECT_TRUE(wait_gone(mock));
}

// --max-rps reaches the run: 6 requests at 10 per second are spaced 100 ms apart.
TEST(CliTest, MaxRpsSpacesTheRequests) {
  TestServer server;
  Cli cli;
  cli.dir.write("suites/paced.yaml", R"(suite: paced
scenarios:
  - id: six
    covers: [R-MUST]
    steps:
      - request: {method: GET, path: /text}
        repeat: 6
        expect: {status: 200}
)");
  const auto timed = [&](const std::string& extra) {
    const auto start = std::chrono::steady_clock::now();
    auto r = cli.run("-t " + server.url() + " --no-progress " + extra + " suites/paced.yaml");
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    return std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);
  };
  const auto paced = timed("--max-rps 10");
  EXPECT_GE(paced.count(), 500);  // five gaps of 100 ms at least
  EXPECT_GT(paced, timed(""));
}

// A secret of the target profile, taken from the environment, never reaches any output of the
// real binary: not the console, not a report file, even when the target echoes it back in an
// answer that a failure shows.
TEST(CliTest, AProfileSecretAppearsInNoOutputAndNoReport) {
  TestServer server;
  Cli cli;
  const std::string secret = "pk_cli_secret_0123456789abcdef";
  cli.dir.write("target.yaml", "base_url: " + server.url() + R"(
account: {key: PkTest, platform: shopify, private_key: {env: BIS_CLI_SECRET}}
capabilities: [subscribe]
)");
  cli.dir.write("suites/echo.yaml", R"(suite: echo
scenarios:
  - id: echoed
    covers: [R-MUST]
    steps:
      - request:
          method: POST
          path: /echo
          headers: {api-key: "{{ target.private_key }}", X-Note: "key {{ target.private_key }}"}
          form: {api_key: "{{ target.private_key }}", note: "{{ target.private_key }}"}
        expect: {status: 201}
)");
  const std::string reports = " --report console --report junit:r.xml --report json:r.json"
                              " --report html:r.html --report markdown:r.md";
  auto r = cli.run("-t target.yaml suites/echo.yaml" + reports, "", {{"BIS_CLI_SECRET", secret}});
  ASSERT_EQ(r.exit_code, 1) << r.out << r.err;  // it ran, and the echo failed as expected
  EXPECT_NE(r.out.find("/echo"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find(secret), std::string::npos) << r.out;
  EXPECT_EQ(r.err.find(secret), std::string::npos) << r.err;
  for (const char* file : {"r.xml", "r.json", "r.html", "r.md"}) {
    std::ifstream in(cli.dir.path() + "/" + file);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ASSERT_FALSE(text.empty()) << file;
    EXPECT_EQ(text.find(secret), std::string::npos) << file;
  }
  // The echo did carry it: the secret was there to leak.
  std::ifstream json_report(cli.dir.path() + "/r.json");
  const std::string json_text((std::istreambuf_iterator<char>(json_report)),
                              std::istreambuf_iterator<char>());
  EXPECT_NE(json_text.find("\\\"x-note\\\""), std::string::npos);
}

TEST(CliTest, ListShowsTheSelectionWithoutRunning) {
  Cli cli;
  cli.dir.write("suites/cli.yaml", kPassing);
  auto r = cli.run("--list --scenario 'cli/t*'");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "cli/text\n");
}

// The README's `lint suites/*.yaml` names the catalogue too: it is taken as the catalogue.
TEST(CliTest, ACatalogueAmongTheSuiteFilesIsTakenAsTheCatalogue) {
  Cli cli;
  cli.dir.write("suites/cli.yaml", kPassing);
  auto lint = cli.run("lint suites/*.yaml");
  EXPECT_EQ(lint.exit_code, 0) << lint.err;
  EXPECT_NE(lint.err.find("lint: 1 suite file, 2 scenarios, 3 requirements "
                          "(suites/requirements.yaml): OK"),
            std::string::npos)
      << lint.err;
  auto list = cli.run("run suites/*.yaml --list");
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(list.out, "cli/subscribes\ncli/text\n");
  // Recognised by its content under another name, and checked as a catalogue.
  cli.dir.write("other/catalogue.yaml", std::string(kCatalogue).replace(0, 0, "# ours\n"));
  auto named = cli.run("lint other/catalogue.yaml suites/cli.yaml");
  EXPECT_EQ(named.exit_code, 0) << named.err;
  EXPECT_NE(named.err.find("(other/catalogue.yaml): OK"), std::string::npos) << named.err;
  auto two = cli.run("lint other/catalogue.yaml suites/*.yaml");
  EXPECT_EQ(two.exit_code, 2);
  EXPECT_NE(two.err.find("two requirement catalogues given"), std::string::npos) << two.err;
  cli.dir.write("bad/requirements.yaml", "requirements:\n  - {id: R-1, level: MUSTY}\n");
  auto bad = cli.run("lint bad/requirements.yaml suites/cli.yaml");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("bad/requirements.yaml:2:"), std::string::npos) << bad.err;
}

// A CI step that writes JUnit still shows the verdict, counts and failures in its log.
TEST(CliTest, TheConsoleSummaryIsShownWhateverReportsAreWrittenUnlessQuiet) {
  TestServer server;
  Cli cli;
  cli.dir.write("suites/fail.yaml", kFailing);
  const std::string run = "--target " + server.url() + " --no-progress suites/fail.yaml ";
  auto junit = cli.run(run + "--report junit:junit.xml");
  EXPECT_EQ(junit.exit_code, 1);
  EXPECT_NE(junit.out.find("NOT CONFORMANT"), std::string::npos) << junit.out;
  EXPECT_NE(junit.out.find("cli-fail/wrong-status"), std::string::npos) << junit.out;
  EXPECT_EQ(last_line(junit.out), "0 passed, 1 failed, 0 skipped");
  EXPECT_TRUE(std::filesystem::exists(cli.dir.path() + "/junit.xml"));
  // Standard output taken by a report: it stays that report alone, the summary goes to stderr.
  auto json = cli.run(run + "--report json:-");
  EXPECT_EQ(json.exit_code, 1);
  EXPECT_FALSE(nlohmann::json::parse(json.out, nullptr, false).is_discarded()) << json.out;
  EXPECT_EQ(last_line(json.err), "0 passed, 1 failed, 0 skipped") << json.err;
  auto quiet = cli.run(run + "--quiet --report junit:junit.xml");
  EXPECT_EQ(quiet.exit_code, 1);
  EXPECT_EQ(quiet.out, "");
  EXPECT_EQ(quiet.err, "");
}

TEST(CliTest, AFilteredRunCountsOnlyTheRequirementsItSelected) {
  TestServer server;
  Cli cli;
  cli.dir.write("suites/cli.yaml", kPassing);
  auto r = cli.run("--target " + server.url() + " --no-progress --scenario cli/text");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Requirements  1 pass, 0 fail, 0 warn, 0 error, 0 not applicable"),
            std::string::npos)
      << r.out;
}

// With or without --list, a filter that selects nothing is exit 2 with a reason and a hint.
TEST(CliTest, AFilterMatchingNothingSaysWhyWithOrWithoutList) {
  Cli cli;
  cli.dir.write("suites/cli.yaml", kPassing);
  for (const char* list : {"", " --list"}) {
    auto r = cli.run(std::string("run --requirement 'r-must*'") + list);
    EXPECT_EQ(r.exit_code, 2) << list;
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("no scenario matches the filters\n  --requirement 'r-must*' matches no "
                         "covered requirement (globs are case-sensitive: did you mean 'R-MUST*'?)"),
              std::string::npos)
        << r.err;
  }
  auto tag = cli.run("run --list --tag smok");
  EXPECT_EQ(tag.exit_code, 2);
  EXPECT_NE(tag.err.find("--tag 'smok' matches no tag"), std::string::npos) << tag.err;
}

TEST(CliTest, AnUnknownOptionGetsDidYouMean) {
  Cli cli;
  auto r = cli.run("run --reprot junit:x.xml");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--reprot: did you mean '--report'?"), std::string::npos) << r.err;
  auto lint = cli.run("lint --requirments x.yaml");
  EXPECT_EQ(lint.exit_code, 2);
  EXPECT_NE(lint.err.find("--requirments: did you mean '--requirements'?"), std::string::npos)
      << lint.err;
}

TEST(CliTest, AUrlThatIsNoMockLikeTargetSuggestsAProfile) {
  TestServer server;  // answers 404 under /__admin/health
  Cli cli;
  cli.dir.write("suites/cli.yaml", kPassing);
  auto r = cli.run("--target " + server.url() + "/elsewhere");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("describe any other implementation with a target profile: --target "
                       "PROFILE.yaml"),
            std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace bis::testing
