file(REMOVE_RECURSE
  "CMakeFiles/bench_alloc.dir/bench_alloc.c.o"
  "CMakeFiles/bench_alloc.dir/bench_alloc.c.o.d"
  "bench_alloc"
  "bench_alloc.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/bench_alloc.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
