file(REMOVE_RECURSE
  "CMakeFiles/test_ptracer.dir/test_ptracer.c.o"
  "CMakeFiles/test_ptracer.dir/test_ptracer.c.o.d"
  "test_ptracer"
  "test_ptracer.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_ptracer.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
