# Empty dependencies file for bench_guarded.
# This may be replaced when dependencies are built.
