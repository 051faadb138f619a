# Empty dependencies file for igtestnative.
# This may be replaced when dependencies are built.
