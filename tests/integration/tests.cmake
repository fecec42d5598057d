add_library(localray_test_process STATIC ${CMAKE_CURRENT_LIST_DIR}/localray_process.cpp ${CMAKE_CURRENT_LIST_DIR}/nodejs_pattern.cpp)
target_link_libraries(localray_test_process PUBLIC nlohmann_json::nlohmann_json Boost::headers Threads::Threads)
target_compile_definitions(localray_test_process PRIVATE LOCALRAY_BINARY_PATH="$<TARGET_FILE:localray>" LOCALRAY_SOURCE_DIR="${PROJECT_SOURCE_DIR}")

localray_test(integration_test WHOLE
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/pattern_test.cpp ${CMAKE_CURRENT_LIST_DIR}/restart_test.cpp ${CMAKE_CURRENT_LIST_DIR}/console_test.cpp ${CMAKE_CURRENT_LIST_DIR}/sampling_test.cpp ${CMAKE_CURRENT_LIST_DIR}/api_routes_test.cpp
  LIBS localray_test_process)
add_dependencies(integration_test localray)

# Malformed and hostile requests to every endpoint.
localray_test(hostile_input_test WHOLE
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/hostile_input_test.cpp
  LIBS localray_test_process)
add_dependencies(hostile_input_test localray)

# kill -9 under load, and what the store holds afterwards.
localray_test(durability_test WHOLE
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/durability_test.cpp
  LIBS localray_test_process SQLite::SQLite3)
add_dependencies(durability_test localray)
target_compile_definitions(durability_test PRIVATE LOCALRAY_SOURCE_DIR="${PROJECT_SOURCE_DIR}")

# The user's own functions in worker processes (Node.js, Python, a custom runtime).
localray_test(user_functions_test WHOLE
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/user_functions_test.cpp
  LIBS localray_test_process localray_http)
add_dependencies(user_functions_test localray)

# The user's functions calling AWS through the runtimes' SDKs and the X-Ray SDK.
localray_test(user_functions_sdk_test WHOLE
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/user_functions_sdk_test.cpp
  LIBS localray_test_process)
target_compile_definitions(user_functions_sdk_test PRIVATE LOCALRAY_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
add_dependencies(user_functions_sdk_test localray)

# config/xray-tracer-nodejs.json: the pattern with its functions as Node.js handlers.
localray_test(node_pattern_test WHOLE
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/node_pattern_test.cpp
  LIBS localray_test_process)
target_compile_definitions(node_pattern_test PRIVATE LOCALRAY_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
add_dependencies(node_pattern_test localray)

# CloudFormation, SAM and CDK apps loaded with --template / --cdk-out.
localray_test(templates_test WHOLE
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/templates_test.cpp
  LIBS localray_test_process)
add_dependencies(templates_test localray)

# The seed's app as a CDK app, synthesized by the cdk CLI and loaded with --cdk-out.
localray_test(cdk_app_test WHOLE
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/cdk_app_test.cpp
  LIBS localray_test_process)
target_compile_definitions(cdk_app_test PRIVATE LOCALRAY_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
add_dependencies(cdk_app_test localray)
