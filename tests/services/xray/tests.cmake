localray_test(xray_protocol_test
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/protocol/query_json_test.cpp
  LIBS localray_xray_protocol)

localray_test(xray_model_test
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/model/groups_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/model/sampling_rules_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/model/backend_test.cpp
  LIBS localray_xray_model)
