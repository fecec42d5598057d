# Compatibility tests: real AWS clients against the real binary. The JavaScript clients come from
# tests/compat/package-lock.json (scripts/test.sh runs npm ci), the Python and CLI ones from Debian.
find_program(LOCALRAY_NODE node)
set(LOCALRAY_COMPAT_ENV "LOCALRAY_BINARY=$<TARGET_FILE:localray>")
if(LOCALRAY_NODE)
  foreach(suite IN ITEMS js_v3 js_v2 xray_sdk xray_sdk_sampling otel sns_http sns_http_pacing sns_push_and_sms)
    add_test(NAME compat_${suite} COMMAND ${LOCALRAY_NODE} --test ${CMAKE_CURRENT_LIST_DIR}/${suite}.test.mjs)
    set_tests_properties(compat_${suite} PROPERTIES ENVIRONMENT "${LOCALRAY_COMPAT_ENV}" TIMEOUT 300)
  endforeach()
endif()
foreach(suite IN ITEMS sqs_sns sqs_fidelity sns_fidelity dynamodb lambda_xray regions user_functions delivery persist)
  add_test(NAME compat_boto3_${suite} COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/python/boto3_${suite}_test.py)
  set_tests_properties(compat_boto3_${suite} PROPERTIES ENVIRONMENT "${LOCALRAY_COMPAT_ENV}" TIMEOUT 300)
endforeach()
add_test(NAME compat_awscli COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/awscli_test.sh)
set_tests_properties(compat_awscli PROPERTIES ENVIRONMENT "${LOCALRAY_COMPAT_ENV}")
# About a hundred CLI calls of ~1 s of Python start-up each (two minutes on an idle machine).
set_tests_properties(compat_awscli PROPERTIES TIMEOUT 600)

# The CloudFormation API as `aws cloudformation deploy` and the other stack commands drive it.
add_test(NAME compat_awscli_cloudformation COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/awscli_cloudformation_test.sh)
set_tests_properties(compat_awscli_cloudformation PROPERTIES ENVIRONMENT "${LOCALRAY_COMPAT_ENV}" TIMEOUT 300)
