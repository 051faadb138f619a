# Empty dependencies file for igsample.
# This may be replaced when dependencies are built.
