// libFuzzer target for the XML scanner that reads S3's responses (ListObjectsV2, errors,
// multipart and copy results) — bytes from the network. Every element found must lie
// inside the input, decoding must never crash, and escaping then decoding any decoded text
// must give it back. Any violation aborts.

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "storage/s3/xml.h"

namespace {

namespace xml = streampro::s3::xml;

void Check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string document(reinterpret_cast<const char*>(data), size);
  const std::string_view view(document);
  for (const char* name :
       {"Contents", "Key", "Size", "ETag", "LastModified", "CommonPrefixes", "Prefix",
        "IsTruncated", "NextContinuationToken", "UploadId", "Code", "Message", "Error"}) {
    for (const std::string_view element : xml::Elements(view, name)) {
      Check(element.data() >= view.data() &&
            element.data() + element.size() <= view.data() + view.size());
      const auto text = xml::Unescape(element);
      if (text.ok()) {
        const auto again = xml::Unescape(xml::Escape(*text));
        Check(again.ok() && *again == *text);
      }
    }
    const auto first = xml::FirstText(view, name);
    (void)first;
  }
  return 0;
}
