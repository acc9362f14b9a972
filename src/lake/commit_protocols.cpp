// The registry of commit protocols: a new protocol is its own file plus one line here.

#include <fmt/format.h>

#include "lake/commit_protocol.h"
#include "lake/lake_lock.h"
#include "lake/manifest_commit.h"
#include "lake/rename_commit.h"

namespace streampro::lake {

namespace {

constexpr CommitProtocolRegistration kProtocols[] = {
    // A file system: a staged folder is renamed into place.
    {"rename", &RenameCommitSupports, &MakeRenameCommit},
    // Any object store: `_manifest.json`, one PUT, is the commit point.
    {"object-manifest", &ManifestCommitSupports, &MakeManifestCommit},
};

}  // namespace

std::span<const CommitProtocolRegistration> RegisteredCommitProtocols() {
  return kProtocols;
}

Result<std::unique_ptr<CommitProtocol>> MakeCommitProtocol(const storage::ObjectRef& root,
                                                           const LakeOptions& options) {
  for (const CommitProtocolRegistration& protocol : kProtocols) {
    if (protocol.supports(root)) return protocol.make(options);
  }
  return Status::InvalidArgument(
      fmt::format("{}: no commit protocol supports this store", root.uri()));
}

std::string StagingLabel(std::string_view what, const catalog::TableDef& table, Date date) {
  return fmt::format("{}{}.{}", what, table.label(), FormatIsoDate(date));
}

std::string StagedPartition::FileUri(std::string_view name) const {
  return storage::JoinUri(in_place ? partition_uri : staging_uri, name);
}

Result<std::string> PublishedVersion(const Lake& lake, const catalog::TableDef& table, Date date) {
  ASSIGN_OR_RETURN(const std::optional<PartitionManifest> manifest,
                   ReadManifest(lake, table, date));
  return manifest ? PartitionVersion(*manifest) : std::string();
}

std::string PartitionVersion(const PartitionManifest& manifest) {
  return fmt::format("{}@{}", manifest.run_id, manifest.committed_at);
}

Status CheckNoConflict(const Lake& lake, const PartitionCommit& commit) {
  const StagedPartition& staged = *commit.staged;
  ASSIGN_OR_RETURN(const std::string now, PublishedVersion(lake, *staged.table, staged.date));
  if (now == staged.base_version) return Status::OK();
  return Status::InvalidData(fmt::format(
      "{}: conflict: version {} was published after this writer started from {}; nothing of "
      "it was replaced, run again",
      staged.partition_uri, now.empty() ? "(none: dropped)" : now,
      staged.base_version.empty() ? "no version" : staged.base_version));
}

}  // namespace streampro::lake
