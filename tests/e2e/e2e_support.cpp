#include "e2e/e2e_support.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <limits>
#include <memory>
#include <sstream>

#include "common/date.h"
#include "common/file.h"
#include "streampro/io.h"
#include "streampro/parquet.h"
#include "support/temp_dir.h"

extern char** environ;

namespace streampro::e2e {

namespace {

constexpr int64_t kMissingInt = std::numeric_limits<int64_t>::min();

// Points the child's stdin, stdout and stderr at files; returns false on failure.
bool RedirectStandardStreams(const char* out_path, const char* err_path) {
  const int in = ::open("/dev/null", O_RDONLY);
  const int out = ::open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const int err = ::open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (in < 0 || out < 0 || err < 0) return false;
  return ::dup2(in, STDIN_FILENO) >= 0 && ::dup2(out, STDOUT_FILENO) >= 0 &&
         ::dup2(err, STDERR_FILENO) >= 0;
}

std::string FormatTimestamp(int64_t micros) {
  const int64_t days = micros >= 0 ? micros / kMicrosPerDay : -((-micros - 1) / kMicrosPerDay) - 1;
  const int64_t of_day = micros - days * kMicrosPerDay;
  const int64_t seconds = of_day / kMicrosPerSecond;
  const int64_t fraction = of_day % kMicrosPerSecond;
  std::string text =
      fmt::format("{}T{:02}:{:02}:{:02}", FormatIsoDate(Date{static_cast<int32_t>(days)}),
                  seconds / 3600, seconds / 60 % 60, seconds % 60);
  if (fraction != 0) text += fmt::format(".{:06}", fraction);
  return text + "Z";
}

std::string ValueText(const Column& column, int64_t row) {
  switch (column.type()) {
    case TypeId::kBool:
      return column.bool_values()[static_cast<size_t>(row)] ? "true" : "false";
    case TypeId::kInt32:
      return fmt::format("{}", column.int32_values()[static_cast<size_t>(row)]);
    case TypeId::kInt64:
      return fmt::format("{}", column.int64_values()[static_cast<size_t>(row)]);
    case TypeId::kDouble:
      return fmt::format("{}", column.double_values()[static_cast<size_t>(row)]);
    case TypeId::kDate32:
      return FormatIsoDate(Date{column.int32_values()[static_cast<size_t>(row)]});
    case TypeId::kTimestampMicros:
      return FormatTimestamp(column.int64_values()[static_cast<size_t>(row)]);
    case TypeId::kString:
      return std::string(column.string_value(row));
  }
  return "<unknown type>";
}

// The argv and envp of a child, built before fork() so that the child only calls
// async-signal-safe functions. The environment is this process's without any STREAMPRO_*
// variable, then `env` on top, so a developer's shell cannot change the answers.
class ChildCommand {
 public:
  ChildCommand(std::string program, const std::vector<std::string>& args,
               const std::map<std::string, std::string>& env) {
    argv_text_.push_back(std::move(program));
    argv_text_.insert(argv_text_.end(), args.begin(), args.end());
    for (char** entry = environ; *entry != nullptr; ++entry) {
      const std::string_view variable(*entry);
      if (!variable.starts_with("STREAMPRO_")) env_text_.emplace_back(variable);
    }
    for (const auto& [name, value] : env) env_text_.push_back(name + "=" + value);
    for (std::string& arg : argv_text_) argv_.push_back(arg.data());
    argv_.push_back(nullptr);
    for (std::string& variable : env_text_) envp_.push_back(variable.data());
    envp_.push_back(nullptr);
  }
  ChildCommand(const ChildCommand&) = delete;
  ChildCommand& operator=(const ChildCommand&) = delete;

  // In the child: replaces the process image; returns only on failure.
  void Exec() { ::execve(argv_[0], argv_.data(), envp_.data()); }

