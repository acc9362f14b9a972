// ObjectUploadStream: one PUT for a small object, a multipart upload with parts sent on
// background threads for a large one.

#include <fmt/format.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "storage/s3/s3_client.h"

namespace streampro::s3 {

namespace {
constexpr int kMaxParts = 10000;  // S3's limit per upload
}  // namespace

struct ObjectUploadStream::Impl {
  std::shared_ptr<S3Client> client;
  std::string bucket;
  std::string key;
  int64_t part_size = 0;
  int parallelism = 1;

  // Owned by the writing thread.
  std::string buffer;  // the part being filled
  int64_t position = 0;
  int parts_started = 0;
  std::string upload_id;  // empty until the first part is handed off
  bool closed = false;
  bool completed = false;
  Status failure;  // the first error the writer saw; every later call returns it

  // Shared with the part uploaders, under `mutex`.
  struct Part {
    int number;
    std::string bytes;
  };
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<Part> queue;
  int parts_pending = 0;  // queued or being uploaded
  bool stopping = false;
  Status part_error;
  std::vector<std::string> etags;  // by part number - 1
  std::vector<std::thread> uploaders;

  ~Impl() {
    StopUploaders(/*drop_queued=*/true);
    if (!upload_id.empty() && !completed) {
      // Best effort: a failure here leaves an incomplete upload stored (until a lifecycle rule
      // or an operator aborts it), but still nothing visible under the key.
      (void)client->AbortMultipartUpload(bucket, key, upload_id);
    }
  }

  std::string Uri() const { return S3Client::Uri(bucket, key); }

  void UploadLoop() {
    std::unique_lock<std::mutex> lock(mutex);
    while (true) {
      changed.wait(lock, [&] { return stopping || !queue.empty(); });
      if (queue.empty()) return;
      Part part = std::move(queue.front());
      queue.pop_front();
      const bool give_up = !part_error.ok();  // the upload is lost anyway
      lock.unlock();
      Result<std::string> etag = Status::IOError("not sent after an earlier part failed");
      if (!give_up) etag = client->UploadPart(bucket, key, upload_id, part.number, part.bytes);
      part.bytes = std::string();  // memory back before the slot is
      lock.lock();
      if (etag.ok()) {
        etags[static_cast<size_t>(part.number - 1)] = std::move(etag).value();
      } else if (part_error.ok()) {
        part_error = etag.status();
      }
      --parts_pending;
      changed.notify_all();
    }
  }

  void StopUploaders(bool drop_queued) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (drop_queued) {
        parts_pending -= static_cast<int>(queue.size());
        queue.clear();
      }
      stopping = true;
    }
    changed.notify_all();
    for (std::thread& uploader : uploaders) uploader.join();
    uploaders.clear();
  }

  // Hands the full buffer to the uploaders, starting the multipart upload on the first part.
  // Blocks while `parallelism` parts are in flight.
  Status HandOff() {
    if (upload_id.empty()) {
      ASSIGN_OR_RETURN(upload_id, client->CreateMultipartUpload(bucket, key));
      uploaders.reserve(static_cast<size_t>(parallelism));
      for (int i = 0; i < parallelism; ++i) uploaders.emplace_back([this] { UploadLoop(); });
    }
    if (parts_started == kMaxParts) {
      return Status::IOError(fmt::format("{}: object needs more than {} parts of {} bytes", Uri(),
                                         kMaxParts, part_size));
    }
    {
      std::unique_lock<std::mutex> lock(mutex);
      changed.wait(lock, [&] { return parts_pending < parallelism || !part_error.ok(); });
      if (!part_error.ok()) return part_error;
      ++parts_started;
      etags.emplace_back();
      queue.push_back(Part{parts_started, std::move(buffer)});
      ++parts_pending;
    }
    changed.notify_all();
    buffer = std::string();
    buffer.reserve(static_cast<size_t>(part_size));
    return Status::OK();
  }

  Status PartError() {
    std::lock_guard<std::mutex> lock(mutex);
    return part_error;
  }

  Status Write(std::string_view bytes) {
    if (closed) return Status::IOError(fmt::format("{}: write after Close", Uri()));
    if (!failure.ok()) return failure;
    if (!upload_id.empty()) failure = PartError();
    if (!failure.ok()) return failure;
    while (!bytes.empty()) {
      // A full part waits for the next byte, so an object of exactly one part is one PUT.
      if (std::ssize(buffer) == part_size) {
        failure = HandOff();
        if (!failure.ok()) return failure;
      }
      const size_t room = static_cast<size_t>(part_size) - buffer.size();
      const size_t taken = std::min(room, bytes.size());
      if (buffer.size() + taken > buffer.capacity()) {
        // Grow by doubling but never past one part: a part's memory is part_size, no more.
        buffer.reserve(std::min(static_cast<size_t>(part_size),
                                std::max(buffer.capacity() * 2, buffer.size() + taken)));
      }
      buffer.append(bytes.substr(0, taken));
      bytes.remove_prefix(taken);
      position += static_cast<int64_t>(taken);
    }
    return Status::OK();
  }

  Status Close() {
    if (closed) return failure;  // a second Close reports what the first one did
    closed = true;
    if (!failure.ok()) return failure;
    if (upload_id.empty()) {
      Result<bool> put = client->PutObject(bucket, key, buffer);
      buffer = std::string();
      failure = put.status();
      return failure;
    }
    if (!buffer.empty()) failure = HandOff();
    // Every part sent (or given up) before the outcome is known.
    StopUploaders(/*drop_queued=*/!failure.ok());
    if (failure.ok()) failure = part_error;
    if (failure.ok()) failure = client->CompleteMultipartUpload(bucket, key, upload_id, etags);
    if (failure.ok()) {
      completed = true;
      return failure;
    }
    (void)client->AbortMultipartUpload(bucket, key, upload_id);
    upload_id.clear();
    return failure;
  }
};

ObjectUploadStream::ObjectUploadStream(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ObjectUploadStream::~ObjectUploadStream() = default;

Result<std::unique_ptr<ObjectUploadStream>> ObjectUploadStream::Open(
    std::shared_ptr<S3Client> client, std::string bucket, std::string key) {
  if (client == nullptr) return Status::InvalidArgument("ObjectUploadStream needs a client");
  if (bucket.empty() || key.empty()) {
    return Status::InvalidArgument(
        fmt::format("{}: an upload needs a bucket and a key", S3Client::Uri(bucket, key)));
  }
  auto impl = std::make_unique<Impl>();
  impl->part_size = client->options().part_size;
  impl->parallelism = client->options().upload_parallelism;
  impl->client = std::move(client);
  impl->bucket = std::move(bucket);
  impl->key = std::move(key);
  return std::unique_ptr<ObjectUploadStream>(new ObjectUploadStream(std::move(impl)));
}

Status ObjectUploadStream::Write(std::string_view bytes) {
  return impl_->Write(bytes);
}
int64_t ObjectUploadStream::position() const {
  return impl_->position;
}
Status ObjectUploadStream::Close() {
  return impl_->Close();
}
int ObjectUploadStream::parts() const {
  return impl_->parts_started;
}

}  // namespace streampro::s3
