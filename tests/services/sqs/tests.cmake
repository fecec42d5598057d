localray_test(sqs_model_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/model/queue_test.cpp ${CMAKE_CURRENT_LIST_DIR}/model/backend_test.cpp
  LIBS localray_sqs_model)
