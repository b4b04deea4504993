"""One module per analysis; each notebook reads side by side with its module."""
