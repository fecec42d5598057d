localray_test(tracing_otlp_test
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/json_codec_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/protobuf_codec_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/xray_mapping_test.cpp
  LIBS localray_otlp)
