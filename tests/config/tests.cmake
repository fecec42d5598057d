localray_test(config_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/topology_test.cpp LIBS localray_config)
