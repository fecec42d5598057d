# Browser test: the console at /_localray/ in Debian's Chromium, driven by playwright-core (from
# tests/browser/package-lock.json, installed by npm ci like tests/compat; no browser is downloaded),
# against the real binary. Screenshots (map.png, traces.png, timeline.png) land in
# browser-artifacts/ of the build tree; the output has one PAGE_LOAD line with the load times.
find_program(LOCALRAY_NODE node)
find_program(LOCALRAY_CHROMIUM chromium PATHS /usr/bin NO_DEFAULT_PATH)
if(LOCALRAY_NODE AND LOCALRAY_CHROMIUM)
  add_test(NAME browser_console
           COMMAND ${LOCALRAY_NODE} --test --test-reporter=spec ${CMAKE_CURRENT_LIST_DIR}/console.test.mjs)
  set_tests_properties(browser_console PROPERTIES
    ENVIRONMENT "LOCALRAY_BINARY=$<TARGET_FILE:localray>;LOCALRAY_ARTIFACTS=${CMAKE_BINARY_DIR}/browser-artifacts;LOCALRAY_CHROMIUM=${LOCALRAY_CHROMIUM}"
    TIMEOUT 300)
endif()
