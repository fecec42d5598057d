localray_test(dynamodb_model_test
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/model/number_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/model/attribute_value_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/model/table_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/model/table_read_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/model/backend_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/model/expression/update_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/model/expression/condition_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/model/expression/expressions_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/model/partiql_test.cpp
  LIBS localray_dynamodb_model)

localray_test(dynamodb_protocol_test
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/protocol/attribute_value_json_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/protocol/legacy_parameters_test.cpp
  LIBS localray_dynamodb_protocol)

localray_test(dynamodb_dispatch_test
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/protocol/dispatch_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/protocol/table_operations_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/protocol/item_operations_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/protocol/legacy_operations_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/protocol/read_operations_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/protocol/batch_operations_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/protocol/tag_operations_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/protocol/table_lifecycle_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/protocol/transaction_operations_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/protocol/partiql_operations_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/protocol/streams_test.cpp
  LIBS localray_dynamodb_protocol)
