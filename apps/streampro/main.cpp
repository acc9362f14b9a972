// streampro: the command line (run_cli.cpp), with the real stores and no test seams.

#include <malloc.h>

#include <exception>

#include "cli.h"

int main(int argc, char** argv) {
  // The stages allocate and free buffers of 1 to 32 MiB all the time (chunks of text,
  // column buffers, spill frames). By default glibc serves many of them with fresh mmap()
  // regions and gives freed heap tops back to the kernel, so the same memory is faulted
  // in and zeroed again and again: to-trusted of 10M events took 777k page faults (3 GB).
  // Serving blocks up to 32 MiB from the heap and trimming it only past 1 GiB free lets
  // freed buffers be reused: 192k faults, and a peak RSS about 10 % higher
  // (docs/benchmarks.md).
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  return streampro::cli::RunCli(argc, argv, streampro::cli::CliEnvironment{});
}
