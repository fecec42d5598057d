localray_test(functions_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/aws_clients_test.cpp LIBS localray_functions)
localray_test(functions_runtime_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/runtime/runtime_api_test.cpp ${CMAKE_CURRENT_LIST_DIR}/runtime/process_test.cpp LIBS localray_runtime)
