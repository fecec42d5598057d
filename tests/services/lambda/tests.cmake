localray_test(lambda_model_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/model/function_test.cpp LIBS localray_lambda_model)
