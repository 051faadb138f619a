file(REMOVE_RECURSE
  "/work/main/artifacts/native/libinteropguard.pdb"
  "/work/main/artifacts/native/libinteropguard.so"
  "CMakeFiles/interopguard.dir/src/ig_alloc.c.o"
  "CMakeFiles/interopguard.dir/src/ig_alloc.c.o.d"
  "CMakeFiles/interopguard.dir/src/ig_guarded.c.o"
  "CMakeFiles/interopguard.dir/src/ig_guarded.c.o.d"
  "CMakeFiles/interopguard.dir/src/ig_index.c.o"
  "CMakeFiles/interopguard.dir/src/ig_index.c.o.d"
  "CMakeFiles/interopguard.dir/src/ig_options.c.o"
  "CMakeFiles/interopguard.dir/src/ig_options.c.o.d"
  "CMakeFiles/interopguard.dir/src/ig_os.c.o"
  "CMakeFiles/interopguard.dir/src/ig_os.c.o.d"
  "CMakeFiles/interopguard.dir/src/ig_quarantine.c.o"
  "CMakeFiles/interopguard.dir/src/ig_quarantine.c.o.d"
  "CMakeFiles/interopguard.dir/src/ig_report.c.o"
  "CMakeFiles/interopguard.dir/src/ig_report.c.o.d"
  "CMakeFiles/interopguard.dir/src/ig_site.c.o"
  "CMakeFiles/interopguard.dir/src/ig_site.c.o.d"
  "CMakeFiles/interopguard.dir/src/ig_table.c.o"
  "CMakeFiles/interopguard.dir/src/ig_table.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/interopguard.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
