# Runs one libFuzzer program for SECONDS over a scratch copy of SEEDS (and CRASHES).
# Usage: cmake -DFUZZER=... -DSEEDS=... -DCRASHES=... -DWORK=... -DSECONDS=... -P run_fuzzer.cmake
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK}/corpus ${WORK}/artifacts)
file(GLOB inputs ${SEEDS}/* ${CRASHES}/*)
if(inputs)
  file(COPY ${inputs} DESTINATION ${WORK}/corpus)
endif()
execute_process(
  COMMAND ${FUZZER} -max_total_time=${SECONDS} -timeout=10 -rss_limit_mb=2048
          -print_final_stats=1 -artifact_prefix=${WORK}/artifacts/ ${WORK}/corpus
  RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "${FUZZER} failed (${result}); the input is in ${WORK}/artifacts. "
                      "Fix the bug and keep the input under fuzz/regressions/.")
endif()
