file(REMOVE_RECURSE
  "CMakeFiles/wrong_program.dir/wrong_program.c.o"
  "CMakeFiles/wrong_program.dir/wrong_program.c.o.d"
  "wrong_program"
  "wrong_program.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/wrong_program.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
