#include "lake/rename_commit.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <vector>

#include "common/file.h"
#include "lake/durable_fs.h"
#include "lake/lake_lock.h"

namespace streampro::lake {

namespace {

class RenameCommit final : public CommitProtocol {
 public:
  explicit RenameCommit(bool allow_exchange) : allow_exchange_(allow_exchange) {}

  std::string_view name() const override { return "rename"; }

  // Repairs and removes the staging folders of runs that died.
  Status Recover(const Lake& lake, const std::string& own_run_id,
                 LakeRecovery* recovery) const override {
    const std::string root = *lake.local_root();
    const std::string staging = fmt::format("{}/{}", root, kStagingFolderName);
    std::error_code ec;
    std::filesystem::directory_iterator runs(staging, ec);
    if (ec) {
      if (ec == std::errc::no_such_file_or_directory) return Status::OK();
      return Status::IOError(fmt::format("{}: cannot list: {}", staging, ec.message()));
    }
    std::vector<std::filesystem::path> leftovers;
    for (const auto& run : runs) {
      if (run.path().filename() != own_run_id) leftovers.push_back(run.path());
    }
    std::sort(leftovers.begin(), leftovers.end());
    for (const auto& run : leftovers) {
      if (std::filesystem::is_directory(run, ec)) {
        std::filesystem::directory_iterator entries(run, ec);
        if (!ec) {
          for (const auto& entry : entries) {
            if (entry.path().extension() != internal::kRecoveryMarkerSuffix) continue;
            std::string restored;
            RETURN_NOT_OK(internal::RecoverFromMarker(root, entry.path().string(), &restored));
            if (!restored.empty()) recovery->restored_partitions.push_back(restored);
          }
        }
      }
      RETURN_NOT_OK(internal::RemoveTree(run.string()));
      recovery->removed_staging.push_back(run.filename().string());
    }
    return internal::FsyncDirectory(staging);
  }

  Result<StagedPartition> Begin(const LakeLock& lock, const catalog::TableDef& table,
                                Date date) const override {
    StagedPartition staged;
    staged.table = &table;
    staged.date = date;
    staged.partition_uri = lock.lake().PartitionUri(table, date);
    staged.staging_uri = lock.NewStagingPath(StagingLabel("", table, date));
    ASSIGN_OR_RETURN(staged.base_version, PublishedVersion(lock.lake(), table, date));
    RETURN_NOT_OK(CreateDirectories(staged.staging_uri));
    return staged;
  }

  Status Commit(const LakeLock& lock, std::span<const PartitionCommit> commits) const override {
    for (const PartitionCommit& commit : commits) RETURN_NOT_OK(CommitOne(lock, commit));
    return Status::OK();
  }

  void Abandon(const LakeLock& /*lock*/, const StagedPartition& staged) const override {
    std::error_code ec;
    std::filesystem::remove_all(staged.staging_uri, ec);
  }

  Status Drop(const LakeLock& lock, const catalog::TableDef& table, Date date) const override {
    const Lake& lake = lock.lake();
    const std::string partition_dir = lake.PartitionUri(table, date);
    struct stat info;
    if (::lstat(partition_dir.c_str(), &info) != 0) {
      if (errno == ENOENT) return Status::OK();
      return internal::ErrnoStatus("stat", partition_dir);
    }
    const std::string dropped = lock.NewStagingPath(StagingLabel("dropped.", table, date));
    if (::rename(partition_dir.c_str(), dropped.c_str()) != 0) {
      return internal::ErrnoStatus("rename", partition_dir);
    }
    RETURN_NOT_OK(internal::FsyncDirectory(lake.TableUri(table)));
    lake.Notify(CommitStep::kPublished);
    return internal::RemoveTree(dropped);
  }

 private:
  Status CommitOne(const LakeLock& lock, const PartitionCommit& commit) const {
    const Lake& lake = lock.lake();
    const StagedPartition& staged = *commit.staged;
    RETURN_NOT_OK(CheckNoConflict(lake, commit));
    RETURN_NOT_OK(WriteFileAtomically(fmt::format("{}/{}", staged.staging_uri, kManifestFileName),
                                      commit.manifest->ToJson()));
    RETURN_NOT_OK(internal::FsyncDirectory(staged.staging_uri));
    lake.Notify(CommitStep::kManifestWritten);

    const std::string table_dir = lake.TableUri(*staged.table);
    RETURN_NOT_OK(CreateDirectories(table_dir));
    const std::string aside =
        lock.NewStagingPath(StagingLabel("previous.", *staged.table, staged.date));
    ASSIGN_OR_RETURN(const internal::PublishResult published,
                     internal::PublishFolder(
                         *lake.local_root(), staged.staging_uri, staged.partition_uri, aside,
                         aside + std::string(internal::kRecoveryMarkerSuffix), allow_exchange_,
                         [&lake] { lake.Notify(CommitStep::kMovedAside); }));
    // Make the new entry durable, and the folders above it when they were just created.
    RETURN_NOT_OK(internal::FsyncDirectory(table_dir));
    if (!staged.table->folder.empty()) {
      RETURN_NOT_OK(
          internal::FsyncDirectory(lake.Uri(lake.options().folders.Of(staged.table->layer))));
    }
    RETURN_NOT_OK(internal::FsyncDirectory(lake.uri()));
    lake.Notify(CommitStep::kPublished);
    if (!published.previous_version.empty()) {
      // The new version is live; an old one that cannot be removed now is removed by the
      // next run's Recover, so this is not an error.
      (void)internal::RemoveTree(published.previous_version);
    }
    return Status::OK();
  }

  bool allow_exchange_;
};

}  // namespace

bool RenameCommitSupports(const storage::ObjectRef& root) {
  return root.store->LocalPath(root.key).has_value();
}

std::unique_ptr<CommitProtocol> MakeRenameCommit(const LakeOptions& options) {
  return std::make_unique<RenameCommit>(!options.force_rename_aside);
}

}  // namespace streampro::lake
