# Benchmarks are built with the tests but run on purpose (see README "Benchmarks"), never by CTest.
add_executable(localray_store_bench ${CMAKE_CURRENT_LIST_DIR}/store_bench.cpp)
target_link_libraries(localray_store_bench PRIVATE localray_xray_model localray_tracing)
add_executable(localray_soak_bench ${CMAKE_CURRENT_LIST_DIR}/soak_bench.cpp)
target_link_libraries(localray_soak_bench PRIVATE localray_test_process)
add_dependencies(localray_soak_bench localray)
add_executable(localray_otlp_bench ${CMAKE_CURRENT_LIST_DIR}/otlp_ingest_bench.cpp)
target_link_libraries(localray_otlp_bench PRIVATE localray_test_process localray_otlp)
add_dependencies(localray_otlp_bench localray)
