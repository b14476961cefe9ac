"""Documents to chunks: loading files, cutting them into chunks, and the chunk profiles built on them."""
