#include "bis/reports/reporters.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>

#include "bis/common/text.h"
#include "bis/reports/formats.h"
#include "console_reporter.h"

namespace bis::reports {
namespace {

namespace fs = std::filesystem;
using Render = std::string (*)(const runner::RunResult&, const RenderContext&);

Render renderer(std::string_view format) {
  if (format == "junit") return render_junit;
  if (format == "json") return render_json;
  if (format == "html") return render_html;
  if (format == "markdown") return render_markdown;
  return nullptr;
}

// Writes `data` to `path` through a temporary file in the same directory and a rename.
bool write_file(const std::string& path, const std::string& data, std::string& error) {
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (f) f.write(data.data(), static_cast<std::streamsize>(data.size()));
    if (f) f.flush();
    if (!f) {
      error = "cannot write " + path + ": " + std::strerror(errno);
      std::error_code ignored;
      fs::remove(tmp, ignored);
      return false;
    }
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    error = "cannot write " + path + ": " + ec.message();
    fs::remove(tmp, ec);
    return false;
  }
  return true;
}

// A file format written whole when the run finishes.
class FileReporter : public runner::ResultListener {
 public:
  FileReporter(std::string format, Render render, std::string path, std::ostream& console,
               std::shared_ptr<RedactedTree> tree,
               std::function<std::chrono::system_clock::time_point()> clock)
      : format_(std::move(format)),
        render_(render),
        path_(std::move(path)),
        console_(console),
        tree_(std::move(tree)),
        clock_(std::move(clock)) {}

  bool run_finished(const runner::RunResult& result, std::string& error) override {
    const std::string doc = render_(tree_->get(result), {clock_()});
    if (path_.empty()) {
      console_ << doc;
      console_.flush();
      if (!console_) error = "cannot write the " + format_ + " report to standard output";
      return static_cast<bool>(console_);
    }
    return write_file(path_, doc, error);
  }

 private:
  std::string format_;
  Render render_;
  std::string path_;
  std::ostream& console_;
  std::shared_ptr<RedactedTree> tree_;
  std::function<std::chrono::system_clock::time_point()> clock_;
};

int stream_fd(const std::ostream* s) {
  if (s == &std::cout) return STDOUT_FILENO;
  if (s == &std::cerr || s == &std::clog) return STDERR_FILENO;
  return -1;
}

ConsoleConfig console_config(const ReportOptions& options, const std::ostream* out, bool is_file) {
  ConsoleConfig c;
  const int fd = is_file ? -1 : stream_fd(out);
  c.terminal = is_file ? false : options.terminal.value_or(fd >= 0 && ::isatty(fd) == 1);
  c.progress = options.progress;
  const char* no_color = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  switch (options.color) {
    case ColorMode::kAlways:
      c.color = true;
      break;
    case ColorMode::kNever:
      c.color = false;
      break;
    case ColorMode::kAuto:
      c.color = c.terminal && (no_color == nullptr || *no_color == '\0') &&
                !(term != nullptr && std::string_view(term) == "dumb");
  }
  c.width = options.width;
  if (c.width <= 0 && fd >= 0) {
    winsize ws{};
    if (::ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) c.width = ws.ws_col;
  }
  if (c.width <= 0) c.width = 80;
  return c;
}

}  // namespace

const std::vector<std::string>& report_formats() {
  static const std::vector<std::string> formats = {"console", "junit", "json", "html", "markdown"};
  return formats;
}

