localray_test(tracing_queries_test
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/trace_summary_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/service_graph_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/graph_tally_test.cpp
  LIBS localray_tracing)
