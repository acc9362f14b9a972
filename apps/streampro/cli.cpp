#include "cli.h"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "lake/layout.h"
#include "storage/memory_store.h"
#include "storage/s3_config.h"
#include "storage/s3_store.h"

extern char** environ;

namespace streampro::cli {

std::optional<Date> CommonOptions::ingestion_date() const {
  if (ingestion_date_text.empty()) return std::nullopt;
  return ParseIsoDate(ingestion_date_text);
}

void AddCommonOptions(CLI::App* command, CommonOptions* options, bool date_required,
                      const std::string& extra_date_name) {
  command->add_option("--env", options->env, "Environment: reads config/<env>.env")
      ->check(CLI::IsMember({"dev", "test", "prod"}))
      ->capture_default_str();
  // --ingestion_date: how the original system's users type it.
  const std::string names = extra_date_name.empty()
                                ? "--ingestion-date,--ingestion_date"
                                : "--ingestion-date,--ingestion_date," + extra_date_name;
  auto* date =
      command->add_option(names, options->ingestion_date_text, "Ingestion date D, YYYY-MM-DD")
          ->type_name("YYYY-MM-DD")
          ->check(CLI::Validator(
              [](std::string& value) -> std::string {
                if (ParseIsoDate(value)) return "";
                return fmt::format("'{}' is not a real date in YYYY-MM-DD form", value);
              },
              ""));
  if (date_required) date->required();
  command
      ->add_option("--config", options->config_file,
                   "Settings file (KEY=VALUE lines) used instead of config/<env>.env")
      ->type_name("FILE");
}

std::string LandingDirSetting(const Config& config) {
  const std::optional<std::string> alias = config.Get("LOCAL_DATA_PATH");
  const std::optional<std::string> landing = config.Get("STREAMPRO_LANDING_DIR");
  if (!alias || alias->empty()) return config.GetOrDefault("STREAMPRO_LANDING_DIR");
  if (!landing) return *alias;
  const auto from_environment = [&config](const std::string& key) {
    return config.SourceOf(key) == "environment";
  };
  return from_environment("LOCAL_DATA_PATH") && !from_environment("STREAMPRO_LANDING_DIR")
             ? *alias
             : *landing;
}

Result<StorageLocations> ResolveStorage(const Config& config, const CliEnvironment& environment) {
  StorageLocations locations;
  locations.stores = std::make_shared<storage::StoreRegistry>();
  if (environment.store_wrapper) locations.stores->SetWrapper(environment.store_wrapper);
  ASSIGN_OR_RETURN(const std::optional<s3::S3Options> s3_options,
                   storage::S3OptionsFromConfig(config));
  if (s3_options) {
    RETURN_NOT_OK(storage::RegisterS3(locations.stores.get(), *s3_options));
  } else {
    storage::RegisterS3Unconfigured(locations.stores.get());
  }
  storage::RegisterMemory(locations.stores.get());
  locations.folders.raw = config.GetOrDefault("MINIO_RAW_PREFIX");
  locations.folders.trusted = config.GetOrDefault("MINIO_TRUSTED_PREFIX");
  locations.folders.enriched = config.GetOrDefault("MINIO_ENRICHED_PREFIX");
  locations.folders.reports = config.GetOrDefault("MINIO_REPORTS_PREFIX");
  RETURN_NOT_OK(locations.folders.Validate());

  locations.landing = LandingDirSetting(config);
  locations.lake = config.GetOrDefault("STREAMPRO_LAKE_ROOT");
  const std::string kind = config.GetOrDefault("STREAMPRO_STORAGE");
  if (kind == "s3") {
    const std::string bucket = config.GetOrDefault("MINIO_BUCKET");
    if (bucket.empty()) {
      return Status::InvalidArgument(fmt::format("{}: STREAMPRO_STORAGE=s3 needs MINIO_BUCKET",
                                                 config.SourceOf("STREAMPRO_STORAGE")));
    }
    const auto trim = [](std::string prefix) {
      while (prefix.starts_with('/')) prefix.erase(0, 1);
      while (prefix.ends_with('/')) prefix.pop_back();
      return prefix;
    };
    const std::string lake_prefix = trim(config.GetOrDefault("MINIO_LAKE_PREFIX"));
    locations.lake = lake_prefix.empty() ? fmt::format("s3://{}", bucket)
                                         : fmt::format("s3://{}/{}", bucket, lake_prefix);
    const std::string landing_prefix = trim(config.GetOrDefault("MINIO_LANDING_PREFIX"));
    if (!landing_prefix.empty()) {
      locations.landing = fmt::format("s3://{}/{}", bucket, landing_prefix);
    }
  } else if (kind != "local") {
    return Status::InvalidArgument(
        fmt::format("{}: STREAMPRO_STORAGE must be local or s3, got '{}'",
                    config.SourceOf("STREAMPRO_STORAGE"), kind));
  }
  return locations;
}

Result<std::shared_ptr<const lake::Lake>> OpenLake(const StorageLocations& storage,
                                                   const std::string& uri,
                                                   const CliEnvironment& environment) {
  // A relative local lake is made absolute here, once: the lake's URIs end up in places
  // read from other working directories (Iceberg metadata, the catalog, the run log).
  std::string absolute = uri;
  if (!uri.empty() && uri.front() != '/' && uri.find("://") == std::string::npos) {
    std::error_code error;
    const std::filesystem::path path = std::filesystem::absolute(uri, error);
    if (!error) absolute = path.lexically_normal().string();
    while (absolute.size() > 1 && absolute.back() == '/') absolute.pop_back();
  }
  ASSIGN_OR_RETURN(storage::ObjectRef root, storage.stores->Resolve(absolute));
  lake::LakeOptions options;
  options.folders = storage.folders;
  options.observer = environment.commit_observer;
  return lake::Lake::Open(std::move(root), std::move(options));
}

Result<Config> LoadConfig(const CLI::App& command, const CommonOptions& options) {
  Config config;
  if (!options.config_file.empty()) {
    ASSIGN_OR_RETURN(config, Config::LoadFile(options.config_file));
  } else {
    const std::string path = fmt::format("config/{}.env", options.env);
    const bool env_given = command.count("--env") > 0;
    if (std::filesystem::exists(path) || env_given) {
      ASSIGN_OR_RETURN(config, Config::LoadFile(path));
    }
  }
  RETURN_NOT_OK(config.OverlayEnvironment(environ));
  return config;
}

Result<engines::trino::ClientOptions> TrinoClientOptions(const Config& config,
                                                         const std::string& server,
                                                         int64_t timeout_seconds) {
  engines::trino::ClientOptions options;
  if (!server.empty()) {
    options.server = server;
  } else {
    const std::string host = config.GetOrDefault("TRINO_HOST");
    ASSIGN_OR_RETURN(const int64_t port, config.GetInt("TRINO_PORT"));
    if (port < 1 || port > 65535) {
      return Status::InvalidArgument(fmt::format("{}: TRINO_PORT must be 1 to 65535, got {}",
                                                 config.SourceOf("TRINO_PORT"), port));
    }
    const std::string secure = config.GetOrDefault("TRINO_SECURE");
    if (secure != "true" && secure != "false") {
      return Status::InvalidArgument(
          fmt::format("{}: TRINO_SECURE must be true or false", config.SourceOf("TRINO_SECURE")));
    }
    const std::string scheme = secure == "true" ? "https" : "http";
    options.server = host.find("://") != std::string::npos
                         ? fmt::format("{}:{}", host, port)
                         : fmt::format("{}://{}:{}", scheme, host, port);
  }
  options.user = config.GetOrDefault("TRINO_USER");
  if (const auto password = config.Get("TRINO_PASSWORD"); password && !password->empty()) {
    options.password = *password;
  }
  options.statement_timeout = std::chrono::seconds(timeout_seconds);
  RETURN_NOT_OK(options.Validate());
  return options;
}

int ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk:
      return kExitSuccess;
    case StatusCode::kInvalidArgument:
      return kExitUsage;
    case StatusCode::kInternal:
      return kExitInternal;
    case StatusCode::kCancelled:
      return kExitInterrupted;
    case StatusCode::kNotFound:
    case StatusCode::kIOError:
    case StatusCode::kInvalidData:
    case StatusCode::kNotImplemented:
      return kExitBadInput;
  }
  // A code added to StatusCode without a case here is a programming error.
  return kExitInternal;
}

void PrintError(const std::string& message) {
  std::string one_line = message;
  for (char& c : one_line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  std::fprintf(stderr, "streampro: error: %s\n", one_line.c_str());
}

}  // namespace streampro::cli
