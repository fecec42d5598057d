# Benchmarks are built with the tests but run on purpose (see README "Benchmarks"), never by CTest.
add_executable(localray_store_bench ${CMAKE_CURRENT_LIST_DIR}/store_bench.cpp)
target_link_libraries(localray_store_bench PRIVATE localray_xray_model localray_tracing localray_allocator)
add_executable(localray_soak_bench ${CMAKE_CURRENT_LIST_DIR}/soak_bench.cpp)
target_link_libraries(localray_soak_bench PRIVATE localray_test_process)
add_dependencies(localray_soak_bench localray)
add_executable(localray_otlp_bench ${CMAKE_CURRENT_LIST_DIR}/otlp_ingest_bench.cpp)
target_link_libraries(localray_otlp_bench PRIVATE localray_test_process localray_otlp)
add_dependencies(localray_otlp_bench localray)
# The ceiling every figure of tests/bench/suite.py is compared with.
add_executable(localray_hello_server ${CMAKE_CURRENT_LIST_DIR}/hello_server.cpp)
target_link_libraries(localray_hello_server PRIVATE Boost::headers Threads::Threads)

# The suite's quick mode keeps it from rotting: every measure must produce a figure, no request may
# fail and no segment may be lost; it asserts no time. RUN_SERIAL: it loads both cores.
add_test(NAME bench_suite_quick
         COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/suite.py --quick --localray $<TARGET_FILE:localray>
                 --hello $<TARGET_FILE:localray_hello_server> --store-bench $<TARGET_FILE:localray_store_bench>
                 --json ${CMAKE_BINARY_DIR}/bench/suite-quick.json)
set_tests_properties(bench_suite_quick PROPERTIES TIMEOUT 600 RUN_SERIAL TRUE)
