#include "engines/trino/client.h"

#include <curl/curl.h>
#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <thread>

namespace streampro::engines::trino {

namespace {

using Clock = std::chrono::steady_clock;

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view TrimSpace(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

/// What one HTTP exchange brought back.
struct HttpReply {
  long status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // lower-cased names
};

size_t AppendBody(char* data, size_t size, size_t count, void* user) {
  static_cast<HttpReply*>(user)->body.append(data, size * count);
  return size * count;
}

size_t AppendHeader(char* data, size_t size, size_t count, void* user) {
  const std::string_view line(data, size * count);
  const size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    static_cast<HttpReply*>(user)->headers.emplace_back(Lower(TrimSpace(line.substr(0, colon))),
                                                        TrimSpace(line.substr(colon + 1)));
  }
  return size * count;
}

bool IsRetryableStatus(long status) {
  return status == 502 || status == 503 || status == 504;
}

bool IsRetryableCurlCode(CURLcode code) {
  return code == CURLE_COULDNT_CONNECT || code == CURLE_GOT_NOTHING || code == CURLE_SEND_ERROR ||
         code == CURLE_RECV_ERROR;
}

void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string JsonText(simdjson::dom::element element) {
  switch (element.type()) {
    case simdjson::dom::element_type::STRING:
      return std::string(element.get_string().value_unsafe());
    case simdjson::dom::element_type::INT64:
      return std::to_string(element.get_int64().value_unsafe());
    case simdjson::dom::element_type::UINT64:
      return std::to_string(element.get_uint64().value_unsafe());
    default:
      return simdjson::minify(element);
  }
}

std::string StringField(simdjson::dom::object object, std::string_view key) {
  std::string_view value;
  if (object[key].get_string().get(value) != simdjson::SUCCESS) return {};
  return std::string(value);
}

}  // namespace

std::string StatementLabel(std::string_view sql) {
  sql = TrimSpace(sql);
  // Skip leading comment lines: the statement itself is what a person recognizes.
  while (sql.starts_with("--")) {
    const size_t end = sql.find('\n');
    if (end == std::string_view::npos) break;
    sql = TrimSpace(sql.substr(end + 1));
  }
  std::string label(sql.substr(0, sql.find('\n')));
  const bool cut = label.size() < TrimSpace(sql).size();
  if (label.size() > 80) {
    label.resize(77);
    label += "...";
  } else if (cut) {
    label += " ...";
  }
  return label;
}

Status ClientOptions::Validate() const {
  const bool https = server.starts_with("https://");
  if (!https && !server.starts_with("http://")) {
    return Status::InvalidArgument(
        fmt::format("Trino server '{}' must start with http:// or https://", server));
  }
  const std::string_view authority = std::string_view(server).substr(https ? 8 : 7);
  if (authority.empty() || authority.find('@') != std::string_view::npos) {
    return Status::InvalidArgument(
        "the Trino server must be http(s)://host:port, without user name or password "
        "(use TRINO_USER and TRINO_PASSWORD)");
  }
  if (authority.find('/') != std::string_view::npos &&
      authority.substr(authority.find('/')) != "/") {
    return Status::InvalidArgument(
        fmt::format("Trino server '{}' must not have a path (http(s)://host:port)", server));
  }
  if (user.empty()) return Status::InvalidArgument("the Trino user must not be empty");
  if (password.has_value() && !https) {
    return Status::InvalidArgument(fmt::format(
        "a Trino password is sent only over https; the server is '{}' (use https://)", server));
  }
  if (statement_timeout.count() <= 0) {
    return Status::InvalidArgument("the Trino statement timeout must be positive");
  }
  if (max_attempts < 1) return Status::InvalidArgument("Trino max attempts must be at least 1");
  return Status::OK();
}

Client::Client(ClientOptions options) : options_(std::move(options)) {
  while (options_.server.ends_with('/')) options_.server.pop_back();
}

Client::~Client() {
  if (curl_ != nullptr) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

Result<std::unique_ptr<Client>> Client::Make(ClientOptions options) {
  RETURN_NOT_OK(options.Validate());
  InitCurlOnce();
  std::unique_ptr<Client> client(new Client(std::move(options)));
  client->curl_ = curl_easy_init();
  if (client->curl_ == nullptr) return Status::Internal("curl_easy_init failed");
  return client;
}

Result<std::string> Client::Send(std::string_view method, const std::string& url,
                                 std::string_view body, std::string_view sql,
                                 Clock::time_point deadline) {
  CURL* curl = static_cast<CURL*>(curl_);
  const auto fail = [&](const std::string& problem) {
    return Status::IOError(fmt::format("Trino at {}: {} (statement: {})", options_.server, problem,
                                       StatementLabel(sql)));
  };
  for (int attempt = 1;; ++attempt) {
    const auto remaining =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (remaining.count() <= 0) {
      return fail(fmt::format("no answer within the statement timeout of {} s",
                              options_.statement_timeout.count() / 1000.0));
    }
    HttpReply reply;
    curl_easy_reset(curl);
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(options_.connect_timeout.count()));
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(remaining.count()));
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, AppendBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, AppendHeader);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &reply);
    if (method == "POST") {
      curl_easy_setopt(curl, CURLOPT_POST, 1L);
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    } else if (method != "GET") {
      curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, std::string(method).c_str());
    }
    if (options_.password.has_value()) {
      curl_easy_setopt(curl, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
      curl_easy_setopt(curl, CURLOPT_USERNAME, options_.user.c_str());
      curl_easy_setopt(curl, CURLOPT_PASSWORD, options_.password->c_str());
    }
    curl_slist* headers = nullptr;
    const auto add_header = [&headers](const std::string& header) {
      headers = curl_slist_append(headers, header.c_str());
    };
    add_header("X-Trino-User: " + options_.user);
    add_header("X-Trino-Source: " + options_.source);
    if (!options_.catalog.empty()) add_header("X-Trino-Catalog: " + options_.catalog);
    if (!options_.schema.empty()) add_header("X-Trino-Schema: " + options_.schema);
    for (const std::string& property : session_properties_) {
      add_header("X-Trino-Session: " + property);
    }
    // Without it Trino rounds timestamp(6) values to milliseconds for "legacy" clients.
    add_header("X-Trino-Client-Capabilities: PARAMETRIC_DATETIME");
    add_header("Content-Type: text/plain; charset=utf-8");
    add_header("Expect:");
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    const CURLcode code = curl_easy_perform(curl);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
    curl_slist_free_all(headers);

    const bool retry = code == CURLE_OK ? IsRetryableStatus(reply.status)
                                        : IsRetryableCurlCode(code) && Clock::now() < deadline;
    if (retry && attempt < options_.max_attempts) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50 * attempt));
      continue;
    }
    if (code == CURLE_OPERATION_TIMEDOUT) {
      return fail(fmt::format("no answer within the statement timeout of {} s",
                              options_.statement_timeout.count() / 1000.0));
    }
    if (code != CURLE_OK) {
      return fail(fmt::format("{} ({})", curl_easy_strerror(code),
                              attempt > 1 ? fmt::format("{} attempts", attempt) : "1 attempt"));
    }
    if (reply.status != 200) {
      std::string detail(TrimSpace(std::string_view(reply.body).substr(0, 200)));
      detail = detail.substr(0, detail.find('\n'));
      return fail(fmt::format("HTTP {}{}{}", reply.status, detail.empty() ? "" : ": ", detail));
    }
    for (const auto& [name, value] : reply.headers) {
      if (name == "x-trino-set-catalog") options_.catalog = value;
      if (name == "x-trino-set-schema") options_.schema = value;
      if (name == "x-trino-set-session") session_properties_.push_back(value);
      if (name == "x-trino-clear-session") {
        const std::string prefix = value + "=";
        std::erase_if(session_properties_, [&prefix](const std::string& property) {
          return property.starts_with(prefix);
        });
      }
    }
    return std::move(reply.body);
  }
}

