# Empty dependencies file for wrong_program.
# This may be replaced when dependencies are built.
