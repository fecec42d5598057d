localray_test(cloudformation_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/template_document_test.cpp ${CMAKE_CURRENT_LIST_DIR}/intrinsics_test.cpp
          ${CMAKE_CURRENT_LIST_DIR}/stack_compiler_test.cpp ${CMAKE_CURRENT_LIST_DIR}/sam_transform_test.cpp
          ${CMAKE_CURRENT_LIST_DIR}/cloud_assembly_test.cpp
  LIBS localray_cloudformation)
