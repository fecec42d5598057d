localray_test(lambda_model_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/model/function_test.cpp ${CMAKE_CURRENT_LIST_DIR}/model/event_source_mappings_test.cpp
  LIBS localray_lambda_model)