void Client::Cancel(const std::string& next_uri) {
  // Best effort, with a short deadline of its own: the query is abandoned either way, and
  // Trino fails a query whose client stops polling.
  (void)Send("DELETE", next_uri, {}, "", Clock::now() + std::chrono::seconds(5));
}

Result<QueryResult> Client::Execute(std::string_view sql) {
  const Clock::time_point deadline = Clock::now() + options_.statement_timeout;
  const std::string label = StatementLabel(sql);
  ASSIGN_OR_RETURN(std::string body,
                   Send("POST", options_.server + "/v1/statement", sql, sql, deadline));
  QueryResult result;
  simdjson::dom::parser parser;
  while (true) {
    simdjson::dom::object reply;
    if (parser.parse(body).get(reply) != simdjson::SUCCESS) {
      return Status::IOError(fmt::format(
          "Trino at {}: the reply is not a JSON object (statement: {})", options_.server, label));
    }
    if (result.query_id.empty()) result.query_id = StringField(reply, "id");
    if (result.update_type.empty()) result.update_type = StringField(reply, "updateType");
    simdjson::dom::object error;
    if (reply["error"].get(error) == simdjson::SUCCESS) {
      const std::string error_name = StringField(error, "errorName");
      std::string message = StringField(error, "message");
      int64_t line = 0;
      int64_t column = 0;
      simdjson::dom::object location;
      if (error["errorLocation"].get(location) == simdjson::SUCCESS &&
          location["lineNumber"].get(line) == simdjson::SUCCESS &&
          location["columnNumber"].get(column) == simdjson::SUCCESS &&
          !message.starts_with("line ")) {
        message = fmt::format("line {}:{}: {}", line, column, message);
      }
      const std::string text = fmt::format("Trino at {}: {}: {} (statement: {})", options_.server,
                                           error_name, message, label);
      return Status::IOError(text);
    }
    simdjson::dom::array columns;
    if (result.columns.empty() && reply["columns"].get(columns) == simdjson::SUCCESS) {
      for (simdjson::dom::object column : columns) {
        result.columns.push_back({StringField(column, "name"), StringField(column, "type")});
      }
    }
    simdjson::dom::array data;
    if (reply["data"].get(data) == simdjson::SUCCESS) {
      for (simdjson::dom::array row : data) {
        std::vector<Value> values;
        for (simdjson::dom::element cell : row) {
          if (cell.is_null()) {
            values.emplace_back(std::nullopt);
          } else {
            values.emplace_back(JsonText(cell));
          }
        }
        result.rows.push_back(std::move(values));
      }
    }
    std::string_view next_uri;
    if (reply["nextUri"].get_string().get(next_uri) != simdjson::SUCCESS) break;
    const std::string next(next_uri);
    if (options_.check_cancelled) {
      if (const Status stop = options_.check_cancelled(); !stop.ok()) {
        Cancel(next);
        return Status(stop.code(), fmt::format("{}: Trino query {} cancelled (statement: {})",
                                               stop.message(), result.query_id, label));
      }
    }
    if (Clock::now() >= deadline) {
      Cancel(next);
      return Status::IOError(
          fmt::format("Trino at {}: cancelled after the statement timeout of {} s (statement: {})",
                      options_.server, options_.statement_timeout.count() / 1000.0, label));
    }
    auto next_body = Send("GET", next, {}, sql, deadline);
    if (!next_body.ok()) {
      Cancel(next);
      return next_body.status();
    }
    body = std::move(next_body).value();
  }
  return result;
}

}  // namespace streampro::engines::trino
