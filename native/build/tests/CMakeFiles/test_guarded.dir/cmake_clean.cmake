file(REMOVE_RECURSE
  "CMakeFiles/test_guarded.dir/test_guarded.c.o"
  "CMakeFiles/test_guarded.dir/test_guarded.c.o.d"
  "test_guarded"
  "test_guarded.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_guarded.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
