# Empty compiler generated dependencies file for test_guarded.
# This may be replaced when dependencies are built.
