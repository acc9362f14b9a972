#include "lake/raw_ingest.h"

#include <fmt/format.h>

#include <memory>
#include <set>

#include "lake/layout.h"
#include "lake/manifest.h"
#include "lake/partition_writer.h"
#include "streampro/object_store.h"

namespace streampro::lake {

namespace {

bool AlreadyIngested(const std::optional<PartitionManifest>& manifest,
                     const pipeline::LandingFile& file, const storage::ObjectInfo& info) {
  if (!manifest || manifest->files.size() != 1) return false;
  const FileEntry& entry = manifest->files.front();
  const auto property = [&](std::string_view key) -> std::string {
    auto it = manifest->properties.find(std::string(key));
    return it == manifest->properties.end() ? std::string() : it->second;
  };
  return entry.name == file.name && entry.bytes == info.size &&
         property(kLandingBytesProperty) == std::to_string(info.size) &&
         property(kLandingMtimeProperty) == std::to_string(info.mtime_ns) &&
         property(kLandingEtagProperty) == info.etag;
}

Status ChangedWhileCopied(const std::string& uri, const storage::ObjectInfo& before,
                          const std::optional<storage::ObjectInfo>& after, int64_t copied) {
  return Status::IOError(fmt::format(
      "{}: the landing file changed while it was copied to raw ({} bytes before, {} copied, {} "
      "now); run again once it is complete",
      uri, before.size, copied, after ? after->size : 0));
}

// Streams `source` into the staged file `name`.
Status StreamCopy(const std::string& uri, const storage::ObjectInfo& info, PartitionWriter* writer,
                  const std::string& name) {
  ASSIGN_OR_RETURN(const std::unique_ptr<RandomAccessFile> source, storage::OpenForRead(uri));
  ASSIGN_OR_RETURN(OutputStream * sink, writer->CreateFile(name));
  ASSIGN_OR_RETURN(const int64_t copied,
                   CopyAll(*source, sink, static_cast<int64_t>(kRawCopyBufferBytes)));
  ASSIGN_OR_RETURN(const std::optional<storage::ObjectInfo> after, storage::HeadObject(uri));
  if (copied != info.size || !after || after->size != info.size ||
      after->mtime_ns != info.mtime_ns || after->etag != info.etag) {
    return ChangedWhileCopied(uri, info, after, copied);
  }
  return Status::OK();
}

Result<RawFileResult> IngestOne(const LakeLock& lock, const pipeline::LandingFile& file,
                                Date date) {
  const std::string_view table = TableName(file.table);
  RawFileResult result;
  result.table = file.table;
  result.landing_name = file.name;
  result.raw_path =
      fmt::format("{}/{}", PartitionDir(lock.root(), kRawLayer, table, date), file.name);

  ASSIGN_OR_RETURN(const std::optional<storage::ObjectInfo> info, storage::HeadObject(file.path));
  if (!info) return Status::NotFound(fmt::format("{}: the landing file is gone", file.path));
  ASSIGN_OR_RETURN(const std::optional<PartitionManifest> committed,
                   ReadManifest(lock.root(), kRawLayer, table, date));
  if (AlreadyIngested(committed, file, *info)) {
    result.bytes = committed->files.front().bytes;
    result.sha256 = committed->files.front().sha256;
    result.unchanged = true;
    return result;
  }

  ASSIGN_OR_RETURN(const std::unique_ptr<PartitionWriter> writer,
                   PartitionWriter::Begin(lock, std::string(kRawLayer), std::string(table), date));
  // Landing and lake in the same S3 service: copied server-side, pinned to the ETag seen.
  ASSIGN_OR_RETURN(const bool copied, writer->CopyFileFrom(file.name, file.path, *info));
  if (copied) {
    result.server_side_copy = true;
  } else {
    RETURN_NOT_OK(StreamCopy(file.path, *info, writer.get(), file.name));
    RETURN_NOT_OK(writer->CloseFile(file.name, std::nullopt));
  }
  writer->set_source_file(file.name);
  writer->set_property(std::string(kLandingBytesProperty), std::to_string(info->size));
  writer->set_property(std::string(kLandingMtimeProperty), std::to_string(info->mtime_ns));
  if (!info->etag.empty()) writer->set_property(std::string(kLandingEtagProperty), info->etag);
  if (file.undated) writer->set_property(std::string(kLandingUndatedProperty), "true");
  RETURN_NOT_OK(writer->Commit());
  const FileEntry& entry = writer->manifest().files.front();
  result.bytes = entry.bytes;
  result.sha256 = entry.sha256;
  return result;
}

}  // namespace

Result<pipeline::LandingInventory> ScanLandingAt(const std::string& uri, Date date) {
  if (!storage::IsS3Uri(uri)) return pipeline::ScanLanding(uri, date);
  ASSIGN_OR_RETURN(const storage::ObjectRef ref, storage::Resolve(uri));
  ASSIGN_OR_RETURN(const std::vector<storage::ObjectInfo> objects, ref.store->List(ref.key));
  const std::string prefix = ref.key.empty() ? std::string() : ref.key + "/";
  std::vector<pipeline::LandingEntry> entries;
  std::set<std::string> folders;
  for (const storage::ObjectInfo& object : objects) {
    const std::string_view rest = std::string_view(object.key).substr(prefix.size());
    const size_t slash = rest.find('/');
    if (slash != std::string_view::npos) {
      // Below a "folder": listed once, as not a file.
      if (folders.insert(std::string(rest.substr(0, slash))).second) {
        entries.push_back(pipeline::LandingEntry{std::string(rest.substr(0, slash)),
                                                 ref.store->Uri(object.key), false, 0, 0, ""});
      }
      continue;
    }
    entries.push_back(pipeline::LandingEntry{std::string(rest), ref.store->Uri(object.key), true,
                                             object.size, object.mtime_ns, object.etag});
  }
  return pipeline::ClassifyLanding(entries, date);
}

Result<std::vector<RawFileResult>> IngestRaw(const LakeLock& lock,
                                             const pipeline::LandingInventory& inventory,
                                             Date date) {
  std::vector<RawFileResult> results;
  for (const pipeline::LandingFile& file : inventory.taken) {
    ASSIGN_OR_RETURN(RawFileResult result, IngestOne(lock, file, date));
    results.push_back(std::move(result));
  }
  return results;
}

}  // namespace streampro::lake
