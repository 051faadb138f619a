
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/native/src/ig_alloc.c" "CMakeFiles/interopguard.dir/src/ig_alloc.c.o" "gcc" "CMakeFiles/interopguard.dir/src/ig_alloc.c.o.d"
  "/work/main/native/src/ig_guarded.c" "CMakeFiles/interopguard.dir/src/ig_guarded.c.o" "gcc" "CMakeFiles/interopguard.dir/src/ig_guarded.c.o.d"
  "/work/main/native/src/ig_index.c" "CMakeFiles/interopguard.dir/src/ig_index.c.o" "gcc" "CMakeFiles/interopguard.dir/src/ig_index.c.o.d"
  "/work/main/native/src/ig_options.c" "CMakeFiles/interopguard.dir/src/ig_options.c.o" "gcc" "CMakeFiles/interopguard.dir/src/ig_options.c.o.d"
  "/work/main/native/src/ig_os.c" "CMakeFiles/interopguard.dir/src/ig_os.c.o" "gcc" "CMakeFiles/interopguard.dir/src/ig_os.c.o.d"
  "/work/main/native/src/ig_quarantine.c" "CMakeFiles/interopguard.dir/src/ig_quarantine.c.o" "gcc" "CMakeFiles/interopguard.dir/src/ig_quarantine.c.o.d"
  "/work/main/native/src/ig_report.c" "CMakeFiles/interopguard.dir/src/ig_report.c.o" "gcc" "CMakeFiles/interopguard.dir/src/ig_report.c.o.d"
  "/work/main/native/src/ig_site.c" "CMakeFiles/interopguard.dir/src/ig_site.c.o" "gcc" "CMakeFiles/interopguard.dir/src/ig_site.c.o.d"
  "/work/main/native/src/ig_table.c" "CMakeFiles/interopguard.dir/src/ig_table.c.o" "gcc" "CMakeFiles/interopguard.dir/src/ig_table.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
