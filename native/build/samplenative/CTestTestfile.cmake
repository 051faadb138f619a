# CMake generated Testfile for 
# Source directory: /work/main/tests/sample-native
# Build directory: /work/main/native/build/samplenative
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
