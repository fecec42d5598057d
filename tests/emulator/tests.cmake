find_package(OpenSSL REQUIRED)  # the SNS message test verifies signatures as a client would
localray_test(emulator_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/options_test.cpp ${CMAKE_CURRENT_LIST_DIR}/event_shapes_test.cpp ${CMAKE_CURRENT_LIST_DIR}/service_routing_test.cpp ${CMAKE_CURRENT_LIST_DIR}/cors_test.cpp ${CMAKE_CURRENT_LIST_DIR}/dynamodb_stream_source_test.cpp
          ${CMAKE_CURRENT_LIST_DIR}/topology_delta_test.cpp ${CMAKE_CURRENT_LIST_DIR}/request_metrics_test.cpp
          ${CMAKE_CURRENT_LIST_DIR}/sns_redelivery_test.cpp ${CMAKE_CURRENT_LIST_DIR}/request_log_test.cpp
          ${CMAKE_CURRENT_LIST_DIR}/sns_http_messages_test.cpp
  LIBS localray_emulator OpenSSL::Crypto)
