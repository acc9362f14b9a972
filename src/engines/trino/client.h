#pragma once

// A client of Trino's REST protocol (trino.io/docs/current/develop/client-protocol.html):
// POST /v1/statement, then GET nextUri until the query is done; 502/503/504 are retried;
// Trino's `error` object becomes a Status; a query that outlives its deadline is cancelled
// with DELETE. Used by `streampro sync --engine trino` and by the interop tests.
//
// Secrets: the password goes only to libcurl (basic auth, https only) and never into a
// Status message. Messages name the server and the statement (its first line, shortened).

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "streampro/status.h"

namespace streampro::engines::trino {

struct ClientOptions {
  /// `http://host:port` or `https://host:port` (no path, no user info).
  std::string server;
  std::string user = "streampro";
  std::string source = "streampro";
  /// Session catalog and schema (X-Trino-Catalog / X-Trino-Schema); empty: none sent.
  std::string catalog;
  std::string schema;
  /// Basic authentication; only over https (Trino refuses it over plain http too).
  std::optional<std::string> password;
  /// Whole-statement deadline: past it the query is cancelled and the call fails.
  std::chrono::milliseconds statement_timeout{std::chrono::minutes(5)};
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(5)};
  /// Tries of one HTTP request answered 502, 503 or 504 (or refused while connecting).
  int max_attempts = 5;
  /// Asked between two polls of a running statement: a non-OK status (say, Cancelled after
  /// Ctrl-C) cancels the query in Trino (DELETE) and is returned, naming the statement.
  /// Empty: never asked.
  std::function<Status()> check_cancelled;

  /// InvalidArgument naming the problem (no scheme, a path, a password over http, ...).
  Status Validate() const;
};

/// One cell as Trino sent it: nullopt for SQL NULL; strings unquoted; numbers, booleans,
/// arrays and rows as their JSON text.
using Value = std::optional<std::string>;

struct Column {
  std::string name;
  std::string type;  ///< Trino's type signature, e.g. `varchar`, `timestamp(6)`
};

struct QueryResult {
  std::string query_id;
  /// `CREATE TABLE`, `INSERT`, ... for statements; empty for a plain SELECT.
  std::string update_type;
  std::vector<Column> columns;
  std::vector<std::vector<Value>> rows;
};

class Client {
 public:
  static Result<std::unique_ptr<Client>> Make(ClientOptions options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  /// Runs one statement to completion and returns every row. A failure is an IOError whose
  /// one-line message names the server and the statement: Trino's error (errorName,
  /// message, line:column) for bad SQL or an unknown catalog or table, the HTTP status or
  /// the transport error when the server is down or failing, or the timeout.
  Result<QueryResult> Execute(std::string_view sql);

  const ClientOptions& options() const { return options_; }

 private:
  explicit Client(ClientOptions options);
  Result<std::string> Send(std::string_view method, const std::string& url, std::string_view body,
                           std::string_view sql, std::chrono::steady_clock::time_point deadline);
  void Cancel(const std::string& next_uri);

  ClientOptions options_;
  void* curl_ = nullptr;  // CURL*, kept for connection reuse
  /// Session properties set by `SET SESSION` (X-Trino-Set-Session), sent back on every query.
  std::vector<std::string> session_properties_;
};

/// `sql` cut at its first line break and shortened to at most 80 characters, for messages.
std::string StatementLabel(std::string_view sql);

}  // namespace streampro::engines::trino