 private:
  std::vector<std::string> argv_text_;
  std::vector<std::string> env_text_;
  std::vector<char*> argv_;
  std::vector<char*> envp_;
};

}  // namespace

RunResult RunStreampro(const std::vector<std::string>& args,
                       const std::map<std::string, std::string>& env) {
  // Faults need the test driver: the shipped binary has no fault seams.
  bool faults = false;
  for (const auto& [key, value] : env) faults |= key.starts_with("FAULT_");
  std::vector<std::string> argv_text = {faults ? STREAMPRO_FAULT_DRIVER : STREAMPRO_BINARY};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  return RunProgram(std::move(argv_text), env);
}

RunResult RunProgram(std::vector<std::string> argv_text,
                     const std::map<std::string, std::string>& env) {
  testing::TempDir capture;
  const std::string out_path = capture / "stdout";
  const std::string err_path = capture / "stderr";

  ChildCommand command(argv_text.front(),
                       std::vector<std::string>(argv_text.begin() + 1, argv_text.end()), env);

  RunResult result;
  const pid_t pid = ::fork();
  if (pid < 0) {
    result.err = "fork failed";
    return result;
  }
  if (pid == 0) {
    if (::chdir(STREAMPRO_SOURCE_DIR) != 0 ||
        !RedirectStandardStreams(out_path.c_str(), err_path.c_str())) {
      ::_exit(126);
    }
    command.Exec();
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) break;
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = ReadFileOrEmpty(out_path);
  result.err = ReadFileOrEmpty(err_path);
  return result;
}

LiveRun::LiveRun(const std::vector<std::string>& args,
                 const std::map<std::string, std::string>& env, bool terminal) {
  ChildCommand command(STREAMPRO_BINARY, args, env);

  if (terminal) {
    winsize size{};
    size.ws_row = 40;
    size.ws_col = 250;
    pid_ = ::forkpty(&fd_, nullptr, nullptr, &size);
    if (pid_ == 0) {
      if (::chdir(STREAMPRO_SOURCE_DIR) != 0) ::_exit(126);
      command.Exec();
      ::_exit(127);
    }
    return;
  }
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return;
  pid_ = ::fork();
  if (pid_ == 0) {
    const int null = ::open("/dev/null", O_RDWR);
    if (::chdir(STREAMPRO_SOURCE_DIR) != 0 || null < 0 || ::dup2(null, STDIN_FILENO) < 0 ||
        ::dup2(null, STDOUT_FILENO) < 0 || ::dup2(pipe_fds[1], STDERR_FILENO) < 0) {
      ::_exit(126);
    }
    command.Exec();
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  fd_ = pipe_fds[0];
}

LiveRun::~LiveRun() {
  if (pid_ > 0 && !reaped_) {
    ::kill(pid_, SIGKILL);
    Wait();
  }
  if (fd_ >= 0) ::close(fd_);
}

bool LiveRun::WaitFor(const std::string& needle) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(300);
  while (output_.find(needle) == std::string::npos) {
    if (std::chrono::steady_clock::now() > deadline || !ReadSome(100)) return false;
  }
  return true;
}

void LiveRun::Signal(int signal_number) {
  ::kill(pid_, signal_number);
}

bool LiveRun::Type(const std::string& bytes) {
  return ::write(fd_, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
}

int LiveRun::Wait() {
  while (ReadSome(1000)) {
  }
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  reaped_ = true;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool LiveRun::ReadSome(int timeout_ms) {
  pollfd wait{fd_, POLLIN, 0};
  const int ready = ::poll(&wait, 1, timeout_ms);
  if (ready < 0) return errno == EINTR;
  if (ready == 0) return true;
  char buffer[65536];
  const ssize_t n = ::read(fd_, buffer, sizeof(buffer));
  if (n <= 0) return n < 0 && errno == EINTR;
  output_.append(buffer, static_cast<size_t>(n));
  return true;
}

RunResult SignalWhen(const std::vector<std::string>& args,
                     const std::map<std::string, std::string>& env, const std::string& needle,
                     int signal_number) {
  LiveRun run(args, env, /*terminal=*/false);
  RunResult result;
  EXPECT_TRUE(run.started());
  if (!run.started()) return result;
  const bool seen = run.WaitFor(needle);
  EXPECT_TRUE(seen) << "never printed '" << needle << "': " << run.output();
  if (seen) run.Signal(signal_number);
  if (seen) result.exit_code = run.Wait();
  result.err = run.output();
  return result;
}

RunResult RunPipeline(const std::string& landing, const std::string& lake, const std::string& date,
                      const std::map<std::string, std::string>& env) {
  return RunStreampro(
      {"pipeline", "--env", "test", "--landing", landing, "--lake", lake, "--ingestion-date", date},
      env);
}

std::string EnginesPython() {
  const RunResult paths = RunProgram({"scripts/install-engines", "--paths"});
  std::istringstream lines(paths.out);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.starts_with("ENGINES_PYTHON=")) return line.substr(15);
  }
  ADD_FAILURE() << "scripts/install-engines --paths found no virtualenv: " << paths.err;
  return {};
}

std::string ReadFileOrEmpty(const std::string& path) {
  auto bytes = ReadFileToString(path);
  return bytes.ok() ? std::move(bytes).value() : std::string();
}

std::string GoldenDir(const std::string& name) {
  return fmt::format("{}/tests/golden/{}", STREAMPRO_SOURCE_DIR, name);
}

std::string ReportPath(const std::string& lake, const std::string& date, const std::string& file) {
  return fmt::format("{}/reports/ingestion_date={}/{}", lake, date, file);
}

std::vector<std::string> ListFiles(const std::string& root) {
  std::vector<std::string> files;
  std::error_code ec;
  if (!std::filesystem::is_directory(root, ec)) return files;
  for (auto it = std::filesystem::recursive_directory_iterator(root, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec)) {
      files.push_back(std::filesystem::relative(it->path(), root, ec).generic_string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<std::string> ListFiles(const std::string& root, const std::string& fragment) {
  std::vector<std::string> files = ListFiles(root);
  std::erase_if(files,
                [&](const std::string& file) { return file.find(fragment) == std::string::npos; });
  return files;
}

Result<std::vector<Row>> ReadPartition(const std::string& folder) {
  std::vector<std::string> parts;
  for (const std::string& file : ListFiles(folder)) {
    if (file.find('/') == std::string::npos && file.starts_with("part-") &&
        file.ends_with(".parquet")) {
      parts.push_back(file);
    }
  }
  std::vector<Row> rows;
  for (const std::string& part : parts) {
    ASSIGN_OR_RETURN(std::unique_ptr<RandomAccessFile> file, OpenLocalFile(folder + "/" + part));
    ASSIGN_OR_RETURN(std::unique_ptr<parquet::FileReader> reader,
                     parquet::FileReader::Open(std::shared_ptr<RandomAccessFile>(std::move(file))));
    std::vector<int> columns(static_cast<size_t>(reader->schema()->num_fields()));
    for (size_t i = 0; i < columns.size(); ++i) columns[i] = static_cast<int>(i);
    ASSIGN_OR_RETURN(const RecordBatch batch, reader->ReadAll(columns));
    for (int64_t r = 0; r < batch.num_rows(); ++r) {
      Row row;
      for (int c = 0; c < batch.num_columns(); ++c) {
        const Column& column = batch.column(c);
        row[batch.schema()->field(c).name] =
            column.IsNull(r) ? std::nullopt : std::optional<std::string>(ValueText(column, r));
      }
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

JsonDocument::JsonDocument(std::string text) : text_(std::move(text)) {
  const simdjson::error_code code = parser_.parse(text_).get(root_);
  if (code != simdjson::SUCCESS) {
    error_ = fmt::format("not JSON: {}", simdjson::error_message(code));
  }
}

std::optional<simdjson::dom::element> JsonDocument::Find(const std::string& pointer) const {
  if (!ok()) return std::nullopt;
  simdjson::dom::element element;
  if (root_.at_pointer(pointer).get(element) != simdjson::SUCCESS) return std::nullopt;
  return element;
}

bool JsonDocument::Has(const std::string& pointer) const {
  return Find(pointer).has_value();
}

bool JsonDocument::IsNull(const std::string& pointer) const {
  const auto element = Find(pointer);
  if (!element) {
    ADD_FAILURE() << "report has no " << pointer;
    return false;
  }
  return element->is_null();
}

int64_t JsonDocument::Int(const std::string& pointer) const {
  const auto element = Find(pointer);
  int64_t value = 0;
  if (!element || element->get_int64().get(value) != simdjson::SUCCESS) {
    ADD_FAILURE() << "report has no integer at " << pointer;
    return kMissingInt;
  }
  return value;
}

double JsonDocument::Double(const std::string& pointer) const {
  const auto element = Find(pointer);
  if (element) {
    double value = 0;
    if (element->get_double().get(value) == simdjson::SUCCESS) return value;
    int64_t integer = 0;
    if (element->get_int64().get(integer) == simdjson::SUCCESS) {
      return static_cast<double>(integer);
    }
  }
  ADD_FAILURE() << "report has no number at " << pointer;
  return std::numeric_limits<double>::quiet_NaN();
}

std::string JsonDocument::String(const std::string& pointer) const {
  const auto element = Find(pointer);
  std::string_view value;
  if (!element || element->get_string().get(value) != simdjson::SUCCESS) {
    ADD_FAILURE() << "report has no string at " << pointer;
    return fmt::format("<missing {}>", pointer);
  }
  return std::string(value);
}

bool JsonDocument::Bool(const std::string& pointer) const {
  const auto element = Find(pointer);
  bool value = false;
  if (!element || element->get_bool().get(value) != simdjson::SUCCESS) {
    ADD_FAILURE() << "report has no boolean at " << pointer;
    return false;
  }
  return value;
}

size_t JsonDocument::Size(const std::string& pointer) const {
  const auto element = Find(pointer);
  if (element) {
    simdjson::dom::array array;
    if (element->get_array().get(array) == simdjson::SUCCESS) return array.size();
    simdjson::dom::object object;
    if (element->get_object().get(object) == simdjson::SUCCESS) return object.size();
  }
  ADD_FAILURE() << "report has no array or object at " << pointer;
  return std::numeric_limits<size_t>::max();
}

std::vector<std::string> JsonDocument::Keys(const std::string& pointer) const {
  std::vector<std::string> keys;
  const auto element = Find(pointer);
  simdjson::dom::object object;
  if (!element || element->get_object().get(object) != simdjson::SUCCESS) {
    ADD_FAILURE() << "report has no object at " << pointer;
    return keys;
  }
  for (const auto field : object) keys.emplace_back(field.key);
  return keys;
}

std::string JsonDocument::Minified(const std::string& pointer) const {
  const auto element = Find(pointer);
  if (!element) {
    ADD_FAILURE() << "report has no " << pointer;
    return fmt::format("<missing {}>", pointer);
  }
  return simdjson::minify(*element);
}

int JsonDocument::IndexWhere(const std::string& array_pointer,
                             const std::vector<std::pair<std::string, std::string>>& match) const {
  const auto element = Find(array_pointer);
  simdjson::dom::array array;
  if (!element || element->get_array().get(array) != simdjson::SUCCESS) {
    ADD_FAILURE() << "report has no array at " << array_pointer;
    return -1;
  }
  int index = 0;
  for (const simdjson::dom::element item : array) {
    bool all = true;
    for (const auto& [pointer, expected] : match) {
      std::string_view value;
      all = all && item.at_pointer(pointer).get_string().get(value) == simdjson::SUCCESS &&
            value == expected;
    }
    if (all) return index;
    ++index;
  }
  return -1;
}

std::unique_ptr<JsonDocument> ReadReport(const std::string& lake, const std::string& date) {
  return std::make_unique<JsonDocument>(ReadFileOrEmpty(ReportPath(lake, date)));
}

::testing::AssertionResult IsClose(double actual, double expected) {
  const double tolerance = std::max(1e-12 * std::fabs(expected), 1e-13);
  if (std::fabs(actual - expected) <= tolerance) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << fmt::format("{:.17g} is not within {:.3g} of {:.17g}", actual, tolerance, expected);
}

void ExpectTableCounts(const JsonDocument& report, const std::string& table,
                       const TableCounts& expected) {
  const std::string base = fmt::format("/tables/{}", table);
  SCOPED_TRACE(base);
  EXPECT_EQ(report.Int(base + "/rows_in"), expected.rows_in);
  EXPECT_EQ(report.Int(base + "/rows_kept"), expected.rows_kept);
  EXPECT_EQ(report.Int(base + "/rows_rejected"), expected.rows_rejected);
  EXPECT_EQ(report.Int(base + "/rows_duplicate"), expected.rows_duplicate);
}

void ExpectQ1(const JsonDocument& report, const Q1& expected, const std::string& base) {
  SCOPED_TRACE(base);
  EXPECT_EQ(report.Int(base + "/new_users"), expected.new_users);
  EXPECT_EQ(report.Int(base + "/reached_30s"), expected.reached_30s);
  EXPECT_EQ(report.Int(base + "/never_active"), expected.never_active);
  EXPECT_TRUE(IsClose(report.Double(base + "/pct"), expected.pct));
  EXPECT_TRUE(IsClose(report.Double(base + "/ci_low"), expected.ci_low));
  EXPECT_TRUE(IsClose(report.Double(base + "/ci_high"), expected.ci_high));
}

void ExpectGenre(const JsonDocument& report, const std::string& base, const Genre& genre) {
  SCOPED_TRACE(fmt::format("{} {}", base, genre.name));
  EXPECT_EQ(report.String(base + "/genre"), genre.name);
  if (genre.rank) {
    EXPECT_EQ(report.Int(base + "/rank"), *genre.rank);
  } else {
    EXPECT_TRUE(report.IsNull(base + "/rank"));
  }
  EXPECT_EQ(report.Int(base + "/new_users"), genre.new_users);
  EXPECT_EQ(report.Int(base + "/returned_within_3d"), genre.returned_within_3d);
  EXPECT_TRUE(IsClose(report.Double(base + "/retention_rate"), genre.retention_rate));
  EXPECT_TRUE(IsClose(report.Double(base + "/ci_low"), genre.ci_low));
  EXPECT_TRUE(IsClose(report.Double(base + "/ci_high"), genre.ci_high));
  EXPECT_TRUE(IsClose(report.Double(base + "/avg_first_session_watch_seconds"),
                      genre.avg_first_session_watch_seconds));
}

void ExpectGenres(const JsonDocument& report, const std::vector<Genre>& expected) {
  ASSERT_EQ(report.Size("/q2/genres"), expected.size()) << report.Minified("/q2/genres");
  for (size_t i = 0; i < expected.size(); ++i) {
    ExpectGenre(report, fmt::format("/q2/genres/{}", i), expected[i]);
  }
}

ColumnByKey EnrichedColumn(const std::string& lake, const std::string& table,
                           const std::string& date, const std::vector<std::string>& key_columns,
                           const std::string& column) {
  ColumnByKey values;
  const std::string folder = fmt::format("{}/enriched/{}/ingestion_date={}", lake, table, date);
  if (ListFiles(folder, "part-").empty()) {
    ADD_FAILURE() << "no part files in " << folder;
    return values;
  }
  const auto rows = ReadPartition(folder);
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  if (!rows.ok()) return values;
  for (const Row& row : *rows) {
    std::string key;
    for (const std::string& name : key_columns) {
      const auto it = row.find(name);
      if (!key.empty()) key += '/';
      key += it == row.end() ? std::string("?") : it->second.value_or("null");
    }
    const auto it = row.find(column);
    if (it == row.end()) {
      ADD_FAILURE() << table << " has no column " << column;
      return values;
    }
    values[key] = it->second.value_or("null");
  }
  return values;
}

std::string Lookup(const ColumnByKey& values, const std::string& key) {
  const auto it = values.find(key);
  return it == values.end() ? fmt::format("<no row {}>", key) : it->second;
}

double LookupDouble(const ColumnByKey& values, const std::string& key) {
  const std::string text = Lookup(values, key);
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  return end != text.c_str() && *end == '\0' ? value : std::nan("");
}

}  // namespace streampro::e2e
