// streampro: the command line (run_cli.cpp), with the real stores and no test seams.

#include <malloc.h>

#include <exception>

#include "cli.h"

int main(int argc, char** argv) {
  // The stages allocate and free buffers of 1 to 32 MiB all the time (chunks of text,
  // column buffers, spill frames). By default glibc serves many of them with fresh mmap()
  // regions and gives freed heap tops back to the kernel, so the same memory is faulted
  // in and zeroed again and again (at 10M events about 600k page faults, 2.3 GB). Keeping
  // such blocks in the heap and never trimming it lets freed buffers be reused: about a
  // third of the faults and a few seconds of system CPU (docs/benchmarks.md). The peak RSS
  // stays the high-water mark it was.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  return streampro::cli::RunCli(argc, argv, streampro::cli::CliEnvironment{});
}
