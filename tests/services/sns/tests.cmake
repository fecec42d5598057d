localray_test(sns_model_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/model/topic_test.cpp LIBS localray_sns_model)
