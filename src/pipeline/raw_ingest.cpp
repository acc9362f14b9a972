#include "pipeline/raw_ingest.h"

#include <fmt/format.h>

#include <memory>

#include "lake/manifest.h"
#include "lake/partition_writer.h"
#include "streampro/object_store.h"

namespace streampro::pipeline {

namespace {

using lake::FileEntry;
using lake::LakeLock;
using lake::PartitionManifest;
using lake::PartitionWriter;

Status ChangedWhileCopied(const std::string& uri, const storage::ObjectInfo& before,
                          const std::optional<storage::ObjectInfo>& after, int64_t copied) {
  return Status::IOError(fmt::format(
      "{}: the landing file changed while it was copied to raw ({} bytes before, {} copied, {} "
      "now); run again once it is complete",
      uri, before.size, copied, after ? after->size : 0));
}

// Streams `source` into the staged file `name`.
Status StreamCopy(const storage::ObjectRef& landing, const storage::ObjectInfo& info,
                  PartitionWriter* writer, const std::string& name, const RunControl& control) {
  const std::string uri = landing.uri();
  ASSIGN_OR_RETURN(std::unique_ptr<RandomAccessFile> opened, landing.store->OpenRead(landing.key));
  const std::shared_ptr<RandomAccessFile> source = MonitorReads(std::move(opened), control);
  ASSIGN_OR_RETURN(OutputStream * sink, writer->CreateBulkFile(name));
  ASSIGN_OR_RETURN(const int64_t copied,
                   CopyAll(*source, sink, static_cast<int64_t>(kRawCopyBufferBytes)));
  ASSIGN_OR_RETURN(const std::optional<storage::ObjectInfo> after,
                   landing.store->Head(landing.key));
  if (copied != info.size || !after || after->size != info.size ||
      after->mtime_ns != info.mtime_ns || after->etag != info.etag) {
    return ChangedWhileCopied(uri, info, after, copied);
  }
  return Status::OK();
}

Result<RawFileResult> IngestOne(const LakeLock& lock, const storage::ObjectRef& landing,
                                const LandingFile& file, Date date, const RunControl& control) {
  const catalog::TableDef& table = catalog::RawTable(file.table);
  RawFileResult result;
  result.table = file.table;
  result.landing_name = file.name;
  result.raw_path = RawFileUri(lock.lake(), file, date);

  ASSIGN_OR_RETURN(const std::optional<storage::ObjectInfo> info, landing.store->Head(landing.key));
  if (!info) return Status::NotFound(fmt::format("{}: the landing file is gone", file.path));
  ASSIGN_OR_RETURN(const std::optional<PartitionManifest> committed,
                   lake::ReadManifest(lock.lake(), table, date));
  if (committed && RawCopyMatches(*committed, file, *info)) {
    result.bytes = committed->files.front().bytes;
    result.sha256 = committed->files.front().sha256;
    result.unchanged = true;
    control.Add(info->size);
    return result;
  }

  ASSIGN_OR_RETURN(const std::unique_ptr<PartitionWriter> writer,
                   PartitionWriter::Begin(lock, table, date));
  // Landing and lake in the same S3 service: copied server-side, pinned to the ETag seen.
  ASSIGN_OR_RETURN(const bool copied, writer->CopyFileFrom(file.name, landing, *info));
  if (copied) {
    result.server_side_copy = true;
    control.Add(info->size);
  } else {
    RETURN_NOT_OK(StreamCopy(landing, *info, writer.get(), file.name, control));
    RETURN_NOT_OK(writer->CloseFile(file.name, std::nullopt));
  }
  writer->set_source_file(file.name);
  writer->set_property(std::string(kLandingBytesProperty), std::to_string(info->size));
  writer->set_property(std::string(kLandingMtimeProperty), std::to_string(info->mtime_ns));
  if (!info->etag.empty()) writer->set_property(std::string(kLandingEtagProperty), info->etag);
  if (file.undated) writer->set_property(std::string(kLandingUndatedProperty), "true");
  RETURN_NOT_OK(control.CheckCancelled());
  RETURN_NOT_OK(writer->Commit());
  const FileEntry& entry = writer->manifest().files.front();
  result.bytes = entry.bytes;
  result.sha256 = entry.sha256;
  return result;
}

}  // namespace

std::string RawFileUri(const lake::Lake& lake, const LandingFile& file, Date date) {
  return storage::JoinUri(lake.PartitionUri(catalog::RawTable(file.table), date), file.name);
}

bool RawCopyMatches(const PartitionManifest& manifest, const LandingFile& file,
                    const storage::ObjectInfo& info) {
  if (manifest.files.size() != 1) return false;
  const FileEntry& entry = manifest.files.front();
  const auto property = [&](std::string_view key) -> std::string {
    auto it = manifest.properties.find(std::string(key));
    return it == manifest.properties.end() ? std::string() : it->second;
  };
  return entry.name == file.name && entry.bytes == info.size &&
         property(kLandingBytesProperty) == std::to_string(info.size) &&
         property(kLandingMtimeProperty) == std::to_string(info.mtime_ns) &&
         property(kLandingEtagProperty) == info.etag;
}

Result<std::vector<RawFileResult>> IngestRaw(const LakeLock& lock,
                                             const LandingInventory& inventory, Date date,
                                             const RunControl& control) {
  int64_t total_bytes = 0;
  for (const LandingFile& file : inventory.taken) total_bytes += file.bytes;
  control.StartPhase("copying landing files", ProgressUnit::kBytes, total_bytes);
  std::vector<RawFileResult> results;
  for (const LandingFile& file : inventory.taken) {
    RETURN_NOT_OK(control.CheckCancelled());
    const storage::ObjectRef landing{inventory.store, file.key};
    ASSIGN_OR_RETURN(RawFileResult result, IngestOne(lock, landing, file, date, control));
    results.push_back(std::move(result));
  }
  return results;
}

}  // namespace streampro::pipeline
