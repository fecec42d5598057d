localray_test(sqs_model_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/model/queue_test.cpp ${CMAKE_CURRENT_LIST_DIR}/model/backend_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/model/fifo_queue_test.cpp
  LIBS localray_sqs_model)
localray_test(sqs_protocol_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/protocol/json_protocol_test.cpp ${CMAKE_CURRENT_LIST_DIR}/protocol/query_protocol_test.cpp
  LIBS localray_sqs_protocol)
