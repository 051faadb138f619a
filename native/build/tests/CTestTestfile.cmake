# CMake generated Testfile for 
# Source directory: /work/main/native/tests
# Build directory: /work/main/native/build/tests
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
add_test(test_alloc "/work/main/native/build/tests/test_alloc")
set_tests_properties(test_alloc PROPERTIES  ENVIRONMENT "INTEROPGUARD_OPTIONS=" TIMEOUT "60" _BACKTRACE_TRIPLES "/work/main/native/tests/CMakeLists.txt;12;add_test;/work/main/native/tests/CMakeLists.txt;0;")
add_test(test_table "/work/main/native/build/tests/test_table")
set_tests_properties(test_table PROPERTIES  ENVIRONMENT "INTEROPGUARD_OPTIONS=" TIMEOUT "60" _BACKTRACE_TRIPLES "/work/main/native/tests/CMakeLists.txt;12;add_test;/work/main/native/tests/CMakeLists.txt;0;")
add_test(test_options "/work/main/native/build/tests/test_options")
set_tests_properties(test_options PROPERTIES  ENVIRONMENT "INTEROPGUARD_OPTIONS=" TIMEOUT "60" _BACKTRACE_TRIPLES "/work/main/native/tests/CMakeLists.txt;12;add_test;/work/main/native/tests/CMakeLists.txt;0;")
add_test(test_report "/work/main/native/build/tests/test_report")
set_tests_properties(test_report PROPERTIES  ENVIRONMENT "INTEROPGUARD_OPTIONS=" TIMEOUT "60" _BACKTRACE_TRIPLES "/work/main/native/tests/CMakeLists.txt;12;add_test;/work/main/native/tests/CMakeLists.txt;0;")
add_test(test_stress "/work/main/native/build/tests/test_stress")
set_tests_properties(test_stress PROPERTIES  ENVIRONMENT "INTEROPGUARD_OPTIONS=" TIMEOUT "60" _BACKTRACE_TRIPLES "/work/main/native/tests/CMakeLists.txt;12;add_test;/work/main/native/tests/CMakeLists.txt;0;")
add_test(test_ptracer "/work/main/native/build/tests/test_ptracer")
set_tests_properties(test_ptracer PROPERTIES  ENVIRONMENT "INTEROPGUARD_OPTIONS=" TIMEOUT "60" _BACKTRACE_TRIPLES "/work/main/native/tests/CMakeLists.txt;12;add_test;/work/main/native/tests/CMakeLists.txt;0;")
add_test(test_guarded "/work/main/native/build/tests/test_guarded")
set_tests_properties(test_guarded PROPERTIES  ENVIRONMENT "INTEROPGUARD_OPTIONS=" TIMEOUT "60" _BACKTRACE_TRIPLES "/work/main/native/tests/CMakeLists.txt;12;add_test;/work/main/native/tests/CMakeLists.txt;0;")
add_test(test_stress_q0 "/work/main/native/build/tests/test_stress" "quarantine_mb=0:release_history=0")
set_tests_properties(test_stress_q0 PROPERTIES  ENVIRONMENT "INTEROPGUARD_OPTIONS=" TIMEOUT "60" _BACKTRACE_TRIPLES "/work/main/native/tests/CMakeLists.txt;17;add_test;/work/main/native/tests/CMakeLists.txt;0;")
add_test(wrong_program "/work/main/native/build/tests/wrong_program")
set_tests_properties(wrong_program PROPERTIES  ENVIRONMENT "INTEROPGUARD_OPTIONS=" PASS_REGULAR_EXPRESSION "ERROR: InteropGuard: double-free on address 0x[0-9a-f]+ \\[IG0003\\]
free of 0x[0-9a-f]+ \\(24-byte native buffer \\[0x[0-9a-f]+, 0x[0-9a-f]+\\)\\) that was already freed\\.
Buffer freed by:
  #0 make_and_drop  wrong_program\\.c:[0-9]+
Buffer allocated by:
  #0 make_and_drop  wrong_program\\.c:[0-9]+
HINT: .*
HINT: to turn this check off set INTEROPGUARD_OPTIONS=detect_double_free=0
SUMMARY: InteropGuard: double-free wrong_program\\.c:[0-9]+ in drop_again
.*ERROR: InteropGuard: native-buffer-overflow on address 0x[0-9a-f]+ \\[IG0002\\]
redzone of the 10-byte native buffer \\[0x[0-9a-f]+, 0x[0-9a-f]+\\) was overwritten 0 bytes past the end\\.
.*SUMMARY: InteropGuard: native-buffer-overflow wrong_program\\.c:[0-9]+ in overflow
.*ERROR: InteropGuard: native-use-after-free on address 0x[0-9a-f]+ \\[IG0001\\]
access of 8 bytes at 0x[0-9a-f]+, 16 bytes inside of 64-byte native buffer \\[0x[0-9a-f]+, 0x[0-9a-f]+\\) that was freed\\.
Buffer freed by:
.*SUMMARY: InteropGuard: native-use-after-free wrong_program\\.c:[0-9]+ in use_after_free
" _BACKTRACE_TRIPLES "/work/main/native/tests/CMakeLists.txt;21;add_test;/work/main/native/tests/CMakeLists.txt;0;")
