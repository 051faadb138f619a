# Empty dependencies file for interopguard.
# This may be replaced when dependencies are built.
