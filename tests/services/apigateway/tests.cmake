localray_test(apigateway_model_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/model/rest_api_test.cpp ${CMAKE_CURRENT_LIST_DIR}/model/velocity_test.cpp LIBS localray_apigateway_model)
localray_test(apigateway_protocol_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/protocol/lambda_proxy_test.cpp LIBS localray_apigateway_protocol)
