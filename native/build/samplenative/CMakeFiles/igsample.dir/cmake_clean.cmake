file(REMOVE_RECURSE
  "/work/main/artifacts/native/libigsample.pdb"
  "/work/main/artifacts/native/libigsample.so"
  "CMakeFiles/igsample.dir/igsample.c.o"
  "CMakeFiles/igsample.dir/igsample.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/igsample.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
