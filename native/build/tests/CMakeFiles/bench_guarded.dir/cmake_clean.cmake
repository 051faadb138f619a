file(REMOVE_RECURSE
  "CMakeFiles/bench_guarded.dir/bench_guarded.c.o"
  "CMakeFiles/bench_guarded.dir/bench_guarded.c.o.d"
  "bench_guarded"
  "bench_guarded.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/bench_guarded.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
