# Empty dependencies file for bench_alloc.
# This may be replaced when dependencies are built.
