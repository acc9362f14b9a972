// libFuzzer target for the JSONL events reader. The first byte picks the chunk size, the
// thread count and whether referential checks run; the rest is the file. Every input must
// give counters that add up, valid batches, and the same output whatever the chunking.
// Any violation aborts.

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "formats/jsonl/event_reader.h"

namespace {

namespace jsonl = streampro::formats::jsonl;
using streampro::formats::KeySet;

void Check(bool condition) {
  if (!condition) std::abort();
}

std::shared_ptr<const KeySet> Keys(std::initializer_list<const char*> keys) {
  auto set = std::make_shared<KeySet>();
  for (const char* key : keys) set->Insert(key);
  return set;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t control = data[0];
  static constexpr int64_t kChunkBytes[] = {1, 3, 7, 16, 64, 256, 4096, 1 << 20};
  auto file = streampro::MakeBufferFile(
      "fuzz.jsonl", std::string(reinterpret_cast<const char*>(data + 1), size - 1));

  jsonl::EventReadOptions options;
  options.chunking.chunk_bytes = kChunkBytes[control & 0x7];
  options.chunking.threads = (control & 0x8) != 0 ? 2 : 1;
  if ((control & 0x10) != 0) {
    options.known_users = Keys({"u1", "u2", ""});
    options.known_videos = Keys({"v1", "v2"});
  }
  options.drop_duplicates = (control & 0x20) == 0;
  auto result = jsonl::ReadAllEvents(*file, options);

  jsonl::EventReadOptions whole = options;
  whole.chunking.chunk_bytes = 1 << 24;
  whole.chunking.threads = 1;
  auto reference = jsonl::ReadAllEvents(*file, whole);

  Check(result.ok() && reference.ok());
  Check(result->counters.CheckInvariant("fuzz input").ok());
  Check(result->kept.num_rows() == result->counters.rows_kept);
  Check(result->rejects.num_rows() == result->counters.rows_rejected);
  Check(result->kept.Validate().ok());
  Check(result->rejects.batch().Validate().ok());
  Check(result->counters == reference->counters);
  Check(result->kept.Equals(reference->kept));
  Check(result->rejects.batch().Equals(reference->rejects.batch()));
  return 0;
}
