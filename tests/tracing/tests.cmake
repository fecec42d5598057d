localray_test(tracing_core_test
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/trace_header_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/segment_json_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/store_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/sampling_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/settings_store_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/state_journal_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/recent_traces_test.cpp
  LIBS localray_tracing)

localray_test(tracing_store_digest_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/store_digest_test.cpp
  LIBS localray_tracing)
