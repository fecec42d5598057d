localray_test(web_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/console_test.cpp ${CMAKE_CURRENT_LIST_DIR}/live_events_test.cpp
  LIBS localray_web)
