localray_test(functions_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/aws_clients_test.cpp LIBS localray_functions)
