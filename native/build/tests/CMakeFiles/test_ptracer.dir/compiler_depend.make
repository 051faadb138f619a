# Empty compiler generated dependencies file for test_ptracer.
# This may be replaced when dependencies are built.
