localray_test(http_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/base64_test.cpp ${CMAKE_CURRENT_LIST_DIR}/server_test.cpp LIBS localray_http)
