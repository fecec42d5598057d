localray_test(tracing_filter_test
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/lexer_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/parser_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/evaluator_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/pushdown_test.cpp
  LIBS localray_tracing)
