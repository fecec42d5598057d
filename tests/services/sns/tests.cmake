localray_test(sns_model_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/model/backend_test.cpp ${CMAKE_CURRENT_LIST_DIR}/model/delivery_retries_test.cpp ${CMAKE_CURRENT_LIST_DIR}/model/filter_policy_test.cpp
              ${CMAKE_CURRENT_LIST_DIR}/model/delivery_policy_test.cpp
              LIBS localray_sns_model localray_codecs)
localray_test(sns_protocol_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/protocol/dispatch_test.cpp ${CMAKE_CURRENT_LIST_DIR}/protocol/topic_operations_test.cpp
              ${CMAKE_CURRENT_LIST_DIR}/protocol/subscription_operations_test.cpp ${CMAKE_CURRENT_LIST_DIR}/protocol/publish_operations_test.cpp
              ${CMAKE_CURRENT_LIST_DIR}/protocol/codec_test.cpp ${CMAKE_CURRENT_LIST_DIR}/protocol/topic_admin_operations_test.cpp
              ${CMAKE_CURRENT_LIST_DIR}/protocol/platform_operations_test.cpp ${CMAKE_CURRENT_LIST_DIR}/protocol/sms_operations_test.cpp
              LIBS localray_sns_protocol)