Expected<ReportSpec, std::string> parse_report_spec(std::string_view spec) {
  const size_t colon = spec.find(':');
  ReportSpec out{std::string(spec.substr(0, colon)),
                 colon == std::string_view::npos ? "" : std::string(spec.substr(colon + 1))};
  bool known = false;
  for (const auto& f : report_formats()) known = known || f == out.format;
  if (!known) {
    std::string message = "unknown report format '" + out.format + "'";
    const std::string guess = closest_match(out.format, report_formats());
    if (!guess.empty()) message += " (did you mean '" + guess + "'?)";
    std::string all;
    for (const auto& f : report_formats()) all += (all.empty() ? "" : ", ") + f;
    return Unexpected{message + "; formats: " + all};
  }
  if (colon != std::string_view::npos && out.path.empty()) {
    return Unexpected{"report '" + std::string(spec) + "' has an empty path after ':'"};
  }
  if (out.format != "console" && colon == std::string_view::npos) {
    return Unexpected{"report format '" + out.format + "' needs a destination: " + out.format +
                      ":PATH, or " + out.format + ":- for standard output"};
  }
  if (out.path == "-") out.path.clear();
  return out;
}

Expected<ReporterList, std::string> make_reporters(const std::vector<ReportSpec>& specs,
                                                   const ReportOptions& options) {
  std::set<std::string> paths;
  size_t to_stdout = 0;
  for (const auto& spec : specs) {
    if (spec.format != "console" && renderer(spec.format) == nullptr) {
      return Unexpected{"unknown report format '" + spec.format + "'"};
    }
    if (spec.path.empty()) {
      if (spec.format == "console" && spec.standard_error) continue;
      if (++to_stdout > 1) {
        return Unexpected{
            std::string("only one report can go to standard output; give the "
                        "others a file: --report FORMAT:PATH")};
      }
      continue;
    }
    const fs::path p(spec.path);
    std::error_code ec;
    const fs::path dir = p.parent_path().empty() ? fs::path(".") : p.parent_path();
    if (!fs::is_directory(dir, ec)) {
      return Unexpected{"cannot write report " + spec.path + ": directory " + dir.string() +
                        " does not exist"};
    }
    if (fs::is_directory(p, ec)) {
      return Unexpected{"cannot write report " + spec.path + ": it is a directory"};
    }
    const fs::path key = fs::weakly_canonical(p, ec);
    if (!paths.insert(ec ? spec.path : key.string()).second) {
      return Unexpected{"two reports write to " + spec.path};
    }
  }

  std::ostream& console = options.console ? *options.console : std::cout;
  auto tree = std::make_shared<RedactedTree>(Redactor(options.secrets));
  auto clock = options.clock ? options.clock : [] { return std::chrono::system_clock::now(); };
  ReporterList list;
  for (const auto& spec : specs) {
    if (spec.format == "console") {
      if (spec.path.empty()) {
        std::ostream& out = spec.standard_error ? std::cerr : console;
        list.push_back(
            std::make_unique<ConsoleReporter>(out, console_config(options, &out, false), tree));
      } else {
        auto file = std::make_unique<std::ofstream>(spec.path, std::ios::binary | std::ios::trunc);
        if (!*file) {
          return Unexpected{"cannot write report " + spec.path + ": " + std::strerror(errno)};
        }
        std::ostream& out = *file;
        list.push_back(std::make_unique<ConsoleReporter>(out, console_config(options, &out, true),
                                                         tree, std::move(file)));
      }
    } else {
      list.push_back(std::make_unique<FileReporter>(spec.format, renderer(spec.format), spec.path,
                                                    console, tree, clock));
    }
  }
  return list;
}

std::string summary_lines(const runner::RunResult& result) {
  const runner::Counts c = result.scenario_counts();
  const size_t passed = c.pass + (result.strict ? 0 : c.warn);
  const size_t failed = c.fail + c.error + (result.strict ? c.warn : 0);
  std::string out;
  out += std::to_string(c.warn) + " warned" + (result.strict ? " (failing: --strict)" : "") + ", " +
         std::to_string(c.error) + " errors, " + std::to_string(c.not_applicable) +
         " not applicable\n";
  out += std::to_string(passed) + " passed, " + std::to_string(failed) + " failed, " +
         std::to_string(c.not_applicable) + " skipped\n";
  return out;
}

}  // namespace bis::reports
