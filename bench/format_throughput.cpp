// Times one format operation on a real file so bench/formats.sh can put it beside DuckDB
// doing the same on the same file. Prints one line: `seconds=S rows=N`.
//
//   format_throughput jsonl EVENTS.jsonl [USERS.csv VIDEOS.csv]   JSONL -> columns (+ checks)
//   format_throughput csv FILE.csv users|videos|devices             CSV -> columns
//   format_throughput parquet-write EVENTS.jsonl OUT.parquet snappy|zstd|none
//   format_throughput parquet-read FILE.parquet                     all columns -> memory
//
// parquet-write parses the JSONL first, untimed, then times encoding and writing the kept
// events (the fsync of the finished file is not timed; DuckDB's COPY does not sync).

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "common/file.h"
#include "formats/csv/csv_reader.h"
#include "formats/jsonl/event_reader.h"
#include "streampro/parquet.h"

namespace streampro {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

Result<std::shared_ptr<const formats::KeySet>> LoadKeys(const std::string& path, Table table) {
  ASSIGN_OR_RETURN(auto file, OpenLocalFile(path));
  ASSIGN_OR_RETURN(auto dimension, formats::csv::ReadDimensionCsv(*file, table));
  return formats::KeySet::FromColumn(dimension.rows.column(0));
}

Status Jsonl(const std::vector<std::string>& args) {
  formats::jsonl::EventReadOptions options;
  if (args.size() >= 3) {
    ASSIGN_OR_RETURN(options.known_users, LoadKeys(args[1], Table::kUsers));
    ASSIGN_OR_RETURN(options.known_videos, LoadKeys(args[2], Table::kVideos));
  }
  ASSIGN_OR_RETURN(auto file, OpenLocalFile(args[0]));
  int64_t rows = 0;
  const auto start = Clock::now();
  ASSIGN_OR_RETURN(auto counters,
                   formats::jsonl::ReadEvents(*file, options, [&](formats::jsonl::EventChunk&& c) {
                     rows += c.kept.num_rows();
                     return Status::OK();
                   }));
  fmt::print("seconds={:.3f} rows={} rows_in={}\n", SecondsSince(start), rows, counters.rows_in);
  return Status::OK();
}

Status Csv(const std::vector<std::string>& args) {
  const auto table = TableFromName(args.size() > 1 ? args[1] : "");
  if (!table || *table == Table::kEvents) {
    return Status::InvalidArgument("csv needs a table: users, videos or devices");
  }
  ASSIGN_OR_RETURN(auto file, OpenLocalFile(args[0]));
  const auto start = Clock::now();
  ASSIGN_OR_RETURN(auto dimension, formats::csv::ReadDimensionCsv(*file, *table));
  fmt::print("seconds={:.3f} rows={}\n", SecondsSince(start), dimension.rows.num_rows());
  return Status::OK();
}

Status ParquetWrite(const std::vector<std::string>& args) {
  if (args.size() < 3) return Status::InvalidArgument("parquet-write needs JSONL OUT CODEC");
  parquet::WriterOptions options;
  if (args[2] == "zstd") {
    options.compression = parquet::Compression::kZstd;
  } else if (args[2] == "none") {
    options.compression = parquet::Compression::kUncompressed;
  } else if (args[2] != "snappy") {
    return Status::InvalidArgument(fmt::format("unknown codec '{}'", args[2]));
  }
  ASSIGN_OR_RETURN(auto file, OpenLocalFile(args[0]));
  ASSIGN_OR_RETURN(auto events, formats::jsonl::ReadAllEvents(*file, {}));
  ASSIGN_OR_RETURN(auto out, AtomicFileWriter::Open(args[1]));
  const auto start = Clock::now();
  ASSIGN_OR_RETURN(auto writer, parquet::FileWriter::Open(&out, events.kept.schema(), options));
  RETURN_NOT_OK(writer->WriteBatch(events.kept));
  RETURN_NOT_OK(writer->Close());
  const double seconds = SecondsSince(start);
  RETURN_NOT_OK(out.Commit());
  fmt::print("seconds={:.3f} rows={} column_bytes={}\n", seconds, writer->num_rows(),
             events.kept.ByteSize());
  return Status::OK();
}

Status ParquetRead(const std::vector<std::string>& args) {
  ASSIGN_OR_RETURN(auto opened, OpenLocalFile(args[0]));
  std::shared_ptr<RandomAccessFile> file = std::move(opened);
  const auto start = Clock::now();
  ASSIGN_OR_RETURN(auto reader, parquet::FileReader::Open(file));
  std::vector<int> columns;
  for (int i = 0; i < reader->schema()->num_fields(); ++i) columns.push_back(i);
  int64_t rows = 0;
  for (int g = 0; g < reader->num_row_groups(); ++g) {
    ASSIGN_OR_RETURN(auto batch, reader->ReadRowGroup(g, columns));
    rows += batch.num_rows();
  }
  fmt::print("seconds={:.3f} rows={}\n", SecondsSince(start), rows);
  return Status::OK();
}

}  // namespace
}  // namespace streampro

int main(int argc, char** argv) {
  using namespace streampro;
  if (argc < 3) {
    std::fprintf(stderr,
                 "usage: format_throughput jsonl|csv|parquet-write|parquet-read FILE ...\n");
    return 2;
  }
  const std::string mode = argv[1];
  const std::vector<std::string> args(argv + 2, argv + argc);
  Status status;
  if (mode == "jsonl") {
    status = Jsonl(args);
  } else if (mode == "csv") {
    status = Csv(args);
  } else if (mode == "parquet-write") {
    status = ParquetWrite(args);
  } else if (mode == "parquet-read") {
    status = ParquetRead(args);
  } else {
    status = Status::InvalidArgument(fmt::format("unknown mode '{}'", mode));
  }
  if (!status.ok()) {
    std::fprintf(stderr, "format_throughput: %s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}
