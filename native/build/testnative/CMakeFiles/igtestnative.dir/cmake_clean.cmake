file(REMOVE_RECURSE
  "/work/main/artifacts/native/libigtestnative.pdb"
  "/work/main/artifacts/native/libigtestnative.so"
  "CMakeFiles/igtestnative.dir/igtestnative.c.o"
  "CMakeFiles/igtestnative.dir/igtestnative.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/igtestnative.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
